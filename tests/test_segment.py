"""digits.segment under CPython: a written number split into digits, left to right.

Numbers are made of harness/strokes.py's digits (and tests/photos.py's digits in pieces: a 5
with its bar lifted off, a crossed 7; a 4 is two strokes already), placed side by side in
canvas pixels, and drawn with a round pen into a canvas's RGBA bytes (black on transparency,
as the pad holds it) for the pixel path. The model is a fake: a score function that knows
where the digits really are, so the tests can tell which cut and which reading win.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise, product

import numpy as np
import pytest
from digits import segment
from digits.facts import LABELS, MAX_DIGITS, NOISE_THRESHOLD
from digits.preprocess import NothingToRecognize, to_model_input
from digits.segment import Crop, LongLine, TooManyDigits

from harness.strokes import smooth
from tests import photos
from tests.photos import SHAPES

Points = list[tuple[float, float]]
SIZE = 60.0  # a digit's square, in canvas pixels
GAP = 12.0  # between neighbouring digits' ink
PEN = 6.0  # the pen's width
MARGIN = 20.0
# The digits' ink spans about 0.28-0.74 of their square: a square is placed so its ink
# starts where the previous digit's ended plus the gap.
INK_LEFT, INK_RIGHT = 0.28, 0.74


class Number:
    """A number's strokes in canvas pixels, which digit each stroke belongs to, and the
    canvas they fit in."""

    def __init__(
        self,
        shapes: Sequence[str],
        *,
        sizes: Sequence[float] | None = None,
        gap: float | Sequence[float] = GAP,
        drift: float = 0.0,
        slant: float = 0.0,
    ) -> None:
        """`gap`: between each digit and the next (one for all, or one each); `drift`: each
        digit's baseline lower than the previous by this share of its size; `slant`: x moves
        left by this much per unit of height (a forward slant)."""
        sizes = sizes or [1.0] * len(shapes)
        gaps = [gap] * len(shapes) if isinstance(gap, float | int) else list(gap)
        self.strokes: list[Points] = []
        self.owners: list[int] = []
        self.digit_strokes: list[list[Points]] = []
        x = MARGIN
        for index, (shape, scale, after) in enumerate(zip(shapes, sizes, gaps, strict=True)):
            size = SIZE * scale
            top = MARGIN + index * drift * SIZE + (SIZE - size)
            left = x - INK_LEFT * size
            strokes = [
                [
                    (left + (px + slant * (1 - py)) * size, top + py * size)
                    for px, py in smooth(stroke)
                ]
                for stroke in SHAPES[shape]
            ]
            self.digit_strokes.append(strokes)
            self.strokes += strokes
            self.owners += [index] * len(strokes)
            x += (INK_RIGHT - INK_LEFT + slant) * size + after
        self.width = math.ceil(max(px for s in self.strokes for px, _ in s) + MARGIN)
        self.height = math.ceil(max(py for s in self.strokes for _, py in s) + MARGIN)

    def groups(self) -> list[list[int]]:
        """The stroke indices of each digit, left to right: what the grouping should find."""
        return [
            [i for i, owner in enumerate(self.owners) if owner == digit]
            for digit in range(len(self.digit_strokes))
        ]

    def rgba(self, strokes: Sequence[Points] | None = None) -> bytes:
        """The canvas with these strokes (all the number's by default) drawn."""
        return draw(self.strokes if strokes is None else strokes, self.width, self.height)


def draw(strokes: Sequence[Points], width: int, height: int, pen: float = PEN) -> bytes:
    """Black ink on transparency, each stroke a round-capped polyline with anti-aliased
    edges (the distance of each pixel centre to the nearest segment)."""
    ys, xs = np.mgrid[0:height, 0:width] + 0.5
    distance = np.full((height, width), np.inf)
    for stroke in strokes:
        ends = stroke if len(stroke) > 1 else [stroke[0], stroke[0]]
        for (x0, y0), (x1, y1) in pairwise(ends):
            dx, dy = x1 - x0, y1 - y0
            length2 = dx * dx + dy * dy
            t = 0 if length2 == 0 else np.clip(((xs - x0) * dx + (ys - y0) * dy) / length2, 0, 1)
            np.minimum(distance, np.hypot(x0 + t * dx - xs, y0 + t * dy - ys), out=distance)
    alpha = np.clip(pen / 2 + 0.5 - distance, 0, 1)
    rgba = np.zeros((height, width, 4), dtype=np.uint8)
    rgba[..., 3] = np.rint(alpha * 255)
    return rgba.tobytes()


def ink_box(rgba: bytes, width: int, height: int) -> tuple[int, int, int, int]:
    """The bounding box of the ink above the noise threshold, as segment's boxes are."""
    alpha = np.frombuffer(rgba, np.uint8).reshape(height, width, 4)[..., 3] > 40
    rows, columns = np.nonzero(alpha)
    return columns.min(), rows.min(), columns.max() + 1, rows.max() + 1


NUMBERS = {
    "two digits": ["1", "2"],
    "four digits": ["2", "0", "2", "6"],
    "eight digits": ["3", "1", "4", "1", "5", "9", "2", "6"],
    "a 4 in two strokes": ["1", "4", "4"],
    "a 7 with a crossbar": ["7-crossbar", "0"],
    "a 5 with a separate bar": ["2", "5-bar", "9"],
    "every digit": [str(digit) for digit in range(10)],
}


def labels(shapes: Sequence[str]) -> str:
    return "".join(shape[0] for shape in shapes)


# Strokes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shapes", NUMBERS.values(), ids=NUMBERS.keys())
def test_strokes_group_into_their_digits_left_to_right(shapes: list[str]) -> None:
    number = Number(shapes)
    assert segment.group_strokes(number.strokes) == number.groups()


@pytest.mark.parametrize(
    "sizes",
    [[1.0, 0.5, 1.2, 0.6], [0.45, 1.0, 0.45, 1.0], [1.0, 1.0, 0.5, 0.5]],
    ids=["mixed", "small-large", "shrinking"],
)
def test_uneven_sizes_neither_split_nor_merge(sizes: list[float]) -> None:
    number = Number(["4", "7-crossbar", "5-bar", "0"], sizes=sizes)
    assert segment.group_strokes(number.strokes) == number.groups()


@pytest.mark.parametrize("drift", [0.25, -0.2, 0.5])
@pytest.mark.parametrize("slant", [0.0, 0.25])
def test_a_drifting_baseline_and_a_slant_change_nothing(drift: float, slant: float) -> None:
    number = Number(["1", "4", "5-bar", "7-crossbar", "8"], drift=drift, slant=slant)
    assert segment.group_strokes(number.strokes) == number.groups()


def test_the_order_is_left_to_right_whatever_order_the_digits_were_drawn_in() -> None:
    number = Number(["1", "2", "3"])
    strokes = list(reversed(number.strokes))
    assert segment.group_strokes(strokes) == [[2], [1], [0]]


@pytest.mark.parametrize("where", ["right", "left", "above"])
def test_a_short_stroke_beside_a_digit_joins_the_nearest_digit(where: str) -> None:
    """A dot or a short bar that overlaps no digit (a 5's bar drawn off to the side) is not
    a digit of its own: it goes with the nearest one, not with one further away."""
    number = Number(["1", "7", "0"], gap=0.4 * SIZE)
    left, top, right, _ = segment.stroke_box([p for s in number.digit_strokes[1] for p in s])
    spot = {
        "right": (right + 0.05 * SIZE, top),
        "left": (left - 0.12 * SIZE, top + 0.3 * SIZE),
        "above": ((left + right) / 2, top - 0.2 * SIZE),
    }[where]
    dash = [spot, (spot[0] + 0.1 * SIZE, spot[1])]
    groups = segment.group_strokes([*number.strokes, dash])
    assert groups == [[0], [1, 3], [2]]


def test_a_short_stroke_far_from_every_digit_stands_alone() -> None:
    number = Number(["1", "7"])
    far = [(number.width + 3 * SIZE, MARGIN), (number.width + 3.1 * SIZE, MARGIN)]
    assert segment.group_strokes([*number.strokes, far]) == [[0], [1], [2]]


def test_strokes_without_points_are_left_out() -> None:
    number = Number(["4", "2"])
    strokes = [[], *number.strokes]
    assert segment.group_strokes(strokes) == [[1, 2], [3]]
    assert segment.group_strokes([]) == []


# Crops: the pixel path and the stroke path --------------------------------------------


def alone(number: Number, digit: int) -> list[float]:
    """The model input of one digit of the number drawn alone, where it is on the canvas."""
    return to_model_input(number.rgba(number.digit_strokes[digit]), number.width, number.height)


@pytest.mark.parametrize("shapes", NUMBERS.values(), ids=NUMBERS.keys())
def test_an_image_of_a_number_reads_as_its_digits_each_normalized_as_alone(
    shapes: list[str],
) -> None:
    """Digits apart: one reading, one crop per digit, left to right, and each crop is what
    the model would be given for that digit drawn alone (the same normalization, exactly)."""
    number = Number(shapes)
    found = segment.readings(number.rgba(), number.width, number.height)
    assert len(found) == 1
    (reading,) = found
    assert len(reading) == len(shapes)
    assert [crop.box[0] for crop in reading] == sorted(crop.box[0] for crop in reading)
    for digit, crop in enumerate(reading):
        assert crop.pixels == alone(number, digit)


@pytest.mark.parametrize("shapes", NUMBERS.values(), ids=NUMBERS.keys())
def test_the_pad_s_strokes_give_the_same_crops_as_its_pixels(shapes: list[str]) -> None:
    """The first reading from the strokes is the pixels' one; the others only split a digit
    of several tall strokes (a 4) between its strokes, for the model to turn down."""
    number = Number(shapes)
    rgba = number.rgba()
    by_strokes = segment.stroke_readings(number.strokes, rgba, number.width, number.height)
    assert by_strokes[0] == segment.readings(rgba, number.width, number.height)[0]
    assert len(by_strokes) == 2 ** shapes.count("4")
    assert all(len(reading) > len(shapes) for reading in by_strokes[1:])


@pytest.mark.parametrize("path", ["strokes", "pixels"])
@pytest.mark.parametrize("shapes", NUMBERS.values(), ids=NUMBERS.keys())
def test_the_model_s_choice_is_the_number_written(shapes: list[str], path: str) -> None:
    number = Number(shapes)
    rgba = number.rgba()
    if path == "strokes":
        candidates = segment.stroke_readings(number.strokes, rgba, number.width, number.height)
    else:
        candidates = segment.readings(rgba, number.width, number.height)
    calls: list[int] = []
    best = segment.best_reading(candidates, fake_model(number, labels(shapes), calls))
    assert best.digits == labels(shapes)
    assert len(calls) == 1


def test_uneven_sizes_and_a_drifting_baseline_in_pixels() -> None:
    number = Number(["1", "4", "5-bar", "0"], sizes=[1.0, 0.5, 1.2, 0.6], drift=0.05)
    assert ink_box(number.rgba(), number.width, number.height)[3] <= segment.SEGMENT_HEIGHT + 40
    (reading,) = segment.readings(number.rgba(), number.width, number.height)
    assert [crop.pixels for crop in reading] == [alone(number, d) for d in range(4)]


@pytest.mark.parametrize("path", ["strokes", "pixels"])
def test_a_tall_number_is_segmented_smaller_and_its_boxes_are_in_the_image_s_pixels(
    path: str,
) -> None:
    """Ink taller than SEGMENT_HEIGHT is area-averaged down to it before it is split: the
    digits are found as at full size, and each crop's box is still in the image's pixels."""
    number = Number(["1", "4", "5-bar", "0"], sizes=[1.0, 0.5, 1.2, 0.6], drift=0.3)
    top, bottom = ink_box(number.rgba(), number.width, number.height)[1::2]
    assert bottom - top > 1.1 * segment.SEGMENT_HEIGHT
    rgba = number.rgba()
    if path == "strokes":  # the first reading: each group whole (the 4 is also split)
        reading = segment.stroke_readings(number.strokes, rgba, number.width, number.height)[0]
    else:
        (reading,) = segment.readings(rgba, number.width, number.height)
    assert len(reading) == 4
    for digit, crop in enumerate(reading):
        own = ink_box(number.rgba(number.digit_strokes[digit]), number.width, number.height)
        assert all(abs(a - b) <= 3 for a, b in zip(crop.box, own, strict=True)), (crop.box, own)


@pytest.mark.parametrize("factor", [2, 3, 5, 7, 12, 14, 20])
def test_shrinking_is_the_rounded_mean_of_each_block(factor: int) -> None:
    """_shrink (whole rows as big integers, divided by one multiplication and a shift where a
    divider exists: factor 20 has none and takes the table) gives each block's rounded mean,
    the ink placed `offset` into the blocks; full ink and every level included."""
    rng = np.random.default_rng(factor)
    width, height, offset = 3 * factor + 5, 2 * factor + 3, (factor - 1, factor // 2)
    for ink in (
        rng.integers(0, 256, (height, width), dtype=np.uint8),
        np.full((height, width), 255, dtype=np.uint8),
    ):
        placed = np.zeros(
            (
                -(-(height + offset[1]) // factor) * factor,
                -(-(width + offset[0]) // factor) * factor,
            ),
            dtype=np.int64,
        )
        placed[offset[1] : offset[1] + height, offset[0] : offset[0] + width] = ink
        rows, columns = placed.shape[0] // factor, placed.shape[1] // factor
        sums = placed.reshape(rows, factor, columns, factor).sum(axis=(1, 3))
        blocks = factor * factor
        expected = ((sums + blocks // 2) // blocks).astype(np.uint8).tobytes()
        shrunk = segment._shrink(ink.tobytes(), width, height, factor, offset)
        assert shrunk == (expected, columns, rows)
    assert (segment._divider(factor * factor) is None) == (factor == 20)


def test_a_broken_stroke_is_one_digit() -> None:
    """A 1 with a gap in its stroke (a pen that skipped) is two components, one digit."""
    number = Number(["1", "0"])
    one = number.digit_strokes[0][0]
    broken = [one[: len(one) // 2 - 2], one[len(one) // 2 + 2 :], *number.digit_strokes[1]]
    found = segment.readings(number.rgba(broken), number.width, number.height)
    assert [len(reading) for reading in found] == [2]


def test_specks_are_dropped() -> None:
    number = Number(["2", "3"])
    canvas = bytearray(number.rgba())
    canvas[3::4][5 * number.width + 3] = 255  # one dark pixel in the margin
    (reading,) = segment.readings(canvas, number.width, number.height)
    assert len(reading) == 2


# Touching digits -------------------------------------------------------------------------


def touching() -> Number:
    """A 2 and a 3 whose ink runs into each other: one component."""
    return Number(["2", "3"], gap=0.0)


def true_boxes(number: Number) -> list[tuple[int, int, int, int]]:
    """The ink box of each digit of the number drawn alone."""
    return [ink_box(number.rgba(d), number.width, number.height) for d in number.digit_strokes]


def ink_pixels(rgba: bytes) -> int:
    """How many pixels hold ink above the noise threshold."""
    return int((np.frombuffer(rgba, np.uint8)[3::4] > NOISE_THRESHOLD).sum())


def fake_model(number: Number, digits: str, calls: list[int]):
    """A score function that is sure of a crop that is one of the number's digits (its box
    within a few pixels, and as much ink give or take a fifth: a photo's is thinner) and
    unsure of anything else; it records how many crops each call had."""
    truth = [
        (box, ink_pixels(number.rgba(strokes)))
        for box, strokes in zip(true_boxes(number), number.digit_strokes, strict=True)
    ]

    def score(crops: list[Crop]) -> list[list[float]]:
        calls.append(len(crops))
        answers = []
        for crop in crops:
            ink = len(crop.ink) - crop.ink.count(0)
            matches = [
                digit
                for (box, pixels), digit in zip(truth, digits, strict=True)
                if all(abs(a - b) <= 0.1 * SIZE for a, b in zip(crop.box, box, strict=True))
                and abs(ink - pixels) <= 0.2 * pixels
            ]
            sure = LABELS.index(matches[0]) if matches else 8
            answers.append(
                [0.97 if i == sure else 0.003 for i in range(10)]
                if matches
                else [0.4 if i == sure else 0.6 / 9 for i in range(10)]
            )
        return answers

    return score


def test_touching_digits_are_cut_and_the_model_chooses_the_right_cut() -> None:
    number = touching()
    rgba = number.rgba()
    candidates = segment.readings(rgba, number.width, number.height)
    assert len(candidates) > 1  # the whole, and cuts
    assert {len(reading) for reading in candidates} >= {2}
    calls: list[int] = []
    best = segment.best_reading(candidates, fake_model(number, "23", calls))
    assert best.digits == "23"
    distinct = {(crop.box, crop.ink) for reading in candidates for crop in reading}
    assert calls == [len(distinct)]  # one model call, each distinct crop once


def test_every_touching_pair_of_a_number_is_cut_the_right_way() -> None:
    """Four pairs of touching digits in one number: more combinations of their ways than
    a list of readings holds (MAX_READINGS), and the model's choice among all of them, made
    group by group, is the whole number, in one model call."""
    shapes = ["2", "3", "5", "6", "2", "8", "9", "3"]
    number = Number(shapes, gap=[0.0, 2 * GAP] * 4)
    ways = segment.number_ways(number.rgba(), number.width, number.height)
    assert len(ways) == 4
    assert segment.reading_count(ways) > segment.MAX_READINGS
    calls: list[int] = []
    best = segment.best_way(ways, fake_model(number, labels(shapes), calls), width_prior=True)
    assert best.digits == labels(shapes)
    assert len(calls) == 1


def slanted_bar(canvas: np.ndarray, left: int, top: int, height: int, lean: float) -> None:
    """A thick italic 1 (a bar leaning right by `lean` px per row), as ink in an alpha plane."""
    for row in range(height):
        start = left + round((height - row) * lean)
        canvas[top + row, start : start + 6] = 255


def test_an_image_s_leaning_digits_are_cut_along_a_seam_between_them() -> None:
    """Two italic 1s side by side lean over each other's columns: every column of the
    group's middle crosses a stroke, so every straight cut takes a piece of one 1 into the
    other's crop. A seam leaning with them crosses no ink: one way holds each 1 exactly."""
    width, height = 120, 100
    alpha = np.zeros((height, width), np.uint8)
    first, second = alpha.copy(), alpha.copy()
    slanted_bar(first, 10, 20, 60, 0.66)
    slanted_bar(second, 32, 20, 60, 0.66)
    alpha = first | second
    rgba = np.zeros((height, width, 4), np.uint8)
    rgba[..., 3] = alpha
    ways = segment.number_ways(rgba.tobytes(), width, height)
    assert len(ways) == 1  # one group: their extents overlap by half
    (group,) = ways
    columns = np.flatnonzero(alpha.any(axis=0))
    left, right = columns[0], columns[-1] + 1
    middle = alpha[:, left + (right - left) // 4 : right - (right - left) // 4]
    assert middle.any(axis=0).all()  # no straight cut there misses both strokes
    own = [int((bar > 0).sum()) for bar in (first, second)]
    assert any([len(c.ink) - c.ink.count(0) for c in way] == own for way in group)


def test_the_reading_count_stays_an_exact_javascript_number() -> None:
    """The count goes to the page with the timings: exact while small, never past 2^53 - 1
    (a BigInt there), though twelve groups of thirty ways make 30^12."""
    way = [crop_of((0, 0, 1, 1))]
    assert segment.reading_count([[way] * 3, [way] * 4]) == 12
    assert segment.reading_count([[way] * 30] * 12) == 2**53 - 1


@pytest.mark.parametrize("seed", range(6))
def test_the_best_way_is_the_best_of_every_combination_of_the_groups_ways(seed: int) -> None:
    """best_way chooses group by group; that must be the reading best_reading would choose
    from every combination of the groups' ways listed out, digit count limit included."""
    rng = np.random.default_rng(seed)
    groups = int(rng.integers(1, 5))
    crops: list[Crop] = []

    def new_crop() -> Crop:
        crops.append(crop_of((len(crops), 0, len(crops) + 1, 1)))
        return crops[-1]

    ways = [
        [[new_crop() for _ in range(int(rng.integers(1, 5)))] for _ in range(rng.integers(1, 4))]
        for _ in range(groups)
    ]
    sure = {crop.box: (str(rng.integers(10)), float(rng.uniform(0.15, 1.0))) for crop in crops}
    every = [[digit for way in combination for digit in way] for combination in product(*ways)]
    allowed = [reading for reading in every if len(reading) <= MAX_DIGITS]
    if not allowed:
        with pytest.raises(TooManyDigits):
            segment.best_way(ways, scorer(sure))
        return
    by_groups = segment.best_way(ways, scorer(sure))
    listed = segment.best_reading(allowed, scorer(sure))
    assert by_groups.digits == listed.digits
    assert by_groups.score == pytest.approx(listed.score)
    assert [crop.box for crop in by_groups.crops] == [crop.box for crop in listed.crops]


def test_the_pad_s_strokes_separate_touching_digits_without_cuts() -> None:
    """Drawn in separate strokes, touching digits are two groups: each crop holds its own
    ink, the other digit's removed (up to the pixels where both pens passed)."""
    number = touching()
    rgba = number.rgba()
    (reading,) = segment.stroke_readings(number.strokes, rgba, number.width, number.height)
    assert len(reading) == 2
    for digit, crop in enumerate(reading):
        own = ink_box(number.rgba(number.digit_strokes[digit]), number.width, number.height)
        assert all(abs(a - b) <= 2 for a, b in zip(crop.box, own, strict=True))


def test_overlapping_digits_drawn_in_separate_strokes_are_told_apart_by_the_model() -> None:
    """A 1 under a 7's bar groups with the 7 by their extents (as a 4's upright with its
    first stroke): the split between their strokes is a reading, and the model takes it."""
    number = Number(["7", "1"], gap=-0.3 * SIZE)
    rgba = number.rgba()
    assert segment.group_strokes(number.strokes) == [[0, 1]]
    candidates = segment.stroke_readings(number.strokes, rgba, number.width, number.height)
    calls: list[int] = []
    best = segment.best_reading(candidates, fake_model(number, "71", calls))
    assert best.digits == "71"
    for crop, box in zip(best.crops, true_boxes(number), strict=True):
        assert all(abs(a - b) <= 2 for a, b in zip(crop.box, box, strict=True))


def whole_or_sides(digits: str, whole_reads: str):
    """A score function for one group: its widest crop (the group read whole) is
    `whole_reads` at 0.9; any other crop is the left or right digit of `digits` (by its
    centre) at 0.97 each: the two sides together are more probable than the whole, but
    not by the extra-digit penalty's e^0.7."""

    def score(crops: list[Crop]) -> list[list[float]]:
        widest = max(crops, key=lambda crop: crop.box[2] - crop.box[0])
        middle = (widest.box[0] + widest.box[2]) / 2
        out = []
        for crop in crops:
            if crop is widest:
                digit, p = whole_reads, 0.9
            else:
                digit = digits[0] if (crop.box[0] + crop.box[2]) / 2 < middle else digits[-1]
                p = 0.97
            out.append([p if label == digit else (1 - p) / 9 for label in LABELS])
        return out

    return score


def test_two_digits_written_into_each_other_are_split_between_their_strokes() -> None:
    """A 2 and a 3 overlapping by most of their width: one group, not wide enough to be cut
    or taken for two digits side by side. Each side of the split between their strokes holds
    a stroke of a digit's size and shape, so that split pays no extra-digit penalty and the
    two digits win over the whole read as one 8."""
    number = Number(["2", "3"], gap=-24.0)
    rgba = number.rgba()
    (group,) = segment.stroke_ways(number.strokes, rgba, number.width, number.height)
    assert [len(way) for way in group] == [1, 2]
    assert isinstance(group[1], segment.TwoDigits)
    best = segment.best_way([group], whole_or_sides("23", "8"))
    assert best.digits == "23"
    plain = [list(way) for way in group]  # the same split paying for its extra digit
    assert segment.best_way([plain], whole_or_sides("23", "8")).digits == "8"


def test_a_4_in_two_strokes_is_not_split_for_free() -> None:
    """A 4's upright is a line, not a digit's shape: the split between a 4's strokes pays
    the extra-digit penalty, and the 4 read whole wins over a 1 and a 1."""
    number = Number(["4"])
    rgba = number.rgba()
    (group,) = segment.stroke_ways(number.strokes, rgba, number.width, number.height)
    assert [len(way) for way in group] == [1, 2]  # whole, and split between its strokes
    assert not isinstance(group[1], segment.TwoDigits)
    assert segment.best_way([group], whole_or_sides("11", "4")).digits == "4"


def test_a_number_written_in_one_stroke_is_cut() -> None:
    """Cursive: two digits joined in one stroke are one group, cut like touching pixels."""
    number = touching()
    joined = [[p for s in number.strokes for p in s]]
    rgba = number.rgba()
    candidates = segment.stroke_readings(joined, rgba, number.width, number.height)
    assert any(len(reading) == 2 for reading in candidates)


def crop_of(box: tuple[int, int, int, int]) -> Crop:
    return Crop(box, bytes([255]), [0.0] * 784)


def scorer(answers: dict[tuple[int, int, int, int], tuple[str, float]]):
    def score(crops: list[Crop]) -> list[list[float]]:
        out = []
        for crop in crops:
            digit, p = answers[crop.box]
            out.append([p if label == digit else (1 - p) / 9 for label in LABELS])
        return out

    return score


@pytest.mark.parametrize(
    ("whole", "halves", "expected"),
    [
        (0.8, 0.95, "0"),  # without the penalty the two 1s would win (0.9025 > 0.8)
        (0.55, 0.9, "0"),
        (0.3, 0.99, "11"),  # a far better split still wins
    ],
)
def test_cutting_a_0_into_two_1s_must_pay_for_the_extra_digit(
    whole: float, halves: float, expected: str
) -> None:
    zero, left, right = (0, 0, 20, 30), (0, 0, 10, 30), (10, 0, 20, 30)
    candidates = [[crop_of(zero)], [crop_of(left), crop_of(right)]]
    score = scorer({zero: ("0", whole), left: ("1", halves), right: ("1", halves)})
    best = segment.best_reading(candidates, score)
    assert best.digits == expected
    assert len(best.probabilities) == len(expected)


def test_best_reading_refuses_a_model_answer_of_the_wrong_size() -> None:
    candidates = [[crop_of((0, 0, 5, 5))]]
    with pytest.raises(ValueError, match="answers"):
        segment.best_reading(candidates, lambda crops: [])
    with pytest.raises(ValueError, match="probabilities"):
        segment.best_reading(candidates, lambda crops: [[1.0]])
    with pytest.raises(ValueError):
        segment.best_reading([], lambda crops: [])


# Bad input -------------------------------------------------------------------------------


def test_an_empty_canvas_is_nothing_to_recognize() -> None:
    blank = bytes(200 * 100 * 4)
    with pytest.raises(NothingToRecognize):
        segment.readings(blank, 200, 100)
    with pytest.raises(NothingToRecognize):
        segment.stroke_readings([], blank, 200, 100)


def test_more_than_max_digits_is_refused_with_a_message() -> None:
    number = Number((["1", "7"] * 7)[: MAX_DIGITS + 1], gap=8.0)
    rgba = number.rgba()
    with pytest.raises(TooManyDigits, match=f"at most {MAX_DIGITS}"):
        segment.stroke_readings(number.strokes, rgba, number.width, number.height)
    with pytest.raises(TooManyDigits, match=f"at most {MAX_DIGITS}"):
        segment.readings(rgba, number.width, number.height)


def test_exactly_max_digits_are_read() -> None:
    number = Number((["1", "7"] * 6)[:MAX_DIGITS], gap=8.0)
    (reading,) = segment.readings(number.rgba(), number.width, number.height)
    assert len(reading) == MAX_DIGITS


@pytest.mark.parametrize("drop", [0, 36, 120, -200])
def test_a_long_line_is_refused_with_a_message(drop: int) -> None:
    """Level or slanted (down to wider than tall, where a line could pass for touching
    digits by its shape): a line, not a number."""
    width, height = 400, 240
    start = 20 if drop >= 0 else height - 20
    line = smooth([(20.0, start), (380.0, start + drop)])
    rgba = draw([line], width, height, pen=8.0)
    with pytest.raises(LongLine, match="line"):
        segment.readings(rgba, width, height)
    with pytest.raises(LongLine, match="line"):
        segment.stroke_readings([line], rgba, width, height)


@pytest.mark.parametrize("stretch", [2.0, 2.1])
def test_a_wide_7_is_a_digit_not_a_line(stretch: float) -> None:
    """A quick 7 wider than tall (its box about 1.4 times) crosses each row once, like a
    line: it is read all the same (whole, or cut, for the model to choose)."""
    seven = [
        [(MARGIN + x * stretch * SIZE, MARGIN + y * SIZE) for x, y in smooth(stroke)]
        for stroke in SHAPES["7"]
    ]
    width, height = math.ceil(2 * MARGIN + stretch * SIZE), math.ceil(2 * MARGIN + SIZE)
    rgba = draw(seven, width, height)
    assert segment.readings(rgba, width, height)
    assert segment.stroke_readings(seven, rgba, width, height)


def test_bad_input_errors_are_value_errors_a_user_can_read() -> None:
    assert issubclass(TooManyDigits, segment.NotANumber)
    assert issubclass(LongLine, segment.NotANumber)
    assert issubclass(segment.NotANumber, ValueError)
    with pytest.raises(ValueError, match="bytes"):
        segment.readings(bytes(10), 200, 100)


@pytest.mark.parametrize(
    "look",
    [
        {},
        {"noise": 4.0, "specks": 6, "seed": 3},
        {"lighting": "gradient", "jpeg": 85},
    ],
    ids=["scan", "noisy-specked", "lit-jpeg"],
)
def test_a_photo_of_a_number_reads_as_its_digits(look: dict) -> None:
    """Dark ink on opaque paper goes the single digit's photo route, then is split alike."""
    shapes = ["2", "0", "4", "7-crossbar"]
    number = Number(shapes, gap=1.5 * GAP)
    cover = np.frombuffer(number.rgba(), np.uint8)[3::4].reshape(number.height, number.width)
    options = dict(look)
    if options.get("lighting") == "gradient":
        options["lighting"] = photos.gradient(number.width, number.height, 1.0, 0.7)
    rgba = photos.on_paper(cover / 255, **options)
    candidates = segment.readings(rgba, number.width, number.height)
    best = segment.best_reading(candidates, fake_model(number, labels(shapes), []))
    assert best.digits == labels(shapes)


@pytest.mark.parametrize(("width_prior", "expected"), [(False, "8"), (True, "04")])
def test_in_an_image_a_crop_wider_than_a_digit_loses_to_its_cut(
    width_prior: bool, expected: str
) -> None:
    """Two scanned digits that touch, 1.3 times as wide as tall, read confidently as one 8:
    in an image (width_prior) the width of a digit decides for the cut; on the pad, whose
    strokes tell digits apart, the model alone does."""
    pair, left, right = (0, 0, 130, 100), (0, 0, 62, 100), (66, 0, 130, 100)
    score = scorer({pair: ("8", 0.97), left: ("0", 0.9), right: ("4", 0.9)})
    candidates = [[crop_of(pair)], [crop_of(left), crop_of(right)]]
    best = segment.best_reading(candidates, score, width_prior=width_prior)
    assert best.digits == expected


@pytest.mark.parametrize(
    ("shapes", "gap", "one_digit_reading"),
    [
        (["0", "3"], -0.35 * SIZE, False),  # two digits written into each other
        (["1", "0"], -0.2 * SIZE, False),  # a 1 touching a 0: read as one 0 by the model
        (["4"], GAP, True),  # a 4's two strokes: one within the other's width
        (["7-crossbar"], GAP, True),
        (["5-bar"], GAP, True),
    ],
)
def test_tall_strokes_side_by_side_are_never_read_as_one_digit(
    shapes: list[str], gap: float, one_digit_reading: bool
) -> None:
    """Overlapping digits group by their extents, like a 4's strokes; the model would read
    the pair as one 8. A group SIDE_BY_SIDE times wider than its widest tall stroke is not
    one digit; a 4's, 5's or 7's strokes lie within the digit's widest stroke."""
    number = Number(shapes, gap=gap)
    assert len(segment.group_strokes(number.strokes)) == 1
    candidates = segment.stroke_readings(number.strokes, number.rgba(), number.width, number.height)
    assert any(len(reading) == 1 for reading in candidates) is one_digit_reading
    assert any(len(reading) == 2 for reading in candidates) or one_digit_reading


def test_a_small_digit_in_a_wide_pen_is_no_scribble_when_the_strokes_say_so() -> None:
    """An 8 a few pen widths tall fills its box like a scribble does (the UCI pen digits
    had such 8s refused as scribbles in numbers); its stroke goes around once, a scribble's
    tens of times. The pixels alone cannot tell: there it is still refused."""
    eight = [(60, 25), (46, 32), (60, 45), (74, 58), (60, 65), (46, 58), (60, 45), (74, 32)]
    eight.append(eight[0])
    width, height = 140, 110
    rgba = draw([eight], width, height, pen=26.0)
    ways = segment.stroke_ways([eight], rgba, width, height)
    assert len(ways) == 1 and len(ways[0][0]) == 1  # one group, its first way the whole digit
    with pytest.raises(segment.Scribble):
        segment.number_ways(rgba, width, height)
