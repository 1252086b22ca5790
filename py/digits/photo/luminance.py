"""Step 1 of the photo path: the image's luminance, at the analysis resolution.

``luminance`` turns RGBA into one byte of luma per pixel (``filled_luminance`` where the photo
has transparent margins); ``analysis_plane`` box-averages that plane by a power of two until
it has at most ``WORK_PIXELS`` pixels, which also averages out pixel noise.
"""

from __future__ import annotations

from functools import cache
from itertools import compress

from digits.facts import LUMA_256THS
from digits.planes import HALF_OPAQUE, MAX_LEVEL

# The analysis runs on at most this many pixels (box-averaged by powers of two): a 640x480
# photo by 2 (76,800 px), while the pad's 280x280 canvas stays at full resolution.
WORK_PIXELS = 80_000
_CHANNELS = 4


@cache
def _luma_tables() -> tuple[tuple[bytes, bytes], ...]:
    """Per colour channel: the low and high byte of weight * value, for 16-bit lanes."""
    return tuple(
        (
            bytes(weight * v & MAX_LEVEL for v in range(256)),
            bytes(weight * v >> 8 for v in range(256)),
        )
        for weight in LUMA_256THS
    )


def luminance(data: bytes, pixels: int) -> bytes:
    """Luma of each RGBA pixel, (77 R + 150 G + 29 B + 128) >> 8, ignoring alpha.

    The weights are ``facts.LUMA_256THS``, the Rec. 601 ones in 1/256ths. The three weighted
    channels are added as one big integer of 16-bit lanes (the sums stay below 65,536, so
    lanes never carry into each other): the work is in C, not per pixel.
    """
    total = int.from_bytes(b"\x80\x00" * pixels, "little")  # the rounding half
    spread = bytearray(2 * pixels)
    for channel, (low, high) in enumerate(_luma_tables()):
        values = data[channel::_CHANNELS]
        spread[0::2] = values.translate(low)
        spread[1::2] = values.translate(high)
        total += int.from_bytes(spread, "little")
    return total.to_bytes(2 * pixels, "little")[1::2]


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
    factor = 1
    while (width // factor) * (height // factor) > WORK_PIXELS and factor < 16:
        factor *= 2
    if factor == 1 or width < factor or height < factor:
        return plane, width, height
    return (
        _box_downsample(plane, width, height, factor),
        width // factor,
        height // factor,
    )


def _box_downsample(plane: bytes, width: int, height: int, factor: int) -> bytes:
    """Average `factor` x `factor` blocks (factor a power of two up to 16), in C.

    Rows of 16-bit lanes are added vertically as big integers, then horizontally by adding
    the integer shifted by whole lanes; shifting by log2(factor**2) bits divides, and every
    `factor`-th lane's low byte is the average. Leftover edge rows and columns are dropped.
    """
    out_width, out_height = width // factor, height // factor
    spread = bytearray(2 * width * height)
    spread[0::2] = plane
    view = memoryview(spread)
    row_bytes = 2 * width
    shift = 2 * (factor.bit_length() - 1)
    rounding = int.from_bytes(((factor * factor) // 2).to_bytes(2, "little") * width, "little")
    rows = []
    for y in range(out_height):
        start = y * factor * row_bytes
        total = sum(
            int.from_bytes(view[start + k * row_bytes : start + (k + 1) * row_bytes], "little")
            for k in range(factor)
        )
        total = sum(total >> (16 * k) for k in range(factor)) + rounding
        row = (total >> shift).to_bytes(row_bytes + 2, "little")
        rows.append(row[0 : 2 * factor * out_width : 2 * factor])
    return b"".join(rows)
