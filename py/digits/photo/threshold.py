"""Step 6 of the photo path: strokes told from paper by the image's own statistics.

Otsu's threshold on the background-relative ink's histogram separates strokes from paper;
the strokes' contrast (their ``CONTRAST_PERCENTILE``) scales the ink so that a pencil's core
is full ink as a pen's is; too little contrast, or strokes hardly above the paper's own
texture, is nothing to recognize. Pixels above a low threshold (the pad's noise threshold,
or the paper's texture if higher) are the ink; its clearly inked pixels are grouped into
components, and those touching the photo's edge set aside (``strokes``).
"""

from __future__ import annotations

from typing import NamedTuple

from digits.facts import NOISE_THRESHOLD
from digits.photo.components import Piece, Runs, touches_edge
from digits.photo.stats import histogram, histogram_percentile, otsu
from digits.planes import MAX_LEVEL

# Strokes whose contrast (CONTRAST_PERCENTILE of the ink above Otsu's threshold) is not above
# the pad's own noise threshold are a wash, a shadow edge or a stain, not writing.
MIN_CONTRAST = NOISE_THRESHOLD + 1
# The strokes' median ink must be this many times the paper's 95th percentile: otherwise
# the "strokes" are the loud end of noise (a random image, grain), not writing.
NOISE_SEPARATION = 3
# Where the strokes' contrast is measured: this percentile of the ink above the threshold.
CONTRAST_PERCENTILE = 0.9


class Strokes(NamedTuple):
    """What ``strokes`` finds in the background-relative ink."""

    # The ink, 0 at or below the low threshold, scaled so the strokes' contrast is full ink.
    ink: bytes
    # 1 where a pixel is strongly inked (above Otsu's threshold), else 0.
    strength: bytes
    # The components of the clearly inked pixels inside the photo (all of them, when every
    # one touches the photo's edge: a digit cropped tight), keyed by root run.
    inside: dict[int, Piece]
    # Those set aside: they touch the photo's edge (the table, the paper's edge, a shadow).
    outside: list[Piece]


def strokes(raw: bytes, width: int, height: int, tight: bool = False) -> Strokes | None:
    """Threshold the background-relative ink `raw` by its own statistics; its components.

    None when there is nothing like writing: no contrast, or ink no stronger than the paper.
    `tight`: the photo is a digit cropped tight (``edges.tight_crop``), and what touches its
    edge is the digit: nothing is set aside.
    """
    counts = histogram(raw)
    threshold = otsu(counts)
    if sum(counts[threshold + 1 :]) == 0:
        return None
    contrast = histogram_percentile(counts, threshold + 1, MAX_LEVEL, CONTRAST_PERCENTILE)
    median = histogram_percentile(counts, threshold + 1, MAX_LEVEL, 0.5)
    paper = histogram_percentile(counts, 0, threshold, 0.95)
    if contrast < MIN_CONTRAST or median < NOISE_SEPARATION * paper:
        return None
    low = min(max(-(-NOISE_THRESHOLD * contrast // MAX_LEVEL), paper), threshold)
    normalize = bytes(
        0 if v <= low else min(MAX_LEVEL, (v * MAX_LEVEL + contrast // 2) // contrast)
        for v in range(256)
    )
    strong = bytes(int(v > threshold) for v in range(256))
    ink = raw.translate(normalize)
    strength = raw.translate(strong)
    # Components of the clearly-inked pixels: faint ruling lines and paper texture must not
    # chain the digit to the photo's edge.
    middle = (low + 3 * threshold) // 4
    components = Runs(
        raw.translate(bytes(int(v > middle) for v in range(256))), width, height
    ).components()
    # The digit is written on the page, inside the photo: what touches the photo's edge is
    # the table around the paper, the paper's own edge, or a shadow. Set aside, unless
    # nothing else is there (a digit cropped tight to the frame).
    inside, outside = {}, []
    for root, runs in components.items():
        strong_rows = [
            (y, s, e) for y, s, e in runs if strength.count(1, y * width + s, y * width + e)
        ]
        if touches_edge(runs, width, height) and (
            not strong_rows or touches_edge(strong_rows, width, height)
        ):
            outside.append(runs)
        else:
            inside[root] = runs
    if not inside or tight:
        return Strokes(ink, strength, components, [])
    return Strokes(ink, strength, inside, outside)
