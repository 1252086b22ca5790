"""Step 3 of the photo path: which way the ink goes, darker or lighter than the paper.

Against the medians of coarse cells, the image's darker-than-background tail and its
lighter-than-background tail are weighed; ink is the heavier one (it is the minority of
every cell, the background its majority, whatever its colour): pen on paper, or chalk on a
board. A digit cropped tight is most of many cells; it is told by the image's border, which
is then paper, and by being the minority of the whole image (``_dark_after_all``).
"""

from __future__ import annotations

from operator import mul

from digits.photo.background import cell_percentiles, per_block
from digits.photo.relative import map_blocks
from digits.photo.stats import histogram, otsu
from digits.planes import border_above

# The medians are those of a grid this many cells along the longer side: coarser than the
# background's (GRID_CELLS), because ink must be the minority of every cell. A bold stroke (a
# marker, a thick scan) covers most of a cell an eighth of the image wide: that cell's median
# is then the ink's own level, the paper around the stroke weighs as light ink, and the digit
# came out as its own background (7 of the 423 photographed real scans that take the photo
# path, all bold, read as light ink on an eighth; none on a quarter: benchmarks.replica's
# scans-photo row, 96.9 -> 98.3%).
POLARITY_CELLS = 4
# Residuals within this many levels of a cell's median are paper texture, not polarity cues.
POLARITY_DEADBAND = 12
# Signed residuals (128 + luminance - median) below this weigh as dark, above the other as
# light, by their distance from it; those between weigh nothing.
_DARK_TAIL, _LIGHT_TAIL = 128 - POLARITY_DEADBAND, 128 + POLARITY_DEADBAND
_DEADBAND = bytes(range(_DARK_TAIL, _LIGHT_TAIL + 1))


def ink_kinds(plane: bytes, width: int, height: int) -> tuple[str, str]:
    """("dark", "light") when the ink is darker than the paper, else ("light", "dark"): the
    likelier polarity first, the other for a second look."""
    cell, (median_grid,) = cell_percentiles(plane, width, height, POLARITY_CELLS, (0.5,))
    medians = per_block(median_grid, cell, width, height)
    # Only the residuals beyond the deadband weigh: the others are deleted before counting.
    signed = map_blocks(plane, width, height, medians, "signed")
    residual = histogram(signed.translate(None, _DEADBAND))
    dark = sum(map(mul, range(_DARK_TAIL, 0, -1), residual[:_DARK_TAIL]))
    light = sum(map(mul, range(1, 256 - _LIGHT_TAIL), residual[_LIGHT_TAIL + 1 :]))
    if dark >= light or _dark_after_all(plane, width, height):
        return ("dark", "light")
    return ("light", "dark")


def _dark_after_all(plane: bytes, width: int, height: int) -> bool:
    """Whether an image whose tails say light ink holds dark ink that is most of many cells:
    a photo cropped tight to its digit, a bold one above all. Then the paper lies along the
    image's border (most of it on the light side of Otsu's threshold) and the dark side is
    the minority of the image. Chalk on a board with a lighter table or wall around it has a
    light border too, but there the board, dark, is most of the image.

    Only this way round: when the tails say dark ink and the border is dark, it is a sheet on
    a darker table far more often than light ink (measured on the generated uploads: deciding
    those by the minority too read 5 sheets as light ink and no board better).
    """
    counts = histogram(plane)
    threshold = otsu(counts)
    light_border, border_length = border_above(plane, width, height, threshold)
    return 2 * light_border >= border_length and 2 * sum(counts[: threshold + 1]) < len(plane)
