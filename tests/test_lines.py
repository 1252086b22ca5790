"""Printed lines around an uploaded clean scan (digits.photo.lines): a form's box, the line
it was written on. What the model sees is the digit alone, and a digit's own straight strokes
are never taken for lines (nor does a photo, which the lines step leaves as it was)."""

from __future__ import annotations

import random

import pytest
from digits import photo as photo_path
from digits.photo.lines import without_lines
from digits.preprocess import to_model_input
from PIL import Image, ImageDraw, ImageOps

from tests.test_real_handwriting import SAMPLE, plain, rgba
from training import handwriting

# The frames a form or a notebook puts around a digit, drawn on the image of the digit.
FRAMES = ("box", "underline", "line-below-and-box")


def framed(image: Image.Image, frame: str) -> Image.Image:
    """`image` (black on white) with a printed frame around its digit."""
    image = image.convert("L").copy()
    draw = ImageDraw.Draw(image)
    width, height = image.size
    margin = round(0.08 * width)
    if frame in ("box", "line-below-and-box"):
        draw.rectangle((margin, margin, width - margin, height - margin), outline=0, width=2)
    if frame in ("underline", "line-below-and-box"):
        draw.line((0, round(0.86 * height), width, round(0.86 * height)), fill=0, width=3)
    return image


def scan(digit: handwriting.Scan) -> Image.Image:
    """A real scan as an upload with room around the digit for a frame."""
    return handwriting.scan_image(digit, scale=6, thickness=2, margin=0.4)


@pytest.mark.parametrize("frame", FRAMES)
@pytest.mark.parametrize("digit", SAMPLE, ids=lambda digit: f"digit-{digit.label}")
def test_a_printed_frame_around_a_real_scan_is_not_part_of_the_digit(
    digit: handwriting.Scan, frame: str
) -> None:
    image = scan(digit)
    with_frame = framed(image, frame)
    assert plain(with_frame) != plain(image), "the frame must change the plain reading"
    assert to_model_input(*rgba(with_frame)) == plain(image)


def shape(
    strokes: list[list[tuple[int, int]]], size: tuple[int, int], pen: int = 12
) -> Image.Image:
    """Black strokes on white, cropped close (2 px) around the ink: a digit filling its image."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line(stroke, fill=0, width=pen, joint="curve")
    left, top, right, bottom = image.point(lambda value: 255 - value).getbbox()
    return image.crop((left - 2, top - 2, right + 2, bottom + 2))


# Digits with long straight strokes, each filling its image as a tight crop would.
STRAIGHT_DIGITS = {
    "seven": [[(20, 20), (180, 20), (80, 280)]],
    "seven-crossed": [[(20, 20), (180, 20), (80, 280)], [(60, 150), (160, 150)]],
    "one-line": [[(100, 10), (100, 290)]],
    "one-thin": [[(100, 10), (100, 290)]],
    "one-flag-base": [[(50, 60), (100, 10), (100, 290)], [(40, 290), (160, 290)]],
    "five": [[(170, 20), (40, 20), (40, 140), (150, 150), (170, 240), (40, 280)]],
    "two-flat-base": [[(30, 60), (100, 10), (170, 70), (30, 280), (190, 280)]],
    "four": [[(130, 10), (20, 200), (190, 200)], [(140, 100), (140, 290)]],
    "four-open": [[(40, 10), (40, 180), (190, 180)], [(150, 60), (150, 290)]],
}


@pytest.mark.parametrize("photo", [False, True], ids=["clean", "photo"])
@pytest.mark.parametrize("name", sorted(STRAIGHT_DIGITS))
def test_a_digits_own_straight_strokes_are_never_taken_for_lines(
    name: str, photo: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    pen = 4 if name == "one-thin" else 12
    image = shape(STRAIGHT_DIGITS[name], (220, 300), pen)
    if photo:
        # Paper around the digit: a photo of a digit cropped to its ink is not one.
        image = ImageOps.expand(image, border=60, fill=255)
        image = handwriting.photographed(image, random.Random(name))
    found = to_model_input(*rgba(image))
    monkeypatch.setattr(photo_path, "without_lines", lambda plane, width, height: plane)
    assert found == to_model_input(*rgba(image)), "the digit was read as if it had a line"


def test_a_stroke_crossing_the_line_keeps_its_ink() -> None:
    width, height = 120, 100
    plane = bytearray(width * height)
    for x in range(width):  # the line: rows 60-61, across
        plane[60 * width + x] = plane[61 * width + x] = 255
    for y in range(20, 90):  # a stroke crossing it: columns 50-53
        plane[y * width + 50 : y * width + 54] = b"\xff" * 4
    for y in range(20, 24):  # and a bar, so the digit is more than one stroke
        plane[y * width + 40 : y * width + 70] = b"\xff" * 30
    out = without_lines(bytes(plane), width, height)
    assert all(out[y * width + 51] == 255 for y in range(20, 90)), "the stroke lost ink"
    assert not any(out[60 * width : 60 * width + 45]), "the line's left part is still there"
    assert not any(out[61 * width + 60 : 62 * width]), "the line's right part is still there"


def test_an_image_without_lines_is_returned_as_it_is() -> None:
    image = scan(SAMPLE[0]).convert("L").point(lambda value: 255 - value)
    plane = image.tobytes()
    assert without_lines(plane, *image.size) is plane
