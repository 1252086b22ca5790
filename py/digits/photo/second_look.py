"""Step 6b of the photo path: a second look, when the first finds nothing.

A small digit under a sharp shadow's edge, a wash of light or dense ruling hides below the
threshold those set. The ink less its own local level (``FLATTEN_PERCENTILE`` of cells
``FLATTEN_SCALE`` times finer: ``flattened``) is thresholded again; failing that, the other
polarity is tried (chalk on a board framed by a darker table reads as dark ink at first).
What a second look finds must look like writing (``looks_like_writing``): a few pieces, not
spanning most of the photo.
"""

from __future__ import annotations

from digits.photo.background import GRID_CELLS, cell_percentiles, per_block
from digits.photo.components import Piece
from digits.photo.relative import map_blocks

# The ink less its own local level, on a grid this many times finer than the background's, at
# this percentile of each cell (a shadow's edge, a wash of light or ruling lines are most of
# a cell; a thin stroke is not)...
FLATTEN_SCALE = 2
FLATTEN_PERCENTILE = 0.9
# ...and then the other polarity. What a second look finds counts only as a few pieces that
# do not span most of the photo (noise is a scatter; a sheet's outline spans the photo).
SECOND_LOOK_MAX_PIECES = 10
SECOND_LOOK_MAX_SPAN = 0.8


def flattened(raw: bytes, width: int, height: int) -> bytes:
    """`raw` less its own local level, on a grid FLATTEN_SCALE times finer."""
    cell, (levels,) = cell_percentiles(
        raw, width, height, GRID_CELLS * FLATTEN_SCALE, (FLATTEN_PERCENTILE,)
    )
    return map_blocks(raw, width, height, per_block(levels, cell, width, height), "light")


def looks_like_writing(chosen: list[Piece], width: int, height: int) -> bool:
    """Whether ink found only on a second look is a digit rather than what the first look
    rightly dismissed: a scatter of noise (many pieces), or the sheet's own outline against
    the table or a shadow's edge (spanning most of the photo both ways)."""
    if len(chosen) > SECOND_LOOK_MAX_PIECES:
        return False
    rows = [y for runs in chosen for y, _, _ in runs]
    left = min(start for runs in chosen for _, start, _ in runs)
    right = max(end for runs in chosen for _, _, end in runs)
    span = max((right - left) / width, (max(rows) - min(rows) + 1) / height)
    return span <= SECOND_LOOK_MAX_SPAN
