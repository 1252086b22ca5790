"""The personal classifier (py/digits/personal.py) and its entry points in digits.recognizer.

Under CPython, with the model stood in for by a callable that exposes ``features`` like the
worker's ``run``: the same code the page runs under Pyodide.
"""

from __future__ import annotations

import math
import random

import pytest
from digits import personal, recognizer
from digits.facts import LABELS

from tests.test_recognizer import SIDE, canvas_with_square

SIZE = 128


def vector(seed: int) -> list[float]:
    """A feature vector like the CNN's (ReLU: non-negative, about half zeros)."""
    rng = random.Random(seed)
    return [max(0.0, rng.gauss(0, 1)) for _ in range(SIZE)]


def probabilities_for(label: str, sure: float = 0.98) -> list[float]:
    rest = (1 - sure) / (len(LABELS) - 1)
    return [sure if value == label else rest for value in LABELS]


class FakeModel:
    """Stands in for the worker's ``run``: fixed probabilities, and its features after a run."""

    def __init__(self, probabilities: list[float], features: list[float] | None) -> None:
        self.answer = probabilities
        self.last = features
        self.features: list[float] | None = None

    def __call__(self, values) -> list[float]:
        self.features = self.last
        return self.answer


def test_no_examples_leave_the_answer_as_the_cnn_gave_it() -> None:
    memory = personal.Memory()
    model = probabilities_for("1")
    adjusted, info = memory.adjust(model, vector(1))
    assert adjusted == model
    assert info == personal.no_influence(0)


def test_a_correction_changes_the_answer_for_the_same_drawing() -> None:
    memory = personal.Memory()
    memory.add(["a"], ["7"], vector(1), SIZE)
    adjusted, info = memory.adjust(probabilities_for("1", sure=0.99), vector(1))
    best = max(range(len(LABELS)), key=adjusted.__getitem__)
    assert LABELS[best] == "7"
    assert info["nearest"] == "7"
    assert 0.5 < info["weight"] < 1
    assert math.isclose(sum(adjusted), 1.0)


def test_a_different_drawing_keeps_the_cnn_answer_bit_for_bit() -> None:
    memory = personal.Memory()
    memory.add(["a", "b"], ["7", "7"], vector(1) + vector(2), SIZE)
    model = probabilities_for("1")
    adjusted, info = memory.adjust(model, vector(3))
    assert adjusted == model
    assert info["weight"] == 0.0
    assert info["nearest"] is None


def test_the_blend_weight_grows_with_the_evidence() -> None:
    near = [value * 1.01 + 0.01 for value in vector(1)]  # a slightly different drawing
    weights = []
    for count in (1, 3, 10):
        memory = personal.Memory()
        memory.add([str(i) for i in range(count)], ["7"] * count, vector(1) * count, SIZE)
        weights.append(memory.adjust(probabilities_for("1"), near)[1]["weight"])
    assert weights == sorted(weights)
    assert weights[0] < weights[-1]


def test_scale_does_not_matter_only_the_pattern() -> None:
    memory = personal.Memory()
    memory.add(["a"], ["4"], vector(5), SIZE)
    louder = [3 * value for value in vector(5)]
    assert memory.adjust(probabilities_for("9"), louder)[1]["nearest"] == "4"


@pytest.mark.parametrize(
    ("ids", "labels", "features", "reason"),
    [
        (["a"], ["x"], vector(1), "labelled 'x'"),
        (["a"], ["7", "1"], vector(1), "2 labels"),
        (["a", "b"], ["7", "1"], vector(1), "feature values"),
    ],
)
def test_unusable_examples_are_refused_and_nothing_changes(ids, labels, features, reason) -> None:
    memory = personal.Memory()
    memory.add(["kept"], ["3"], vector(9), SIZE)
    with pytest.raises(personal.ExampleError, match=reason):
        memory.replace(ids, labels, features, SIZE)
    with pytest.raises(personal.ExampleError, match=reason):
        memory.add(ids, labels, features, SIZE)
    assert memory.counts()["3"] == 1 and len(memory) == 1


def test_personalize_replaces_adds_and_removes_and_says_what_it_holds() -> None:
    memory = personal.Memory()
    held = recognizer.personalize(
        "replace", ["a", "b"], ["1", "7"], vector(1) + vector(2), SIZE, memory
    )
    assert held["examples"] == 2
    assert held["perLabel"] == {**dict.fromkeys(LABELS, 0), "1": 1, "7": 1}
    held = recognizer.personalize(
        "add", ["c", "a"], ["7", "7"], vector(3) + vector(1), SIZE, memory
    )
    assert held["examples"] == 3  # "a" was replaced, not added twice
    assert held["perLabel"]["7"] == 3 and held["perLabel"]["1"] == 0
    held = recognizer.personalize("remove", ["b", "gone"], memory=memory)
    assert held["examples"] == 2 and held["perLabel"]["7"] == 2
    held = recognizer.personalize("replace", [], [], [], SIZE, memory)
    assert held["examples"] == 0
    with pytest.raises(personal.ExampleError, match="unknown"):
        recognizer.personalize("forget", [], memory=memory)


def test_recognize_reports_the_cnn_answer_and_the_personal_one() -> None:
    rgba, width, height = canvas_with_square(), SIDE, SIDE
    features = vector(4)
    memory = personal.Memory()
    model = FakeModel(probabilities_for("1", sure=0.97), features)

    plain = recognizer.recognize(rgba, width, height, model, memory)
    assert plain["digit"] == "1"
    assert plain["probabilities"] == plain["model_probabilities"]
    assert plain["personal"] == {**personal.no_influence(0), "changed": False}

    memory.add(["mine"], ["7"], features, SIZE)
    learned = recognizer.recognize(rgba, width, height, model, memory)
    assert learned["digit"] == "7"
    assert learned["model_probabilities"] == plain["model_probabilities"]
    assert learned["personal"]["changed"] is True
    assert learned["personal"]["examples"] == 1
    assert learned["probability"] == max(learned["probabilities"])


def test_a_model_without_features_still_recognizes_with_examples_held() -> None:
    rgba, width, height = canvas_with_square(), SIDE, SIDE
    memory = personal.Memory()
    memory.add(["mine"], ["7"], vector(4), SIZE)
    result = recognizer.recognize(
        rgba, width, height, FakeModel(probabilities_for("1"), None), memory
    )
    assert result["digit"] == "1"
    assert result["personal"]["changed"] is False


def test_an_empty_canvas_is_still_nothing_to_recognize() -> None:
    memory = personal.Memory()
    memory.add(["mine"], ["7"], vector(4), SIZE)
    result = recognizer.recognize(
        bytes(SIDE * SIDE * 4), SIDE, SIDE, FakeModel(probabilities_for("1"), vector(4)), memory
    )
    assert result["status"] == "empty"


def test_many_examples_of_a_digit_are_compared_as_prototypes_that_count_for_them() -> None:
    limit = personal.MAX_COMPARED_PER_DIGIT
    vectors = [personal._unit(vector(seed)) for seed in range(limit + 20)]
    assert personal.prototypes(vectors[:limit], limit) == [(v, 1) for v in vectors[:limit]]
    grouped = personal.prototypes(vectors, limit)
    assert len(grouped) == limit
    assert sum(count for _, count in grouped) == len(vectors)
    assert grouped == personal.prototypes(vectors, limit)  # deterministic
    assert all(math.isclose(math.hypot(*prototype), 1.0) for prototype, _ in grouped)


def test_with_more_examples_than_compared_a_correction_still_counts_and_removal_undoes_it() -> None:
    memory = personal.Memory()
    count = personal.MAX_COMPARED_PER_DIGIT + 8
    memory.replace(
        [f"n{i}" for i in range(count)],
        ["3"] * count,
        [value for i in range(count) for value in vector(i)],
        SIZE,
    )
    model = probabilities_for("1")
    assert memory.adjust(model, vector(1000)) == (
        model,
        personal.no_influence(count),
    )
    memory.add(["mine"], ["7"], vector(1000), SIZE)
    adjusted, info = memory.adjust(model, vector(1000))
    assert info["nearest"] == "7" and LABELS[max(range(10), key=adjusted.__getitem__)] == "7"
    memory.remove(["mine"])
    assert memory.adjust(model, vector(1000))[0] == model


# --- shapes: the examples' model inputs, blurred (digits.personal.shape_of) ---------------------


def bar(vertical: bool, thickness: int = 4) -> list[float]:
    """A 28x28 model input holding one bar down the middle (or across it)."""
    side = 28
    pixels = [0.0] * side * side
    for along in range(4, 24):
        for across in range(12, 12 + thickness):
            row, column = (along, across) if vertical else (across, along)
            pixels[row * side + column] = 1.0
    return pixels


def test_a_shape_is_seven_by_seven_of_unit_length_whatever_the_ink_strength() -> None:
    shape = personal.shape_of(bar(vertical=True))
    assert len(shape) == 49
    assert math.isclose(math.hypot(*shape), 1.0)
    fainter = personal.shape_of([value / 2 for value in bar(vertical=True)])
    assert all(math.isclose(a, b, abs_tol=1e-12) for a, b in zip(shape, fainter, strict=True))
    # Blurred: a bar a pixel thicker is near, a bar the other way is far.
    thicker = personal.shape_of(bar(vertical=True, thickness=5))
    across = personal.shape_of(bar(vertical=False))
    assert math.dist(shape, thicker) < personal.SHAPE_WIDTH < math.dist(shape, across)
    with pytest.raises(personal.ExampleError, match="784"):
        personal.shape_of([0.0] * 100)


def test_the_same_shape_with_other_features_is_pulled_to_the_corrected_digit() -> None:
    """Features far apart (the CNN saw two drawings differently) but the same shape: the
    corrected digit wins where the CNN was not sure; a shape of nothing alike is left alone."""
    memory = personal.Memory()
    memory.add(["a"], ["7"], vector(1), SIZE, bar(vertical=True))
    model = probabilities_for("1", sure=0.75)
    adjusted, info = memory.adjust(
        model, vector(3), personal.shape_of(bar(vertical=True, thickness=5))
    )
    assert LABELS[max(range(10), key=adjusted.__getitem__)] == "7"
    assert info["weight"] == 0.0  # the features had no say: the shape did it
    assert info["shape_digit"] == "7" and 0.5 < info["shape_evidence"] < 1
    assert math.isclose(sum(adjusted), 1.0)
    assert memory.adjust(model, vector(3), personal.shape_of(bar(vertical=False))) == (
        model,
        personal.no_influence(1),
    )
    # Without the drawing's input only the features count.
    assert memory.adjust(model, vector(3))[0] == model


def test_a_sure_cnn_answer_outweighs_one_example_of_the_same_shape() -> None:
    memory = personal.Memory()
    memory.add(["a"], ["7"], vector(1), SIZE, bar(vertical=True))
    adjusted, _ = memory.adjust(
        probabilities_for("1", sure=0.999), vector(3), personal.shape_of(bar(vertical=True))
    )
    assert LABELS[max(range(10), key=adjusted.__getitem__)] == "1"


@pytest.mark.parametrize("count", [2, 10, personal.MAX_COMPARED_PER_DIGIT + 8])
def test_more_examples_of_one_shape_pull_no_harder_than_the_nearest_two(count) -> None:
    """So that a pile of corrections does not drag every drawing near them along."""
    model = probabilities_for("1", sure=0.5)
    pulls = []
    for held in (personal.SHAPE_NEAREST, count):
        memory = personal.Memory()
        memory.add(
            [str(i) for i in range(held)],
            ["7"] * held,
            [value for i in range(held) for value in vector(100 + i)],
            SIZE,
            bar(vertical=True) * held,
        )
        pulls.append(
            memory.adjust(model, vector(3), personal.shape_of(bar(vertical=True, thickness=5)))[0]
        )
    assert all(math.isclose(a, b) for a, b in zip(*pulls, strict=True))
    assert pulls[0][7] > model[7]


def test_inputs_that_do_not_match_the_examples_are_refused_and_nothing_changes() -> None:
    memory = personal.Memory()
    memory.add(["kept"], ["3"], vector(9), SIZE, bar(vertical=False))
    with pytest.raises(personal.ExampleError, match="input values"):
        memory.add(["a", "b"], ["7", "1"], vector(1) + vector(2), SIZE, bar(vertical=True))
    assert len(memory) == 1


def test_recognize_and_personalize_let_the_drawing_count_by_its_shape() -> None:
    rgba, width, height = canvas_with_square(), SIDE, SIDE
    memory = personal.Memory()
    model = FakeModel(probabilities_for("1", sure=0.9), vector(4))
    plain = recognizer.recognize(rgba, width, height, model, memory)
    assert plain["digit"] == "1"
    # The example's features are another drawing's; its input is this one's.
    held = recognizer.personalize(
        "add", ["mine"], ["7"], vector(50), SIZE, memory, inputs=plain["input"]
    )
    assert held["examples"] == 1
    learned = recognizer.recognize(rgba, width, height, model, memory)
    assert learned["digit"] == "7"
    assert learned["personal"]["changed"] is True and learned["personal"]["weight"] == 0.0


def test_many_identical_examples_make_one_prototype_and_still_count() -> None:
    """The same drawing imported under many ids: farthest-first finds nothing farther, and
    the prototypes that keep no member are dropped, not compared as empty vectors."""
    count = personal.MAX_COMPARED_PER_DIGIT + 8
    same = personal._unit(vector(7))
    [(prototype, members)] = personal.prototypes([same] * count, personal.MAX_COMPARED_PER_DIGIT)
    assert members == count and math.dist(prototype, same) < 1e-12
    memory = personal.Memory()
    memory.add([str(i) for i in range(count)], ["7"] * count, vector(7) * count, SIZE)
    adjusted, info = memory.adjust(probabilities_for("1"), vector(7))
    assert info["nearest"] == "7" and LABELS[max(range(10), key=adjusted.__getitem__)] == "7"
