"""Before the photo path: a clean image is read by contrast alone.

A clean image (a scan, a black-on-white export: even paper, one ink, clear contrast) needs
none of the photo path, and that machinery can only lose by it (a wide stroke's inside taken
for paper): ``clean_ink`` recognizes one (see the ``CLEAN_`` constants) and gives its ink by
contrast alone, the plain normalization of the baseline page, less specks (step 7's rule).
"""

from __future__ import annotations

from collections.abc import Callable

from digits.photo.components import Runs, digit_pieces, with_fringes
from digits.photo.stats import histogram, histogram_percentile, otsu
from digits.planes import DENOISE, MAX_LEVEL, border_above

# A clean image: Otsu's threshold splits it into paper (the side that holds most of the
# image's border) and ink; the paper's middle 80% of values lie within this many levels (even
# light, no texture: a scanner's noise keeps within it, a photo's grain, a shadow or a
# gradient does not) ...
CLEAN_PAPER_SPREAD = 8
# ... the ink's core (its 10% strongest pixels) is at least this far from the paper's median ...
CLEAN_MIN_CONTRAST = 96
# ... and the ink covers at most this share of the image (a marker-thick digit cropped tight
# covers up to about half; more is a dark sheet, a shadow, or the other polarity).
CLEAN_MAX_INK_SHARE = 0.6
# ... and covers at most this share of the image's border (a digit cropped tight crosses it
# in a few places; a shadow, a table or a dark sheet lies along it) ...
CLEAN_MAX_BORDER_INK = 0.35
# ... and few pixels lie between paper and ink: at most this share of the ink's pixels (a
# stroke's anti-aliased edge; blur, a soft shadow or a gradient put many more there).
CLEAN_MAX_MIDTONE_SHARE = 0.5
# Percentiles that describe the paper's spread and the ink's core.
CLEAN_LOW, CLEAN_HIGH = 0.1, 0.9
# Ink is counted from this percentile of the paper (its darkest speck of grain) on.
CLEAN_PAPER_FLOOR = 0.005


def clean_ink(
    plane: Callable[[], bytes], width: int, height: int, analysed: tuple[bytes, int, int]
) -> bytes | None:
    """Ink of a clean image by contrast alone (0 at the paper's level, 255 at the ink's), or
    None when the image is not clean (see the CLEAN_ constants) and needs the photo path.

    Decided on `analysed`, the plane at the analysis resolution (``analysis_plane``: cheap,
    and the photo path's own); the ink is the full plane through one lookup table. For black
    ink on white paper it is exactly 255 - luminance, the plain normalization of the baseline
    page.
    """
    work, work_width, work_height = analysed
    counts = histogram(work)
    threshold = otsu(counts)
    light_border, border_length = border_above(work, work_width, work_height, threshold)
    dark_ink = 2 * light_border >= border_length
    border_ink = border_length - light_border if dark_ink else light_border
    if border_ink > CLEAN_MAX_BORDER_INK * border_length:
        return None
    paper_values = (threshold + 1, MAX_LEVEL) if dark_ink else (0, threshold)
    ink_values = (0, threshold) if dark_ink else (threshold + 1, MAX_LEVEL)
    ink_count = sum(counts[ink_values[0] : ink_values[1] + 1])
    if not ink_count or ink_count > CLEAN_MAX_INK_SHARE * len(work):
        return None
    paper_low = histogram_percentile(counts, *paper_values, CLEAN_LOW)
    paper_high = histogram_percentile(counts, *paper_values, CLEAN_HIGH)
    paper = histogram_percentile(counts, *paper_values, 0.5)
    ink = histogram_percentile(counts, *ink_values, CLEAN_LOW if dark_ink else CLEAN_HIGH)
    contrast = paper - ink if dark_ink else ink - paper
    if paper_high - paper_low > CLEAN_PAPER_SPREAD or contrast < CLEAN_MIN_CONTRAST:
        return None
    # Between the paper's spread and the ink's core: anti-aliased edges, or a wash.
    if dark_ink:
        midtones = sum(counts[ink + contrast // 4 : paper_low - CLEAN_PAPER_SPREAD // 2])
    else:
        midtones = sum(counts[paper_high + CLEAN_PAPER_SPREAD // 2 + 1 : ink - contrast // 4])
    if midtones > CLEAN_MAX_MIDTONE_SHARE * ink_count:
        return None
    # From the paper's grain on (for white paper: 255, so black ink is exactly 255 - lum).
    floor = histogram_percentile(
        counts, *paper_values, CLEAN_PAPER_FLOOR if dark_ink else 1 - CLEAN_PAPER_FLOOR
    )
    span = max(1, floor - ink if dark_ink else ink - floor)
    if dark_ink:
        table = bytes(min(MAX_LEVEL, max(0, (floor - v) * MAX_LEVEL // span)) for v in range(256))
    else:
        table = bytes(min(MAX_LEVEL, max(0, (v - floor) * MAX_LEVEL // span)) for v in range(256))
    return _without_specks(plane().translate(table), width, height)


def _without_specks(ink: bytes, width: int, height: int) -> bytes | None:
    """The clean image's ink less specks (dust, a stray dot: components with fewer clearly
    inked pixels than SPECK_FRACTION of the largest), or None when even the largest is too
    small to be a digit. The pieces of a digit (a 5's bar, a broken stroke) stay."""
    clear = ink.translate(bytes(int(v > MAX_LEVEL // 2) for v in range(256)))
    components = Runs(clear, width, height).components()
    sizes = {root: sum(end - start for _, start, end in runs) for root, runs in components.items()}
    chosen = digit_pieces(components, sizes, max(width, height))
    if chosen is None:
        return None
    return with_fringes(ink.translate(DENOISE), width, height, chosen)
