"""A written number split into its digits, left to right, each normalized the MNIST way.

The model reads one digit in a 28x28 field; a number squeezed into one field is read as one
digit. So the ink is split into digits first, and each digit goes through the very
normalization a single digit does (``preprocess.to_model_input``).

Two sources, one grouping rule (``group_boxes``):
- strokes, when the pad has them (``group_strokes``, ``stroke_readings``): a digit is the
  strokes whose horizontal extents overlap (a 4 in two strokes, a 5's or 7's separate bar, a
  crossed 7), which neither a drifting baseline nor uneven sizes change; a short stroke (a
  dot, a bar drawn beside its digit) goes with the nearest digit. The ink on the canvas is
  then shared out by the strokes that made it (``_stroke_groups``; where two digits' pens
  crossed, to both). Digits that overlap group like a 4's strokes do, so a group of several
  tall strokes is also read split between its strokes (``_stroke_splits``).
- pixels, for images (``readings``): the 8-connected components of the ink (the photo path's
  ``Runs``), grouped by the same rule (a broken stroke, a 5's bar).

Digits that touch make one group too wide for a digit: it is cut at columns of little ink
(the vertical projection's minima, ``_cuts``), and in an image also along seams that wind
between overlapping strokes (``_seams``), in more than one way; the readings are the
combinations of every group's ways. ``best_way`` lets the model choose: all the distinct
crops of all the ways in one batched call, the reading with the most probable digits (a
sum of logs) wins, less a small penalty per extra digit so a 0 cut into two 1s does not;
that sum is the groups' sums, so the best of every combination is found group by group.

Input that is not a number raises a ``NotANumber`` (a ValueError) whose message a user can
read: more than MAX_DIGITS digits, a long line, a scribble. A blank one raises
``preprocess.NothingToRecognize``, as for a single digit. Never a made-up number.

``digits.recognizer.recognize_number`` wires it to the page: one batched model call per
number. Pure standard library, for Pyodide.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import islice, pairwise, product
from typing import NamedTuple, TypeVar

from digits import preprocess
from digits.facts import LABELS, MAX_DIGITS, MIN_INK_FRACTION
from digits.photo.components import Piece, Runs, piece_box
from digits.planes import MAX_LEVEL, bounding_box, crop

Point = tuple[float, float]
Stroke = Sequence[Point]
# (left, top, right, bottom); right and bottom exclusive for pixels, the extremes for strokes.
Box = tuple[float, float, float, float]
PixelBox = tuple[int, int, int, int]
T = TypeVar("T")

# Grouping (all relative to the tallest piece, so the size a number is written at does not
# matter). Two pieces are one digit when their horizontal extents, each widened by
# SLANT_TOLERANCE of that height, overlap by OVERLAP_SHARE of the narrower's: a 4's upright
# lies within its other stroke, a 5's bar over its body; neighbouring digits, even slanted,
# overlap by a sliver at most.
SLANT_TOLERANCE = 0.05
OVERLAP_SHARE = 0.5
# A piece whose longer side is under SHORT_PIECE of the tallest is a dot or a bar, not a
# digit (a small digit among large ones is still well above it: uneven sizes stay apart); it
# joins the nearest digit within ATTACH_GAP of that height, else it stands alone.
SHORT_PIECE = 0.25
ATTACH_GAP = 0.5

# Shapes. MNIST's digits are about 0.7 as wide as tall (a 1 far less, a wide 0 or 2 about
# 1): a group wider than SPLIT_ASPECT times its height may be digits that touch, and cuts
# are proposed. In an image, where nothing but the ink tells digits apart, from
# SPLIT_ASPECT_PIXELS already: two scanned digits that touch are 0.9-1.0 as wide as tall
# (the UCI scans' training part; their digits are 0.6-0.7 as wide as tall). Wider than
# WHOLE_ASPECT, no single digit is that wide, so only the cuts are
# readings. A group wider than LINE_ASPECT times its height is more than eight touching
# digits of that shape: a line drawn across, not a number. So is a group more than
# THIN_LINE_ASPECT times wider than tall whose rows nearly all (LINE_ROWS of them) cross its
# ink once: a slanted line does; digits side by side, touching or not, cross each row at
# least once each, and a wide 0 or 2 twice (a 7 crosses once too, but is not that wide).
SPLIT_ASPECT = 1.0
SPLIT_ASPECT_PIXELS = 0.8
WHOLE_ASPECT = 1.8
TYPICAL_ASPECT = 0.7
LINE_ASPECT = 6.0
THIN_LINE_ASPECT = 1.5
LINE_ROWS = 0.9
# How a group may be cut: into at most this many more pieces than its width suggests, and,
# into two, at this many of the emptiest columns (each at least MIN_CUT_SPACING of the
# group's width from the others).
EXTRA_PIECES = 1
ALTERNATIVE_CUTS = 3
MIN_CUT_SPACING = 1 / 8
# The readings of a number are every combination of its groups' ways. best_way chooses
# among all of them group by group; listed out (``readings``, ``stroke_readings``: for
# tests and tools), beyond this many the groups after the first that went over are read
# their most likely way only.
MAX_READINGS = 1024
# In an image, a group is also cut along seams (``_seams``): paths from top to bottom that
# cross the least ink, each row's step sideways costing SEAM_STEP (of a pixel's 255). Set
# on 300 numbers of the UCI scans' training part: overlapping pairs read right 58 -> 63%,
# touching and apart unchanged but one number. Not on the pad: its strokes already tell
# overlapping digits apart (the same check there: one number fewer right).
SEAM_STEP = 16

# A stroke at least this share of its group's tallest can be a digit of its own when the
# group is split between its strokes (a 4's two strokes are; a 5's or 7's bar is not).
TALL_STROKE = 0.5
# A group whose strokes span this many times its widest tall stroke's width is two digits
# that overlap (a 0 and a 3 written into each other), never read as one: the model reads
# such a pair as one 8 with confidence (and a 1 touching a 0 as a 0: _side_by_side).
SIDE_BY_SIDE = 1.2
# Two digits written into each other (a 2 and a 9 whose extents overlap by most of their
# width) group as one, and the model reads the pair as one 8 with confidence: a split between
# the group's strokes where each side holds a stroke a digit's size and shape (at least
# DIGIT_STROKE_HEIGHT of the tallest, and DIGIT_STROKE_ASPECT as wide as tall) pays no
# extra-digit penalty (TwoDigits). A 4's upright, a 1 and a 5's or 7's bar are not such
# strokes. Set on 300 numbers of the UCI pen training part: the digit gap -1.9 -> -0.8
# points, overlapping pairs read as one 2% -> 0%; on 377 numbers whose 4s, 5s and 7s were
# cut into two strokes (each trajectory at its longest segment) no answer changed.
DIGIT_STROKE_HEIGHT = 0.75
DIGIT_STROKE_ASPECT = 0.4

# A digit is lines; a scribble or a filled-in area is ink that fills its box. A group at
# least SCRIBBLE_MIN_ASPECT as wide as tall and as tall as wide (not a 1 or a line, whose
# box is their one stroke; a lone pen tap the pad reports itself) whose ink covers more than
# SCRIBBLE_INK_SHARE of its box is not read. A digit written small with a thick pen covers
# up to about two thirds of its box (a 0 five pen widths tall: 0.61, tests/test_segment.py).
SCRIBBLE_INK_SHARE = 0.8
SCRIBBLE_MIN_ASPECT = 0.6
# On the pad the strokes tell the two apart where the ink cannot: a digit written small with
# a wide pen fills its box too (8s of the UCI pen digits 4.7 pen widths tall: 0.81), but its
# pen travels a few times the box's longer side (the UCI pen training digits: at most 5.5
# times their strokes' extent), while a scribble goes back and forth, or round and round,
# tens of times. A group of strokes is a scribble only if they are at least this many times
# its box's longer side long.
SCRIBBLE_MIN_PATH = 8

# The ink is segmented at most this many pixels tall (area-averaged down to it by a whole
# factor): a number
# on a phone's pad is 100-250 px tall, and every step after finding the ink costs by the
# pixel, while the model sees each digit 20 px tall. At 96 px a pen 1/14 of a 256 px pad is
# still 4-7 px wide, and cuts between touching digits are as good (benchmarks/numbers.py).
SEGMENT_HEIGHT = 96

# Choosing a reading: each extra digit must make the reading this many nats (e^0.7: about
# twice) more probable, so a 0 is not read as two 1s, nor an 8 as 3 and 3; a probability
# below MIN_PROBABILITY counts as it (no log of 0).
EXTRA_DIGIT_PENALTY = 0.7
MIN_PROBABILITY = 1e-9
# In an image, the model reads two touching digits as one wide digit with confidence (04
# as an 8): there a crop wider than WIDE_DIGIT_ASPECT times its height (scanned and MNIST
# digits are at most about 0.8 as wide as tall, 95% of them) loses WIDE_DIGIT_PENALTY nats
# per unit of aspect beyond it. Not on the pad, whose strokes already tell digits apart (and
# the UCI pen digits, stretched by their data set to fill a square, would all lose). Set on
# 160 numbers of the UCI scans' training part: touching pairs read with the wrong count 3.7%
# at 0.9, 2.5% at 0.8, 5.0% at 0.75 (where apart digits start being cut).
WIDE_DIGIT_ASPECT = 0.8
WIDE_DIGIT_PENALTY = 10.0

_CHANNELS = 4
_LANE = 4  # bytes of a 32-bit lane (_shrink): 255 times a block's pixels fits
# 1 for every non-zero level; a run of ink starts where a 0 is followed by a 1.
_NONZERO = bytes([0] + [1] * 255)
_RUN_START = b"\x00\x01"
_ALPHA = 3


class NotANumber(ValueError):
    """The ink is not a number the page can read; the message says why, for the user."""


class TooManyDigits(NotANumber):
    """More digits than MAX_DIGITS."""

    def __init__(self) -> None:
        super().__init__(f"More than {MAX_DIGITS} digits: write at most {MAX_DIGITS}.")


class LongLine(NotANumber):
    """A line drawn across (far wider than tall), not digits."""


class Scribble(NotANumber):
    """Ink that fills its box (a scribble, a filled-in area), not the lines of digits."""


class Crop(NamedTuple):
    """One digit of a reading: where it is, its ink alone, and what the model is given."""

    box: PixelBox  # in the image's pixels (a photo's: at its analysis resolution)
    ink: bytes  # one byte per pixel of the box, row-major; other digits' ink removed
    pixels: list[float]  # 784 floats, MNIST-normalized like a single digit


class Reading(NamedTuple):
    """The chosen reading: its digits with the model's probabilities, and its score."""

    digits: str
    crops: list[Crop]
    probabilities: list[list[float]]
    score: float  # sum of the logs of the top probabilities, less the extra-digit penalty


Ways = list[list[list[Crop]]]  # per digit group, left to right: its ways to be read


class TwoDigits(list[Crop]):
    """A way to read a group split between its strokes where each side holds a stroke that
    is a digit's size and shape (``_stroke_splits``): it pays no extra-digit penalty."""


# Grouping ------------------------------------------------------------------------------


def _overlaps(first: Box, second: Box, tolerance: float) -> bool:
    """Whether two pieces' horizontal extents (widened by `tolerance`) overlap by
    OVERLAP_SHARE of the narrower one's."""
    overlap = min(first[2], second[2]) - max(first[0], second[0]) + 2 * tolerance
    narrower = min(first[2] - first[0], second[2] - second[0]) + 2 * tolerance
    return overlap >= OVERLAP_SHARE * narrower


def _gap(box: Box, extent: tuple[float, float]) -> float:
    """Horizontal distance from a box to an extent (0 when they overlap)."""
    return max(extent[0] - box[2], box[0] - extent[1], 0.0)


def _root(parent: list[int], index: int) -> int:
    while parent[index] != index:
        parent[index] = index = parent[parent[index]]
    return index


def _clusters(boxes: Sequence[Box], members: list[int], tolerance: float) -> list[list[int]]:
    """The `members` joined wherever two overlap (union-find: overlap is transitive here,
    an upright and a bar that each overlap a 4's first stroke are all the 4)."""
    parent = list(range(len(boxes)))
    for position, first in enumerate(members):
        for second in members[position + 1 :]:
            if _overlaps(boxes[first], boxes[second], tolerance):
                parent[_root(parent, second)] = _root(parent, first)
    clusters: dict[int, list[int]] = {}
    for index in members:
        clusters.setdefault(_root(parent, index), []).append(index)
    return list(clusters.values())


def group_boxes(boxes: Sequence[Box]) -> list[list[int]]:
    """The pieces (their boxes: strokes' or components') grouped into digits, left to right.

    Each group lists the indices of its pieces, in order. The vertical positions play no
    part, so a drifting baseline changes nothing; sizes count only relative to the tallest
    piece.
    """
    if not boxes:
        return []
    tallest = max(max(bottom - top, 0.0) for _, top, _, bottom in boxes)
    if tallest <= 0:  # all flat: the widest stands in for the size
        tallest = max(right - left for left, _, right, _ in boxes) or 1.0
    tolerance = SLANT_TOLERANCE * tallest

    def short(box: Box) -> bool:
        return max(box[2] - box[0], box[3] - box[1]) < SHORT_PIECE * tallest

    long_ones = [index for index, box in enumerate(boxes) if not short(box)]
    groups = _clusters(boxes, long_ones, tolerance)
    extents = [
        (min(boxes[i][0] for i in group), max(boxes[i][2] for i in group)) for group in groups
    ]
    loners = []
    for index, box in enumerate(boxes):
        if not short(box):
            continue
        gaps = [_gap(box, extent) for extent in extents]
        nearest = min(range(len(gaps)), key=gaps.__getitem__, default=None)
        if nearest is not None and gaps[nearest] <= ATTACH_GAP * tallest:
            groups[nearest].append(index)
        else:
            loners.append(index)
    groups += _clusters(boxes, loners, tolerance)

    def centre(group: list[int]) -> float:
        return (min(boxes[i][0] for i in group) + max(boxes[i][2] for i in group)) / 2

    return sorted((sorted(group) for group in groups), key=centre)


def stroke_box(stroke: Stroke) -> Box:
    """The extremes of a stroke's points."""
    xs = [x for x, _ in stroke]
    ys = [y for _, y in stroke]
    return min(xs), min(ys), max(xs), max(ys)


def group_strokes(strokes: Sequence[Stroke]) -> list[list[int]]:
    """The pad's strokes (lists of (x, y) points) grouped into digits, left to right: the
    indices of each digit's strokes. Strokes without points are left out."""
    drawn = [index for index, stroke in enumerate(strokes) if len(stroke)]
    groups = group_boxes([stroke_box(strokes[index]) for index in drawn])
    return [[drawn[position] for position in group] for group in groups]


# Pixels ---------------------------------------------------------------------------------


class _Plane(NamedTuple):
    """An ink plane (one byte per pixel, 0 = paper), its size, and where it lies in the
    image (its top left corner: the plane is the ink's bounding box), in the plane's pixels;
    each is `factor` of the image's (a tall drawing is segmented at SEGMENT_HEIGHT)."""

    ink: bytes
    width: int
    height: int
    left: int = 0
    top: int = 0
    factor: int = 1


def _ink_plane(rgba: bytes | bytearray | memoryview, width: int, height: int) -> _Plane:
    """The image's ink above the noise threshold, cropped to its bounding box, by the single
    digit's own route (the pad's ink, ink on paper, a photo). NothingToRecognize when blank
    or only a speck, as for a single digit."""
    data = preprocess._as_checked_bytes(rgba, width, height)
    found = preprocess._find_ink(data, width, height)
    if found is None or len(found[0]) - found[0].count(0) < MIN_INK_FRACTION * found[2]:
        raise preprocess.NothingToRecognize(
            "nothing to recognize: no ink darker than the noise threshold, or only a speck"
        )
    ink, (left, top, right, bottom), _ = found
    width, height = right - left, bottom - top
    factor = -(-height // SEGMENT_HEIGHT)  # the least whole factor that brings it down
    if factor == 1:
        return _Plane(ink, width, height, left, top)
    # The blocks are the image's (from its top left corner): the ink is placed in them.
    shrunk, shrunk_width, shrunk_height = _shrink(
        ink, width, height, factor, (left % factor, top % factor)
    )
    return _Plane(
        shrunk,
        shrunk_width,
        shrunk_height,
        left // factor,
        top // factor,
        factor,
    )


def _shrink(
    ink: bytes, width: int, height: int, factor: int, offset: tuple[int, int] = (0, 0)
) -> tuple[bytes, int, int]:
    """The plane, placed `offset` (x, y) pixels into a grid of `factor` x `factor` blocks,
    area-averaged over each block, all in C-speed steps: each pixel in a 32-bit lane of a
    big integer, a block's rows added as integers, its columns by adding the row shifted by
    one lane at a time, every `factor`-th lane kept."""
    offset_x, offset_y = offset
    out_width = -(-(width + offset_x) // factor)
    out_height = -(-(height + offset_y) // factor)
    padded = out_width * factor
    lanes = bytearray(padded * _LANE * out_height * factor)
    row_bytes = padded * _LANE
    for y in range(height):
        start = (y + offset_y) * row_bytes + offset_x * _LANE
        lanes[start : start + width * _LANE : _LANE] = ink[y * width : (y + 1) * width]
    view = memoryview(lanes)
    blocks = factor * factor
    divider = _divider(blocks)
    if divider is not None:
        multiplier, shift = divider
        halves = int.from_bytes((blocks // 2).to_bytes(_LANE, "little") * padded, "little")
    else:
        average = [(total + blocks // 2) // blocks for total in range(MAX_LEVEL * blocks + 1)]
    rows = []
    for out_y in range(out_height):
        first = out_y * factor * row_bytes
        total = sum(
            int.from_bytes(view[start : start + row_bytes], "little")
            for start in range(first, first + factor * row_bytes, row_bytes)
        )
        total = sum(total >> (32 * column) for column in range(factor))
        if divider is not None:
            # Every lane rounded and divided at once; each quotient is its lane's low byte.
            quotients = ((total + halves) * multiplier) >> shift
            rows.append(quotients.to_bytes(row_bytes, "little")[:: _LANE * factor])
            continue
        sums = array("I", total.to_bytes(row_bytes, "little"))[::factor]
        if sys.byteorder == "big":
            sums.byteswap()
        rows.append(bytes(map(average.__getitem__, sums)))
    return b"".join(rows), out_width, out_height


_DIVIDERS: dict[int, tuple[int, int] | None] = {}


def _divider(blocks: int) -> tuple[int, int] | None:
    """(multiplier, shift) such that ``(n * multiplier) >> shift == n // blocks`` for every
    rounded block sum n (up to MAX_LEVEL * blocks + blocks // 2), checked for each one, and
    the product stays within its 32-bit lane (shift + 8 bits: the quotient is at most a
    byte); None where no such pair exists (blocks too large), and the table lookup is used.

    _shrink then divides a whole row's lanes with one multiplication and one shift of a big
    integer instead of looking up each block's average one by one (under Pyodide the lookup
    was most of its time: 8.6 of 16 ms for the pad's strip)."""
    if blocks not in _DIVIDERS:
        most = MAX_LEVEL * blocks + blocks // 2
        found = None
        for shift in range(1, 8 * _LANE - 8 + 1):
            multiplier = -(-(1 << shift) // blocks)
            if all((n * multiplier) >> shift == n // blocks for n in range(most + 1)):
                found = multiplier, shift
                break
        _DIVIDERS[blocks] = found
    return _DIVIDERS[blocks]


def _group_plane(plane: _Plane, runs: Iterable[tuple[int, int, int]]) -> tuple[PixelBox, bytes]:
    """The box of the runs, in the image, and the ink of those runs alone within it."""
    runs = list(runs)
    left, top, right, bottom = piece_box(runs)
    box_width = right - left
    out = bytearray(box_width * (bottom - top))
    for y, start, end in runs:
        source = y * plane.width
        target = (y - top) * box_width - left
        out[target + start : target + end] = plane.ink[source + start : source + end]
    box = (left + plane.left, top + plane.top, right + plane.left, bottom + plane.top)
    return box, bytes(out)


def _components(plane: _Plane) -> list[Piece]:
    """The ink's 8-connected components, less specks (fewer pixels than MIN_INK_FRACTION of
    the plane, as a single digit's speck rule)."""
    pieces = Runs(plane.ink, plane.width, plane.height).components().values()
    least = MIN_INK_FRACTION * plane.width * plane.height
    return [runs for runs in pieces if sum(end - start for _, start, end in runs) >= least]


def _to_model_input(ink: bytes, width: int, height: int) -> list[float]:
    """A digit's ink through the single digit's normalization: as the pad's black ink (the
    alpha is the ink), with a transparent border so no crop reads as an opaque photo."""
    padded_width, padded_height = width + 2, height + 2
    rgba = bytearray(padded_width * padded_height * _CHANNELS)
    row = padded_width * _CHANNELS
    for y in range(height):
        start = (y + 1) * row + _CHANNELS + _ALPHA
        rgba[start : start + width * _CHANNELS : _CHANNELS] = ink[y * width : (y + 1) * width]
    return preprocess.to_model_input(rgba, padded_width, padded_height)


class Recent(dict[Hashable, T]):
    """A dict that keeps only its `size` most recently used entries (`recent` and setting an
    entry count as use): what one recognition made, the next can use again."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def recent(self, key: Hashable) -> T | None:
        """The entry for `key` (now the newest), or None."""
        value = self.pop(key, None)
        if value is not None:
            self[key] = value
        return value

    def __setitem__(self, key: Hashable, value: T) -> None:
        super().__setitem__(key, value)
        while len(self) > self.size:
            del self[next(iter(self))]


# Live results follow the pen: a number is recognized again and again while it is written,
# and at each pen lift, with all its digits but the newest unchanged. What a recognition
# made of a digit (its crops with their model inputs, and a stroke group's ways to read it)
# is kept for the next, keyed by everything it was made from, so it is made once. A crop is
# about 25 KB (784 floats): a 12-digit number's groups and their crops (about 60 with
# touching pairs) fit, with room for the newest digit's changes; a few MB at most.
_CROPS: Recent[Crop] = Recent(128)
_GROUP_WAYS: Recent[list[list[Crop]]] = Recent(32)


class _Crops:
    """Makes crops, each distinct one once (readings share most of theirs, and the next
    recognition most of this one's: _CROPS); their boxes in the image's pixels (the plane's
    times `factor`)."""

    def __init__(self, factor: int = 1) -> None:
        self.made = _CROPS
        self.factor = factor

    def __call__(self, box: PixelBox, ink: bytes) -> Crop | None:
        """The crop of `ink` (of `box`) trimmed to its own ink; None when it has none."""
        width = box[2] - box[0]
        inner = bounding_box(ink, width)
        if inner is None:
            return None
        left, top, right, bottom = inner
        trimmed = crop(ink, width, inner)
        factor = self.factor
        whole = (
            (box[0] + left) * factor,
            (box[1] + top) * factor,
            (box[0] + right) * factor,
            (box[1] + bottom) * factor,
        )
        key = (factor, whole, trimmed)
        made = self.made.recent(key)
        if made is None:
            made = Crop(whole, trimmed, _to_model_input(trimmed, right - left, bottom - top))
            self.made[key] = made
        return made


# Cuts -----------------------------------------------------------------------------------


def _projection(ink: bytes, width: int) -> list[int]:
    """The ink in each column (C-speed: one strided slice per column)."""
    return [sum(ink[column::width]) for column in range(width)]


def _emptiest(projection: list[int], low: int, high: int, count: int, spacing: int) -> list[int]:
    """Up to `count` columns in [low, high) with the least ink, `spacing` apart."""
    chosen: list[int] = []
    for column in sorted(range(low, high), key=lambda c: (projection[c], abs(2 * c - low - high))):
        if all(abs(column - other) >= spacing for other in chosen):
            chosen.append(column)
            if len(chosen) == count:
                break
    return chosen


def _windows(width: int, pieces: int) -> list[tuple[int, int]]:
    """Where each of the cuts into `pieces` may lie: the columns [low, high) of the middle
    part around its share of the width ((i +- 1/2) / pieces of it: for two pieces, the
    middle half)."""
    return [
        (
            max(1, round((i - 0.5) * width / pieces)),
            min(width - 1, round((i + 0.5) * width / pieces)),
        )
        for i in range(1, pieces)
    ]


def _cuts(projection: list[int], pieces: int) -> list[list[int]]:
    """Ways to cut a group into `pieces`: each cut at the emptiest column of its window
    (``_windows``); into two, the ALTERNATIVE_CUTS emptiest there."""
    width = len(projection)
    windows = _windows(width, pieces)
    if pieces == 2:
        low, high = windows[0]
        spacing = max(1, round(MIN_CUT_SPACING * width))
        return [[column] for column in _emptiest(projection, low, high, ALTERNATIVE_CUTS, spacing)]
    cuts = [_emptiest(projection, low, high, 1, 1) for low, high in windows]
    return [[found[0] for found in cuts]] if all(cuts) else []


def _seam_ways(ink: bytes, width: int, height: int, pieces: int) -> list[list[list[int]]]:
    """Ways to cut a group into `pieces` along seams, in the windows _cuts uses."""
    windows = _windows(width, pieces)
    if pieces == 2:
        low, high = windows[0]
        spacing = max(1, round(MIN_CUT_SPACING * width))
        return [[seam] for seam in _seams(ink, width, height, low, high, ALTERNATIVE_CUTS, spacing)]
    found = [_seams(ink, width, height, low, high, 1, 1) for low, high in windows]
    if not all(found):
        return []
    seams = [one[0] for one in found]
    for left, right in pairwise(seams):
        right[:] = [max(a, b) for a, b in zip(left, right, strict=True)]
    return [seams]


def _cut(box: PixelBox, ink: bytes, columns: list[int], make: _Crops) -> list[Crop] | None:
    """The group's ink cut at `columns` into crops; None if a piece has no ink."""
    width = box[2] - box[0]
    height = box[3] - box[1]
    crops = []
    for start, end in zip([0, *columns], [*columns, width], strict=True):
        piece = crop(ink, width, (start, 0, end, height))
        made = make((box[0] + start, box[1], box[0] + end, box[3]), piece)
        if made is None:
            return None
        crops.append(made)
    return crops


def _seams(
    ink: bytes, width: int, height: int, low: int, high: int, count: int, spacing: int
) -> list[list[int]]:
    """Up to `count` seams within the columns [low, high): each the path from the top row to
    the bottom one, one column a row, moving at most one column from row to row, that
    crosses the least ink (dynamic programming, as seam carving), its ends `spacing` apart.
    A seam's column in each row is where its right side starts. Where a straight cut must
    go through the strokes of two digits that overlap, a seam winds between them."""
    span = high - low
    if span < 1:
        return []
    total = list(ink[low:high])
    steps: list[bytes] = []
    for y in range(1, height):
        row = ink[y * width + low : y * width + high]
        moves = bytearray(span)
        following = []
        for i in range(span):
            best, move = total[i], 1
            if i and total[i - 1] + SEAM_STEP < best:
                best, move = total[i - 1] + SEAM_STEP, 0
            if i + 1 < span and total[i + 1] + SEAM_STEP < best:
                best, move = total[i + 1] + SEAM_STEP, 2
            following.append(best + row[i])
            moves[i] = move
        total = following
        steps.append(bytes(moves))
    seams = []
    for end in _emptiest(total, 0, span, count, spacing):
        path = [end]
        for moves in reversed(steps):
            path.append(path[-1] + moves[path[-1]] - 1)
        path.reverse()
        seams.append([low + i for i in path])
    return seams


def _seam_cut(box: PixelBox, ink: bytes, seams: list[list[int]], make: _Crops) -> list[Crop] | None:
    """The group's ink cut along `seams` (left to right) into crops; None if a piece has no
    ink."""
    width = box[2] - box[0]
    height = box[3] - box[1]
    crops = []
    bounds = [[0] * height, *seams, [width] * height]
    for starts, ends in pairwise(bounds):
        piece = bytearray(len(ink))
        for y in range(height):
            row = y * width
            start, end = starts[y], max(starts[y], ends[y])
            piece[row + start : row + end] = ink[row + start : row + end]
        made = make(box, bytes(piece))
        if made is None:
            return None
        crops.append(made)
    return crops


def _single_crossings(ink: bytes, width: int) -> float:
    """The share of the rows that cross the ink once (one run of ink; C-speed per row)."""
    rows = range(0, len(ink), width)
    single = sum(
        (b"\x00" + ink[start : start + width].translate(_NONZERO)).count(_RUN_START) == 1
        for start in rows
    )
    return single / len(rows)


def _ways(
    box: PixelBox,
    ink: bytes,
    make: _Crops,
    split_aspect: float = SPLIT_ASPECT,
    *,
    seams: bool = False,
    path: float | None = None,
) -> list[list[Crop]]:
    """The ways to read one group: whole, and cut where it is too wide for one digit (at
    its emptiest columns, and with `seams` also along the seams that cross the least ink).

    Raises LongLine when it is far too wide for digits, Scribble when its ink fills it (and,
    given its strokes' `path` length, the pen went to and fro: SCRIBBLE_MIN_PATH)."""
    width, height = box[2] - box[0], box[3] - box[1]
    aspect = width / height
    if aspect > LINE_ASPECT or (
        aspect > THIN_LINE_ASPECT and _single_crossings(ink, width) >= LINE_ROWS
    ):
        raise LongLine("That looks like a line, not digits: write the number's digits.")
    if (
        SCRIBBLE_MIN_ASPECT <= aspect <= 1 / SCRIBBLE_MIN_ASPECT
        and len(ink) - ink.count(0) > SCRIBBLE_INK_SHARE * len(ink)
        and (path is None or path >= SCRIBBLE_MIN_PATH * max(width, height))
    ):
        raise Scribble("That looks like a scribble, not digits: write the number's digits.")
    whole = make(box, ink)
    ways = [[whole]] if whole is not None and aspect <= WHOLE_ASPECT else []
    if aspect > split_aspect:
        projection = _projection(ink, width)
        most = max(2, round(aspect / TYPICAL_ASPECT)) + EXTRA_PIECES
        for pieces in range(2, min(most, MAX_DIGITS) + 1):
            for columns in _cuts(projection, pieces):
                cut = _cut(box, ink, columns, make)
                if cut is not None:
                    ways.append(cut)
            if seams:
                for seams_of_way in _seam_ways(ink, width, height, pieces):
                    cut = _seam_cut(box, ink, seams_of_way, make)
                    if cut is not None and cut not in ways:
                        ways.append(cut)
    if not ways and whole is not None:
        ways = [[whole]]
    return ways


def _combined(ways: list[list[list[Crop]]]) -> list[list[Crop]]:
    """Every combination of the groups' ways, at most MAX_READINGS: once that many, further
    groups keep their first way (the whole, or the emptiest cut)."""
    kept, count = [], 1
    for group_ways in ways:
        if count * len(group_ways) > MAX_READINGS:
            group_ways = group_ways[:1]
        count *= len(group_ways)
        kept.append(group_ways)
    readings = [
        [digit for way in combination for digit in way]
        for combination in islice(product(*kept), MAX_READINGS)
    ]
    short_enough = [reading for reading in readings if len(reading) <= MAX_DIGITS]
    if not short_enough:
        raise TooManyDigits
    return short_enough


def _check_fewest(ways: Ways) -> None:
    """TooManyDigits when even the fewest digits each group can be read as are too many."""
    if sum(min(map(len, group_ways)) for group_ways in ways) > MAX_DIGITS:
        raise TooManyDigits


# JavaScript's largest exact integer: a count beyond it would reach the page as a BigInt.
_MOST_COUNTED = 2**53 - 1


def reading_count(ways: Ways) -> int:
    """How many readings the groups' ways make (every combination), at most 2^53 - 1: twelve
    groups of a few dozen ways each make more, and the count travels to the page's
    JavaScript with the timings."""
    return min(math.prod(map(len, ways)), _MOST_COUNTED)


def _check_count(groups: Sequence[object]) -> None:
    """TooManyDigits when there are more groups than MAX_DIGITS (before any cut)."""
    if len(groups) > MAX_DIGITS:
        raise TooManyDigits


def readings(rgba: bytes | bytearray | memoryview, width: int, height: int) -> list[list[Crop]]:
    """Candidate readings of an image of a number: each a list of per-digit crops, left to
    right; every combination of ``number_ways`` (at most MAX_READINGS).

    Raises NothingToRecognize (blank), TooManyDigits, LongLine, and ValueError for pixels
    that do not fit the sizes (as ``preprocess.to_model_input``)."""
    return _combined(number_ways(rgba, width, height))


def number_ways(rgba: bytes | bytearray | memoryview, width: int, height: int) -> Ways:
    """An image of a number as its digit groups, left to right, each with its ways to be
    read (a list of crops: whole, or cut in several ways where too wide for a digit): its
    ink's connected components grouped into digits. ``best_way`` chooses.

    Raises NothingToRecognize (blank), TooManyDigits, LongLine, and ValueError for pixels
    that do not fit the sizes (as ``preprocess.to_model_input``)."""
    plane = _ink_plane(rgba, width, height)
    pieces = _components(plane)
    if not pieces:
        raise preprocess.NothingToRecognize("nothing to recognize: only specks")
    groups = group_boxes([piece_box(runs) for runs in pieces])
    _check_count(groups)
    make = _Crops(plane.factor)
    ways = []
    for group in groups:
        box, ink = _group_plane(plane, (run for index in group for run in pieces[index]))
        ways.append(_ways(box, ink, make, SPLIT_ASPECT_PIXELS, seams=True))
    _check_fewest(ways)
    return ways


# Strokes --------------------------------------------------------------------------------


class _Reach:
    """Which stroke groups a pixel's ink is from: every group with a stroke point within the
    pen's reach of its centre (where two digits' pens crossed, both: a 1 through a 7's bar
    keeps its whole stroke), else the nearest. The points are kept in a grid of cells the
    reach wide, so only the 3x3 cells around a pixel are looked at."""

    def __init__(self, groups_points: list[list[Point]], reach: float) -> None:
        self.groups_points = groups_points
        self.reach2 = reach * reach
        self.cell = cell = max(reach, 1.0)
        self.grid: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
        for group, points in enumerate(groups_points):
            for x, y in points:
                self.grid.setdefault((int(x // cell), int(y // cell)), []).append((group, x, y))

    def owners(self, x: float, y: float, contenders: Sequence[int]) -> set[int]:
        column, row = int(x // self.cell), int(y // self.cell)
        found = {
            group
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for group, px, py in self.grid.get((column + dx, row + dy), ())
            if group in contenders and (px - x) ** 2 + (py - y) ** 2 <= self.reach2
        }
        if found:
            return found

        def distance(group: int) -> float:
            return min((px - x) ** 2 + (py - y) ** 2 for px, py in self.groups_points[group])

        return {min(contenders, key=distance)}


def _length(strokes: Iterable[Stroke]) -> float:
    """How far the pen travelled along the strokes."""
    return sum(math.dist(first, second) for stroke in strokes for first, second in pairwise(stroke))


def _pen_reach(ink: bytes, strokes: Iterable[Stroke]) -> float:
    """Half the pen's width, and a pixel: the ink's area over the strokes' length is the
    width (the pad's pen, whatever the device's pixel ratio)."""
    length = _length(strokes)
    area = len(ink) - ink.count(0)
    return (area / length if length else math.sqrt(area)) / 2 + 1


def _shared_run(
    reach: _Reach, y: int, start: int, end: int, contenders: Sequence[int]
) -> dict[int, list[tuple[int, int, int]]]:
    """The run (y, start, end) shared out among the groups it is ink of.

    Looked at every ``reach.cell`` pixels (a crossing pen is wider than that, so none is
    missed), pixel by pixel only between two looks that disagree: sharing a whole digit
    (a 4's two strokes, split as two readings) then costs a fraction of its pixels."""

    def owners(x: int) -> frozenset[int]:
        return frozenset(reach.owners(x + 0.5, y + 0.5, contenders))

    step = max(1, int(reach.cell))
    looks = sorted({*range(start, end, step), end - 1})
    last, last_owners = looks[0], owners(looks[0])
    segments = [(last, last + 1, last_owners)]
    for x in looks[1:]:
        here = owners(x)
        if here == last_owners:
            segments.append((last + 1, x + 1, here))
        else:
            segments += [(between, between + 1, owners(between)) for between in range(last + 1, x)]
            segments.append((x, x + 1, here))
        last, last_owners = x, here
    parts: dict[int, list[tuple[int, int, int]]] = {}
    for first, after, groups in segments:
        for group in groups:
            runs = parts.setdefault(group, [])
            if runs and runs[-1][2] == first:
                runs[-1] = (y, runs[-1][1], after)
            else:
                runs.append((y, first, after))
    return parts


def _stroke_groups(
    plane: _Plane, strokes: Sequence[Stroke], groups: list[list[int]]
) -> list[list[tuple[int, int, int]]]:
    """The ink's runs shared out among the stroke groups: a component goes to the groups whose
    points fall on it; one that several groups touch (digits that touch or cross) is shared
    pixel by pixel (``_Reach``); one no point falls on (a stroke's rendering reaching past
    its points), to the group nearest it."""
    left, top = plane.left, plane.top
    runs = Runs(plane.ink, plane.width, plane.height)
    by_row: dict[int, list[int]] = {}
    for index, (y, _, _) in enumerate(runs.runs):
        by_row.setdefault(y, []).append(index)
    groups_points = [
        [(x - left, y - top) for index in group for x, y in strokes[index]] for group in groups
    ]
    touched: dict[int, set[int]] = {}
    for group, points in enumerate(groups_points):
        last = (0, 0, 0)  # (row, start, end) of the run the previous point fell on
        for x, y in points:
            row = math.floor(y)
            if row == last[0] and last[1] <= x < last[2]:
                continue  # the same run as the point before (runs in a row do not overlap)
            for index in by_row.get(row, ()):
                _, start, end = runs.runs[index]
                if start <= x < end:
                    touched.setdefault(runs.find(index), set()).add(group)
                    last = (row, start, end)
                    break
    reach = None  # made only for ink that is not one group's alone
    shared: list[list[tuple[int, int, int]]] = [[] for _ in groups]
    everyone = range(len(groups))
    for root, pieces in runs.components().items():
        contenders = sorted(touched.get(root, everyone))
        if len(contenders) == 1:
            shared[contenders[0]].extend(pieces)
            continue
        if reach is None:
            reach = _Reach(
                groups_points,
                _pen_reach(plane.ink, (strokes[i] for group in groups for i in group)),
            )
        for y, start, end in pieces:
            for group, parts in _shared_run(reach, y, start, end, contenders).items():
                shared[group].extend(parts)
    return shared


def _stroke_splits(
    box: PixelBox, ink: bytes, strokes: Sequence[Stroke], group: list[int], make: _Crops
) -> list[list[Crop]]:
    """A group of several strokes read as two digits, its strokes split left | right (by
    their centres) wherever both sides hold a tall stroke: digits that overlap (a 7's bar
    over the next digit) group by their extents like a 4's strokes do, and only the model
    can tell them apart. A 5's or 7's bar is never a side of its own. A split whose sides
    each hold a digit-shaped stroke is a TwoDigits."""
    boxes = {index: stroke_box(strokes[index]) for index in group}
    tallest = max(bottom - top for _, top, _, bottom in boxes.values())
    order = sorted(group, key=lambda index: boxes[index][0] + boxes[index][2])

    def has_tall(side: list[int]) -> bool:
        return any(boxes[i][3] - boxes[i][1] >= TALL_STROKE * tallest for i in side)

    def has_digit(side: list[int]) -> bool:
        return any(
            (bottom - top) >= DIGIT_STROKE_HEIGHT * tallest
            and (right - left) >= DIGIT_STROKE_ASPECT * (bottom - top)
            for left, top, right, bottom in (boxes[i] for i in side)
        )

    plane = _Plane(ink, box[2] - box[0], box[3] - box[1], box[0], box[1])
    ways = []
    for cut in range(1, len(order)):
        sides = [order[:cut], order[cut:]]
        if not all(map(has_tall, sides)):
            continue
        shared = _stroke_groups(plane, strokes, sides)
        crops = [make(*_group_plane(plane, runs)) if runs else None for runs in shared]
        if all(crops):
            ways.append(TwoDigits(crops) if all(map(has_digit, sides)) else crops)
    return ways


def _side_by_side(strokes: Sequence[Stroke], group: list[int]) -> bool:
    """Whether a group's tall strokes stand side by side, so it is not one digit: it is
    SIDE_BY_SIDE times wider than its widest tall stroke (two digits that overlap), or of two
    tall strokes the narrower's centre lies outside the wider's extent (a 1 touching a 0). A
    4's upright stands within its other stroke's width; a 5's or 7's bar is not tall."""
    boxes = [stroke_box(strokes[index]) for index in group]
    tallest = max(bottom - top for _, top, _, bottom in boxes)
    tall = [box for box in boxes if box[3] - box[1] >= TALL_STROKE * tallest]
    widest = max(right - left for left, _, right, _ in tall)
    width = max(box[2] for box in boxes) - min(box[0] for box in boxes)
    if width > SIDE_BY_SIDE * widest:
        return True
    for narrow, wide in product(tall, tall):
        if narrow[2] - narrow[0] < wide[2] - wide[0]:
            centre = (narrow[0] + narrow[2]) / 2
            if not wide[0] <= centre <= wide[2]:
                return True
    return False


def stroke_readings(
    strokes: Sequence[Stroke], rgba: bytes | bytearray | memoryview, width: int, height: int
) -> list[list[Crop]]:
    """Candidate readings of a number drawn on the pad: every combination of
    ``stroke_ways`` (at most MAX_READINGS).

    Raises NothingToRecognize (blank), TooManyDigits, LongLine, and ValueError for pixels
    that do not fit the sizes."""
    return _combined(stroke_ways(strokes, rgba, width, height))


def stroke_ways(
    strokes: Sequence[Stroke], rgba: bytes | bytearray | memoryview, width: int, height: int
) -> Ways:
    """A number drawn on the pad as its digit groups, left to right, each with its ways to
    be read: its strokes (points in the canvas's pixels) grouped into digits, each digit's
    ink taken from the canvas; groups too wide for a digit (digits drawn in one stroke, or
    touching) cut in several ways, and groups of several strokes also split between their
    strokes. ``best_way`` chooses.

    Raises NothingToRecognize (blank), TooManyDigits, LongLine, and ValueError for pixels
    that do not fit the sizes."""
    groups = group_strokes(strokes)
    _check_count(groups)
    plane = _ink_plane(rgba, width, height)
    if not groups:
        raise preprocess.NothingToRecognize("nothing to recognize: no strokes")
    if plane.factor > 1:
        factor = plane.factor
        strokes = [[(x / factor, y / factor) for x, y in stroke] for stroke in strokes]
    make = _Crops(plane.factor)
    ways = []
    for group, runs in zip(groups, _stroke_groups(plane, strokes, groups), strict=True):
        if runs:
            box, group_ink = _group_plane(plane, runs)
            # Everything the group's ways are made from: the same ink under the same strokes
            # read the same ways (the strokes' indices play no part in them).
            key = (
                plane.factor,
                box,
                group_ink,
                tuple(tuple(map(tuple, strokes[i])) for i in group),
            )
            group_ways = _GROUP_WAYS.recent(key)
            if group_ways is None:
                splits = _stroke_splits(box, group_ink, strokes, group, make)
                path = _length(strokes[i] for i in group)
                group_ways = _ways(box, group_ink, make, path=path)
                if splits and _side_by_side(strokes, group):
                    group_ways = [way for way in group_ways if len(way) > 1]
                group_ways += splits
                _GROUP_WAYS[key] = group_ways
            ways.append(group_ways)
    if not ways:
        raise preprocess.NothingToRecognize("nothing to recognize: no ink under the strokes")
    _check_fewest(ways)
    return ways


# Choosing -------------------------------------------------------------------------------


def _width_penalty(crop: Crop) -> float:
    """How much less likely a crop is one digit for being wider than digits are."""
    left, top, right, bottom = crop.box
    return WIDE_DIGIT_PENALTY * max(0.0, (right - left) / (bottom - top) - WIDE_DIGIT_ASPECT)


def best_reading(
    candidates: Sequence[Sequence[Crop]],
    score: Callable[[list[Crop]], Sequence[Sequence[float]]],
    *,
    width_prior: bool = False,
) -> Reading:
    """The most probable of whole readings (``best_way`` with them as one group's ways)."""
    if not candidates:
        raise ValueError("no readings to choose from")
    return best_way([candidates], score, width_prior=width_prior)


def best_way(
    ways: Sequence[Sequence[Sequence[Crop]]],
    score: Callable[[list[Crop]], Sequence[Sequence[float]]],
    *,
    width_prior: bool = False,
) -> Reading:
    """The most probable reading of a number given as its groups' ways (``number_ways``,
    ``stroke_ways``): the model (`score`: crops -> one probability list each) is called
    once, on every distinct crop of every way; a reading scores the sum of the logs of its
    digits' top probabilities, less EXTRA_DIGIT_PENALTY per digit more than the fewest the
    groups can be read as (a TwoDigits split counts one digit fewer), and, with
    `width_prior` (an image's readings), less each digit's width penalty.

    The score is a sum over the groups, so the best reading is found group by group, over
    every combination of their ways however many (dynamic programming over the digit
    count, which must stay within MAX_DIGITS), not a capped list of them. Ties go to the
    earlier way."""
    if not ways or not all(ways):
        raise ValueError("no readings to choose from")
    distinct: dict[tuple[PixelBox, bytes], int] = {}
    crops: list[Crop] = []
    for group_ways in ways:
        for way in group_ways:
            for digit in way:
                key = (digit.box, digit.ink)
                if key not in distinct:
                    distinct[key] = len(crops)
                    crops.append(digit)
    answers = [list(probabilities) for probabilities in score(crops)]
    if len(answers) != len(crops) or any(len(p) != len(LABELS) for p in answers):
        raise ValueError(
            f"the model gave {len(answers)} answers for {len(crops)} digits, "
            f"each must have {len(LABELS)} probabilities"
        )
    logs = [
        math.log(max(max(p), MIN_PROBABILITY)) - (_width_penalty(crop) if width_prior else 0.0)
        for p, crop in zip(answers, crops, strict=True)
    ]
    # Each way: its crops' indices, and the digits it pays the extra-digit penalty for (a
    # split between two digit-shaped strokes, TwoDigits, pays for one fewer).
    indices_of = [
        [
            (
                [distinct[(digit.box, digit.ink)] for digit in way],
                len(way) - isinstance(way, TwoDigits),
            )
            for way in group_ways
        ]
        for group_ways in ways
    ]
    # best[count]: the best (score, ways chosen) of the groups so far read as count digits.
    best: dict[int, tuple[float, tuple[int, ...]]] = {0: (0.0, ())}
    for group_indices in indices_of:
        following: dict[int, tuple[float, tuple[int, ...]]] = {}
        for count, (total, chosen) in best.items():
            for position, (indices, paid) in enumerate(group_indices):
                digits = count + len(indices)
                if digits > MAX_DIGITS:
                    continue
                value = total + sum(logs[i] for i in indices) - EXTRA_DIGIT_PENALTY * paid
                kept = following.get(digits)
                if (
                    kept is None
                    or value > kept[0]
                    or (value == kept[0] and (*chosen, position) < kept[1])
                ):
                    following[digits] = (value, (*chosen, position))
        best = following
    if not best:
        raise TooManyDigits
    fewest = sum(min(paid for _, paid in group_indices) for group_indices in indices_of)
    value, chosen = max(best.values(), key=lambda entry: (entry[0], [-i for i in entry[1]]))
    reading = [
        digit
        for group_ways, position in zip(ways, chosen, strict=True)
        for digit in group_ways[position]
    ]
    indices = [
        index
        for group_indices, position in zip(indices_of, chosen, strict=True)
        for index in group_indices[position][0]
    ]
    probabilities = [answers[i] for i in indices]
    digits = "".join(LABELS[max(range(len(p)), key=p.__getitem__)] for p in probabilities)
    return Reading(digits, reading, probabilities, value + EXTRA_DIGIT_PENALTY * fewest)
