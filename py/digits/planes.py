"""Byte planes (one byte per pixel, row-major), as both ink paths hold them: the canvas path
(``preprocess``) and the photo path (``photo``) share these few operations on them.

The noise floor, the bounding box of the non-zero pixels and a crop, all in C-speed
operations (``bytes.translate`` tables, big integers as bit sets), never a loop per pixel.
"""

from __future__ import annotations

from digits.facts import NOISE_THRESHOLD

MAX_LEVEL = 255
_ZERO = b"\x00"
# Values at or below the noise threshold dropped to 0, others kept.
DENOISE = bytes(0 if value <= NOISE_THRESHOLD else value for value in range(256))
# 1 where a pixel is at least half opaque.
HALF_OPAQUE = bytes(int(value >= 128) for value in range(256))


def bounding_box(mask: bytes, width: int) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom), right and bottom exclusive, of the non-zero bytes.

    With the mask as one little-endian big integer, its lowest and highest set bits give the
    first and last ink rows; OR-ing the rows between them gives the columns with ink. All in
    C (``bytes.strip`` would test byte by byte, several times slower).
    """
    whole = int.from_bytes(mask, "little")
    if not whole:
        return None
    row_bits = width * 8
    top = ((whole & -whole).bit_length() - 1) // row_bits
    bottom = (whole.bit_length() - 1) // row_bits + 1
    view = memoryview(mask)
    columns = 0
    for start in range(top * width, bottom * width, width):
        columns |= int.from_bytes(view[start : start + width], "little")
    occupied = columns.to_bytes(width, "little")
    return width - len(occupied.lstrip(_ZERO)), top, len(occupied.rstrip(_ZERO)), bottom


def border_above(plane: bytes, width: int, height: int, threshold: int) -> tuple[int, int]:
    """How many values along the plane's four edges (the corners twice) are above
    `threshold`, and how many there are: which side of a threshold the border lies on."""
    edges = b"".join(
        (
            plane[:width],
            plane[(height - 1) * width :],
            plane[::width],
            plane[width - 1 :: width],
        )
    )
    return len(edges.translate(None, bytes(range(threshold + 1)))), len(edges)


def crop(data: bytes, width: int, box: tuple[int, int, int, int], size: int = 1) -> bytes:
    """The rectangle `box` of an image of `size`-byte pixels, rows joined."""
    left, top, right, bottom = box
    if left == 0 and right == width:
        return data[top * width * size : bottom * width * size]
    row = width * size
    return b"".join(
        data[start + left * size : start + right * size]
        for start in range(top * row, bottom * row, row)
    )
