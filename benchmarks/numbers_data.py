"""Written numbers composed from real people's digits, for benchmarks.numbers (issue 13).

Nobody wrote these numbers as numbers; each is made of real handwritten digits from
../shared/data/uci-digits (training/handwriting.py), placed side by side the way people write
a number: random gaps, uneven sizes, a drifting baseline, and in some numbers one pair of
digits touching or overlapping. Only the digits the shipped model never trained on are used
(the pen's and the scans' validation and held-out parts, as benchmarks.personal does); nothing
here was tuned on them.

- **pen**: pendigits trajectories, each replayed as the pad draws it (ONE polyline through its
  8 points, y flipped: how the data was recorded; a pointer event every POINTER_STEP_PX along
  it, as a pen moving over the pad reports them), on number mode's pad (PAD_WIDTH x PAD_HEIGHT
  canvas pixels), black ink on transparency, the pad's round pen (1/14 of the pad's height,
  site/js/pad.js's PEN_WIDTH_FRACTION), anti-aliased. The strokes travel with the image in
  canvas pixels, as the page sends them in number mode.
- **scans**: optdigits 32x32 bitmaps, each cropped to its ink, upscaled (bilinear: grey
  edges, as a scanner's), placed in one black-on-white image; no strokes (the pixel path).

Spacing, one kind per number (cycled, so every kind has its share of every length):
- apart: neighbouring digits' ink boxes GAP_RANGE of the number's height apart;
- touching: one pair (at random) pushed together until their ink meets, by TOUCH_PX pixels
  (row by row: the first row where the left digit's last ink and the right digit's first
  ink overlap), the others apart;
- overlapping: one pair pushed OVERLAP_RANGE of the narrower digit's width further, so the
  ink crosses (a 7's bar over the next digit, a 1 written through a 0's side).

Each item is reproducible from (seed, index) alone: items(n, seed) are the first n of one
endless sequence, so --numbers 50 is a prefix of --numbers 600. Digits are drawn from each
source's pool without replacement, reshuffled (seeded) when it runs out, so a digit appears
in several numbers only once the pool is used up (the report says how many distinct digits).
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from training import handwriting

SOURCES = ("pen", "scans")
SPACINGS = ("apart", "touching", "overlapping")
LENGTHS = range(2, 9)  # digits per number
LENGTH_BANDS = {"2": (2, 2), "3-4": (3, 4), "5-8": (5, 8)}
# The parts of each UCI file the shipped model never trained on (training/data.py).
PARTS = ("validation", "held_out")
DEFAULT_SEED = 13

# Number mode's pad, in canvas pixels: a strip 2.5 times wider than tall (site/css/style.css
# --strip-aspect) whose longer side the pad holds at most 640 px (site/js/pad.js MAX_SIDE):
# what a phone at 2x or a desktop gives. The pen is 1/14 of its shorter side (pad.js).
PAD_WIDTH, PAD_HEIGHT = 640, 256
PEN_PX = PAD_HEIGHT * handwriting.PEN_WIDTH_FRACTION  # 18.3 px, as 20 px on a 280 px pad
MARGIN = 0.08  # of the pad's height, kept clear around the number
DIGIT_HEIGHT = (0.4, 0.7)  # of the pad's height: how large the number is written
SCAN_BIT_PX = (3.0, 4.5)  # px per bitmap bit: a 32-bit digit 96-144 px tall
SCAN_MARGIN_PX = 24
SIZE_SPREAD = (0.8, 1.2)  # each digit's size, of the number's
BASELINE_JITTER = 0.04  # each digit's baseline moves by this much of the height (sd)
DRIFT = 0.12  # the baseline's slope, at most (rising or falling across the number)
GAP_RANGE = (0.1, 0.45)  # of the number's height, between neighbours' ink boxes
TOUCH_PX = 2  # the touching pair's ink overlaps by this many pixels in its closest row
OVERLAP_RANGE = (0.15, 0.35)  # of the narrower digit's ink width, beyond touching
INK_LEVEL = 40  # alpha above this is ink (digits.facts.NOISE_THRESHOLD)
SUPERSAMPLE = 4
# A pointer event every this many canvas pixels at most along a stroke: a pen moving about
# 360 px/s with events at 60 Hz (the pad draws and sends every one).
POINTER_STEP_PX = 6.0
FIT_TRIES = 6

Stroke = list[tuple[float, float]]


class DataError(ValueError):
    """The UCI files are missing or malformed."""


@dataclass
class Item:
    """One number: its digits, how it was written, and the image the page is given."""

    index: int
    source: str
    spacing: str
    label: str
    width: int
    height: int
    rgba: bytes  # RGBA bytes, width x height
    strokes: list[list[float]] | None  # pen: each stroke flat [x0, y0, x1, y1, ...]
    rows: list[int]  # each digit's line (pen) or number (scans) in its UCI file, from 1
    touching_pair: int | None = None  # the left digit of the touching/overlapping pair
    singles: list[bytes] = field(default_factory=list)  # each digit alone, RGBA, same canvas

    def png(self) -> bytes:
        return png_bytes(self.rgba, self.width, self.height)

    def single_pngs(self) -> list[bytes]:
        return [png_bytes(single, self.width, self.height) for single in self.singles]

    def meta(self) -> dict[str, Any]:
        """What a report keeps of the item (no pixels)."""
        return {
            "index": self.index,
            "source": self.source,
            "spacing": self.spacing,
            "label": self.label,
            "size": [self.width, self.height],
            "rows": self.rows,
            "pair": self.touching_pair,
        }


def png_bytes(rgba: bytes, width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGBA", (width, height), rgba).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def length_band(length: int) -> str:
    return next(name for name, (low, high) in LENGTH_BANDS.items() if low <= length <= high)


# --- the digits ------------------------------------------------------------------------------


@cache
def pool(source: str, parts: tuple[str, ...] = PARTS) -> tuple[tuple[int, Any], ...]:
    """The source's digits in `parts` (by default those never trained on): (row in the file
    from 1, the digit's data)."""
    try:
        loaded = handwriting.load_pen() if source == "pen" else handwriting.load_scans()
    except handwriting.HandwritingError as error:
        raise DataError(str(error)) from error
    ranges = handwriting.split(len(loaded))
    return tuple((index + 1, loaded[index]) for name in parts for index in ranges[name])


class _Drawer:
    """Digits from a pool without replacement; reshuffled (seeded) when it runs out."""

    def __init__(self, source: str, seed: int, parts: tuple[str, ...] = PARTS) -> None:
        self.items = pool(source, parts)
        self.rng = random.Random(f"{seed}-{source}-pool")
        self.order: list[int] = []

    def take(self, count: int) -> list[tuple[int, Any]]:
        taken = []
        for _ in range(count):
            if not self.order:
                self.order = list(range(len(self.items)))
                self.rng.shuffle(self.order)
            taken.append(self.items[self.order.pop()])
        return taken


# --- rendering -------------------------------------------------------------------------------


def stroke_alpha(strokes: list[Stroke], width: int, height: int, pen: float = PEN_PX) -> np.ndarray:
    """The strokes (canvas pixels) as the pad draws them: round caps and joins, `pen` wide,
    anti-aliased by supersampling (draw_on_pad's way in training/handwriting.py); alpha 0-255."""
    big = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(big)
    radius = pen * SUPERSAMPLE / 2
    for stroke in strokes:
        points = [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in stroke]
        for x, y in points:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
        if len(points) > 1:
            draw.line(points, fill=255, width=round(2 * radius))
    small = big.resize((width, height), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.uint8)


def _pen_shape(trajectory: handwriting.Trajectory, size: float) -> Stroke:
    """The trajectory as one stroke (y down), its longer side `size` px, its box at 0, 0."""
    xs = [x for x, _ in trajectory.points]
    ys = [y for _, y in trajectory.points]
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    scale = size / extent
    return [((x - min(xs)) * scale, (max(ys) - y) * scale) for x, y in trajectory.points]


def _scan_ink(scan: handwriting.Scan, bit_px: float) -> np.ndarray:
    """The bitmap cropped to its ink, `bit_px` px a bit (bilinear: grey edges); 0-255."""
    bits = np.asarray(scan.rows, dtype=np.uint8)
    rows, columns = np.nonzero(bits)
    bits = bits[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    image = Image.fromarray(bits * 255)
    size = (max(1, round(bits.shape[1] * bit_px)), max(1, round(bits.shape[0] * bit_px)))
    return np.asarray(image.resize(size, Image.Resampling.BILINEAR), dtype=np.uint8)


@dataclass
class _Glyph:
    """One digit ready to place: its ink (alpha, local), where its strokes lie in it."""

    alpha: np.ndarray
    strokes: list[Stroke] | None  # local pixels (pen only)


def _pen_glyph(trajectory: handwriting.Trajectory, size: float) -> _Glyph:
    stroke = _pen_shape(trajectory, size)
    pad = math.ceil(PEN_PX)
    local = [(x + pad, y + pad) for x, y in stroke]
    width = math.ceil(max(x for x, _ in stroke)) + 2 * pad + 1
    height = math.ceil(max(y for _, y in stroke)) + 2 * pad + 1
    return _Glyph(stroke_alpha([local], width, height), [local])


def _ink_box(alpha: np.ndarray) -> tuple[int, int, int, int]:
    rows, columns = np.nonzero(alpha > INK_LEVEL)
    return int(columns.min()), int(rows.min()), int(columns.max()) + 1, int(rows.max()) + 1


def _contact_shift(
    left: np.ndarray, left_at: tuple[int, int], right: np.ndarray, right_at: tuple[int, int]
) -> int | None:
    """How far right of `right_at` the right glyph could move before any row of its ink
    touches the left glyph's (negative: it must move left); None if no row holds both."""
    gaps = []
    left_ink, right_ink = left > INK_LEVEL, right > INK_LEVEL
    for row in range(
        max(left_at[1], right_at[1]), min(left_at[1] + left.shape[0], right_at[1] + right.shape[0])
    ):
        l_cols = np.nonzero(left_ink[row - left_at[1]])[0]
        r_cols = np.nonzero(right_ink[row - right_at[1]])[0]
        if len(l_cols) and len(r_cols):
            gaps.append((right_at[0] + r_cols[0]) - (left_at[0] + l_cols[-1]) - 1)
    return min(gaps) if gaps else None


def _compose(
    glyphs: list[_Glyph],
    spacing: str,
    pair: int | None,
    params: dict[str, Any],
    height_px: float,
) -> tuple[list[tuple[int, int]], int, int]:
    """Where each glyph's local origin goes (integer pixels) and the canvas's extent."""
    boxes = [_ink_box(glyph.alpha) for glyph in glyphs]
    placed: list[tuple[int, int]] = []
    right_edge = 0.0
    for index, (glyph, box) in enumerate(zip(glyphs, boxes, strict=True)):
        bottom_ink = (
            params["slope"] * right_edge + params["jitter"][index] * height_px
        )  # the baseline here (down is positive)
        y = round(bottom_ink - box[3])
        if index == 0:
            x = -box[0]
        else:
            x = round(right_edge + params["gaps"][index - 1] * height_px - box[0])
            if pair is not None and index == pair + 1:
                prev, prev_at = glyphs[index - 1].alpha, placed[index - 1]
                shift = _contact_shift(prev, prev_at, glyph.alpha, (x, y))
                if shift is not None:
                    x -= shift + TOUCH_PX
                    if spacing == "overlapping":
                        narrower = min(box[2] - box[0], boxes[index - 1][2] - boxes[index - 1][0])
                        x -= round(params["overlap"] * narrower)
        placed.append((x, y))
        right_edge = max(right_edge, x + box[2])
    lefts = [x + box[0] for (x, _), box in zip(placed, boxes, strict=True)]
    tops = [y + box[1] for (_, y), box in zip(placed, boxes, strict=True)]
    bottoms = [y + box[3] for (_, y), box in zip(placed, boxes, strict=True)]
    shift_x, shift_y = -min(lefts), -min(tops)
    placed = [(x + shift_x, y + shift_y) for x, y in placed]
    return placed, round(right_edge + shift_x), max(bottoms) + shift_y


def _params(rng: random.Random, length: int) -> dict[str, Any]:
    """Every random choice of a number's layout, drawn once (a refit only rescales)."""
    return {
        "size": rng.uniform(*DIGIT_HEIGHT),
        "bit_px": rng.uniform(*SCAN_BIT_PX),
        "sizes": [rng.uniform(*SIZE_SPREAD) for _ in range(length)],
        "jitter": [rng.gauss(0, BASELINE_JITTER) for _ in range(length)],
        "slope": rng.uniform(-DRIFT, DRIFT),
        "gaps": [rng.uniform(*GAP_RANGE) for _ in range(length - 1)],
        "overlap": rng.uniform(*OVERLAP_RANGE),
    }


def _pen_number(digits: list[handwriting.Trajectory], spacing: str, pair, params) -> tuple:
    """Strokes (canvas pixels), the canvas's alpha, and each digit alone, on the wide pad."""
    margin = MARGIN * PAD_HEIGHT
    height_px = params["size"] * PAD_HEIGHT
    for _ in range(FIT_TRIES):
        glyphs = [
            _pen_glyph(trajectory, height_px * scale)
            for trajectory, scale in zip(digits, params["sizes"], strict=True)
        ]
        placed, width, height = _compose(glyphs, spacing, pair, params, height_px)
        room_x, room_y = PAD_WIDTH - 2 * margin, PAD_HEIGHT - 2 * margin
        fit = min(room_x / width, room_y / height)
        if fit >= 1:
            break
        height_px *= fit * 0.98
    else:
        raise DataError("a number did not fit the pad")  # pragma: no cover - FIT_TRIES suffice
    # Centred on the pad, as a person writes in the middle.
    offset_x = round((PAD_WIDTH - width) / 2)
    offset_y = round((PAD_HEIGHT - height) / 2)
    strokes = []
    for glyph, (x, y) in zip(glyphs, placed, strict=True):
        strokes += [
            [(px + x + offset_x, py + y + offset_y) for px, py in stroke]
            for stroke in glyph.strokes or []
        ]
    return strokes


def pointer_events(stroke: Stroke) -> Stroke:
    """The polyline as the pad records it: a point for every pointer event, POINTER_STEP_PX
    apart at most along each segment (the 8 points of the data, and those between), so
    digits.segment gets strokes like a person's, not 8 points 30-80 px apart."""
    points = [stroke[0]]
    for (x0, y0), (x1, y1) in pairwise(stroke):
        steps = max(1, math.ceil(math.dist((x0, y0), (x1, y1)) / POINTER_STEP_PX))
        points += [
            (x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps) for k in range(1, steps + 1)
        ]
    return points


def _rgba_from_alpha(alpha: np.ndarray) -> bytes:
    """Black ink on transparency, as the pad's canvas holds it."""
    rgba = np.zeros((*alpha.shape, 4), dtype=np.uint8)
    rgba[..., 3] = alpha
    return rgba.tobytes()


def _rgba_on_white(ink: np.ndarray) -> bytes:
    """Black ink on opaque white, as a scan."""
    rgba = np.full((*ink.shape, 4), 255, dtype=np.uint8)
    rgba[..., :3] = (255 - ink)[..., None]
    return rgba.tobytes()


def pen_item(index: int, digits: list[tuple[int, Any]], spacing: str, rng: random.Random) -> Item:
    length = len(digits)
    pair = rng.randrange(length - 1) if spacing != "apart" else None
    params = _params(rng, length)
    strokes = _pen_number([t for _, t in digits], spacing, pair, params)
    alpha = stroke_alpha(strokes, PAD_WIDTH, PAD_HEIGHT)
    singles = [
        _rgba_from_alpha(stroke_alpha([stroke], PAD_WIDTH, PAD_HEIGHT)) for stroke in strokes
    ]
    return Item(
        index=index,
        source="pen",
        spacing=spacing,
        label="".join(str(t.label) for _, t in digits),
        width=PAD_WIDTH,
        height=PAD_HEIGHT,
        rgba=_rgba_from_alpha(alpha),
        strokes=[
            [round(value, 2) for point in pointer_events(stroke) for value in point]
            for stroke in strokes
        ],
        rows=[row for row, _ in digits],
        touching_pair=pair,
        singles=singles,
    )


def scan_item(index: int, digits: list[tuple[int, Any]], spacing: str, rng: random.Random) -> Item:
    length = len(digits)
    pair = rng.randrange(length - 1) if spacing != "apart" else None
    params = _params(rng, length)
    bit_px = params["bit_px"]
    glyphs = [
        _Glyph(_scan_ink(scan, bit_px * scale), None)
        for (_, scan), scale in zip(digits, params["sizes"], strict=True)
    ]
    height_px = 32 * bit_px
    placed, width, height = _compose(glyphs, spacing, pair, params, height_px)
    canvas_w, canvas_h = width + 2 * SCAN_MARGIN_PX, height + 2 * SCAN_MARGIN_PX

    def paint(which: list[int]) -> np.ndarray:
        ink = np.zeros((canvas_h, canvas_w), dtype=np.uint8)
        for number in which:
            glyph, (x, y) = glyphs[number], placed[number]
            x, y = x + SCAN_MARGIN_PX, y + SCAN_MARGIN_PX
            h, w = glyph.alpha.shape
            region = ink[y : y + h, x : x + w]
            np.maximum(region, glyph.alpha, out=region)
        return ink

    return Item(
        index=index,
        source="scans",
        spacing=spacing,
        label="".join(str(scan.label) for _, scan in digits),
        width=canvas_w,
        height=canvas_h,
        rgba=_rgba_on_white(paint(list(range(length)))),
        strokes=None,
        rows=[row for row, _ in digits],
        touching_pair=pair,
        singles=[_rgba_on_white(paint([number])) for number in range(length)],
    )


def generate(
    count: int, source: str, seed: int = DEFAULT_SEED, parts: tuple[str, ...] = PARTS
) -> Iterator[Item]:
    """The first `count` numbers of `source` ("pen" or "scans"), one at a time (a wide pad's
    images are large: a run holds a batch, not all): lengths uniform in LENGTHS, spacing
    cycling through SPACINGS. `parts`: the UCI file parts the digits come from (the
    benchmark's are never trained on; ("train",) composes numbers to tune on)."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    drawer = _Drawer(source, seed, parts)
    make = pen_item if source == "pen" else scan_item
    for index in range(count):
        rng = random.Random(f"{seed}-{source}-{index}")
        length = rng.choice(LENGTHS)
        spacing = SPACINGS[index % len(SPACINGS)]
        yield make(index, drawer.take(length), spacing, rng)


def items(count: int, source: str, seed: int = DEFAULT_SEED) -> list[Item]:
    """`generate`'s numbers as a list."""
    return list(generate(count, source, seed))


def flat_points(stroke: list[float]) -> list[tuple[float, float]]:
    """A flat [x0, y0, x1, y1, ...] stroke as (x, y) points (digits.segment's form)."""
    return list(zip(stroke[0::2], stroke[1::2], strict=True))
