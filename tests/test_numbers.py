"""digits.recognizer.recognize_number under CPython: what the page shows for a written number.

The model is a stand-in that knows the number's digits, each as it is normalized alone
(tests/test_segment.py checks a right split gives exactly those inputs), and is unsure of
every other crop; with a `batch` attribute it is called as the page's worker calls TF.js:
every digit of every candidate reading in one call.
"""

from __future__ import annotations

from array import array

import pytest
from digits import personal, recognizer
from digits.facts import LABELS, MAX_DIGITS

from tests.test_segment import SIZE, Number, alone, draw

FEATURE_SIZE = 4


class NumberModel:
    """Sure of each of the number's digits (its input as drawn alone), unsure of the rest.

    `batch(values, count)` answers `count` inputs laid end to end, leaving made-up features
    in `batchFeatures` (one-hot of the digit answered, so an example can match a digit)."""

    def __init__(self, number: Number, digits: str, sure: float = 0.97) -> None:
        self.known = {
            tuple(array("f", alone(number, index))): digit for index, digit in enumerate(digits)
        }
        self.sure = sure
        self.calls: list[int] = []
        self.batchFeatures: list[float] | None = None

    def answer(self, pixels) -> tuple[list[float], list[float]]:
        digit = self.known.get(tuple(pixels))
        if digit is None:
            return [0.1] * 10, [0.0] * FEATURE_SIZE
        top = LABELS.index(digit)
        rest = (1 - self.sure) / 9
        features = [1.0 if i == top % FEATURE_SIZE else 0.0 for i in range(FEATURE_SIZE)]
        return [self.sure if i == top else rest for i in range(10)], features

    def batch(self, values: array, count: int) -> list[float]:
        self.calls.append(count)
        size = len(values) // count
        answers = [self.answer(values[i * size : (i + 1) * size]) for i in range(count)]
        self.batchFeatures = [value for _, features in answers for value in features]
        return [value for probabilities, _ in answers for value in probabilities]


def flat(strokes) -> list[list[float]]:
    """Strokes as the page sends them: each a flat [x0, y0, x1, y1, ...]."""
    return [[value for point in stroke for value in point] for stroke in strokes]


@pytest.mark.parametrize("path", ["strokes", "pixels"])
@pytest.mark.parametrize("shapes", [["1", "2"], ["2", "0", "2", "6"], list("31415926")])
def test_a_number_is_read_digit_by_digit_in_one_model_call(shapes: list[str], path: str) -> None:
    number = Number(shapes)
    digits = "".join(shapes)
    model = NumberModel(number, digits)
    strokes = flat(number.strokes) if path == "strokes" else None
    result = recognizer.recognize_number(number.rgba(), number.width, number.height, strokes, model)
    assert result["status"] == "ok"
    assert result["number"] == digits
    assert len(model.calls) == 1  # one batched call for every candidate digit
    assert result["timings"]["model_calls"] == 1
    assert [digit["digit"] for digit in result["digits"]] == list(digits)
    assert result["probability"] == pytest.approx(0.97 ** len(digits))
    for index, digit in enumerate(result["digits"]):
        assert digit["input"] == alone(number, index)  # what the model saw, shown per digit
        assert digit["probability"] == pytest.approx(0.97)
        assert digit["runner_up"]["digit"] != digit["digit"]
        left, top, right, bottom = digit["box"]
        assert 0 <= left < right <= number.width and 0 <= top < bottom <= number.height
    lefts = [digit["box"][0] for digit in result["digits"]]
    assert lefts == sorted(lefts)


def test_a_blank_pad_is_nothing_to_recognize_and_the_model_is_not_called() -> None:
    number = Number(["1"])
    model = NumberModel(number, "1")
    blank = bytes(number.width * number.height * 4)
    result = recognizer.recognize_number(blank, number.width, number.height, [], model)
    assert result["status"] == "empty"
    assert result["message"] == recognizer.NOTHING_WRITTEN
    assert "number" not in result
    assert model.calls == []


def rejected(result: dict) -> str:
    assert result["status"] == "rejected"
    assert "number" not in result and "digits" not in result  # never a made-up number
    assert result["message"]
    return result["reason"]


def test_more_than_the_most_digits_is_refused() -> None:
    number = Number(["1"] * (MAX_DIGITS + 1), gap=8.0)
    model = NumberModel(number, "1" * (MAX_DIGITS + 1))
    result = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), model
    )
    assert rejected(result) == "too-many-digits"
    assert str(MAX_DIGITS) in result["message"]


@pytest.mark.parametrize("path", ["strokes", "pixels"])
def test_a_long_line_is_refused(path: str) -> None:
    width, height = 600, 120
    line = [[(20.0, 60.0), (580.0, 64.0)]]
    model = NumberModel(Number(["1"]), "1")
    strokes = flat(line) if path == "strokes" else None
    result = recognizer.recognize_number(draw(line, width, height), width, height, strokes, model)
    assert rejected(result) == "long-line"


@pytest.mark.parametrize("path", ["strokes", "pixels"])
def test_a_scribble_that_fills_its_box_is_refused(path: str) -> None:
    width, height = 300, 200
    # Back and forth, lines closer than the pen is wide: a filled-in area.
    scribble = [[(40.0 + (i % 2) * 200, 30.0 + i * 4) for i in range(36)]]
    model = NumberModel(Number(["1"]), "1")
    strokes = flat(scribble) if path == "strokes" else None
    image = draw(scribble, width, height, pen=10.0)
    result = recognizer.recognize_number(image, width, height, strokes, model)
    assert rejected(result) == "scribble"


def test_ink_the_model_finds_no_digits_in_is_not_read_as_a_number() -> None:
    number = Number(["2", "0"])
    model = NumberModel(number, "20", sure=0.2)  # a letter, a drawing: no digit is likely
    result = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), model
    )
    assert rejected(result) == "not-digits"


def test_a_digit_the_model_is_unsure_of_is_still_read_with_its_runner_up() -> None:
    number = Number(["2", "0", "2", "6"])
    model = NumberModel(number, "2026")
    unsure = tuple(array("f", alone(number, 3)))
    del model.known[unsure]  # the 6: 0.1 for every digit but 0.11 for 6 and 0.1 for 5

    def answer(pixels, original=model.answer):
        if tuple(pixels) == unsure:
            return [0.05] * 5 + [0.3, 0.45] + [0.05] * 3, [0.0] * FEATURE_SIZE
        return original(pixels)

    model.answer = answer
    result = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), model
    )
    assert result["number"] == "2026"
    last = result["digits"][3]
    assert last["probability"] == pytest.approx(0.45)
    assert last["runner_up"] == {"digit": "5", "probability": pytest.approx(0.3)}


def test_the_person_s_examples_count_for_each_digit_of_a_number() -> None:
    number = Number(["2", "0"])
    model = NumberModel(number, "20")
    memory = personal.Memory()
    # The person says the drawing the model reads as 0 is their 8: the same features.
    zero_features = [1.0 if i == 0 else 0.0 for i in range(FEATURE_SIZE)]
    memory.add(["a", "b"], ["8", "8"], zero_features * 2, FEATURE_SIZE)
    result = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), model, memory
    )
    assert result["number"] == "28"
    assert result["digits"][1]["personal"]["changed"] is True
    assert result["digits"][0]["personal"]["changed"] is False
    assert len(model.calls) == 1  # the features came with the reading's one call


def test_digits_of_uneven_size_on_a_drifting_baseline() -> None:
    number = Number(["4", "1", "7"], sizes=[1.0, 0.6, 0.8], drift=0.15)
    model = NumberModel(number, "417")
    result = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), model
    )
    assert result["number"] == "417"
    assert SIZE > 0


def test_a_number_written_on_is_read_again_without_rereading_its_digits() -> None:
    """Live results follow the pen: a number is recognized at every pen move and lift with
    its digits before the newest unchanged. Those go to the model once; the answer is the
    same as read afresh, and another model reads everything itself."""
    number = Number(["2", "0", "2", "6"])
    begun = number.strokes[: sum(map(len, number.digit_strokes[:3]))]  # the 6 not yet written
    model = NumberModel(number, "2026")
    begun_result = recognizer.recognize_number(
        number.rgba(begun), number.width, number.height, flat(begun), model
    )
    assert begun_result["number"] == "202"
    read_first = sum(model.calls)
    whole = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), model
    )
    assert whole["number"] == "2026"
    assert len(model.calls) == 2  # one call for what was new
    assert 1 <= model.calls[1] < read_first  # the 6's crops (and cuts), not the 2, 0, 2
    again = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), model
    )
    assert len(model.calls) == 2 and again["timings"]["model_calls"] == 0  # nothing new
    fresh = NumberModel(number, "2026")
    afresh = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), fresh
    )
    assert len(fresh.calls) == 1 and fresh.calls[0] > model.calls[1]
    for result in (again, afresh):
        assert {key: value for key, value in result.items() if key != "timings"} == {
            key: value for key, value in whole.items() if key != "timings"
        }


def test_the_person_s_examples_count_for_a_number_s_digits_by_shape_too() -> None:
    """Examples whose features match nothing, but whose 28x28 input is the 0 of this number
    (as the page keeps a corrected digit): that digit alone is pulled to their label."""
    number = Number(["2", "0"])
    model = NumberModel(number, "20")
    plain = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), model, personal.Memory()
    )
    zero_input = list(plain["digits"][1]["input"])
    memory = personal.Memory()
    unlike_any = [1.0 if i == FEATURE_SIZE - 1 else 0.0 for i in range(FEATURE_SIZE)]
    memory.add(["a", "b"], ["8", "8"], unlike_any * 2, FEATURE_SIZE, zero_input * 2)
    result = recognizer.recognize_number(
        number.rgba(), number.width, number.height, flat(number.strokes), model, memory
    )
    assert result["number"] == "28"
    learned = result["digits"][1]["personal"]
    assert learned["changed"] is True and learned["weight"] == 0.0
    assert learned["shape_digit"] == "8"
    assert result["digits"][0]["personal"]["changed"] is False
