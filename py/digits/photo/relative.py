"""Step 4 of the photo path: ink relative to the background.

For dark ink, the fraction of the background's light it takes away, (bg - lum) / bg, which a
shadow does not change (gain capped at ``MAX_GAIN``); for light ink, the light it adds,
lum - bg. Computed with one ``bytes.translate`` per block and row (``map_blocks``; tables per
background level, cached: ``ink_table``), so the per-pixel work stays in C.
"""

from __future__ import annotations

from functools import cache
from itertools import repeat
from operator import floordiv

from digits.photo.background import BLOCK
from digits.planes import MAX_LEVEL

# Ink relative to a dim background is boosted (a shadow dims paper and ink alike), by at most
# this factor.
MAX_GAIN = 2


@cache
def ink_table(kind: str, background: int) -> bytes:
    """lum -> ink against this background: 'dark', 'light' ink, or 'signed' residual + 128.

    Dark ink is the share of the background's light it takes away, so a shadow that dims
    paper and ink alike leaves the ink as it was; the gain is capped (MAX_GAIN), or the
    slightest texture on near-black paper would count as full ink. Light ink is the light
    it adds (on a dark board there is little shadow left to correct).
    """
    if kind == "dark":  # (background - v) * 255 // scale, below the background
        scale = max(background, MAX_LEVEL // MAX_GAIN)
        darker = range(background * MAX_LEVEL, 0, -MAX_LEVEL)
        return bytes(map(min, map(floordiv, darker, repeat(scale)), repeat(MAX_LEVEL))) + bytes(
            256 - background
        )
    if kind == "light":
        return bytes(background) + bytes(range(256 - background))
    residuals = range(128 - background, 384 - background)
    return bytes(map(min, map(max, residuals, repeat(0)), repeat(MAX_LEVEL)))


def map_blocks(
    plane: bytes, width: int, height: int, backgrounds: list[list[int]], kind: str
) -> bytes:
    """Apply each block's background table to its pixels: one translate per block.

    The plane is rearranged so that every BLOCK x BLOCK block is contiguous (``_blocks``),
    each block goes through its table, and the result is put back in rows: a few hundred
    bulk operations instead of one translate per block and row.
    """
    columns = -(-width // BLOCK)
    blocks = _blocks(plane, width, height)
    tables = map(_table_of(kind).__getitem__, (bg for row in backgrounds for bg in row[:columns]))
    size = BLOCK * BLOCK
    segments = map(blocks.__getitem__, map(slice, range(0, len(blocks), size), _stops(blocks)))
    return _rows(b"".join(map(bytes.translate, segments, tables)), width, height)


def _stops(blocks: bytes) -> range:
    """The end of every block of `blocks`."""
    size = BLOCK * BLOCK
    return range(size, len(blocks) + size, size)


class _Tables(dict):
    """Background level -> ink_table(kind, level), for one kind."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def __missing__(self, background: int) -> bytes:
        table = self[background] = ink_table(self.kind, background)
        return table


@cache
def _table_of(kind: str) -> _Tables:
    return _Tables(kind)


# The last plane rearranged by _blocks, and its blocks: the photo path maps the same
# luminance plane twice in a row (polarity, then ink).
_last_blocks: list[tuple[bytes, int, int, bytes]] = []


def _blocks(plane: bytes, width: int, height: int) -> bytes:
    """The plane, padded with zeros to whole blocks, as BLOCK x BLOCK blocks in row-major
    order of blocks, each block's rows in order (64 contiguous bytes per block).

    Rows of a block are 8 bytes, so in 8-byte items ('Q') the rearrangement is a strided
    copy per row within a block and per block column (or block row, whichever is fewer).
    """
    if _last_blocks and _last_blocks[0][0] is plane and _last_blocks[0][1:3] == (width, height):
        return _last_blocks[0][3]
    columns, rows = -(-width // BLOCK), -(-height // BLOCK)
    padded = _padded(plane, width, height, columns * BLOCK, rows * BLOCK)
    source = memoryview(padded).cast("Q")
    arranged = bytearray(len(padded))
    target = memoryview(arranged).cast("Q")
    _shuffle(target, source, columns, rows, to_blocks=True)
    result = bytes(arranged)
    _last_blocks[:] = [(plane, width, height, result)]
    return result


def _shuffle(
    target: memoryview, source: memoryview, columns: int, rows: int, *, to_blocks: bool
) -> None:
    """Copy 8-byte block rows between row order and block order (see _blocks).

    Item (block row j, row r in the block, block column i) is at (8 j + r) columns + i in
    row order and at (j columns + i) 8 + r in block order.
    """
    band = BLOCK * columns  # items per band of BLOCK rows, in either order
    for r in range(BLOCK):
        if columns <= rows:
            for i in range(columns):
                row_order = slice(r * columns + i, None, band)
                block_order = slice(i * BLOCK + r, None, band)
                if to_blocks:
                    target[block_order] = source[row_order]
                else:
                    target[row_order] = source[block_order]
        else:
            for j in range(rows):
                row_order = slice(j * band + r * columns, j * band + (r + 1) * columns)
                block_order = slice(j * band + r, (j + 1) * band, BLOCK)
                if to_blocks:
                    target[block_order] = source[row_order]
                else:
                    target[row_order] = source[block_order]


def _padded(plane: bytes, width: int, height: int, padded_width: int, padded_height: int) -> bytes:
    """The plane with zero columns on the right and zero rows below, to the given size."""
    if padded_width != width:
        pad = bytes(padded_width - width)
        plane = pad.join(plane[y * width : (y + 1) * width] for y in range(height)) + pad
    return plane + bytes((padded_height - height) * padded_width)


def _rows(blocks: bytes, width: int, height: int) -> bytes:
    """Blocks (as _blocks arranges them) back into the rows of a width x height plane."""
    columns, rows = -(-width // BLOCK), -(-height // BLOCK)
    padded_width = columns * BLOCK
    arranged = bytearray(len(blocks))
    _shuffle(
        memoryview(arranged).cast("Q"),
        memoryview(blocks).cast("Q"),
        columns,
        rows,
        to_blocks=False,
    )
    if padded_width == width:
        return bytes(arranged[: width * height])
    view = memoryview(arranged)
    return b"".join(
        view[start : start + width] for start in range(0, height * padded_width, padded_width)
    )
