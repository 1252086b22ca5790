"""py/digits/preprocess under CPython: MNIST's normalization of whatever the user drew."""

from __future__ import annotations

import pytest
from digits import preprocess
from digits.preprocess import FIT_SIZE, MNIST_SIZE, NothingToRecognize, to_model_input

Rect = tuple[int, int, int, int]  # left, top, right, bottom (exclusive)


def canvas(
    width: int,
    height: int,
    *,
    background: tuple[int, int, int, int] = (0, 0, 0, 0),
    ink: tuple[int, int, int, int] = (0, 0, 0, 255),
    rects: list[Rect] = (),
) -> bytearray:
    """An RGBA canvas with filled rectangles of `ink` on `background`."""
    data = bytearray(bytes(background) * (width * height))
    for left, top, right, bottom in rects:
        for y in range(top, bottom):
            data[(y * width + left) * 4 : (y * width + right) * 4] = bytes(ink) * (right - left)
    return data


def grid(values: list[float]) -> list[list[float]]:
    return [values[row * MNIST_SIZE : (row + 1) * MNIST_SIZE] for row in range(MNIST_SIZE)]


def ink_box(values: list[float]) -> tuple[int, int]:
    """Width and height of the non-zero region of a 28x28 result."""
    rows = grid(values)
    ys = [y for y, row in enumerate(rows) if any(row)]
    xs = [x for x in range(MNIST_SIZE) if any(row[x] for row in rows)]
    return xs[-1] - xs[0] + 1, ys[-1] - ys[0] + 1


def centre_of_mass(values: list[float]) -> tuple[float, float]:
    rows = grid(values)
    mass = sum(values)
    x = sum(v * (col + 0.5) for row in rows for col, v in enumerate(row)) / mass
    y = sum(sum(row) * (index + 0.5) for index, row in enumerate(rows)) / mass
    return x, y


# A "7"-like shape: a bar and a slanted stem, so the centre of mass is off the box centre.
SEVEN = [(0, 0, 60, 12), (40, 12, 52, 40), (30, 40, 42, 70), (20, 70, 32, 100)]


def shape(offset_x: int, offset_y: int, factor: int = 1) -> list[Rect]:
    return [
        (
            offset_x + factor * x0,
            offset_y + factor * y0,
            offset_x + factor * x1,
            offset_y + factor * y1,
        )
        for x0, y0, x1, y1 in SEVEN
    ]


@pytest.mark.parametrize("background", [(0, 0, 0, 0), (255, 255, 255, 255), (255, 255, 255, 0)])
def test_blank_canvas_is_nothing_to_recognize(background) -> None:
    with pytest.raises(NothingToRecognize, match="nothing to recognize"):
        to_model_input(canvas(280, 280, background=background), 280, 280)


def test_faint_noise_and_a_single_stray_pixel_are_blank() -> None:
    noisy = canvas(280, 280, ink=(0, 0, 0, 30), rects=[(10, 10, 200, 200)])  # faint wash
    noisy[(250 * 280 + 250) * 4 + 3] = 255  # one dark pixel
    with pytest.raises(NothingToRecognize):
        to_model_input(noisy, 280, 280)


@pytest.mark.parametrize(
    ("data", "width", "height"),
    [(b"", 0, 0), (bytes(16), -2, -2), (bytes(15), 2, 2), (bytes(20), 2, 2), (bytes(4), 1.0, 1)],
)
def test_malformed_input_is_a_value_error(data, width, height) -> None:
    with pytest.raises(ValueError) as raised:
        to_model_input(data, width, height)
    assert not isinstance(raised.value, NothingToRecognize)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_output_is_784_values_in_unit_range(kind) -> None:
    values = to_model_input(kind(canvas(280, 280, rects=shape(100, 80))), 280, 280)
    assert len(values) == MNIST_SIZE * MNIST_SIZE
    assert all(0.0 <= v <= 1.0 for v in values)
    assert max(values) == pytest.approx(1.0)


@pytest.mark.parametrize("offset", [(0, 0), (200, 170), (5, 160), (210, 3)])
def test_off_centre_digit_is_fitted_to_20px_and_centred_by_mass(offset) -> None:
    values = to_model_input(canvas(280, 280, rects=shape(*offset)), 280, 280)
    width, height = ink_box(values)
    assert max(width, height) in (FIT_SIZE, FIT_SIZE + 1)  # +1: anti-aliased edge
    x, y = centre_of_mass(values)
    assert abs(x - MNIST_SIZE / 2) <= 0.5
    assert abs(y - MNIST_SIZE / 2) <= 0.5


def test_position_on_the_canvas_does_not_matter() -> None:
    first = to_model_input(canvas(280, 280, rects=shape(3, 7)), 280, 280)
    second = to_model_input(canvas(280, 280, rects=shape(190, 150)), 280, 280)
    assert first == pytest.approx(second, abs=1e-6)


def test_size_on_the_canvas_barely_matters() -> None:
    small = to_model_input(canvas(280, 280, rects=shape(20, 20)), 280, 280)
    large = to_model_input(canvas(280, 280, rects=shape(20, 20, factor=2)), 280, 280)
    assert sum(abs(a - b) for a, b in zip(small, large, strict=True)) / len(small) < 0.05


def test_tall_thin_stroke_keeps_its_aspect() -> None:
    values = to_model_input(canvas(280, 280, rects=[(130, 40, 150, 240)]), 280, 280)
    width, height = ink_box(values)
    assert height == FIT_SIZE
    assert width in (2, 3)  # 20 * 20 / 200 = 2 px, plus an anti-aliased edge


def test_wide_shape_gets_the_20px_width() -> None:
    values = to_model_input(canvas(280, 280, rects=[(20, 120, 260, 160)]), 280, 280)
    width, height = ink_box(values)
    assert width == FIT_SIZE
    assert height in (3, 4)  # 20 * 40 / 240 = 3.3 px


def test_tiny_digit_is_scaled_up() -> None:
    values = to_model_input(canvas(64, 64, rects=[(30, 30, 33, 35)]), 64, 64)
    width, height = ink_box(values)
    assert (width, height) == (12, 20)
    assert min(v for v in values if v) == pytest.approx(1.0)


def test_grey_and_translucent_ink_is_proportionally_lighter() -> None:
    rects = [(100, 50, 140, 230)]
    black = to_model_input(canvas(280, 280, rects=rects), 280, 280)
    grey = to_model_input(canvas(280, 280, ink=(128, 128, 128, 255), rects=rects), 280, 280)
    translucent = to_model_input(canvas(280, 280, ink=(0, 0, 0, 128), rects=rects), 280, 280)
    assert max(grey) == pytest.approx(127 / 255, abs=0.01)
    assert max(translucent) == pytest.approx(128 / 255, abs=0.01)
    assert max(black) == pytest.approx(1.0)


def test_dark_ink_on_white_paper_equals_ink_on_transparent() -> None:
    rects = shape(50, 60)
    transparent = to_model_input(canvas(280, 280, rects=rects), 280, 280)
    paper = to_model_input(canvas(280, 280, background=(255, 255, 255, 255), rects=rects), 280, 280)
    coloured = to_model_input(
        canvas(280, 280, background=(255, 255, 255, 255), ink=(20, 20, 120, 255), rects=rects),
        280,
        280,
    )
    assert paper == pytest.approx(transparent, abs=1e-6)
    assert max(coloured) == pytest.approx(
        (255 - (299 * 20 + 587 * 20 + 114 * 120) // 1000) / 255, abs=0.01
    )


def test_a_single_pen_dot_is_not_blank() -> None:
    values = to_model_input(canvas(280, 280, rects=[(135, 135, 145, 145)]), 280, 280)
    assert ink_box(values) == (FIT_SIZE, FIT_SIZE)


@pytest.mark.parametrize(("width", "height"), [(1, 1), (1, 50), (50, 1), (3, 200), (600, 600)])
def test_degenerate_and_large_canvases(width: int, height: int) -> None:
    values = to_model_input(canvas(width, height, rects=[(0, 0, width, height)]), width, height)
    assert len(values) == 784
    assert all(0.0 <= v <= 1.0 for v in values)


def test_ink_from_rgba_composites_over_white() -> None:
    pixels = bytes([0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0, 255, 0, 0, 255])
    ink = preprocess.ink_from_rgba(pixels, 4, 1)
    assert list(ink) == [255, 0, 0, 255 - 299 * 255 // 1000]
