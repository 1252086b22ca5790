"""Printed lines around a digit: a form's box, the line it was written on, an underline.

People photograph digits where they wrote them: in a form's box, on a line. The line is ink
to every step before this one, and then the digit's bounding box is the box's: the model
sees a small digit in a frame (real scans framed by a box: 75% right, against 98.5%
unframed). So a long, thin, straight band of ink that reaches past the rest of the ink on
both ends is a line, not part of the digit, and is taken out, except where the digit's
strokes cross it.

Why "past the rest on both ends": a digit's own straight strokes end at the digit's other
strokes (a 7's or 5's bar at its stem, a 2's base at its curve, a 4's bar at its slant, a
1's upright at its flag or base, or it is the whole digit). A line the digit was written in
or on runs on beyond the digit on both sides. Lines that do not (a box drawn tight around
the digit) are left as they are: never a digit's stroke taken for a line.

Pure standard library, whole rows and columns at a time (``bytes.translate`` and
``bytes.split``), for Pyodide.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from digits.photo.components import SPECK_FRACTION, Runs, clear
from digits.planes import bounding_box

# A pixel at least this inked is solid ink, for finding runs.
SOLID_LEVEL = 32
# A line's run is at least this share of the plane's side along it (a line a digit sits on
# or in crosses the picture of it), and its band of rows (or columns) at most THIN_SHARE of
# its run's length thick (a digit's stroke is thinner than its length too, but lines are
# far thinner: a 2 px line across a 200 px photo).
LINE_SPAN = 0.5
THIN_SHARE = 0.08
# The line reaches past the rest of the ink by at least this share of its length on each
# end; the rest of the ink must be at least MIN_REST of the plane's shorter side in its
# longer extent (a digit, not dust left between two lines).
REACH = 0.1
MIN_REST = 0.1
# Pixels this far (rows or columns) beside a line's solid band go with it (its anti-aliased
# edges); a stroke crossing the band keeps its pixels where it has ink on both sides.
FRINGE = 1

_SOLID = bytes(int(value >= SOLID_LEVEL) for value in range(256))
_RUN = re.compile(b"\x01+")


class _Band(NamedTuple):
    """Consecutive rows (or columns) [first, last] whose longest solid runs share [start, end)."""

    first: int
    last: int
    start: int
    end: int


def _longest_run(solid: bytes) -> tuple[int, int]:
    """[start, end) of the longest run of 1s in a 0/1 line ((0, 0) if none); C-speed search."""
    return max(((m.start(), m.end()) for m in _RUN.finditer(solid)), key=lambda r: r[1] - r[0])


def _bands(lines: list[bytes], length: int) -> list[_Band]:
    """Bands of consecutive lines whose longest solid runs span LINE_SPAN of `length` and
    overlap that much, thin for their run (THIN_SHARE)."""
    long_enough = LINE_SPAN * length
    bands: list[_Band] = []
    current: list[tuple[int, int, int]] = []
    for index, line in enumerate([*lines, b""]):
        solid = line.translate(_SOLID)
        if solid.count(1) >= long_enough:
            start, end = _longest_run(solid)
            if end - start >= long_enough:
                current.append((index, start, end))
                continue
        if current:
            start = max(run[1] for run in current)
            end = min(run[2] for run in current)
            if end - start >= long_enough and len(current) <= THIN_SHARE * (end - start):
                bands.append(_Band(current[0][0], current[-1][0], start, end))
            current = []
    return bands


def _cleared(rows: list[bytearray], horizontal: list[_Band], vertical: list[_Band]) -> None:
    """Each band's pixels, with FRINGE rows (columns) either side, set to 0 along its run,
    except where ink goes on across it (solid on both sides: a stroke crossing the line)."""
    height, width = len(rows), len(rows[0])
    for band in horizontal:
        first, last = max(0, band.first - FRINGE), min(height - 1, band.last + FRINGE)
        above = rows[first - 1] if first > 0 else None
        below = rows[last + 1] if last + 1 < height else None
        for x in range(band.start, band.end):
            if above and below and above[x] >= SOLID_LEVEL and below[x] >= SOLID_LEVEL:
                continue
            for y in range(first, last + 1):
                rows[y][x] = 0
    for band in vertical:
        first, last = max(0, band.first - FRINGE), min(width - 1, band.last + FRINGE)
        for y in range(band.start, band.end):
            row = rows[y]
            crossing = first > 0 and last + 1 < width
            if crossing and row[first - 1] >= SOLID_LEVEL and row[last + 1] >= SOLID_LEVEL:
                continue
            row[first : last + 1] = bytes(last + 1 - first)


def _reaches_past(band: _Band, low: int, high: int) -> bool:
    """Whether the band's run reaches past [low, high) (the rest of the ink) on both ends."""
    margin = REACH * (band.end - band.start)
    return low - band.start >= margin and band.end - high >= margin


def without_lines(plane: bytes, width: int, height: int) -> bytes:
    """The ink plane (0 paper, 255 full ink, row-major) less the lines around its digit;
    `plane` itself when it has none."""
    rows = [plane[y * width : (y + 1) * width] for y in range(height)]
    horizontal = _bands(rows, width)
    vertical = _bands([plane[x::width] for x in range(width)], height)
    if not horizontal and not vertical:
        return plane
    rest = [bytearray(row) for row in rows]
    _cleared(rest, horizontal, vertical)
    box = bounding_box(_without_specks(b"".join(rest), width, height), width)
    if box is None:
        return plane
    left, top, right, bottom = box
    if max(right - left, bottom - top) < MIN_REST * min(width, height):
        return plane
    horizontal = [band for band in horizontal if _reaches_past(band, left, right)]
    vertical = [band for band in vertical if _reaches_past(band, top, bottom)]
    if not horizontal and not vertical:
        return plane
    kept = [bytearray(row) for row in rows]
    _cleared(kept, horizontal, vertical)
    return _without_specks(b"".join(kept), width, height)


def _without_specks(plane: bytes, width: int, height: int) -> bytes:
    """`plane` less the components under SPECK_FRACTION of the largest's pixels: what was
    joined to a line (a corner of the paper's edge, the line's frayed end) and is now apart."""
    pieces = list(Runs(plane, width, height).components().values())
    sizes = [sum(end - start for _, start, end in runs) for runs in pieces]
    least = SPECK_FRACTION * max(sizes, default=0)
    return clear(
        plane, width, [runs for runs, size in zip(pieces, sizes, strict=True) if size < least]
    )
