"""Recognize the digit on a canvas: preprocess in Python, infer with the TF.js model.

The page's worker calls :func:`recognize` with the canvas's RGBA bytes and a JavaScript
function that runs the model; under CPython (tests) the same code takes a Python callable.
Only the conversions at that boundary differ, and they live here.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Sequence
from typing import Any

from digits import preprocess
from digits.facts import LABELS

try:  # Under Pyodide: hand JS a Float32Array, not a proxy of a Python object.
    from pyodide.ffi import to_js as _to_js
except ImportError:  # CPython: the callable is Python, it takes the buffer as it is.

    def _to_js(value: Any) -> Any:
        return value


def _as_bytes(rgba: Any) -> bytes | bytearray | memoryview:
    """Accept bytes-likes and, under Pyodide, a JS Uint8Array / Uint8ClampedArray proxy."""
    to_bytes = getattr(rgba, "to_bytes", None)
    return to_bytes() if to_bytes is not None else rgba


def _as_floats(values: Any) -> list[float]:
    to_py = getattr(values, "to_py", None)
    if to_py is not None:  # a JS typed array: its buffer holds float32 values
        values = array("f", bytes(to_py()))
    return [float(value) for value in values]


def recognize(
    rgba: Any,
    width: int,
    height: int,
    run_model: Callable[[Any], Sequence[float]],
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
    probabilities = _as_floats(run_model(_to_js(array("f", pixels))))
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
