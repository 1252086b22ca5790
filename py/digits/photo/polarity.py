"""Step 3 of the photo path: which way the ink goes, darker or lighter than the paper.

Against the cells' medians, the image's darker-than-background tail and its
lighter-than-background tail are weighed; ink is the heavier one (it is the minority of
every cell, the background its majority, whatever its colour): pen on paper, or chalk on a
board.
"""

from __future__ import annotations

from digits.photo.background import per_block
from digits.photo.relative import map_blocks
from digits.photo.stats import histogram

# Residuals within this many levels of a cell's median are paper texture, not polarity cues.
POLARITY_DEADBAND = 12


def ink_kinds(
    plane: bytes, width: int, height: int, cell: int, median_grid: list[list[int]]
) -> tuple[str, str]:
    """("dark", "light") when the ink is darker than the paper, else ("light", "dark"): the
    likelier polarity first, the other for a second look."""
    medians = per_block(median_grid, cell, width, height)
    residual = histogram(map_blocks(plane, width, height, medians, "signed"))
    dark = sum(
        (128 - POLARITY_DEADBAND - v) * n for v, n in enumerate(residual[: 128 - POLARITY_DEADBAND])
    )
    light = sum(
        (v - 128 - POLARITY_DEADBAND) * n
        for v, n in enumerate(residual[129 + POLARITY_DEADBAND :], start=129 + POLARITY_DEADBAND)
    )
    return ("dark", "light") if dark >= light else ("light", "dark")
