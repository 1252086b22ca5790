"""Step 5 of the photo path: what lies around the sheet, set aside.

Ink-like pixels reaching in from a side of the photo up to one straight line (the paper's
edge, fitted robustly by ``edge_line``, so a digit touching the edge does not bend it) are
cleared beyond that line (``without_table``); the paper is convex, so nothing there is
writing. Only where the table itself reads as ink up to the photo's border: a table wider
than about one background cell becomes background there; what shows of it then touches the
photo's edge, and such strong ink is cleared whenever other ink remains
(``without_surroundings``).

Unless the photo is the digit cropped tight (``tight_crop``): then its strokes run off the
photo's edges, a 2's base or a 3's curve along an edge makes a straight "paper edge" that
the ink reaches only where the stroke is (``paper_edges`` measures how much of its line the
ink reaches), and what touches the edge is the digit. Nothing is cleared.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import repeat

from digits.facts import NOISE_THRESHOLD
from digits.photo.components import Piece, Runs, clear, cropped_tight, touches_edge
from digits.photo.stats import histogram, otsu
from digits.planes import MAX_LEVEL

# The table around a photographed page shows as ink-like pixels (above the pad's noise
# threshold) reaching in from a side of the photo up to a straight line: the paper's edge.
# A side has one when at least this fraction of its rows (or columns) reach in to within
# EDGE_TOLERANCE of a single line...
EDGE_MIN_FRACTION = 0.25
# ...pixels, plus this fraction of the depth across (perspective, JPEG, blur)...
EDGE_TOLERANCE = 2
EDGE_TOLERANCE_FRACTION = 0.01
# ...tried through this many pairs of rows half the side apart (a robust fit: a digit that
# touches the paper's edge makes some rows reach further, and those do not move the line).
EDGE_CANDIDATES = 48
# The table lies beyond the paper's edge all along it: ink reaches the line in at least this
# fraction of the rows where it is inside the photo; a line through a stroke's end (a digit
# cropped tight) is reached only where the stroke is.
EDGE_COVERAGE = 0.75
# Beyond the fitted edge, this many more pixels are cleared: the edge's own blur.
EDGE_MARGIN = 1
# Ink-like: above the pad's noise threshold.
_INK_MASK = bytes(MAX_LEVEL if v > NOISE_THRESHOLD else 0 for v in range(256))
# Points measured against a candidate line at a time (see edge_line).
_CHUNK = 32
# Added to the band of depths a line passes a chunk in: far above the rounding error of its
# ends (depths and rows are below 2**13), far below the 1 between whole depths.
_BOUND_SLACK = 1e-6


def edge_line(depths: list[int], across: int) -> tuple[float, float] | None:
    """The straight line (depth = a + b * index) most rows' `depths` lie on, or None.

    Only rows that reach in part of the way count (0 is no table there; `across` is a row
    that is table, or digit, all the way: the sides across it decide). Candidate lines go
    through pairs of rows half the side apart; the one that most rows lie near wins, and is
    refitted by least squares to those rows.
    """
    points = [(i, depth) for i, depth in enumerate(depths) if 0 < depth < across]
    needed = EDGE_MIN_FRACTION * len(depths)
    if len(points) < max(2, needed):
        return None
    tolerance = EDGE_TOLERANCE + EDGE_TOLERANCE_FRACTION * across
    low = -tolerance
    half = len(points) // 2
    best: list[tuple[int, int]] = []
    tried = set()
    # Points in chunks of consecutive rows, each with its depths sorted: a line passes a
    # chunk within a band of depths, and the points in that band (two bisections) bound how
    # many of the chunk's can lie near it. A line whose bounds over the chunks still to be
    # measured cannot lift it above the best so far is dropped (before any point is measured,
    # for most of the lines through the same edge), and a chunk with no point in the band is
    # not measured: exactly the line the measuring of every point would find.
    chunks = [points[start : start + _CHUNK] for start in range(0, len(points), _CHUNK)]
    spans = [(chunk[0][0], chunk[-1][0], sorted(d for _, d in chunk)) for chunk in chunks]
    for k in range(min(EDGE_CANDIDATES, half)):
        first = k * half // EDGE_CANDIDATES
        if first in tried:  # the same pair again: the same line, which cannot beat itself
            continue
        tried.add(first)
        (i0, d0), (i1, d1) = points[first], points[first + half]
        slope = (d1 - d0) / (i1 - i0)
        bounds = []
        for start, end, depths_in in spans:
            # fl(slope * (i - i0)) is monotonic in i: its extremes over the chunk are at its
            # ends; _BOUND_SLACK dwarfs the rounding of the sums below.
            at_start, at_end = slope * (start - i0), slope * (end - i0)
            if at_end < at_start:
                at_start, at_end = at_end, at_start
            bounds.append(
                bisect_right(depths_in, d0 + tolerance + at_end + _BOUND_SLACK)
                - bisect_left(depths_in, d0 + low + at_start - _BOUND_SLACK)
            )
        remaining = sum(bounds)
        if remaining <= len(best):
            continue
        near: list[tuple[int, int]] = []
        for chunk, bound in zip(chunks, bounds, strict=True):
            remaining -= bound
            if bound:
                # -tolerance <= x <= tolerance is abs(x) <= tolerance, without a call per point
                near += [(i, d) for i, d in chunk if low <= d - d0 - slope * (i - i0) <= tolerance]
            if len(near) + remaining <= len(best):
                break
        else:
            if len(near) > len(best):
                best = near
                if len(best) == len(points):  # no later line can have more
                    break
    return least_squares(best) if len(best) >= needed else None


def least_squares(points: list[tuple[int, int]]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line d = intercept + slope * i through `points`
    (a flat line through their mean depth when they share one row)."""
    count = len(points)
    mean_i = sum(i for i, _ in points) / count
    mean_d = sum(d for _, d in points) / count
    spread = sum((i - mean_i) ** 2 for i, _ in points)
    slope = sum((i - mean_i) * (d - mean_d) for i, d in points) / spread if spread else 0.0
    return mean_d - slope * mean_i, slope


def paper_edges(raw: bytes, width: int, height: int) -> list[tuple[str, float, float, float]]:
    """The paper's straight edges that the table reaches in up to, per side of the photo:
    (side, intercept, slope, coverage), the line as ``edge_line`` gives it and the fraction
    of the rows where it lies inside the photo that the ink reaches it in (the table lies
    beyond a paper's edge all along it; a stroke's end does not)."""
    mask = raw.translate(_INK_MASK)
    rows = [mask[y * width : (y + 1) * width] for y in range(height)]
    columns = [mask[x::width] for x in range(width)]
    sides = (
        ("left", [row.find(0) % (width + 1) for row in rows], width),
        ("right", [width - 1 - row.rfind(0) for row in rows], width),
        ("top", [column.find(0) % (height + 1) for column in columns], height),
        ("bottom", [height - 1 - column.rfind(0) for column in columns], height),
    )
    found = []
    for side, depths, across in sides:
        line = edge_line(depths, across)
        if line is None:
            continue
        intercept, slope = line
        tolerance = EDGE_TOLERANCE + EDGE_TOLERANCE_FRACTION * across
        within = reached = 0
        for index, depth in enumerate(depths):
            at = intercept + slope * index
            if at > tolerance + 1:
                within += 1
                reached += depth >= at - tolerance
        found.append((side, intercept, slope, reached / within if within else 0.0))
    return found


def without_table(
    raw: bytes, width: int, height: int, found: list[tuple[str, float, float, float]]
) -> bytes:
    """`raw` with what lies beyond the paper's straight edges (`found` by ``paper_edges``)
    cleared, if ink remains.

    The table (or floor, or the next page) around a photographed sheet reaches in from the
    photo's sides up to the sheet's edge, a straight line; a digit written near that edge
    may touch it, and would otherwise be one "stroke" with the table. The paper is convex,
    so everything beyond the line of one of its edges is not paper: it is cleared, and the
    digit's part inside the paper stays.
    """
    if not found:
        return raw
    cleared = bytearray(raw)
    zeros = memoryview(bytes(max(width, height)))
    for side, intercept, slope, _ in found:
        across, count = (width, height) if side in ("left", "right") else (height, width)
        cuts = [
            (index, cut)
            for index, cut in enumerate(
                map(
                    min,
                    repeat(across),
                    [int(intercept + slope * index + 0.5) + EDGE_MARGIN for index in range(count)],
                )
            )
            if cut > 0
        ]
        if side == "left":
            for index, cut in cuts:
                cleared[index * width : index * width + cut] = zeros[:cut]
        elif side == "right":
            for index, cut in cuts:
                cleared[(index + 1) * width - cut : (index + 1) * width] = zeros[:cut]
        elif side == "top":
            for index, cut in cuts:
                cleared[index : index + cut * width : width] = zeros[:cut]
        else:
            for index, cut in cuts:
                start = index + (height - cut) * width
                cleared[start : start + cut * width : width] = zeros[:cut]
    if not any(cleared):
        return raw
    return bytes(cleared)


def without_surroundings(raw: bytes, width: int, height: int) -> bytes:
    """`raw` with the strong ink that touches the photo's edge cleared, if other ink remains.

    A photo of a page often shows the table around it, which against the paper's background
    looks like a huge stroke; left in, it would set the threshold and the contrast, and the
    real (fainter) writing would look like noise next to it.
    """
    inside, outside = _strong_pieces(raw, width, height)
    if not outside or not inside:
        return raw
    return clear(raw, width, outside)


def tight_crop(
    raw: bytes, width: int, height: int, found: list[tuple[str, float, float, float]]
) -> bool:
    """Whether `raw` is a digit cropped tight: its strong ink touches the photo's edge only
    where strokes cross it, and nothing that could be a digit lies away from it
    (``cropped_tight``). Then nothing there is the table, and nothing is set aside."""
    if any(coverage >= EDGE_COVERAGE for *_, coverage in found):
        return False
    return cropped_tight(*_strong_pieces(raw, width, height), width, height)


def _strong_pieces(raw: bytes, width: int, height: int) -> tuple[list[Piece], list[Piece]]:
    """The components of the ink above Otsu's threshold: those inside the photo, and those
    touching its edge."""
    threshold = otsu(histogram(raw))
    strong = raw.translate(bytes(int(v > threshold) for v in range(256)))
    inside: list[Piece] = []
    outside: list[Piece] = []
    for runs in Runs(strong, width, height).components().values():
        (outside if touches_edge(runs, width, height) else inside).append(runs)
    return inside, outside
