"""Fuzzing to_model_input with whatever an upload or a canvas could hand it.

Random sizes (0 and 1 pixel sides included), random RGBA, and the degenerate shapes (1xN,
Nx1, one pixel of ink, everything ink, blocks of colour, noise on any background). Whatever
comes in, only the documented errors come out (ValueError for malformed input, and its
subclass NothingToRecognize when there is no digit), the result is always 784 values in
[0, 1], and the cost stays within a time bound per megapixel.
"""

from __future__ import annotations

import random
import time

import pytest
from digits import preprocess
from digits.preprocess import MNIST_SIZE, NothingToRecognize, to_model_input
from hypothesis import given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=300, deadline=None, database=None)
# CPU seconds per megapixel, generous: a photo takes 0.1-0.3 s/MP here, but random bytes with
# random transparency (every pixel a new colour, then the photo path's first and second looks
# on the filled image) measured up to 1.3 s/MP (2.5 s/MP of wall time on a loaded 2-core
# machine). The bound is there to catch a blow-up that grows faster than the pixels (a
# per-pixel pass in Python, a quadratic step), not to time anything: benchmarks/web.py does.
MAX_SECONDS_PER_MEGAPIXEL = 4.0
# Below this side, interpreter overhead dominates and a per-megapixel rate means little.
TIMED_MIN_SIDE = 320
MAX_SIDE = 700


def check(data: bytes, width: int, height: int) -> list[float] | None:
    """Run it; None when it (legitimately) found nothing to recognize."""
    try:
        values = to_model_input(data, width, height)
    except NothingToRecognize:
        return None
    assert len(values) == MNIST_SIZE * MNIST_SIZE
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in values)
    return values


@st.composite
def images(pick: st.DrawFn, min_side: int = 1) -> tuple[bytes, int, int]:
    """An RGBA image of a random kind; large ones built from few random draws (fast)."""
    sides = (
        st.integers(1, 1) | st.integers(1, 40) | st.integers(1, MAX_SIDE)
        if min_side == 1
        else st.integers(min_side, MAX_SIDE)
    )
    width, height = pick(sides), pick(sides)
    pixels = width * height
    seed = pick(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    kind = pick(
        st.sampled_from(
            ["bytes", "noise", "one-colour", "one-pixel", "blocks", "noisy-blocks", "alpha-only"]
        )
    )
    colour = bytes(pick(st.tuples(*[st.integers(0, 255)] * 4)))
    other = bytes(pick(st.tuples(*[st.integers(0, 255)] * 4)))
    if kind == "bytes" and pixels <= 40 * 40:
        return pick(st.binary(min_size=4 * pixels, max_size=4 * pixels)), width, height
    if kind in ("bytes", "noise"):
        return rng.randbytes(4 * pixels), width, height
    if kind == "one-colour":
        return colour * pixels, width, height
    data = bytearray(other * pixels)
    if kind == "one-pixel":
        at = rng.randrange(pixels)
        data[4 * at : 4 * at + 4] = colour
        return bytes(data), width, height
    if kind == "alpha-only":
        data[3::4] = rng.randbytes(pixels)
        return bytes(data), width, height
    for _ in range(rng.randint(1, 6)):  # blocks of colour: bars, a frame, full ink
        left, top = rng.randrange(width), rng.randrange(height)
        right, bottom = rng.randint(left + 1, width), rng.randint(top + 1, height)
        row = colour * (right - left)
        for y in range(top, bottom):
            data[4 * (y * width + left) : 4 * (y * width + right)] = row
    if kind == "noisy-blocks":
        noise = rng.randbytes(pixels)
        for channel in range(3):
            data[channel::4] = bytes(
                (value + (n & 31) - 16) & 255 if value + (n & 31) - 16 in range(256) else value
                for value, n in zip(data[channel::4], noise, strict=True)
            )
    return bytes(data), width, height


@FUZZ
@given(images())
def test_only_documented_errors_and_always_784_unit_values(image: tuple[bytes, int, int]) -> None:
    data, width, height = image
    check(data, width, height)


@pytest.mark.parametrize(("width", "height"), [(0, 0), (0, 5), (5, 0), (0, 1), (1, 0)])
def test_a_zero_side_is_the_documented_value_error(width: int, height: int) -> None:
    with pytest.raises(ValueError, match="must be a positive integer") as raised:
        to_model_input(b"", width, height)
    assert not isinstance(raised.value, NothingToRecognize)


@FUZZ
@given(
    st.integers(1, MAX_SIDE),
    st.integers(1, MAX_SIDE),
    st.integers(0, 4 * MAX_SIDE * MAX_SIDE),
)
def test_a_byte_count_that_does_not_fit_is_a_value_error(
    width: int, height: int, length: int
) -> None:
    if length == 4 * width * height:
        length += 1
    with pytest.raises(ValueError, match="bytes") as raised:
        to_model_input(bytes(length), width, height)
    assert not isinstance(raised.value, NothingToRecognize)


@pytest.mark.parametrize(
    ("width", "height"), [(1, 1), (1, 640), (640, 1), (2, 640), (640, 480), (480, 640)]
)
@pytest.mark.parametrize(
    "pixel",
    [(0, 0, 0, 255), (255, 255, 255, 255), (0, 0, 0, 255 // 2), (255, 255, 255, 200)],
    ids=["black", "white", "half-black", "translucent-white"],
)
def test_full_ink_and_single_ink_pixels_on_degenerate_shapes(
    width: int, height: int, pixel: tuple[int, int, int, int]
) -> None:
    check(bytes(pixel) * (width * height), width, height)
    paper = bytearray(b"\xff\xff\xff\xff" * (width * height))
    paper[0:4] = bytes(pixel)
    check(bytes(paper), width, height)
    empty = bytearray(width * height * 4)
    empty[-4:] = bytes(pixel)
    check(bytes(empty), width, height)


@settings(max_examples=12, deadline=None, database=None)
@given(images(min_side=TIMED_MIN_SIDE))
def test_cost_per_megapixel_is_bounded(image: tuple[bytes, int, int]) -> None:
    data, width, height = image
    # CPU time of this thread, not wall time: other processes on a busy CI machine slow the
    # clock on the wall, not the work done.
    started = time.thread_time()
    check(data, width, height)
    elapsed = time.thread_time() - started
    assert elapsed / (width * height / 1e6) < MAX_SECONDS_PER_MEGAPIXEL


# --- the documented limits ------------------------------------------------------------------

STRIP_SECONDS = 1.0  # CPU time for the longest strip the library takes, noise in every pixel


@pytest.mark.parametrize(
    ("width", "height"),
    [(1, preprocess.MAX_SIDE), (preprocess.MAX_SIDE, 1), (2, preprocess.MAX_SIDE), (7, 4096)],
)
def test_the_longest_strips_are_cheap(width: int, height: int) -> None:
    noise = random.Random(width * height).randbytes(4 * width * height)
    started = time.thread_time()
    check(noise, width, height)
    assert time.thread_time() - started < STRIP_SECONDS


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (1, preprocess.MAX_SIDE + 1),
        (preprocess.MAX_SIDE + 1, 1),
        (2049, 2048),
        (4000, 4000),
    ],
)
def test_an_image_over_the_limits_is_a_value_error(width: int, height: int) -> None:
    with pytest.raises(ValueError, match="larger than this takes") as raised:
        preprocess.to_model_input(b"", width, height)
    assert not isinstance(raised.value, NothingToRecognize)


@pytest.mark.parametrize("pixels", ["\x00" * 4, [0, 0, 0, 0], 1234, None])
def test_pixels_that_are_not_bytes_are_a_value_error(pixels: object) -> None:
    with pytest.raises(ValueError, match="must be bytes"):
        preprocess.to_model_input(pixels, 1, 1)  # type: ignore[arg-type]
