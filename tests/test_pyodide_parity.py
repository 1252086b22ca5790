"""The page's real worker (Pyodide in headless Chromium) and CPython give the same input.

The preprocessing is pure Python so that both run the same code; this checks it end to end:
the same RGBA bytes posted to site/js/worker.js (by the page's own client,
site/js/recognizer-client.js, through harness/recognizer.py) and passed to digits.recognizer under
CPython give identical 28x28 model inputs (the result's "input" field, compared exactly),
or are nothing to recognize in both. Cases: a pad drawing, a photo, light ink on dark,
a transparent PNG, a clean scan (the plain path), a photo of a marker-thick stroke (the
photo path's filled background), a blank page. And a correction sent as the page sends it is
compared by shape (digits.personal) in the worker exactly as under CPython.
"""

from __future__ import annotations

import numpy as np
import pytest
from digits import personal, recognizer
from playwright.sync_api import Page

from harness.recognizer import (
    correct_then_recognize,
    recognize_images,
    start_recognizer,
    stop_recognizer,
)
from tests import photos

pytestmark = pytest.mark.browser
SIDE_W, SIDE_H = 320, 240  # photo-like images, kept small so the transfer is quick
BOX = (90.0, 30.0, 180.0)


def cases() -> dict[str, tuple[bytes, int, int]]:
    digit = photos.coverage("5-bar", SIDE_W, SIDE_H, BOX, 10)
    pad = photos.coverage("2", 280, 280, (20.0, 20.0, 240.0), 20)
    return {
        "pad-drawing": (photos.on_transparency(pad), 280, 280),
        "photo": (
            photos.on_paper(
                digit,
                lighting=photos.gradient(SIDE_W, SIDE_H, 1.0, 0.5),
                texture=5,
                specks=20,
                noise=3,
                jpeg=75,
            ),
            SIDE_W,
            SIDE_H,
        ),
        "light-on-dark": (
            photos.on_paper(digit, paper=(40, 60, 50), ink=(230, 230, 220), noise=5),
            SIDE_W,
            SIDE_H,
        ),
        "transparent-png": (photos.on_transparency(digit, (255, 220, 0)), SIDE_W, SIDE_H),
        "clean-scan": (photos.on_paper(digit), SIDE_W, SIDE_H),
        "marker-photo": (
            photos.on_paper(
                photos.coverage("7-crossbar", SIDE_W, SIDE_H, BOX, 40),
                lighting=photos.gradient(SIDE_W, SIDE_H, 1.0, 0.6),
                noise=3,
            ),
            SIDE_W,
            SIDE_H,
        ),
        "blank": (photos.on_paper(np.zeros((SIDE_H, SIDE_W)), noise=4, jpeg=75), SIDE_W, SIDE_H),
    }


def in_cpython(data: bytes, width: int, height: int) -> dict:
    """digits.recognizer under CPython, with a stand-in model (only the input is compared)."""
    return recognizer.recognize(data, width, height, lambda pixels: [0.1] * 10)


def test_the_worker_and_cpython_give_identical_model_inputs(page: Page) -> None:
    page.goto("/")
    named = cases()
    start_recognizer(page)  # a worker of our own, through the page's recognizer client
    answers = recognize_images(page, list(named.values()))
    stop_recognizer(page)
    assert len(answers) == len(named)
    for (name, (data, width, height)), answer in zip(named.items(), answers, strict=True):
        assert answer["ok"], f"{name}: {answer['error']}"
        in_browser, expected = answer["result"], in_cpython(data, width, height)
        assert in_browser["status"] == expected["status"], name
        if expected["status"] == "ok":
            # Exactly: float64 in both, the same arithmetic in the same order.
            assert in_browser["input"] == expected["input"], name
    statuses = [answer["result"]["status"] for answer in answers]
    assert statuses == ["ok"] * (len(named) - 1) + ["empty"]


def test_the_worker_compares_a_correction_by_shape_as_cpython_does(page: Page) -> None:
    """A correction sent as the page sends it (the 28x28 input as bytes) reaches the page's
    Python with its input: the same drawing then has the corrected digit's full shape
    evidence, the same number that digits.personal computes under CPython from those bytes."""
    page.goto("/")
    start_recognizer(page)
    image = (
        photos.on_transparency(photos.coverage("2", 280, 280, (20.0, 20.0, 240.0), 20)),
        280,
        280,
    )
    before = recognize_images(page, [image])[0]["result"]
    assert before["personal"]["shape_digit"] is None
    stored = [round(255 * value) for value in before["input"]]
    label = "7" if before["digit"] != "7" else "1"
    reply = correct_then_recognize(
        page, {"op": "add", "examples": [{"id": "x", "label": label, "input": stored}]}, image
    )
    stop_recognizer(page)
    assert reply["personal"]["ok"], reply["personal"]
    after = reply["answer"]["result"]
    expected = personal.Memory()
    expected.add(["x"], [label], [1.0], 1, [value / 255 for value in stored])
    _, info = expected.adjust(
        before["model_probabilities"], [1.0], personal.shape_of(before["input"])
    )
    assert after["personal"]["shape_digit"] == label
    assert after["personal"]["shape_evidence"] == pytest.approx(info["shape_evidence"], abs=1e-9)
    assert info["shape_evidence"] > 0.99  # the same drawing, up to the stored bytes' rounding
