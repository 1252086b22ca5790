"""Recognize the digit on a canvas: preprocess in Python, infer with the TF.js model.

The page's worker calls :func:`recognize` with the canvas's RGBA bytes and a JavaScript
function that runs the model; under CPython (tests) the same code takes a Python callable.
Only the conversions at that boundary differ, and they live here. It also calls
:func:`personalize` with the person's corrected examples (their model features), which
:mod:`digits.personal` keeps in memory and recognitions then take into account.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Sequence
from typing import Any

from digits import personal, preprocess
from digits import segment as segment  # see below: imported, not called yet
from digits.facts import LABELS

# Every module of the page's package is imported here: a Python snapshot restored in the
# page holds the modules imported, not the wheel's files (site/js/worker.js). digits.segment
# (numbers, issue 13) is not called yet, but it must be there when it is.

# The person's examples, for the life of the worker (the page sends them after each start).
MEMORY = personal.Memory()
PERSONAL_OPS = ("replace", "add", "remove")


def _as_bytes(rgba: Any) -> bytes | bytearray | memoryview:
    """Accept bytes-likes and, under Pyodide, a JS Uint8Array / Uint8ClampedArray proxy."""
    to_bytes = getattr(rgba, "to_bytes", None)
    return to_bytes() if to_bytes is not None else rgba


def _to_python(value: Any) -> Any:
    """A JS array or typed array proxy as a Python list or memoryview; Python values as they are."""
    to_py = getattr(value, "to_py", None)
    return to_py() if to_py is not None else value


def _last_features(run_model: Callable[..., Any]) -> Sequence[float] | None:
    """The features of the model's last run (``run_model.features``), or None if it has none."""
    features = getattr(run_model, "features", None)
    return None if features is None else _to_python(features)


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


def personalize(
    op: str,
    ids: Any,
    labels: Any = (),
    features: Any = (),
    size: int = 0,
    memory: personal.Memory = MEMORY,
) -> dict[str, Any]:
    """Change the person's examples: ``op`` is "replace" (all of them), "add" or "remove".

    ``ids`` and ``labels`` are sequences (JS arrays in the page), ``features`` the examples'
    model features laid end to end, ``size`` values each. Returns what is now held:
    ``{"examples": n, "perLabel": {label: count}}``. Raises ``personal.ExampleError``
    (nothing changed) for examples that cannot be used.
    """
    if op not in PERSONAL_OPS:
        raise personal.ExampleError(f"unknown change to the examples: {op!r}")
    ids, labels, features = _to_python(ids), _to_python(labels), _to_python(features)
    if op == "remove":
        memory.remove(ids)
    elif op == "replace":
        memory.replace(ids, labels, features, size)
    else:
        memory.add(ids, labels, features, size)
    return {"examples": len(memory), "perLabel": memory.counts()}


def recognize(
    rgba: Any,
    width: int,
    height: int,
    run_model: Callable[..., Any],
    memory: personal.Memory = MEMORY,
) -> dict[str, Any]:
    """Return what the page shows for this canvas.

    ``{"status": "empty", "message": ...}`` when there is nothing to recognize (no guess);
    otherwise ``{"status": "ok", "digit", "probability", "probabilities", "input",
    "model_probabilities", "personal", "timings"}``, where "input" is the 784 floats
    (row-major 28x28, 0-1) the model was given: the page shows "what the model sees", which
    for a photo is worth checking. "probabilities" (and the digit) are the answer after the
    person's examples had their say; "model_probabilities" the CNN's own; "personal" says
    how much the examples counted: ``{"examples", "weight", "nearest", "changed"}`` (changed:
    the digit is not the CNN's own).
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
    model_probabilities = probabilities
    learned: dict[str, Any] = {"examples": len(memory), "weight": 0.0, "nearest": None}
    features = _last_features(run_model) if len(memory) else None
    if features is not None:
        probabilities, learned = memory.adjust(model_probabilities, features)
    adjusted = time.perf_counter()
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    model_best = max(range(len(model_probabilities)), key=model_probabilities.__getitem__)
    return {
        "status": "ok",
        "digit": LABELS[best],
        "probability": probabilities[best],
        "probabilities": probabilities,
        "model_probabilities": model_probabilities,
        "personal": {**learned, "changed": best != model_best},
        "input": pixels,
        "timings": {
            "preprocess_ms": (preprocessed - started) * 1000,
            "inference_ms": (inferred - preprocessed) * 1000,
            "personal_ms": (adjusted - inferred) * 1000,
        },
    }
