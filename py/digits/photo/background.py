"""Step 2 of the photo path: the paper's level, locally.

A coarse grid of cells (``GRID_CELLS`` along the longer side), each with robust percentiles
of its luminance (``cell_percentiles``); cells that lie inside a bold stroke filled in from
the paper around them, once the ink's polarity is known (``without_ink_cells``); the grid
median-filtered across neighbouring cells (a cell inside a stroke is an outlier) and
interpolated bilinearly at the centre of every ``BLOCK`` x ``BLOCK`` block (``per_block``):
a gradient or a shadow across the page is followed.
"""

from __future__ import annotations

from functools import cache
from itertools import repeat
from operator import add, mul

from digits.photo.stats import percentile, ranked

# Background grid: about this many cells along the image's longer side.
GRID_CELLS = 8
# The background is interpolated at the centre of blocks this many pixels wide and tall.
BLOCK = 8
# Per cell, the background is this percentile of luminance for dark ink (and 1 minus it for
# light ink): dark ink may cover up to 75% of a cell before it is mistaken for paper.
BACKGROUND_PERCENTILE = 0.75
# A background cell darker (for dark ink) than this fraction of the way from the ink's level
# to the paper's lies inside a bold stroke, not on paper (see without_ink_cells).
INK_CELL_FRACTION = 0.3


def cell_percentiles(
    plane: bytes, width: int, height: int, cells: int, fractions: tuple[float, ...]
) -> tuple[int, list[list[list[int]]]]:
    """The cell size of a grid with `cells` cells along the longer side, and one grid per
    fraction of that percentile of each cell's values (as ``stats.percentile`` takes it of
    the sorted values: found by ``stats.ranked``, without sorting)."""
    cell = max(1, -(-max(width, height) // cells))
    grids: list[list[list[int]]] = [[] for _ in fractions]
    for band in _cells(plane, width, height, cell):
        bands: list[list[int]] = [[] for _ in fractions]
        for values, pads in band:
            count = len(values) - pads
            ranks = [pads + min(count - 1, int(fraction * count)) for fraction in fractions]
            for row, value in zip(bands, ranked(values, ranks), strict=True):
                row.append(value)
        for grid, row in zip(grids, bands, strict=True):
            grid.append(row)
    return cell, grids


def _cells(plane: bytes, width: int, height: int, cell: int) -> list[list[tuple[bytes, int]]]:
    """The values of each cell of a grid of `cell` x `cell` cells (in no particular order),
    with the number of zeros padded in: rows are padded with zeros to whole cells, cut into
    cell-wide chunks (one C-level map), and each cell's chunks joined."""
    columns = -(-width // cell)
    padded_width = columns * cell
    pad = padded_width - width
    if pad:
        padding = bytes(pad)
        plane = padding.join(plane[y * width : (y + 1) * width] for y in range(height)) + padding
    band_size = cell * padded_width
    grid = []
    for start in range(0, height * padded_width, band_size):
        band = plane[start : start + band_size]
        chunks = list(
            map(band.__getitem__, map(slice, range(0, len(band), cell), _ends(band, cell)))
        )
        rows = len(band) // padded_width
        grid.append(
            [
                (b"".join(chunks[i::columns]), pad * rows if i == columns - 1 else 0)
                for i in range(columns)
            ]
        )
    return grid


def _ends(values: bytes, size: int) -> range:
    """The end of each `size`-byte chunk of `values`."""
    return range(size, len(values) + size, size)


def without_ink_cells(
    low_grid: list[list[int]], high_grid: list[list[int]], kind: str
) -> list[list[int]]:
    """The background grid for `kind` ink, with the cells that lie inside a stroke filled in
    from the cells around them.

    A cell inside a bold stroke (a marker, a thick scan) has the ink's own level at any
    percentile, and the median across neighbours keeps it when the stroke is wider than a
    cell: the stroke's inside would be taken for paper and come out hollow. A cell whose
    background is within INK_CELL_FRACTION of the way from the ink's level to the paper's is
    ink, not paper (a shadow dims paper by far less: at half the light it is still half way).
    """
    dark = kind == "dark"
    grid = high_grid if dark else low_grid
    cells = sorted(value for row in grid for value in row)
    paper = percentile(cells, 0.9 if dark else 0.1)
    extremes = [value for row in (low_grid if dark else high_grid) for value in row]
    ink = min(extremes) if dark else max(extremes)
    limit = ink + INK_CELL_FRACTION * (paper - ink)
    inside = [[(value < limit) if dark else (value > limit) for value in row] for row in grid]
    if not any(any(row) for row in inside) or all(all(row) for row in inside):
        return grid
    filled = [list(row) for row in grid]
    rows, columns = len(grid), len(grid[0])
    while any(any(row) for row in inside):
        # Each pass fills the cells next to known paper with the mean of those neighbours.
        updates = []
        for y in range(rows):
            for x in range(columns):
                if not inside[y][x]:
                    continue
                known = [
                    filled[j][i]
                    for j in range(max(0, y - 1), min(rows, y + 2))
                    for i in range(max(0, x - 1), min(columns, x + 2))
                    if not inside[j][i]
                ]
                if known:
                    updates.append((y, x, round(sum(known) / len(known))))
        for y, x, value in updates:
            filled[y][x] = value
            inside[y][x] = False
    return filled


def per_block(grid: list[list[int]], cell: int, width: int, height: int) -> list[list[int]]:
    """A cell grid, median-filtered across neighbouring cells, interpolated at the centre of
    every BLOCK x BLOCK block (a partial last block's centre is its own)."""
    block_x = [(x + min(x + BLOCK, width)) / 2 for x in range(0, width, BLOCK)]
    block_y = [(y + min(y + BLOCK, height)) / 2 for y in range(0, height, BLOCK)]
    return _interpolate(_median3x3(grid), cell, block_x, block_y)


def _median3x3(grid: list[list[int]]) -> list[list[int]]:
    """Each cell replaced by the median of itself and its neighbours (fewer at the edges)."""
    rows, columns = len(grid), len(grid[0])
    flat = [value for row in grid for value in row]
    medians = [
        around[len(around) // 2]
        for around in (
            sorted(map(flat.__getitem__, indices)) for indices in _neighbourhoods(rows, columns)
        )
    ]
    return [medians[y * columns : (y + 1) * columns] for y in range(rows)]


@cache
def _neighbourhoods(rows: int, columns: int) -> list[list[int]]:
    """Per cell of a rows x columns grid (row-major), the flat indices of it and its
    neighbours (fewer at the edges)."""
    return [
        [
            j * columns + i
            for j in range(max(0, y - 1), min(rows, y + 2))
            for i in range(max(0, x - 1), min(columns, x + 2))
        ]
        for y in range(rows)
        for x in range(columns)
    ]


def _interpolate(
    grid: list[list[int]], cell: int, points_x: list[float], points_y: list[float]
) -> list[list[int]]:
    """Bilinear interpolation of a grid of cell-centre values at the given pixel positions."""

    def weights(position: float, count: int) -> tuple[int, int, float]:
        at = min(max(position / cell - 0.5, 0.0), count - 1.0)
        low = min(int(at), count - 1)
        high = min(low + 1, count - 1)
        return low, high, at - low

    columns = [(a, b, 1 - fx, fx) for a, b, fx in (weights(x, len(grid[0])) for x in points_x)]
    across: dict[int, list[float]] = {}  # each grid row interpolated across, once
    out = []
    for y in points_y:
        top, bottom, fy = weights(y, len(grid))
        for index in (top, bottom):
            if index not in across:
                values = grid[index]
                across[index] = [values[a] * gx + values[b] * fx for a, b, gx, fx in columns]
        gy = 1 - fy
        # round(u * gy + v * fy) for each pair, as C-level maps (no bytecode per block)
        out.append(
            list(
                map(
                    round,
                    map(
                        add,
                        map(mul, across[top], repeat(gy)),
                        map(mul, across[bottom], repeat(fy)),
                    ),
                )
            )
        )
    return out
