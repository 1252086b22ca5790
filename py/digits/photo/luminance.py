"""Step 1 of the photo path: the image's luminance, at the analysis resolution.

``luminance`` turns RGBA into one byte of luma per pixel (``filled_luminance`` where the photo
has transparent margins); ``analysis_plane`` box-averages that plane by a power of two until
it has at most ``WORK_PIXELS`` pixels, which also averages out pixel noise.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress

from digits.facts import LUMA_256THS
from digits.planes import HALF_OPAQUE, MAX_LEVEL

# The analysis runs on at most this many pixels (box-averaged by powers of two): a 640x480
# photo by 2 (76,800 px), while the pad's 280x280 canvas stays at full resolution.
WORK_PIXELS = 80_000
_CHANNELS = 4


# Luma weights (1/256ths) as multipliers of 32-bit lanes holding R at bit 0 and B at bit 16,
# or G at bit 8 (and A at 24): the weighted sum lands in the lane's upper 16 bits
# (see _luma_lanes).
_RED, _GREEN, _BLUE = LUMA_256THS
_RED_BLUE_WEIGHTS = _BLUE + (_RED << 16)
_GREEN_WEIGHT = _GREEN << 8
_LANE = 32


def lane_ones(count: int, bits: int) -> int:
    """The integer with a 1 at the bottom of each of `count` lanes of `bits` bits (a multiple
    of 8): one conversion of repeated bytes, faster than building it by shifts."""
    return int.from_bytes((b"\x01" + bytes(bits // 8 - 1)) * count, "little")


def luminance(data: bytes, pixels: int) -> bytes:
    """Luma of each RGBA pixel, (77 R + 150 G + 29 B + 128) >> 8, ignoring alpha.

    The weights are ``facts.LUMA_256THS``, the Rec. 601 ones in 1/256ths. See ``_luma_lanes``
    for how they are applied: a handful of big-integer operations, all in C.
    """
    return _luma_bytes(_luma_lanes(data, pixels)[0], pixels)


def _luma_lanes(data: bytes, pixels: int) -> tuple[int, int]:
    """The pixels' luma as one big integer of 32-bit lanes, luma in each lane's byte 3 (its
    bytes 0-2 are scratch), with ``lane_ones(pixels, 32)``.

    The pixels are one big integer of 32-bit lanes (R, G, B, A bytes); masked to R and B,
    times B's weight plus R's shifted by 16, each lane's bits 16-31 hold 77 R + 29 B; the
    rest (G at bit 8, A at bit 24) times 150 shifted by 8 adds 150 G there (with the rounding
    half, at most 65,408: no carry out) and 150 A at the next lane's bit 0. What lands below
    bit 16 (29 R, and from the lane below 77 B and 150 A) stays under 65,281: it never
    carries into bit 16.
    """
    ones = lane_ones(pixels, _LANE)
    lanes = int.from_bytes(data, "little")
    red_blue = lanes & ones * 0x00FF00FF
    total = red_blue * _RED_BLUE_WEIGHTS + (lanes - red_blue) * _GREEN_WEIGHT
    total += ones << 23  # the rounding half: 128 at bit 16
    return total, ones


def _luma_bytes(total: int, pixels: int) -> bytes:
    """The luma bytes of ``_luma_lanes``'s integer."""
    size = _CHANNELS * pixels
    return total.to_bytes(size + _CHANNELS, "little")[3:size:_CHANNELS]


def luminance_planes(
    data: bytes, width: int, height: int
) -> tuple[Callable[[], bytes], tuple[bytes, int, int]]:
    """The luminance of RGBA `data` at full resolution, made when first asked for (the photo
    path needs it only for a clean image or a small digit), and at the analysis resolution
    (as ``analysis_plane`` makes it from the full one, but binned straight from the pixels by
    ``_binned``: no full-resolution plane made and read back)."""
    made: list[bytes] = []

    def plane() -> bytes:
        if not made:
            made.append(luminance(data, width * height))
        return made[0]

    factor = _factor(width, height)
    if factor == 1:
        return plane, (plane(), width, height)
    return plane, (_binned(data, width, height, factor), width // factor, height // factor)


def _binned(data: bytes, width: int, height: int, factor: int) -> bytes:
    """The luma of RGBA `data` averaged over `factor` x `factor` blocks (leftover edge rows
    and columns dropped), exactly as ``analysis_plane`` averages the full plane.

    The pixels are split into factor**2 planes of the analysis resolution's size, one per
    place in the block (rows by joining every factor-th row, columns by a strided copy of
    4-byte pixels); each plane's luma lanes (``_luma_lanes``) are added up, so every big
    integer operation runs on the output's size and no lane is shifted across rows.
    """
    out_width, out_height = width // factor, height // factor
    count = out_width * out_height
    ones = lane_ones(count, _LANE)
    red_blue_mask = ones * 0x00FF00FF
    rounding = ones << 23
    low_byte = ones * MAX_LEVEL
    sums = ones * (factor * factor // 2)
    pixels = memoryview(data)
    row = _CHANNELS * width
    used = _CHANNELS * factor * out_width
    for dy in range(factor):
        band = b"".join(
            pixels[start : start + used]
            for start in range(dy * row, factor * out_height * row, factor * row)
        )
        lanes_of = memoryview(band).cast("I")
        for dx in range(factor):
            lanes = int.from_bytes(lanes_of[dx::factor].tobytes(), "little")
            red_blue = lanes & red_blue_mask
            total = red_blue * _RED_BLUE_WEIGHTS + (lanes - red_blue) * _GREEN_WEIGHT + rounding
            sums += (total >> 24) & low_byte
    averaged = sums >> (2 * (factor.bit_length() - 1))
    return averaged.to_bytes(_CHANNELS * count, "little")[::_CHANNELS]


def filled_luminance(data: bytes, alpha: bytes) -> bytes:
    """Luminance with transparency filled by the median shade of the opaque pixels: a photo
    with transparent margins (or corners) is analysed as if its paper went on there."""
    plane = luminance(data, len(alpha))
    shown = sorted(compress(plane, alpha.translate(HALF_OPAQUE)))
    fill = shown[len(shown) // 2] if shown else MAX_LEVEL
    return bytes(
        (value * opacity + fill * (MAX_LEVEL - opacity) + MAX_LEVEL // 2) // MAX_LEVEL
        for value, opacity in zip(plane, alpha, strict=True)
    )


def analysis_plane(plane: bytes, width: int, height: int) -> tuple[bytes, int, int]:
    """The luminance plane at the analysis resolution (box-averaged by a power of two)."""
    factor = _factor(width, height)
    if factor == 1:
        return plane, width, height
    spread = bytearray(2 * width * height)
    spread[0::2] = plane
    return (
        _lanes_average(
            int.from_bytes(spread, "little"),
            lane_ones(width * height, 16),
            16,
            width,
            height,
            factor,
        ),
        width // factor,
        height // factor,
    )


def _factor(width: int, height: int) -> int:
    """The power of two the analysis resolution divides the image by (1: none)."""
    factor = 1
    while (width // factor) * (height // factor) > WORK_PIXELS and factor < 16:
        factor *= 2
    return 1 if width < factor or height < factor else factor


def _lanes_average(total: int, ones: int, lane: int, width: int, height: int, factor: int) -> bytes:
    """Average `factor` x `factor` blocks (factor a power of two up to 16) of a plane held
    as one big integer of `lane`-bit lanes (16 or 32) with its values in their low bytes;
    `ones` has a 1 at the bottom of each lane.

    Adding the integer to itself shifted by 1, 2, 4... rows, then by 1, 2, 4... lanes, leaves
    in the lane of each block's top-left pixel the block's sum (at most 256 x 255: no carry
    between lanes); with the rounding half added, shifting by log2(factor**2) bits divides,
    and that lane's low byte is the average. Leftover edge rows and columns are dropped.
    """
    out_width, out_height = width // factor, height // factor
    row_bits = lane * width
    step = 1
    while step < factor:
        total += total >> (row_bits * step)
        step *= 2
    step = 1
    while step < factor:
        total += total >> (lane * step)
        step *= 2
    total += ones * ((factor * factor) // 2)
    size = lane // 8
    sums = (total >> (2 * (factor.bit_length() - 1))).to_bytes(
        size * (width * height + 1), "little"
    )
    row_bytes = size * width
    return b"".join(
        sums[start : start + size * factor * out_width : size * factor]
        for start in range(0, out_height * factor * row_bytes, factor * row_bytes)
    )
