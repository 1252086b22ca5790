"""Recognize the digit on a canvas: preprocess in Python, infer with the TF.js model.

The page's worker calls :func:`recognize` with the canvas's RGBA bytes and a JavaScript
function that runs the model; under CPython (tests) the same code takes a Python callable.
Only the conversions at that boundary differ, and they live here. It also calls
:func:`personalize` with the person's corrected examples (their model features), which
:mod:`digits.personal` keeps in memory and recognitions then take into account.
"""

from __future__ import annotations

import math
import time
from array import array
from collections.abc import Callable, Sequence
from typing import Any

from digits import personal, preprocess, segment
from digits.facts import LABELS

# Every module of the page's package is imported here: a Python snapshot restored in the
# page holds the modules imported, not the wheel's files (site/js/worker.js).

# The person's examples, for the life of the worker (the page sends them after each start).
MEMORY = personal.Memory()
PERSONAL_OPS = ("replace", "add", "remove")

# A number is read only when the model finds digits in it: a reading whose digits' top
# probabilities have a geometric mean below this is not digits (a word, a letter, a
# drawing), and no number is made up from it. Real numbers' readings are far above it
# (benchmarks/numbers.py counts how many are refused); a digit below the page's own "not
# sure" threshold is still read, and marked, with its runner-up.
NOT_DIGITS_BELOW = 0.35
# Why a number was not read, by the segmentation's refusal (the page may style each).
REFUSALS = (
    (segment.TooManyDigits, "too-many-digits"),
    (segment.LongLine, "long-line"),
    (segment.Scribble, "scribble"),
    (segment.NotANumber, "not-digits"),
)
NOTHING_WRITTEN = "Nothing to recognize: write a number."
NOT_DIGITS = "That does not look like a number: write digits, 0 to 9."


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


def _infer_batch(
    run_model: Callable[..., Any], inputs: Sequence[Sequence[float]]
) -> list[list[float]]:
    """The model's probabilities for each of ``inputs`` (784 floats each), in ONE model call.

    In the page, ``run_model.batch(values, count)`` (site/js/worker.js) reads the inputs laid
    end to end in an ``array('f')`` in place and returns the probabilities likewise, and
    leaves the features in ``run_model.batchFeatures``. A Python callable without ``batch``
    (CPython tests) is called once per input.
    """
    batch = getattr(run_model, "batch", None)
    if batch is None:
        return [[float(value) for value in run_model(array("f", pixels))] for pixels in inputs]
    values = array("f")
    for pixels in inputs:
        values.extend(pixels)
    flat = _to_python(batch(values, len(inputs)))
    flat = flat.tolist() if isinstance(flat, memoryview) else [float(value) for value in flat]
    size = len(LABELS)
    if len(flat) != size * len(inputs):
        raise ValueError(f"the model returned {len(flat)} values for {len(inputs)} digits")
    return [flat[index * size : (index + 1) * size] for index in range(len(inputs))]


def _batch_features(run_model: Callable[..., Any], count: int) -> list[Sequence[float]] | None:
    """The features of the last batch, one sequence per input; None if the model has none."""
    features = getattr(run_model, "batchFeatures", None)
    if features is None:
        return None
    flat = _to_python(features)
    size = len(flat) // count if count else 0
    return [flat[index * size : (index + 1) * size] for index in range(count)] if size else None


def _strokes(strokes: Any) -> list[list[tuple[float, float]]]:
    """The pad's strokes (flat [x0, y0, x1, y1, ...] each, JS arrays in the page) as points."""
    points = []
    for stroke in _to_python(strokes):
        values = list(_to_python(stroke))
        if len(values) % 2:
            raise ValueError("a stroke must have an x and a y for every point")
        points.append(list(zip(values[0::2], values[1::2], strict=True)))
    return points


def personalize(
    op: str,
    ids: Any,
    labels: Any = (),
    features: Any = (),
    size: int = 0,
    memory: personal.Memory = MEMORY,
    inputs: Any = (),
) -> dict[str, Any]:
    """Change the person's examples: ``op`` is "replace" (all of them), "add" or "remove".

    ``ids`` and ``labels`` are sequences (JS arrays in the page), ``features`` the examples'
    model features laid end to end, ``size`` values each, and ``inputs`` their model inputs
    (784 values each, 0-1) laid end to end, for their shapes (empty: features only; see
    digits.personal). Returns what is now held:
    ``{"examples": n, "perLabel": {label: count}}``. Raises ``personal.ExampleError``
    (nothing changed) for examples that cannot be used.
    """
    if op not in PERSONAL_OPS:
        raise personal.ExampleError(f"unknown change to the examples: {op!r}")
    ids, labels, features = _to_python(ids), _to_python(labels), _to_python(features)
    inputs = _to_python(inputs) if inputs is not None else ()
    if op == "remove":
        memory.remove(ids)
    elif op == "replace":
        memory.replace(ids, labels, features, size, inputs)
    else:
        memory.add(ids, labels, features, size, inputs)
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
    how much the examples counted: ``personal.no_influence``'s keys and "changed" (changed:
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
    learned: dict[str, Any] = personal.no_influence(len(memory))
    features = _last_features(run_model) if len(memory) else None
    if features is not None:
        probabilities, learned = memory.adjust(
            model_probabilities, features, personal.shape_of(pixels)
        )
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


# The model's answers for the digits it read lately, for one model (the one the worker
# holds: a recognition with another starts afresh): while a number is written it is
# recognized again at each pen move and lift with all but its newest digit unchanged, and
# the model gives a digit the same answer, float for float, whatever else is in its batch
# (TF.js's wasm kernels compute each input of a batch alike: every crop of a number checked
# in every batch of 1-10 of them, features too), so each is read once. Keyed by its box and ink
# (its model input is made from them alone); with its features, or None if not asked for.
ANSWERS_KEPT = 256
_ANSWERS: list[Any] = [None, None]  # [the model, its answers]
# The shapes (digits.personal.shape_of) of the digits of the numbers read lately, for the
# person's examples, likewise made once per digit however often the number is read; keyed
# the same way (a shape depends on the crop's input alone, whatever the model).
_SHAPES: segment.Recent[tuple[float, ...]] = segment.Recent(ANSWERS_KEPT)


def _shape_of(crop: segment.Crop) -> tuple[float, ...]:
    key = (crop.box, crop.ink)
    shape = _SHAPES.recent(key)
    if shape is None:
        shape = _SHAPES[key] = personal.shape_of(crop.pixels)
    return shape


def _answers_of(run_model: Callable[..., Any]) -> segment.Recent:
    """The answers kept for `run_model` (a fresh, empty store for another model). Under
    Pyodide each call gets a new proxy of the worker's one model function, equal to the last
    (``==`` compares the JavaScript object); a Python model compares by identity."""
    if _ANSWERS[1] is None or _ANSWERS[0] != run_model:
        _ANSWERS[:] = [run_model, segment.Recent(ANSWERS_KEPT)]
    return _ANSWERS[1]


def _runner_up(probabilities: Sequence[float]) -> dict[str, Any]:
    second = sorted(range(len(probabilities)), key=probabilities.__getitem__)[-2]
    return {"digit": LABELS[second], "probability": probabilities[second]}


def recognize_number(
    rgba: Any,
    width: int,
    height: int,
    strokes: Any,
    run_model: Callable[..., Any],
    memory: personal.Memory = MEMORY,
) -> dict[str, Any]:
    """Return what the page shows for a written number (number mode, issue 13).

    ``strokes`` are the pad's strokes in the image's pixels (each a flat [x0, y0, x1, y1,
    ...]), or None for an image: the ink is split into digits by them, else by its pixels
    (``digits.segment``). Every distinct digit of every candidate reading goes to the model in
    one batched call; the most probable reading is the answer.

    ``{"status": "ok", "mode": "number", "number": "2026", "probability", "digits": [{"digit",
    "probability", "probabilities", "runner_up": {"digit", "probability"}, "input", "box",
    "personal"}], "timings"}``; ``{"status": "empty", "mode": "number", "message"}`` for
    nothing; ``{"status": "rejected", "mode": "number", "reason", "message"}`` for ink that is
    not a number (site/js's contract: never a made-up number).
    """
    started = time.perf_counter()
    calls: list[int] = []
    features_of: dict[tuple[Any, bytes], Sequence[float]] = {}
    known = _answers_of(run_model)

    def score(crops: list[segment.Crop]) -> list[list[float]]:
        """Every candidate digit the model has not read yet in one model call (the others'
        answers are kept from the recognitions before: _ANSWERS); their features kept for
        the person's examples (digits.personal), which then need no call of their own."""
        need_features = len(memory) > 0
        keys = [(crop.box, crop.ink) for crop in crops]
        new = {}
        for key, crop in zip(keys, crops, strict=True):
            kept = known.recent(key)
            if kept is None or (need_features and kept[1] is None):
                new[key] = crop
        if new:
            calls.append(len(new))
            answers = _infer_batch(run_model, [crop.pixels for crop in new.values()])
            features = _batch_features(run_model, len(new)) if need_features else None
            for index, key in enumerate(new):
                known[key] = (answers[index], features[index] if features else None)
        read = [known[key] for key in keys]
        if need_features:
            features_of.update(zip(keys, (crop_features for _, crop_features in read), strict=True))
        return [answer for answer, _ in read]

    def refused(reason: str, message: str) -> dict[str, Any]:
        timings = {"total_ms": (time.perf_counter() - started) * 1000}
        return {
            "status": "rejected",
            "mode": "number",
            "reason": reason,
            "message": message,
            "timings": timings,
        }

    try:
        data = _as_bytes(rgba)
        if strokes is None:
            ways = segment.number_ways(data, width, height)
        else:
            ways = segment.stroke_ways(_strokes(strokes), data, width, height)
    except preprocess.NothingToRecognize:
        return {
            "status": "empty",
            "mode": "number",
            "message": NOTHING_WRITTEN,
            "timings": {"segment_ms": (time.perf_counter() - started) * 1000},
        }
    except segment.NotANumber as refusal:
        reason = next(name for kind, name in REFUSALS if isinstance(refusal, kind))
        return refused(reason, str(refusal))
    segmented = time.perf_counter()
    reading = segment.best_way(ways, score, width_prior=strokes is None)
    inferred = time.perf_counter()
    probabilities = reading.probabilities
    tops = [max(p) for p in probabilities]
    if math.exp(sum(math.log(max(top, segment.MIN_PROBABILITY)) for top in tops) / len(tops)) < (
        NOT_DIGITS_BELOW
    ):
        return refused("not-digits", NOT_DIGITS)
    learned = [personal.no_influence(len(memory))] * len(probabilities)
    if features_of:
        adjusted = [
            memory.adjust(p, features_of[(crop.box, crop.ink)], _shape_of(crop))
            for p, crop in zip(probabilities, reading.crops, strict=True)
        ]
        probabilities = [p for p, _ in adjusted]
        learned = [note for _, note in adjusted]
    adjusted_at = time.perf_counter()
    digits = []
    number_probability = 1.0
    for crop, p, model_p, note in zip(
        reading.crops, probabilities, reading.probabilities, learned, strict=True
    ):
        best = max(range(len(p)), key=p.__getitem__)
        model_best = max(range(len(model_p)), key=model_p.__getitem__)
        number_probability *= p[best]
        digits.append(
            {
                "digit": LABELS[best],
                "probability": p[best],
                "probabilities": p,
                "runner_up": _runner_up(p),
                "input": crop.pixels,
                "box": list(crop.box),
                "personal": {**note, "changed": best != model_best},
            }
        )
    return {
        "status": "ok",
        "mode": "number",
        "number": "".join(digit["digit"] for digit in digits),
        "probability": number_probability,
        "digits": digits,
        "timings": {
            "segment_ms": (segmented - started) * 1000,
            "inference_ms": (inferred - segmented) * 1000,
            "personal_ms": (adjusted_at - inferred) * 1000,
            "readings": segment.reading_count(ways),
            "crops": sum(calls),
            "model_calls": len(calls),
        },
    }
