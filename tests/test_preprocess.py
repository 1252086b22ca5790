"""digits.preprocess (py/digits/) under CPython: MNIST's normalization of whatever the user drew.

The canvases are drawn here with small helpers (filled rectangles, anti-aliased round-capped
pen strokes and dots), black or coloured, on a transparent or a white page. Besides the
behaviour a user sees (centred, 20 px tall, blank means blank), the fast byte-level code is
checked against a plain per-pixel reference with exact (Fraction) area averaging.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

import numpy as np
import pytest
from digits import preprocess
from digits.facts import FIELD_CENTRE, FIT_SIZE, MIN_INK_FRACTION, MNIST_SIZE, NOISE_THRESHOLD
from digits.preprocess import NothingToRecognize, to_model_input
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import photos
from tests.photos import correlation

Colour = tuple[int, int, int, int]
Rect = tuple[int, int, int, int]  # left, top, right, bottom (right and bottom exclusive)

TRANSPARENT: Colour = (0, 0, 0, 0)
WHITE: Colour = (255, 255, 255, 255)
BLACK: Colour = (0, 0, 0, 255)
SIDE = 280  # the pad's canvas at device pixel ratio 1
PEN_RADIUS = 10  # the pad's pen on that canvas is 20 px wide
FLOAT_SLACK = 1e-9  # for sums of floats that are exact in the code under test
EXAMPLES = settings(max_examples=100, deadline=None, database=None)


@dataclass(frozen=True)
class Stroke:
    """A round-capped pen stroke from (x0, y0) to (x1, y1); a dot when the ends meet."""

    x0: float
    y0: float
    x1: float
    y1: float
    radius: float

    def bounds(self) -> Rect:
        pad = self.radius + 1
        return (
            math.floor(min(self.x0, self.x1) - pad),
            math.floor(min(self.y0, self.y1) - pad),
            math.ceil(max(self.x0, self.x1) + pad),
            math.ceil(max(self.y0, self.y1) + pad),
        )

    def coverage(self, x: int, y: int) -> float:
        """Anti-aliased: 1 inside, fading to 0 over the pixel at the edge, like a canvas."""
        cx, cy = x + 0.5, y + 0.5
        dx, dy = self.x1 - self.x0, self.y1 - self.y0
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else ((cx - self.x0) * dx + (cy - self.y0) * dy) / length2
        t = min(max(t, 0.0), 1.0)
        distance = math.hypot(self.x0 + t * dx - cx, self.y0 + t * dy - cy)
        return min(max(self.radius + 0.5 - distance, 0.0), 1.0)


def draw(
    width: int,
    height: int,
    *,
    rects: Sequence[Rect] = (),
    strokes: Sequence[Stroke] = (),
    ink: Colour = BLACK,
    background: Colour = TRANSPARENT,
    offset: tuple[int, int] = (0, 0),
) -> bytearray:
    """An RGBA canvas: `ink` over `background`, the way a 2D canvas composites it.

    The shapes are drawn moved by `offset` whole pixels, so moved copies are identical.
    """
    ox, oy = offset
    coverage: dict[tuple[int, int], float] = {}
    for left, top, right, bottom in rects:
        for y in range(max(top + oy, 0), min(bottom + oy, height)):
            for x in range(max(left + ox, 0), min(right + ox, width)):
                coverage[x, y] = 1.0
    for stroke in strokes:
        left, top, right, bottom = stroke.bounds()
        for y in range(max(top + oy, 0), min(bottom + oy, height)):
            for x in range(max(left + ox, 0), min(right + ox, width)):
                covered = stroke.coverage(x - ox, y - oy)
                if covered > coverage.get((x, y), 0.0):
                    coverage[x, y] = covered
    data = bytearray(bytes(background) * (width * height))
    *ink_rgb, ink_alpha = ink
    for (x, y), covered in coverage.items():
        weight = covered * ink_alpha / 255
        if background[3] == 0:
            pixel = (*ink_rgb, round(weight * 255))
        else:
            blended = (
                round(bg * (1 - weight) + fg * weight)
                for bg, fg in zip(background[:3], ink_rgb, strict=True)
            )
            pixel = (*blended, background[3])
        start = (y * width + x) * 4
        data[start : start + 4] = bytes(pixel)
    return data


def polyline(points: Sequence[tuple[float, float]], radius: float) -> list[Stroke]:
    return [Stroke(*a, *b, radius) for a, b in pairwise(points)]


def two(left: float, top: float, size: float, radius: float = PEN_RADIUS) -> list[Stroke]:
    """A handwritten-looking "2" in a size x size box at (left, top)."""
    unit = [(0.3, 0.3), (0.5, 0.15), (0.7, 0.3), (0.6, 0.5), (0.3, 0.85), (0.75, 0.85)]
    return polyline([(left + x * size, top + y * size) for x, y in unit], radius)


# A "7" of rectangles: a bar and a slanted stem, so its centre of mass is off its box centre.
SEVEN = [(0, 0, 60, 12), (40, 12, 52, 40), (30, 40, 42, 70), (20, 70, 32, 100)]


def seven(offset_x: int, offset_y: int, factor: int = 1) -> list[Rect]:
    return [
        (
            offset_x + factor * x0,
            offset_y + factor * y0,
            offset_x + factor * x1,
            offset_y + factor * y1,
        )
        for x0, y0, x1, y1 in SEVEN
    ]


def rows(values: Sequence[float]) -> list[Sequence[float]]:
    return [values[y * MNIST_SIZE : (y + 1) * MNIST_SIZE] for y in range(MNIST_SIZE)]


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """A width x height box scaled so its longer side is 20 px, rounded half up, at least 1."""
    longer = max(width, height)
    return (
        max(1, math.floor(FIT_SIZE * width / longer + 0.5)),
        max(1, math.floor(FIT_SIZE * height / longer + 0.5)),
    )


def ink_box(values: Sequence[float]) -> Rect:
    """(left, top, right, bottom) of the non-zero values of a 28x28 result."""
    grid = rows(values)
    ys = [y for y, row in enumerate(grid) if any(row)]
    xs = [x for x in range(MNIST_SIZE) if any(row[x] for row in grid)]
    return xs[0], ys[0], xs[-1] + 1, ys[-1] + 1


def box_size(values: Sequence[float]) -> tuple[int, int]:
    left, top, right, bottom = ink_box(values)
    return right - left, bottom - top


def centre_of_mass(values: Sequence[float]) -> tuple[float, float]:
    """In pixel-index coordinates (pixel x is at x), as MNIST's centring measures it."""
    grid = rows(values)
    mass = sum(values)
    x = sum(value * col for row in grid for col, value in enumerate(row)) / mass
    y = sum(sum(row) * index for index, row in enumerate(grid)) / mass
    return x, y


def assert_centred(values: Sequence[float]) -> None:
    """Centre of mass on pixel 14, within the half pixel that whole-pixel shifts allow."""
    for centre in centre_of_mass(values):
        assert abs(centre - FIELD_CENTRE) <= 0.5 + FLOAT_SLACK


def reference_ink(rgba: bytes, width: int, height: int) -> list[int]:
    """The documented formula, pixel by pixel: alpha * (255 - luminance) / 255, rounded."""
    ink = []
    for index in range(width * height):
        r, g, b, a = rgba[4 * index : 4 * index + 4]
        luminance = (299 * r + 587 * g + 114 * b) // 1000
        ink.append((a * (255 - luminance) + 127) // 255)
    return ink


def reference_area_average(line: Sequence[Fraction], size: int) -> list[Fraction]:
    """Exact area averaging of `line` into `size` pixels: each output pixel is the mean of
    the source interval it covers, partly covered source pixels weighted by their overlap."""
    step = Fraction(len(line), size)
    out = []
    for index in range(size):
        start, end = index * step, (index + 1) * step
        total = sum(
            (min(end, x + 1) - max(start, x)) * line[x]
            for x in range(math.floor(start), math.ceil(end))
        )
        out.append(total / step)
    return out


def reference_model_input(rgba: bytes, width: int, height: int) -> list[float]:
    """The whole algorithm, written plainly and exactly, to check the fast code against."""
    ink = [v if v > NOISE_THRESHOLD else 0 for v in reference_ink(rgba, width, height)]
    inked = [(i % width, i // width) for i, v in enumerate(ink) if v]
    if len(inked) < max(1, MIN_INK_FRACTION * width * height):
        raise NothingToRecognize("nothing to recognize")
    left, right = min(x for x, _ in inked), max(x for x, _ in inked) + 1
    top, bottom = min(y for _, y in inked), max(y for _, y in inked) + 1
    box_width, box_height = right - left, bottom - top
    fit_width, fit_height = fitted_size(box_width, box_height)
    narrowed = [
        reference_area_average(
            [Fraction(v) for v in ink[y * width + left : y * width + right]], fit_width
        )
        for y in range(top, bottom)
    ]
    columns = [
        reference_area_average(list(column), fit_height) for column in zip(*narrowed, strict=True)
    ]
    fitted = [list(row) for row in zip(*columns, strict=True)]
    mass = sum(sum(row) for row in fitted)
    centre_x = sum(v * x for row in fitted for x, v in enumerate(row)) / mass
    centre_y = sum(sum(row) * y for y, row in enumerate(fitted)) / mass
    half = Fraction(1, 2)
    offset_x = math.floor(FIELD_CENTRE - centre_x + half)
    offset_y = math.floor(FIELD_CENTRE - centre_y + half)
    offset_x = min(max(offset_x, 0), MNIST_SIZE - fit_width)
    offset_y = min(max(offset_y, 0), MNIST_SIZE - fit_height)
    field = [0.0] * (MNIST_SIZE * MNIST_SIZE)
    for y, row in enumerate(fitted):
        for x, value in enumerate(row):
            field[(y + offset_y) * MNIST_SIZE + x + offset_x] = float(value / 255)
    return field


# --- blank, malformed ------------------------------------------------------------------------


@pytest.mark.parametrize("background", [TRANSPARENT, WHITE, (255, 255, 255, 0), (0, 0, 0, 20)])
def test_a_blank_canvas_is_nothing_to_recognize(background: Colour) -> None:
    with pytest.raises(NothingToRecognize, match="nothing to recognize"):
        to_model_input(draw(SIDE, SIDE, background=background), SIDE, SIDE)


@pytest.mark.parametrize(
    ("ink", "background"),
    [((0, 0, 0, 30), TRANSPARENT), ((225, 225, 225, 255), WHITE), ((200, 230, 255, 255), WHITE)],
)
def test_a_faint_wash_is_blank(ink: Colour, background: Colour) -> None:
    """Ink at or below the noise threshold everywhere: a smudge, a scan's grey, pale colour."""
    data = draw(SIDE, SIDE, rects=[(10, 10, 200, 200)], ink=ink, background=background)
    with pytest.raises(NothingToRecognize):
        to_model_input(data, SIDE, SIDE)


@pytest.mark.parametrize("alpha", [60, 255])
def test_a_handful_of_stray_pixels_is_blank(alpha: int) -> None:
    specks = [
        (x, y, x + 1, y + 1) for x, y in [(3, 4), (250, 250), (100, 17), (17, 200), (140, 140)]
    ]
    data = draw(SIDE, SIDE, rects=specks, ink=(0, 0, 0, alpha))
    with pytest.raises(NothingToRecognize):
        to_model_input(data, SIDE, SIDE)


@pytest.mark.parametrize(
    ("data", "width", "height"),
    [
        (b"", 0, 0),
        (bytes(16), -2, -2),
        (bytes(16), 2, 0),
        (bytes(4), 1.0, 1),
        (bytes(4), True, 1),
        (bytes(4), "1", 1),
        (bytes(15), 2, 2),
        (bytes(20), 2, 2),
        (bytes(4 * 6), 2, 2),
    ],
)
@pytest.mark.parametrize("function", [to_model_input, preprocess.ink_from_rgba])
def test_malformed_input_is_a_value_error(
    function: Callable[..., object], data: bytes, width: object, height: object
) -> None:
    with pytest.raises(ValueError, match=r"width|height|bytes") as raised:
        function(data, width, height)
    assert not isinstance(raised.value, NothingToRecognize)


# --- the shape of the result -----------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [bytes, bytearray, memoryview, lambda data: memoryview(data).cast("I")],
    ids=["bytes", "bytearray", "memoryview", "memoryview-of-uint32"],
)
def test_output_is_784_values_in_the_unit_range(kind: Callable[[bytearray], object]) -> None:
    values = to_model_input(kind(draw(SIDE, SIDE, strokes=two(60, 50, 150))), SIDE, SIDE)
    assert len(values) == MNIST_SIZE * MNIST_SIZE
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in values)
    assert max(values) == 1.0  # the stroke's core is full ink


@pytest.mark.parametrize("offset", [(0, 0), (200, 170), (5, 160), (210, 3), (110, 90)])
def test_an_off_centre_digit_is_fitted_to_20px_and_centred_by_mass(offset: tuple[int, int]) -> None:
    values = to_model_input(draw(SIDE, SIDE, rects=seven(*offset)), SIDE, SIDE)
    width, height = box_size(values)
    assert (width, height) == (12, FIT_SIZE)  # 60 x 100 px -> 12 x 20
    assert_centred(values)


@pytest.mark.parametrize("corner", [(5, 5), (180, 5), (5, 180), (180, 180)])
def test_a_pen_drawn_digit_in_a_corner_is_centred(corner: tuple[int, int]) -> None:
    values = to_model_input(draw(SIDE, SIDE, strokes=two(*corner, 90)), SIDE, SIDE)
    assert max(box_size(values)) == FIT_SIZE
    assert_centred(values)


@pytest.mark.parametrize(
    ("stroke_width", "expected_width"), [(1, 1), (4, 1), (20, 2), (30, 3), (50, 5)]
)
def test_a_tall_thin_stroke_keeps_its_aspect(stroke_width: int, expected_width: int) -> None:
    """A "1": 200 px tall becomes 20 px, and its width max(1, round(20 * w / 200))."""
    values = to_model_input(
        draw(SIDE, SIDE, rects=[(130, 40, 130 + stroke_width, 240)]), SIDE, SIDE
    )
    assert box_size(values) == (expected_width, FIT_SIZE)


def test_a_wide_shape_gets_the_20px_width() -> None:
    values = to_model_input(draw(SIDE, SIDE, rects=[(20, 120, 260, 156)]), SIDE, SIDE)
    assert box_size(values) == (FIT_SIZE, 3)  # 240 x 36 px -> 20 x 3


def test_a_tiny_digit_is_scaled_up_without_blurring() -> None:
    values = to_model_input(draw(64, 64, rects=[(30, 30, 33, 35)]), 64, 64)
    assert box_size(values) == (12, FIT_SIZE)  # 3 x 5 px -> 12 x 20, 4x in both directions
    assert {v for v in values if v} == {1.0}


def test_the_field_keeps_all_the_ink_when_the_centre_of_mass_is_far_off() -> None:
    """Mass in one corner would shift the box off the field; the shift is clamped instead."""
    heavy_corner = [(0, 0, 60, 60), (0, 0, 200, 4), (0, 0, 4, 200)]
    values = to_model_input(draw(SIDE, SIDE, rects=heavy_corner), SIDE, SIDE)
    assert ink_box(values) == (8, 8, 28, 28)  # pushed as far as the 20 px box may go
    # 200 px -> 20: the 60 px block is 6 x 6 full pixels, each 4 px bar 14 pixels at 4/10
    assert sum(values) == pytest.approx(36 + 2 * 14 * 0.4)


def enlarge(values: Sequence[float], factor: int) -> bytes:
    """A 28x28 result drawn back as black ink on transparency, each pixel factor x factor."""
    alphas = [round(v * 255) for v in values]
    rgba = bytearray()
    for y in range(MNIST_SIZE):
        row = b"".join(
            bytes((0, 0, 0, a)) * factor for a in alphas[y * MNIST_SIZE : (y + 1) * MNIST_SIZE]
        )
        rgba += row * factor
    return bytes(rgba)


@pytest.mark.parametrize("factor", [1, 3, 10])
@pytest.mark.parametrize(
    "rects",
    [
        [(0, 0, 12, 3), (8, 3, 11, 8), (6, 8, 9, 14), (4, 14, 7, 20)],  # a "7"
        [(5, 3, 7, 23)],  # a "1"
        [(2, 2, 22, 5), (2, 5, 5, 22), (19, 5, 22, 22), (5, 19, 19, 22)],  # a "0"
        [(0, 0, 6, 6), (0, 0, 20, 1), (0, 0, 1, 20)],  # mass in a corner: the clamped shift
    ],
    ids=["seven", "one", "zero", "corner"],
)
def test_a_normalized_digit_drawn_larger_comes_back_unchanged(
    rects: list[Rect], factor: int
) -> None:
    """What the model saw, drawn again at any size, is what it sees again: the centring is
    a fixed point (a centre of mass already within half a pixel of 14 is not moved)."""
    normalized = to_model_input(draw(MNIST_SIZE, MNIST_SIZE, rects=rects), MNIST_SIZE, MNIST_SIZE)
    side = MNIST_SIZE * factor
    assert to_model_input(enlarge(normalized, factor), side, side) == normalized


# --- invariance: where and how large the user drew ---------------------------------------------


@pytest.mark.parametrize("background", [TRANSPARENT, WHITE])
def test_position_on_the_canvas_does_not_matter(background: Colour) -> None:
    strokes = two(0, 0, 120)
    first, second = (
        to_model_input(
            draw(SIDE, SIDE, strokes=strokes, background=background, offset=offset), SIDE, SIDE
        )
        for offset in [(0, 0), (150, 141)]
    )
    assert first == pytest.approx(second, abs=1e-6)


def test_canvas_size_and_shape_do_not_matter() -> None:
    square = to_model_input(draw(SIDE, SIDE, rects=seven(100, 100)), SIDE, SIDE)
    wide = to_model_input(draw(500, 200, rects=seven(300, 40)), 500, 200)
    tall = to_model_input(draw(150, 600, rects=seven(30, 400)), 150, 600)
    assert square == pytest.approx(wide, abs=1e-6)
    assert square == pytest.approx(tall, abs=1e-6)


@pytest.mark.parametrize(
    ("small", "large"),
    [
        (draw(SIDE, SIDE, rects=seven(20, 20)), draw(SIDE, SIDE, rects=seven(20, 20, factor=2))),
        (
            draw(SIDE, SIDE, strokes=two(30, 30, 100, 6)),
            draw(SIDE, SIDE, strokes=two(20, 20, 200, 12)),
        ),
    ],
    ids=["rectangles", "pen-strokes"],
)
def test_size_on_the_canvas_barely_matters(small: bytearray, large: bytearray) -> None:
    first, second = to_model_input(small, SIDE, SIDE), to_model_input(large, SIDE, SIDE)
    assert sum(abs(a - b) for a, b in zip(first, second, strict=True)) / len(first) < 0.05


# --- ink: colour, transparency, the paper -------------------------------------------------------


def test_grey_and_translucent_ink_is_proportionally_lighter() -> None:
    rects = [(100, 50, 140, 230)]
    black = to_model_input(draw(SIDE, SIDE, rects=rects), SIDE, SIDE)
    grey = to_model_input(draw(SIDE, SIDE, rects=rects, ink=(128, 128, 128, 255)), SIDE, SIDE)
    translucent = to_model_input(draw(SIDE, SIDE, rects=rects, ink=(0, 0, 0, 128)), SIDE, SIDE)
    assert max(black) == 1.0
    assert max(grey) == pytest.approx(127 / 255)
    assert max(translucent) == pytest.approx(128 / 255)
    assert grey == pytest.approx([v * 127 / 255 for v in black])


@pytest.mark.parametrize(
    "ink",
    [
        BLACK,
        (20, 30, 140, 255),
        (90, 0, 0, 200),
        (0, 0, 255, 255),
        (255, 0, 0, 255),
        (0, 160, 0, 90),
    ],
)
def test_ink_on_white_paper_has_the_shape_of_ink_on_transparency(ink: Colour) -> None:
    """On paper (the photo path) the ink's contrast is normalized, its shape is the same."""
    strokes = two(50, 60, 140)
    on_paper = to_model_input(
        draw(SIDE, SIDE, strokes=strokes, ink=ink, background=WHITE), SIDE, SIDE
    )
    on_nothing = to_model_input(draw(SIDE, SIDE, strokes=strokes, ink=ink), SIDE, SIDE)
    assert ink_box(on_paper) == ink_box(on_nothing)
    assert correlation(on_paper, on_nothing) > 0.99
    assert max(on_paper) == pytest.approx(1.0, abs=0.02)  # a pale pen counts as a pen


def test_black_ink_on_white_paper_is_the_canvas_result() -> None:
    """A clean white page with black ink: no background, no noise, nothing to correct."""
    strokes = two(50, 60, 140)
    on_paper = to_model_input(draw(SIDE, SIDE, strokes=strokes, background=WHITE), SIDE, SIDE)
    on_nothing = to_model_input(draw(SIDE, SIDE, strokes=strokes), SIDE, SIDE)
    assert on_paper == pytest.approx(on_nothing, abs=2 / 255)  # luma rounding only


def test_coloured_ink_on_transparency_counts_by_its_luminance() -> None:
    rects = seven(50, 60)
    coloured = to_model_input(draw(SIDE, SIDE, rects=rects, ink=(20, 20, 120, 255)), SIDE, SIDE)
    assert max(coloured) == pytest.approx((255 - (299 * 20 + 587 * 20 + 114 * 120) // 1000) / 255)


def test_ink_from_rgba_composites_over_white() -> None:
    pixels = [BLACK, WHITE, TRANSPARENT, (255, 0, 0, 255), (0, 0, 0, 51), (255, 255, 255, 0)]
    ink = preprocess.ink_from_rgba(b"".join(map(bytes, pixels)), 3, 2)
    assert list(ink) == [255, 0, 0, 255 - 299 * 255 // 1000, 51, 0]


@st.composite
def images(
    pick: st.DrawFn, max_side: int = 12, kinds: Sequence[str] = ("random", "black", "grey")
) -> tuple[int, int, bytes]:
    """(width, height, RGBA): random bytes, or the fast paths' black-at-any-alpha and greys."""
    width, height = pick(st.integers(1, max_side)), pick(st.integers(1, max_side))
    pixels = width * height
    levels = st.lists(st.integers(0, 255), min_size=pixels, max_size=pixels)
    kind = pick(st.sampled_from(kinds))
    if kind == "random":
        return width, height, pick(st.binary(min_size=4 * pixels, max_size=4 * pixels))
    if kind == "black":
        return width, height, b"".join(bytes((0, 0, 0, a)) for a in pick(levels))
    return width, height, b"".join(bytes((g, g, g, 255)) for g in pick(levels))


@EXAMPLES
@given(images())
def test_ink_from_rgba_is_the_documented_formula(image: tuple[int, int, bytes]) -> None:
    width, height, rgba = image
    assert list(preprocess.ink_from_rgba(rgba, width, height)) == reference_ink(rgba, width, height)


# --- small and large canvases, pen dots ---------------------------------------------------------


@pytest.mark.parametrize(("side", "radius"), [(SIDE, 5), (SIDE, PEN_RADIUS), (560, 2 * PEN_RADIUS)])
def test_a_single_pen_dot_is_a_digit_not_blank(side: int, radius: int) -> None:
    values = to_model_input(
        draw(side, side, strokes=[Stroke(side // 3, side // 2, side // 3, side // 2, radius)]),
        side,
        side,
    )
    assert box_size(values) == (FIT_SIZE, FIT_SIZE)
    assert_centred(values)


def test_a_10px_square_dot_is_a_digit_not_blank() -> None:
    values = to_model_input(draw(SIDE, SIDE, rects=[(135, 135, 145, 145)]), SIDE, SIDE)
    # 20 x 20 with its centre of mass at 9.5: shifted by 14 - 9.5 = 4.5, rounded up to 5
    assert ink_box(values) == (5, 5, 25, 25)
    assert centre_of_mass(values) == (14.5, 14.5)
    assert set(values) == {0.0, 1.0}


TRANSLUCENT_BLACK: Colour = (0, 0, 0, 200)


@pytest.mark.parametrize(
    ("width", "height"), [(1, 1), (1, 50), (50, 1), (3, 200), (2, 2), (600, 600), (1000, 700)]
)
def test_degenerate_and_large_canvases(width: int, height: int) -> None:
    """A canvas inked all over (translucent black, so it is a drawing, not an opaque image)."""
    values = to_model_input(bytes(TRANSLUCENT_BLACK) * (width * height), width, height)
    assert len(values) == MNIST_SIZE * MNIST_SIZE
    assert set(values) == {0.0, 200 / 255}
    assert box_size(values) == fitted_size(width, height)


@pytest.mark.parametrize(
    ("width", "height"), [(1, 1), (1, 50), (50, 1), (3, 200), (2, 2), (600, 600), (1000, 700)]
)
@pytest.mark.parametrize("colour", [BLACK, WHITE, (30, 90, 200, 255)])
def test_an_opaque_image_of_one_colour_is_nothing_to_recognize(
    width: int, height: int, colour: Colour
) -> None:
    """A photo of black (lens cap), a white page, a blue wall: no digit, no guess."""
    with pytest.raises(NothingToRecognize):
        to_model_input(bytes(colour) * (width * height), width, height)


def test_a_large_canvas_with_a_drawn_digit_completes() -> None:
    values = to_model_input(draw(600, 600, strokes=two(100, 120, 380, 21)), 600, 600)
    assert max(box_size(values)) == FIT_SIZE


# --- the fast code against the plain reference ---------------------------------------------------


colours = st.tuples(*[st.integers(0, 255)] * 4)
opaque_colours = st.tuples(*[st.integers(0, 255)] * 3, st.just(255))


@st.composite
def drawings(
    pick: st.DrawFn,
    max_side: int = 40,
    on: Colour | None = None,
    inks: st.SearchStrategy[Colour] | None = None,
) -> tuple[int, int, bytes]:
    """(width, height, RGBA): up to 4 rectangles of one colour on another (or on `on`)."""
    width, height = pick(st.integers(1, max_side)), pick(st.integers(1, max_side))
    rect = st.tuples(
        st.integers(0, width - 1),
        st.integers(0, height - 1),
        st.integers(1, width),
        st.integers(1, height),
    ).map(lambda r: (r[0], r[1], r[0] + r[2], r[1] + r[3]))
    rects = pick(st.lists(rect, max_size=4))
    background = (
        on
        if on is not None
        else pick(st.sampled_from([TRANSPARENT, WHITE, BLACK]) | opaque_colours | colours)
    )
    ink = pick(
        inks
        if inks is not None
        else st.sampled_from([BLACK, (0, 0, 0, 120), (120, 120, 120, 255)])
        | opaque_colours
        | colours
    )
    return width, height, bytes(draw(width, height, rects=rects, ink=ink, background=background))


def luma(colour: Colour) -> int:
    return (299 * colour[0] + 587 * colour[1] + 114 * colour[2]) // 1000


def is_a_drawing(image: tuple[int, int, bytes]) -> bool:
    """Inputs the canvas path takes as it always did (the reference below describes it):
    black ink at any alpha (the pad's), or dark ink on a mostly transparent layer. Opaque
    images are photos, light ink on transparency is shown over black: tested elsewhere."""
    width, height, data = image
    alpha = data[3::4]
    if min(alpha) == 255:
        return False
    if not any(data[0::4] + data[1::4] + data[2::4]):
        return True
    return sum(alpha) <= preprocess.MOSTLY_OPAQUE * 255 * width * height


# Ink the canvas path takes the canvas's way: darker than LIGHT_INK_LUMINANCE (with a margin
# of 2 levels for the analysis's own luma rounding).
dark_colours = colours.filter(lambda colour: luma(colour) <= preprocess.LIGHT_INK_LUMINANCE - 2)


canvas_drawings = st.one_of(
    images(kinds=("black",)), drawings(on=TRANSPARENT, inks=dark_colours)
).filter(is_a_drawing)


@EXAMPLES
@given(canvas_drawings)
def test_matches_the_plain_exact_reference(image: tuple[int, int, bytes]) -> None:
    width, height, data = image
    try:
        expected = reference_model_input(data, width, height)
    except NothingToRecognize:
        with pytest.raises(NothingToRecognize):
            to_model_input(data, width, height)
        return
    assert to_model_input(data, width, height) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@EXAMPLES
@given(canvas_drawings)
def test_area_averaging_keeps_the_mean_ink(image: tuple[int, int, bytes]) -> None:
    """Sum of the result x source pixels per result pixel == the ink in the bounding box."""
    width, height, data = image
    try:
        values = to_model_input(data, width, height)
    except NothingToRecognize:
        return
    kept = [v if v > NOISE_THRESHOLD else 0 for v in reference_ink(data, width, height)]
    inked = [(i % width, i // width) for i, v in enumerate(kept) if v]
    box_width = max(x for x, _ in inked) - min(x for x, _ in inked) + 1
    box_height = max(y for _, y in inked) - min(y for _, y in inked) + 1
    fit_width, fit_height = fitted_size(box_width, box_height)
    scale = box_width * box_height / (fit_width * fit_height)
    assert sum(values) * scale == pytest.approx(sum(kept) / 255, rel=1e-9)


# --- uploads: photos, scans and PNGs ---------------------------------------------------------
# Each kind of image the page accepts, synthesized (tests/photos.py) around a digit whose
# clean drawing, black on transparency, is the reference: the 28x28 input must look like it
# (correlation, up to a whole-pixel centring shift), and images without a digit are nothing.

PHOTO_W, PHOTO_H = 640, 480  # the page scales uploads to at most 640 px on the longer side
PHOTO_BOX = (180.0, 60.0, 360.0)  # left, top, size of the digit's square
PHOTO_PEN = 18.0
LOOKS_THE_SAME = 0.9  # correlation with the clean drawing's input
PHOTO_DIGITS = ["2", "4", "5-bar", "7-crossbar", "8"]


def photo_case(shape: str, box: tuple[float, float, float] = PHOTO_BOX, pen: float = PHOTO_PEN):
    """The digit's coverage and the clean reference input (black on transparency)."""
    cover = photos.coverage(shape, PHOTO_W, PHOTO_H, box, pen)
    return cover, to_model_input(photos.on_transparency(cover), PHOTO_W, PHOTO_H)


PHOTO_KINDS: dict[str, Callable[..., bytes]] = {
    "dark-ink-white-paper-jpeg": lambda c: photos.on_paper(c, noise=4, jpeg=75),
    "chalkboard": lambda c: photos.on_paper(
        c, paper=(40, 60, 50), ink=(230, 230, 220), noise=6, jpeg=80
    ),
    "white-on-black": lambda c: photos.on_paper(c, paper=(0, 0, 0), ink=(255, 255, 255)),
    "blue-pen-yellow-paper": lambda c: photos.on_paper(
        c, paper=(240, 220, 120), ink=(30, 40, 160), noise=3
    ),
    "grey-paper": lambda c: photos.on_paper(c, paper=(150, 150, 150), ink=(40, 40, 40), noise=3),
    "gradient-lighting": lambda c: photos.on_paper(
        c, lighting=photos.gradient(PHOTO_W, PHOTO_H, 1.0, 0.35), noise=3
    ),
    "soft-shadow": lambda c: photos.on_paper(
        c, lighting=photos.shadow(PHOTO_W, PHOTO_H, 0.45, softness=30), noise=3
    ),
    "texture-specks-jpeg": lambda c: photos.on_paper(c, texture=6, specks=60, noise=3, jpeg=70),
    "pencil": lambda c: photos.on_paper(c, ink=(150, 150, 155), noise=4, texture=4, jpeg=80),
}


@pytest.mark.parametrize("shape", PHOTO_DIGITS)
@pytest.mark.parametrize("kind", sorted(PHOTO_KINDS))
def test_a_photo_looks_like_the_clean_drawing(kind: str, shape: str) -> None:
    cover, reference = photo_case(shape)
    values = to_model_input(PHOTO_KINDS[kind](cover), PHOTO_W, PHOTO_H)
    assert correlation(values, reference) > LOOKS_THE_SAME
    assert max(values) > 0.9  # contrast normalized: a pencil's core is full ink too
    assert_centred(values)


@pytest.mark.parametrize("shape", PHOTO_DIGITS)
@pytest.mark.parametrize(
    ("box", "pen"),
    [((400.0, 300.0, 60.0), 4.0), ((180.0, 60.0, 360.0), 2.0), ((160.0, 40.0, 400.0), 60.0)],
    ids=["small-digit-large-image", "thin-strokes", "bold-strokes"],
)
def test_small_thin_and_bold_digits_in_a_photo(
    shape: str, box: tuple[float, float, float], pen: float
) -> None:
    cover, reference = photo_case(shape, box, pen)
    values = to_model_input(photos.on_paper(cover, noise=3, jpeg=80), PHOTO_W, PHOTO_H)
    assert correlation(values, reference) > LOOKS_THE_SAME
    assert max(box_size(values)) == FIT_SIZE


@pytest.mark.parametrize("shape", PHOTO_DIGITS)
@pytest.mark.parametrize(
    "ink", [(255, 255, 255), (255, 220, 0), (220, 0, 0), (30, 60, 200)], ids=str
)
def test_ink_of_any_colour_on_transparency(shape: str, ink: tuple[int, int, int]) -> None:
    """A PNG with the digit on a transparent layer, white ink included."""
    cover, reference = photo_case(shape)
    values = to_model_input(photos.on_transparency(cover, ink), PHOTO_W, PHOTO_H)
    assert correlation(values, reference) > 0.99
    assert max(values) > 0.7


def test_white_ink_on_transparency_is_full_ink() -> None:
    cover, reference = photo_case("7-crossbar")
    white = to_model_input(photos.on_transparency(cover, (255, 255, 255)), PHOTO_W, PHOTO_H)
    assert white == pytest.approx(reference, abs=1e-9)


def test_a_photo_with_transparent_margins_is_a_photo() -> None:
    """Letterboxed (transparent bars above and below a chalkboard photo): the bars are not
    light ink, and the board is not dark ink."""
    cover, reference = photo_case("4")
    board = bytearray(photos.on_paper(cover, paper=(40, 60, 50), ink=(230, 230, 220), noise=5))
    bar = 4 * PHOTO_W * 40
    board[:bar] = bytes(bar)
    board[-bar:] = bytes(bar)
    values = to_model_input(bytes(board), PHOTO_W, PHOTO_H)
    assert correlation(values, reference) > LOOKS_THE_SAME


def test_the_separate_parts_of_a_digit_are_kept_and_specks_are_not() -> None:
    """The 5's lifted bar is kept (its ink is in the input), the dust around it is not: the
    result with 60 specks is the result without them."""
    cover, _ = photo_case("5-bar")
    clean = to_model_input(photos.on_paper(cover, noise=2), PHOTO_W, PHOTO_H)
    dusty = to_model_input(photos.on_paper(cover, noise=2, specks=60, seed=3), PHOTO_W, PHOTO_H)
    top_rows = sum(clean[: 8 * MNIST_SIZE])
    assert top_rows > 5  # the bar, at the top of the field
    assert correlation(dusty, clean) > 0.99


# A sheet photographed on a table fills most of the frame (as phone photos of a page do):
# the table shows as a band this wide at the photo's right and bottom.
TABLE_BAND = 40


@pytest.mark.parametrize("shape", PHOTO_DIGITS)
@pytest.mark.parametrize("table", [(120, 86, 60), (30, 30, 30), (180, 170, 150)], ids=str)
def test_the_table_around_the_page_is_not_ink_even_where_the_digit_touches_the_edge(
    shape: str, table: tuple[int, int, int]
) -> None:
    """A tilted sheet on a table, the digit written right up to its right and bottom edges:
    the table is set aside along the sheet's straight edges, and the digit's ink stays."""
    cover, _ = photo_case(shape)
    inked_columns = np.flatnonzero(cover.max(axis=0) > 0.5)
    inked_rows = np.flatnonzero(cover.max(axis=1) > 0.5)
    right, bottom = PHOTO_W - TABLE_BAND, PHOTO_H - TABLE_BAND
    cover = np.roll(cover, (bottom - inked_rows[-1] - 1, right - inked_columns[-1] - 1), (0, 1))
    reference = to_model_input(photos.on_transparency(cover), PHOTO_W, PHOTO_H)
    sheet = [(30.0, 24.0), (right, 10.0), (right, bottom), (20.0, bottom - 6.0)]
    photo = photos.on_paper(cover, sheet=sheet, table=table, noise=3, jpeg=80)
    values = to_model_input(photo, PHOTO_W, PHOTO_H)
    assert correlation(values, reference) > LOOKS_THE_SAME
    assert_centred(values)


def ruled_grid(cover: np.ndarray, every: int = 24, strength: float = 0.12) -> np.ndarray:
    """`cover` on squared paper: faint lines every `every` pixels both ways."""
    lines = np.zeros_like(cover)
    lines[8::every, :] = strength
    lines[:, 8::every] = strength
    return np.maximum(cover, lines)


# A sheet photographed on a table, a little tilted, filling most of the frame.
SHEET = [(40.0, 30.0), (600.0, 12.0), (615.0, 455.0), (25.0, 465.0)]

# Photos whose digit the first look (step 6 of digits.photo, in photo/threshold.py) misses: a
# small thin digit on squared paper under a shadow (the shadow's wash and the grid set the
# threshold above the digit), and chalk on a board framed by a darker table (the frame makes
# the board's writing look like dark ink at first).
SECOND_LOOK: dict[str, tuple[tuple[float, float, float], float, Callable[..., bytes]]] = {
    "small-digit-on-squared-paper-under-a-shadow": (
        (430.0, 60.0, 80.0),
        3.0,
        lambda c: photos.on_paper(
            ruled_grid(c),
            ink=(60, 60, 70),
            lighting=photos.shadow(PHOTO_W, PHOTO_H, 0.5, softness=6),
            noise=3,
            jpeg=80,
        ),
    ),
    "chalk-on-a-board-framed-by-a-table": (
        (330.0, 150.0, 70.0),
        5.0,
        lambda c: photos.on_paper(
            c,
            paper=(40, 60, 50),
            ink=(200, 200, 150),
            sheet=SHEET,
            table=(25, 25, 25),
            noise=5,
            jpeg=75,
        ),
    ),
}


@pytest.mark.parametrize("shape", PHOTO_DIGITS)
@pytest.mark.parametrize("kind", sorted(SECOND_LOOK))
def test_a_digit_the_first_look_misses_is_found_on_a_second(kind: str, shape: str) -> None:
    box, pen, make = SECOND_LOOK[kind]
    cover, reference = photo_case(shape, box, pen)
    values = to_model_input(make(cover), PHOTO_W, PHOTO_H)
    assert correlation(values, reference) > LOOKS_THE_SAME


NO_DIGIT = np.zeros((PHOTO_H, PHOTO_W))
BLANK_IMAGES: dict[str, Callable[[], bytes]] = {
    "blank-paper-jpeg": lambda: photos.on_paper(NO_DIGIT, noise=4, jpeg=75),
    "blank-paper-gradient-texture": lambda: photos.on_paper(
        NO_DIGIT,
        lighting=photos.gradient(PHOTO_W, PHOTO_H, 1.0, 0.3),
        noise=4,
        texture=5,
        jpeg=75,
    ),
    "blank-paper-soft-shadow": lambda: photos.on_paper(
        NO_DIGIT, lighting=photos.shadow(PHOTO_W, PHOTO_H, 0.5, softness=40), noise=4
    ),
    "dust-only": lambda: photos.on_paper(NO_DIGIT, specks=40, noise=3),
    # What a second look could take for writing: the sheet's outline, a shadow over a grid.
    "blank-sheet-on-a-table": lambda: photos.on_paper(NO_DIGIT, sheet=SHEET, noise=3, jpeg=80),
    "blank-sheet-on-a-dark-table": lambda: photos.on_paper(
        NO_DIGIT, sheet=SHEET, table=(30, 30, 30), noise=3, jpeg=80
    ),
    "empty-squared-paper-under-a-shadow": lambda: photos.on_paper(
        ruled_grid(NO_DIGIT),
        ink=(60, 60, 70),
        lighting=photos.shadow(PHOTO_W, PHOTO_H, 0.5, softness=6),
        noise=3,
        jpeg=80,
    ),
    "empty-board-framed-by-a-table": lambda: photos.on_paper(
        NO_DIGIT, paper=(40, 60, 50), sheet=SHEET, table=(25, 25, 25), noise=5, jpeg=75
    ),
    "empty-chalkboard": lambda: photos.on_paper(NO_DIGIT, paper=(40, 60, 50), noise=6, jpeg=70),
    "uniformly-black": lambda: bytes(BLACK) * (PHOTO_W * PHOTO_H),
    "uniform-grey": lambda: bytes((128, 128, 128, 255)) * (PHOTO_W * PHOTO_H),
    "pure-noise": lambda: (
        np.random.default_rng(5)
        .integers(0, 256, (PHOTO_H, PHOTO_W, 4), dtype=np.uint8)
        .__or__(np.array([0, 0, 0, 255], np.uint8))
        .tobytes()
    ),
    "grey-noise": lambda: (
        np.repeat(
            np.random.default_rng(6).normal(128, 40, (PHOTO_H, PHOTO_W, 1)).clip(0, 255), 4, axis=2
        )
        .astype(np.uint8)
        .__or__(np.array([0, 0, 0, 255], np.uint8))
        .tobytes()
    ),
}


@pytest.mark.parametrize("kind", sorted(BLANK_IMAGES))
def test_an_image_without_a_digit_is_nothing_to_recognize(kind: str) -> None:
    with pytest.raises(NothingToRecognize):
        to_model_input(BLANK_IMAGES[kind](), PHOTO_W, PHOTO_H)


@pytest.mark.parametrize("side", [8, 32, 100])
def test_small_noise_images_are_nothing_to_recognize(side: int) -> None:
    noise = np.random.default_rng(side).integers(0, 256, (side, side, 4), dtype=np.uint8)
    noise[..., 3] = 255
    with pytest.raises(NothingToRecognize):
        to_model_input(noise.tobytes(), side, side)
