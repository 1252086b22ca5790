"""Recognize the digit on a canvas: preprocess in Python, infer with the TF.js model.

The page's worker calls :func:`recognize` with the canvas's RGBA bytes and a JavaScript
function that runs the model; under CPython (tests) the same code takes a Python callable.
Only the conversions at that boundary differ, and they live here.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from typing import Any

from digits import preprocess
from digits.facts import LABELS


def _as_bytes(rgba: Any) -> bytes | bytearray | memoryview:
    """Accept bytes-likes and, under Pyodide, a JS Uint8Array / Uint8ClampedArray proxy."""
    to_bytes = getattr(rgba, "to_bytes", None)
    return to_bytes() if to_bytes is not None else rgba


def _infer(run_model: Callable[..., Any], pixels: list[float]) -> list[float]:
    """The model's probabilities for ``pixels``, as Python floats (float32 values, exactly).

    In the page, ``run_model`` is the worker's ``run`` (site/js/worker-common.js), whose
    ``input`` is the model's own Float32Array: the floats are copied into it in one step and
    ``run()`` reads them there, and its answer, a Float32Array, is read back as a float32
    memoryview. Making a new typed array with ``to_js`` on each call and reading the answer
    through ``bytes`` cost three times as much (0.39 ms against 0.13 ms a call, the model
    aside, measured in Chromium). Under CPython (tests, benchmarks) ``run_model`` is a Python
    callable: it takes the floats as an ``array('f')`` and returns a sequence.
    """
    values = array("f", pixels)
    model_input = getattr(run_model, "input", None)
    if model_input is None:
        return [float(value) for value in run_model(values)]
    model_input.assign(values)
    return run_model().to_py().tolist()


def recognize(
    rgba: Any,
    width: int,
    height: int,
    run_model: Callable[..., Any],
) -> dict[str, Any]:
    """Return what the page shows for this canvas.

    ``{"status": "empty", "message": ...}`` when there is nothing to recognize (no guess);
    otherwise ``{"status": "ok", "digit", "probability", "probabilities", "input",
    "timings"}``, where "input" is the 784 floats (row-major 28x28, 0-1) the model was given:
    the page shows "what the model sees", which for a photo is worth checking.
    """
    started = time.perf_counter()
    try:
        pixels = preprocess.to_model_input(_as_bytes(rgba), width, height)
    except preprocess.NothingToRecognize:
        return {
            "status": "empty",
            "message": "Nothing to recognize: draw a digit.",
            "timings": {"preprocess_ms": (time.perf_counter() - started) * 1000},
        }
    preprocessed = time.perf_counter()
    probabilities = _infer(run_model, pixels)
    inferred = time.perf_counter()
    if len(probabilities) != len(LABELS):
        raise ValueError(f"the model returned {len(probabilities)} values, expected {len(LABELS)}")
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    return {
        "status": "ok",
        "digit": LABELS[best],
        "probability": probabilities[best],
        "probabilities": probabilities,
        "input": pixels,
        "timings": {
            "preprocess_ms": (preprocessed - started) * 1000,
            "inference_ms": (inferred - preprocessed) * 1000,
        },
    }
