"""Ink from photos and scans: paper of any shade and lighting, ink of either polarity.

A canvas drawing is ink on nothing; a photo is ink on paper that is lit unevenly, textured,
JPEG-compressed and specked, and the "ink" may be chalk on a board (lighter than its
background). This package turns such an image's luminance into an ink map like the pad's
(0 = background, 255 = full ink) that ``digits.preprocess`` then normalizes the MNIST way.
``ink`` below is the whole route, and reads in the order of this map; each step lives in the
module named with it:

1. Luminance at the analysis resolution (``luminance``): one byte of luma per pixel
   (``luminance``, or ``filled_luminance`` over transparent margins), box-averaged by a power
   of two until it has at most ``WORK_PIXELS`` pixels (``analysis_plane``; a 640x480 photo:
   by 2), which also averages out pixel noise.
   A clean image (``clean``: a scan, a black-on-white export) needs none of the steps below,
   and can only lose by them: ``clean_ink`` recognizes one and gives its ink by contrast
   alone, the plain normalization of the baseline page, less the printed lines of a form's
   box or the line it was written on (``lines``). Everything else takes the photo path
   (``ink_map``):
2. Background, locally (``background``): robust percentiles of a coarse grid of cells,
   median-filtered across neighbouring cells, interpolated at the centre of every block; the
   cells inside a bold stroke are filled from the paper around them once the polarity is
   known (``without_ink_cells``).
3. Polarity (``polarity``): the darker-than-background and lighter-than-background tails are
   weighed against the medians of cells a quarter of the image wide (a bold stroke fills most
   of a background cell); ink is the heavier one, whatever its colour (``ink_kinds``).
4. Ink relative to the background (``relative``): the share of the background's light that
   dark ink takes away (a shadow does not change it), or the light that light ink adds
   (``map_blocks``).
5. The table around the sheet (``edges``): what reaches in from a side of the photo up to
   one straight line (the paper's edge, reached by the ink all along it: ``paper_edges``) is
   cleared beyond it (``without_table``), and strong ink touching the photo's edge is set
   aside while other ink remains (``without_surroundings``). Not in a photo cropped tight to
   its digit (``tight_crop``): there the ink at the edge is the digit, crossing it.
6. Threshold from the image's own statistics (``threshold``): Otsu's threshold, the strokes'
   contrast and the paper's texture give the ink and its clearly inked components
   (``strokes``); too little contrast is nothing to recognize. What touches the photo's edge
   is set aside, and the threshold found again without it.
   6b. Second look, when that finds nothing (``second_look``): the ink less its own local
   level (``flattened``), then the other polarity; what it finds must look like writing
   (``looks_like_writing``).
7. The digit's pieces (``components``): components with strong pixels at least
   ``SPECK_FRACTION`` of the largest's (``digit_pieces``; a 5's separate bar stays, dust
   goes; too small a digit for the image is nothing), with their faint edges
   (``with_fringes``).
8. A second pass for a small digit (``ink``): found small at a reduced resolution (a small
   digit in a large photo), it is analysed again at full resolution around itself, so that
   it is not fitted up from a blurred handful of pixels.

The statistics all steps read an image by (histograms, percentiles, Otsu) are in ``stats``.
Pure standard-library Python (it runs under Pyodide), kept to tens of milliseconds for a
640x480 photo under CPython.
"""

from __future__ import annotations

from collections.abc import Callable

from digits.facts import FIT_SIZE
from digits.photo.background import (
    BACKGROUND_PERCENTILE,
    GRID_CELLS,
    cell_percentiles,
    per_block,
    without_ink_cells,
)
from digits.photo.clean import clean_ink
from digits.photo.components import clear, digit_pieces, strong_sizes, with_fringes
from digits.photo.edges import paper_edges, tight_crop, without_surroundings, without_table
from digits.photo.lines import without_lines
from digits.photo.luminance import (
    analysis_plane,
    filled_luminance,
    luminance,
    luminance_planes,
)
from digits.photo.polarity import ink_kinds
from digits.photo.relative import map_blocks
from digits.photo.second_look import flattened, looks_like_writing
from digits.photo.threshold import strokes
from digits.planes import DENOISE, bounding_box, crop

__all__ = ["filled_luminance", "ink", "ink_map", "luminance", "luminance_planes"]

# A digit whose longer side is below this many pixels at the analysis resolution is
# analysed again at full resolution (twice MNIST's 20 px fit: fitted down, never up).
REFINE_BELOW = 2 * FIT_SIZE


def ink(
    plane: bytes | Callable[[], bytes],
    width: int,
    height: int,
    analysed: tuple[bytes, int, int] | None = None,
) -> tuple[bytes, int, int] | None:
    """The ink of a luminance plane (steps 1-8 above) with its width and height: the full
    plane's for a clean image or a refined small digit, else the analysis resolution's. None
    when there is nothing to recognize.

    `plane` may be a function that makes the plane (``luminance_planes``: only a clean image
    or a small digit needs it), given with the plane at the analysis resolution.
    """
    full = plane if callable(plane) else lambda: plane
    if analysed is None:
        analysed = analysis_plane(full(), width, height)
    clean = clean_ink(full, width, height, analysed)
    if clean is not None:  # a scan or export: the plain normalization, at full resolution
        return without_lines(clean.translate(DENOISE), width, height), width, height
    work, work_width, work_height = analysed
    found = ink_map(work, work_width, work_height)
    if found is None:
        return None
    factor = width // work_width
    box = bounding_box(found, work_width)
    if factor == 1 or box is None:
        return found, work_width, work_height
    left, top, right, bottom = box
    extent = max(right - left, bottom - top)
    if extent >= REFINE_BELOW:
        return found, work_width, work_height
    around = (
        max(0, (left - extent) * factor),
        max(0, (top - extent) * factor),
        min(width, (right + extent) * factor),
        min(height, (bottom + extent) * factor),
    )
    crop_width, crop_height = around[2] - around[0], around[3] - around[1]
    refined = ink_map(crop(full(), width, around), crop_width, crop_height)
    if refined is None:
        return found, work_width, work_height
    return refined, crop_width, crop_height


def ink_map(plane: bytes, width: int, height: int) -> bytes | None:
    """Ink (0-255 per pixel, row-major, the size of `plane`) of the digit on a photo: steps
    2-7 above.

    `plane` is the image's luminance. None when there is nothing to recognize: a blank or
    uniform image, a wash too faint to be writing, noise, or only specks.
    """
    longer = max(width, height)
    cell, (low_grid, high_grid) = cell_percentiles(
        plane, width, height, GRID_CELLS, (1 - BACKGROUND_PERCENTILE, BACKGROUND_PERCENTILE)
    )
    for attempt, kind in enumerate(ink_kinds(plane, width, height)):
        second_look = attempt > 0
        backgrounds = per_block(without_ink_cells(low_grid, high_grid, kind), cell, width, height)
        raw = map_blocks(plane, width, height, backgrounds, kind)
        edges = paper_edges(raw, width, height)
        tight = tight_crop(raw, width, height, edges)
        if not tight:
            raw = without_surroundings(without_table(raw, width, height, edges), width, height)
        found = strokes(raw, width, height, tight)
        if found is None:
            raw = flattened(raw, width, height)
            found = strokes(raw, width, height, tight)
            second_look = True
        if found is not None:
            break
    if found is None:
        return None
    if found.outside:
        # Again without what lies outside the page (the table, the paper's edges): they skew
        # the threshold and the contrast towards themselves, hiding faint ink.
        again = strokes(clear(raw, width, found.outside), width, height)
        if again is not None:
            found = again
    sizes = strong_sizes(found.inside, found.strength, width)
    chosen = digit_pieces(found.inside, sizes, longer)
    if chosen is None:
        return None
    if second_look and not looks_like_writing(chosen, width, height):
        return None
    return with_fringes(found.ink, width, height, chosen)
