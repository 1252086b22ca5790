"""digits.recognizer under CPython, with a Python stand-in for the TF.js model call."""

from __future__ import annotations

import pytest
from digits import recognizer

SIDE = 64


def canvas_with_square() -> bytes:
    rgba = bytearray(SIDE * SIDE * 4)
    for y in range(20, 44):
        for x in range(28, 36):
            offset = (y * SIDE + x) * 4
            rgba[offset + 3] = 255  # opaque black ink
    return bytes(rgba)


def test_blank_canvas_is_nothing_to_recognize_and_the_model_is_not_called() -> None:
    def model(_pixels):
        raise AssertionError("the model must not be asked to guess on a blank canvas")

    result = recognizer.recognize(bytes(SIDE * SIDE * 4), SIDE, SIDE, model)
    assert result["status"] == "empty"
    assert "Nothing to recognize" in result["message"]
    assert "digit" not in result


def test_the_model_gets_784_floats_and_its_best_class_is_the_digit() -> None:
    seen = {}

    def model(pixels):
        seen["pixels"] = list(pixels)
        probabilities = [0.01] * 10
        probabilities[7] = 0.91
        return probabilities

    result = recognizer.recognize(canvas_with_square(), SIDE, SIDE, model)
    assert len(seen["pixels"]) == 784
    assert min(seen["pixels"]) >= 0.0 and max(seen["pixels"]) <= 1.0
    assert result["status"] == "ok"
    assert result["digit"] == "7"
    assert result["probability"] == pytest.approx(0.91)
    assert len(result["probabilities"]) == 10
    assert result["input"] == seen["pixels"]  # what the model saw, for the page to show
    assert set(result["timings"]) == {"preprocess_ms", "inference_ms", "personal_ms"}


def test_a_model_returning_the_wrong_shape_is_an_error() -> None:
    with pytest.raises(ValueError, match="expected 10"):
        recognizer.recognize(canvas_with_square(), SIDE, SIDE, lambda pixels: [1.0, 0.0])
