"""Ink from photos and scans: paper of any shade and lighting, ink of either polarity.

A clean image (a scan, a black-on-white export: even paper, one ink, clear contrast) needs none
of this, and the machinery below can only lose by it (a wide stroke's inside taken for paper):
``clean_ink`` recognizes one and gives its ink by contrast alone, the plain normalization of
the baseline page. Everything else takes the photo path:

A canvas drawing is ink on nothing; a photo is ink on paper that is lit unevenly, textured,
JPEG-compressed and specked, and the "ink" may be chalk on a board (lighter than its
background). This module turns such an image's luminance into an ink map like the pad's
(0 = background, 255 = full ink) that ``preprocess`` then normalizes the MNIST way:

1. Analysis resolution: the image is box-averaged by a power of two until it has at most
   ``WORK_PIXELS`` pixels (a 640x480 photo: by 2), which also averages out pixel noise.
2. Background, locally: a coarse grid of cells (``GRID_CELLS`` along the longer side), each
   with robust percentiles of its luminance, median-filtered across neighbouring cells (a
   cell inside a bold stroke is an outlier), and interpolated bilinearly at the centre of
   every ``BLOCK`` x ``BLOCK`` block: a gradient or a shadow across the page is followed.
3. Polarity: against the cells' medians, the image's darker-than-background tail and its
   lighter-than-background tail are weighed; ink is the heavier one (it is the minority of
   every cell, the background its majority, whatever its colour).
4. Ink relative to the background: for dark ink the fraction of the background's light it
   takes away, (bg - lum) / bg, which a shadow does not change (gain capped at
   ``MAX_GAIN``); for light ink, the light it adds, lum - bg. Computed with one
   ``bytes.translate`` per block and row (tables per background level, cached), so the
   per-pixel work stays in C.
5. The table around the sheet: ink-like pixels reaching in from a side of the photo up to
   one straight line (the paper's edge, fitted robustly, so a digit touching the edge does
   not bend it) are cleared beyond that line; the paper is convex, so nothing there is
   writing. (Only where the table itself reads as ink up to the photo's border: a table
   wider than about one background cell becomes background there; what shows of it then
   touches the photo's edge, and such ink is set aside whenever other ink remains.)
6. Threshold from the image's own statistics: Otsu's threshold on the ink's histogram
   separates strokes from paper; the strokes' contrast (their 90th percentile) scales the
   ink so that a pencil's core is full ink as a pen's is; too little contrast, or strokes
   hardly above the paper's own texture, is nothing to recognize.
6b. Second look, when that finds nothing: a small digit under a sharp shadow's edge, a wash
   of light or dense ruling hides below the threshold those set. The ink less its own local
   level (``FLATTEN_PERCENTILE`` of cells ``FLATTEN_SCALE`` times finer) is thresholded
   again; failing that, the other polarity is tried (chalk on a board framed by a darker
   table reads as dark ink at first). What a second look finds must look like writing: a
   few pieces, not spanning most of the photo.
7. Hysteresis and specks: pixels above a low threshold (the pad's noise threshold, or the
   paper's texture if higher) form connected components (8-connected, found as runs per
   row); a component is kept if it holds strong pixels (above Otsu's threshold) at least
   ``SPECK_FRACTION`` of the largest's. A 5's separate bar or a 7's crossbar stay; dust,
   JPEG ringing and paper fibres go. Too small a digit for the image is nothing too.

Pure standard-library Python (it runs under Pyodide), kept to tens of milliseconds for a
640x480 photo under CPython.
"""

from __future__ import annotations

import re
from functools import cache

# The analysis runs on at most this many pixels (box-averaged by powers of two): a 640x480
# photo by 2 (76,800 px), while the pad's 280x280 canvas stays at full resolution.
WORK_PIXELS = 80_000
# Background grid: about this many cells along the image's longer side.
GRID_CELLS = 8
# The background is interpolated at the centre of blocks this many pixels wide and tall.
BLOCK = 8
# Per cell, the background is this percentile of luminance for dark ink (and 1 minus it for
# light ink): dark ink may cover up to 75% of a cell before it is mistaken for paper.
BACKGROUND_PERCENTILE = 0.75
# Ink relative to a dim background is boosted (a shadow dims paper and ink alike), by at most
# this factor.
MAX_GAIN = 2
# A background cell darker (for dark ink) than this fraction of the way from the ink's level
# to the paper's lies inside a bold stroke, not on paper (see _without_ink_cells).
INK_CELL_FRACTION = 0.3
# Residuals within this many levels of a cell's median are paper texture, not polarity cues.
POLARITY_DEADBAND = 12
# Strokes whose contrast (90th percentile of the ink above Otsu's threshold) is below this
# are a wash, a shadow edge or a stain, not writing: the pad's own noise threshold.
MIN_CONTRAST = 41
# The strokes' median ink must be this many times the paper's 95th percentile: otherwise
# the "strokes" are the loud end of noise (a random image, grain), not writing.
NOISE_SEPARATION = 3
# Where the strokes' contrast is measured: this percentile of the ink above the threshold.
CONTRAST_PERCENTILE = 0.9
# The pad's noise threshold, in full-contrast ink: fainter pixels are never ink.
NOISE_THRESHOLD = 40
# A component with fewer strong pixels than this fraction of the largest's is a speck.
SPECK_FRACTION = 0.05
# The largest component's longer side must span at least this fraction of the image's
# longer side (a 640 px photo: 16 px) and this many analysis pixels: else it is dust.
MIN_DIGIT_FRACTION = 1 / 40
# Around the digit's clearly inked pixels, this much more of its box (or these many pixels)
# still counts as the digit's faint edge (see _with_fringes).
FRINGE_MARGIN = 0.15
FRINGE_MARGIN_PIXELS = 2
MIN_DIGIT_PIXELS = 3
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
# Beyond the fitted edge, this many more pixels are cleared: the edge's own blur.
EDGE_MARGIN = 1
# Second look, when the first finds nothing: the ink less its own local level, on a grid this
# many times finer than the background's, at this percentile of each cell (a shadow's edge,
# a wash of light or ruling lines are most of a cell; a thin stroke is not)...
FLATTEN_SCALE = 2
FLATTEN_PERCENTILE = 0.9
# ...and then the other polarity. What a second look finds counts only as a few pieces that
# do not span most of the photo (noise is a scatter; a sheet's outline spans the photo).
SECOND_LOOK_MAX_PIECES = 10
SECOND_LOOK_MAX_SPAN = 0.8

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
# Rec. 601 luma in 1/256ths (the canvas's 299/587/114 per mille, to within one level).
_LUMA_WEIGHTS = (77, 150, 29)
_CHANNELS = 4
_MAX = 255
_RUN = re.compile(rb"[^\x00]+")


@cache
def _luma_tables() -> tuple[tuple[bytes, bytes], ...]:
    """Per colour channel: the low and high byte of weight * value, for 16-bit lanes."""
    return tuple(
        (bytes(weight * v & _MAX for v in range(256)), bytes(weight * v >> 8 for v in range(256)))
        for weight in _LUMA_WEIGHTS
    )


def luminance(data: bytes, pixels: int) -> bytes:
    """Luma of each RGBA pixel, (77 R + 150 G + 29 B + 128) >> 8, ignoring alpha.

    The three weighted channels are added as one big integer of 16-bit lanes (the sums stay
    below 65,536, so lanes never carry into each other): the work is in C, not per pixel.
    """
    total = int.from_bytes(b"\x80\x00" * pixels, "little")  # the rounding half
    spread = bytearray(2 * pixels)
    for channel, (low, high) in enumerate(_luma_tables()):
        values = data[channel::_CHANNELS]
        spread[0::2] = values.translate(low)
        spread[1::2] = values.translate(high)
        total += int.from_bytes(spread, "little")
    return total.to_bytes(2 * pixels, "little")[1::2]


def _box_downsample(plane: bytes, width: int, height: int, factor: int) -> bytes:
    """Average `factor` x `factor` blocks (factor a power of two up to 16), in C.

    Rows of 16-bit lanes are added vertically as big integers, then horizontally by adding
    the integer shifted by whole lanes; shifting by log2(factor**2) bits divides, and every
    `factor`-th lane's low byte is the average. Leftover edge rows and columns are dropped.
    """
    out_width, out_height = width // factor, height // factor
    spread = bytearray(2 * width * height)
    spread[0::2] = plane
    view = memoryview(spread)
    row_bytes = 2 * width
    shift = 2 * (factor.bit_length() - 1)
    rounding = int.from_bytes(((factor * factor) // 2).to_bytes(2, "little") * width, "little")
    rows = []
    for y in range(out_height):
        start = y * factor * row_bytes
        total = sum(
            int.from_bytes(view[start + k * row_bytes : start + (k + 1) * row_bytes], "little")
            for k in range(factor)
        )
        total = sum(total >> (16 * k) for k in range(factor)) + rounding
        row = (total >> shift).to_bytes(row_bytes + 2, "little")
        rows.append(row[0 : 2 * factor * out_width : 2 * factor])
    return b"".join(rows)


def _percentile(ordered: list[int], fraction: float) -> int:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _median3x3(grid: list[list[int]]) -> list[list[int]]:
    """Each cell replaced by the median of itself and its neighbours (fewer at the edges)."""
    rows, columns = len(grid), len(grid[0])
    out = []
    for y in range(rows):
        out_row = []
        for x in range(columns):
            around = sorted(
                grid[j][i]
                for j in range(max(0, y - 1), min(rows, y + 2))
                for i in range(max(0, x - 1), min(columns, x + 2))
            )
            out_row.append(around[len(around) // 2])
        out.append(out_row)
    return out


def _interpolate(grid: list[list[int]], cell: int, points_x: list[float], points_y: list[float]):
    """Bilinear interpolation of a grid of cell-centre values at the given pixel positions."""

    def weights(position: float, count: int) -> tuple[int, int, float]:
        at = min(max(position / cell - 0.5, 0.0), count - 1.0)
        low = min(int(at), count - 1)
        high = min(low + 1, count - 1)
        return low, high, at - low

    columns = [weights(x, len(grid[0])) for x in points_x]
    out = []
    for y in points_y:
        top, bottom, fy = weights(y, len(grid))
        above, below = grid[top], grid[bottom]
        row = [(above[a] * (1 - fx) + above[b] * fx) for a, b, fx in columns]
        low_row = [(below[a] * (1 - fx) + below[b] * fx) for a, b, fx in columns]
        out.append([round(u * (1 - fy) + v * fy) for u, v in zip(row, low_row, strict=True)])
    return out


@cache
def _ink_table(kind: str, background: int) -> bytes:
    """lum -> ink against this background: 'dark', 'light' ink, or 'signed' residual + 128.

    Dark ink is the share of the background's light it takes away, so a shadow that dims
    paper and ink alike leaves the ink as it was; the gain is capped (MAX_GAIN), or the
    slightest texture on near-black paper would count as full ink. Light ink is the light
    it adds (on a dark board there is little shadow left to correct).
    """
    if kind == "dark":
        scale = max(background, _MAX // MAX_GAIN)
        return bytes(
            min(_MAX, (background - v) * _MAX // scale) if v < background else 0 for v in range(256)
        )
    if kind == "light":
        return bytes(max(v - background, 0) for v in range(256))
    return bytes(min(max(v - background + 128, 0), _MAX) for v in range(256))


def _map_blocks(plane: bytes, width: int, height: int, backgrounds, kind: str) -> bytes:
    """Apply each block's background table to its pixels: one translate per block row."""
    out = []
    for y in range(height):
        row_backgrounds = backgrounds[y // BLOCK]
        start = y * width
        out.extend(
            plane[start + x : start + min(x + BLOCK, width)].translate(_ink_table(kind, bg))
            for x, bg in zip(range(0, width, BLOCK), row_backgrounds, strict=False)
        )
    return b"".join(out)


def _histogram(values: bytes) -> list[int]:
    counts = [0] * 256
    for value in set(values):
        counts[value] = values.count(value)
    return counts


def _otsu(histogram: list[int]) -> int:
    """The threshold t maximizing the between-class variance of (<= t) and (> t)."""
    total = sum(histogram)
    total_sum = sum(v * n for v, n in enumerate(histogram))
    best, best_score = 0, -1.0
    weight_low = sum_low = 0
    for t in range(255):
        weight_low += histogram[t]
        sum_low += t * histogram[t]
        weight_high = total - weight_low
        if weight_low == 0 or weight_high == 0:
            continue
        mean_low = sum_low / weight_low
        mean_high = (total_sum - sum_low) / weight_high
        score = weight_low * weight_high * (mean_low - mean_high) ** 2
        if score > best_score:
            best, best_score = t, score
    return best


def _histogram_percentile(histogram: list[int], low: int, high: int, fraction: float) -> int:
    """The given percentile of the values in [low, high] of a histogram."""
    count = sum(histogram[low : high + 1])
    target = fraction * (count - 1)
    seen = 0
    for value in range(low, high + 1):
        seen += histogram[value]
        if seen > target:
            return value
    return high


class _Runs:
    """8-connected components of the non-zero pixels, as runs per row with union-find."""

    def __init__(self, mask: bytes, width: int, height: int) -> None:
        self.runs: list[tuple[int, int, int]] = []  # (row, start, end), end exclusive
        self.parent: list[int] = []
        previous: list[tuple[int, int, int]] = []  # (start, end, run index) of the row above
        for y in range(height):
            offset = y * width
            current = []
            pointer = 0
            for match in _RUN.finditer(mask, offset, offset + width):
                start, end = match.start() - offset, match.end() - offset
                index = len(self.runs)
                self.runs.append((y, start, end))
                self.parent.append(index)
                # Runs above that touch [start - 1, end] (diagonals included).
                while pointer < len(previous) and previous[pointer][1] < start:
                    pointer += 1
                scan = pointer
                while scan < len(previous) and previous[scan][0] <= end:
                    self._union(index, previous[scan][2])
                    scan += 1
                current.append((start, end, index))
            previous = current

    def _find(self, index: int) -> int:
        parent = self.parent
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def _union(self, a: int, b: int) -> None:
        root_a, root_b = self._find(a), self._find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def components(self) -> dict[int, list[tuple[int, int, int]]]:
        groups: dict[int, list[tuple[int, int, int]]] = {}
        for index, run in enumerate(self.runs):
            groups.setdefault(self._find(index), []).append(run)
        return groups


def _touches_edge(runs: list[tuple[int, int, int]], width: int, height: int) -> bool:
    return any(y in (0, height - 1) or start == 0 or end == width for y, start, end in runs)


def analysis_plane(plane: bytes, width: int, height: int) -> tuple[bytes, int, int]:
    """The luminance plane at the analysis resolution (box-averaged by a power of two)."""
    factor = 1
    while (width // factor) * (height // factor) > WORK_PIXELS and factor < 16:
        factor *= 2
    if factor == 1 or width < factor or height < factor:
        return plane, width, height
    return (
        _box_downsample(plane, width, height, factor),
        width // factor,
        height // factor,
    )


def clean_ink(
    plane: bytes, width: int, height: int, analysed: tuple[bytes, int, int]
) -> bytes | None:
    """Ink of a clean image by contrast alone (0 at the paper's level, 255 at the ink's), or
    None when the image is not clean (see the CLEAN_ constants) and needs the photo path.

    Decided on `analysed`, the plane at the analysis resolution (``analysis_plane``: cheap,
    and the photo path's own); the ink is the full plane through one lookup table. For black
    ink on white paper it is exactly 255 - luminance, the plain normalization of the baseline
    page.
    """
    work, work_width, work_height = analysed
    histogram = _histogram(work)
    threshold = _otsu(histogram)
    border = b"".join(
        (
            work[:work_width],
            work[(work_height - 1) * work_width :],
            work[::work_width],
            work[work_width - 1 :: work_width],
        )
    )
    light_border = sum(1 for value in border if value > threshold)
    dark_ink = 2 * light_border >= len(border)
    border_ink = len(border) - light_border if dark_ink else light_border
    if border_ink > CLEAN_MAX_BORDER_INK * len(border):
        return None
    paper_values = (threshold + 1, _MAX) if dark_ink else (0, threshold)
    ink_values = (0, threshold) if dark_ink else (threshold + 1, _MAX)
    ink_count = sum(histogram[ink_values[0] : ink_values[1] + 1])
    if not ink_count or ink_count > CLEAN_MAX_INK_SHARE * len(work):
        return None
    paper_low = _histogram_percentile(histogram, *paper_values, CLEAN_LOW)
    paper_high = _histogram_percentile(histogram, *paper_values, CLEAN_HIGH)
    paper = _histogram_percentile(histogram, *paper_values, 0.5)
    ink = _histogram_percentile(histogram, *ink_values, CLEAN_LOW if dark_ink else CLEAN_HIGH)
    contrast = paper - ink if dark_ink else ink - paper
    if paper_high - paper_low > CLEAN_PAPER_SPREAD or contrast < CLEAN_MIN_CONTRAST:
        return None
    # Between the paper's spread and the ink's core: anti-aliased edges, or a wash.
    if dark_ink:
        midtones = sum(histogram[ink + contrast // 4 : paper_low - CLEAN_PAPER_SPREAD // 2])
    else:
        midtones = sum(histogram[paper_high + CLEAN_PAPER_SPREAD // 2 + 1 : ink - contrast // 4])
    if midtones > CLEAN_MAX_MIDTONE_SHARE * ink_count:
        return None
    # From the paper's grain on (for white paper: 255, so black ink is exactly 255 - lum).
    floor = _histogram_percentile(
        histogram, *paper_values, CLEAN_PAPER_FLOOR if dark_ink else 1 - CLEAN_PAPER_FLOOR
    )
    span = max(1, floor - ink if dark_ink else ink - floor)
    if dark_ink:
        table = bytes(min(_MAX, max(0, (floor - v) * _MAX // span)) for v in range(256))
    else:
        table = bytes(min(_MAX, max(0, (v - floor) * _MAX // span)) for v in range(256))
    return _without_specks(plane.translate(table), width, height)


def _digit_pieces(
    components: dict[int, list[tuple[int, int, int]]], sizes: dict[int, int], longer: int
) -> list[list[tuple[int, int, int]]] | None:
    """The components that are the digit: all but specks (fewer clearly inked pixels, `sizes`,
    than SPECK_FRACTION of the largest's). None when there is no ink, or when the main stroke
    is too small on its own (dust is not a digit, and neither is a scatter of it, which would
    span the page): under MIN_DIGIT_PIXELS, or MIN_DIGIT_FRACTION of the image's `longer` side."""
    largest = max(sizes.values(), default=0)
    if largest == 0:
        return None
    main_runs = components[max(sizes, key=sizes.__getitem__)]
    main_extent = max(
        main_runs[-1][0] - main_runs[0][0] + 1,  # runs are in row order
        max(end for _, _, end in main_runs) - min(start for _, start, _ in main_runs),
    )
    if main_extent < max(MIN_DIGIT_PIXELS, MIN_DIGIT_FRACTION * longer):
        return None
    return [
        runs for root, runs in components.items() if sizes[root] >= max(1, SPECK_FRACTION * largest)
    ]


def _without_specks(ink: bytes, width: int, height: int) -> bytes | None:
    """The clean image's ink less specks (dust, a stray dot: components with fewer clearly
    inked pixels than SPECK_FRACTION of the largest), or None when even the largest is too
    small to be a digit. The pieces of a digit (a 5's bar, a broken stroke) stay."""
    clear = ink.translate(bytes(int(v > _MAX // 2) for v in range(256)))
    components = _Runs(clear, width, height).components()
    sizes = {root: sum(end - start for _, start, end in runs) for root, runs in components.items()}
    chosen = _digit_pieces(components, sizes, max(width, height))
    if chosen is None:
        return None
    noiseless = ink.translate(bytes(0 if v <= NOISE_THRESHOLD else v for v in range(256)))
    return _with_fringes(noiseless, width, height, chosen)


def ink_map(plane: bytes, width: int, height: int) -> bytes | None:
    """Ink (0-255 per pixel, row-major, the size of `plane`) of the digit on a photo.

    `plane` is the image's luminance. None when there is nothing to recognize: a blank or
    uniform image, a wash too faint to be writing, noise, or only specks.
    """
    longer = max(width, height)
    cell, (low_grid, median_grid, high_grid) = _cell_percentiles(
        plane, width, height, GRID_CELLS, (1 - BACKGROUND_PERCENTILE, 0.5, BACKGROUND_PERCENTILE)
    )

    # Polarity: weigh the tails of the residual against the cells' medians.
    medians = _per_block(median_grid, cell, width, height)
    residual = _histogram(_map_blocks(plane, width, height, medians, "signed"))
    dark = sum(
        (128 - POLARITY_DEADBAND - v) * n for v, n in enumerate(residual[: 128 - POLARITY_DEADBAND])
    )
    light = sum(
        (v - 128 - POLARITY_DEADBAND) * n
        for v, n in enumerate(residual[129 + POLARITY_DEADBAND :], start=129 + POLARITY_DEADBAND)
    )
    kinds = ("dark", "light") if dark >= light else ("light", "dark")
    for attempt, kind in enumerate(kinds):
        second_look = attempt > 0
        grid = _without_ink_cells(low_grid, high_grid, kind)
        backgrounds = _per_block(grid, cell, width, height)
        raw = _map_blocks(plane, width, height, backgrounds, kind)
        raw = _without_table(raw, width, height)
        raw = _without_surroundings(raw, width, height)
        found = _strokes(raw, width, height)
        if found is None:
            raw = _flattened(raw, width, height)
            found = _strokes(raw, width, height)
            second_look = True
        if found is not None:
            break
    if found is None:
        return None
    ink, strength, components, outside = found
    if outside:
        # Second look without what lies outside the page (the table, the paper's edges):
        # they skew the threshold and the contrast towards themselves, hiding faint ink.
        again = _strokes(_clear(raw, width, outside), width, height)
        if again is not None:
            ink, strength, components, _ = again
    sizes = {
        root: sum(strength.count(1, y * width + s, y * width + e) for y, s, e in runs)
        for root, runs in components.items()
    }
    chosen = _digit_pieces(components, sizes, longer)
    if chosen is None:
        return None
    if second_look and not _looks_like_writing(chosen, width, height):
        return None
    return _with_fringes(ink, width, height, chosen)


def _without_ink_cells(
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
    paper = _percentile(cells, 0.9 if dark else 0.1)
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


def _looks_like_writing(chosen, width: int, height: int) -> bool:
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


def _flattened(raw: bytes, width: int, height: int) -> bytes:
    """`raw` less its own local level, on a grid FLATTEN_SCALE times finer."""
    cell, (levels,) = _cell_percentiles(
        raw, width, height, GRID_CELLS * FLATTEN_SCALE, (FLATTEN_PERCENTILE,)
    )
    return _map_blocks(raw, width, height, _per_block(levels, cell, width, height), "light")


def _cell_percentiles(
    plane: bytes, width: int, height: int, cells: int, fractions: tuple[float, ...]
) -> tuple[int, list[list[list[int]]]]:
    """The cell size of a grid with `cells` cells along the longer side, and one grid per
    fraction of that percentile of each cell's values."""
    cell = max(1, -(-max(width, height) // cells))
    columns, rows = -(-width // cell), -(-height // cell)
    grids: list[list[list[int]]] = [[] for _ in fractions]
    for j in range(rows):
        bands: list[list[int]] = [[] for _ in fractions]
        y_end = min(height, (j + 1) * cell)
        for i in range(columns):
            x0, x1 = i * cell, min(width, (i + 1) * cell)
            values = sorted(
                b"".join(plane[y * width + x0 : y * width + x1] for y in range(j * cell, y_end))
            )
            for band, fraction in zip(bands, fractions, strict=True):
                band.append(_percentile(values, fraction))
        for grid, band in zip(grids, bands, strict=True):
            grid.append(band)
    return cell, grids


def _per_block(grid: list[list[int]], cell: int, width: int, height: int) -> list[list[int]]:
    """A cell grid, median-filtered across neighbouring cells, interpolated at the centre of
    every BLOCK x BLOCK block (a partial last block's centre is its own)."""
    block_x = [(x + min(x + BLOCK, width)) / 2 for x in range(0, width, BLOCK)]
    block_y = [(y + min(y + BLOCK, height)) / 2 for y in range(0, height, BLOCK)]
    return _interpolate(_median3x3(grid), cell, block_x, block_y)


def _with_fringes(ink: bytes, width: int, height: int, chosen) -> bytes:
    """The ink of the chosen (clearly inked) components with their faint anti-aliased edges.

    The components were found among the clearly inked pixels; the ink around them that is
    connected to them is theirs too, within their bounding box (a faint ruling line that
    runs through a digit is cut at the digit's box).
    """
    rows = [y for runs in chosen for y, _, _ in runs]
    left = min(start for runs in chosen for _, start, _ in runs)
    right = max(end for runs in chosen for _, _, end in runs)
    top, bottom = min(rows), max(rows) + 1
    # Thin strokes break up among the clear pixels, and a piece set aside as a speck may be a
    # stroke's end: the box gets a margin.
    margin = max(FRINGE_MARGIN_PIXELS, int(FRINGE_MARGIN * max(right - left, bottom - top)))
    left, right = max(0, left - margin), min(width, right + margin)
    top, bottom = max(0, top - margin), min(height, bottom + margin)
    ink_components = _Runs(ink, width, height)
    # Each chosen run lies inside exactly one run of the (wider) ink mask.
    ink_rows: dict[int, list[tuple[int, int, int]]] = {}
    for index, (y, start, end) in enumerate(ink_components.runs):
        ink_rows.setdefault(y, []).append((start, end, index))
    wanted = set()
    for runs in chosen:
        y, start, _ = runs[0]
        for ink_start, ink_end, index in ink_rows.get(y, ()):
            if ink_start <= start < ink_end:
                wanted.add(ink_components._find(index))
                break
    kept = bytearray(width * height)
    for index, (y, start, end) in enumerate(ink_components.runs):
        if not top <= y < bottom or ink_components._find(index) not in wanted:
            continue
        start, end = max(start, left), min(end, right)
        if start < end:
            offset = y * width
            kept[offset + start : offset + end] = ink[offset + start : offset + end]
    return bytes(kept)


def _strokes(raw: bytes, width: int, height: int):
    """Threshold the background-relative ink `raw` by its own statistics; its components.

    Returns (ink, strength, components inside the photo, components touching its edge), or
    None when there is nothing like writing: no contrast, or ink no stronger than the paper.
    """
    histogram = _histogram(raw)
    threshold = _otsu(histogram)
    if sum(histogram[threshold + 1 :]) == 0:
        return None
    contrast = _histogram_percentile(histogram, threshold + 1, _MAX, CONTRAST_PERCENTILE)
    strokes = _histogram_percentile(histogram, threshold + 1, _MAX, 0.5)
    paper = _histogram_percentile(histogram, 0, threshold, 0.95)
    if contrast < MIN_CONTRAST or strokes < NOISE_SEPARATION * paper:
        return None
    low = min(max(-(-NOISE_THRESHOLD * contrast // _MAX), paper), threshold)
    normalize = bytes(
        0 if v <= low else min(_MAX, (v * _MAX + contrast // 2) // contrast) for v in range(256)
    )
    strong = bytes(int(v > threshold) for v in range(256))
    ink = raw.translate(normalize)
    strength = raw.translate(strong)
    # Components of the clearly-inked pixels: faint ruling lines and paper texture must not
    # chain the digit to the photo's edge.
    middle = (low + 3 * threshold) // 4
    components = _Runs(
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
        if _touches_edge(runs, width, height) and (
            not strong_rows or _touches_edge(strong_rows, width, height)
        ):
            outside.append(runs)
        else:
            inside[root] = runs
    if not inside:
        return ink, strength, components, []
    return ink, strength, inside, outside


def _clear(raw: bytes, width: int, groups) -> bytes:
    cleared = bytearray(raw)
    for runs in groups:
        for y, start, end in runs:
            cleared[y * width + start : y * width + end] = bytes(end - start)
    return bytes(cleared)


def _edge_line(depths: list[int], across: int) -> tuple[float, float] | None:
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
    half = len(points) // 2
    best: list[tuple[int, int]] = []
    for k in range(min(EDGE_CANDIDATES, half)):
        (i0, d0), (i1, d1) = (
            points[k * half // EDGE_CANDIDATES],
            points[k * half // EDGE_CANDIDATES + half],
        )
        slope = (d1 - d0) / (i1 - i0)
        near = [(i, d) for i, d in points if abs(d - d0 - slope * (i - i0)) <= tolerance]
        if len(near) > len(best):
            best = near
    if len(best) < needed:
        return None
    count = len(best)
    mean_i = sum(i for i, _ in best) / count
    mean_d = sum(d for _, d in best) / count
    spread = sum((i - mean_i) ** 2 for i, _ in best)
    slope = sum((i - mean_i) * (d - mean_d) for i, d in best) / spread if spread else 0.0
    return mean_d - slope * mean_i, slope


def _without_table(raw: bytes, width: int, height: int) -> bytes:
    """`raw` with what lies beyond the paper's straight edges cleared, if ink remains.

    The table (or floor, or the next page) around a photographed sheet reaches in from the
    photo's sides up to the sheet's edge, a straight line; a digit written near that edge
    may touch it, and would otherwise be one "stroke" with the table. The paper is convex,
    so everything beyond the line of one of its edges is not paper: it is cleared, and the
    digit's part inside the paper stays.
    """
    mask = raw.translate(bytes(_MAX if v > NOISE_THRESHOLD else 0 for v in range(256)))
    rows = [mask[y * width : (y + 1) * width] for y in range(height)]
    columns = [mask[x::width] for x in range(width)]
    sides = (
        ("left", [row.find(0) % (width + 1) for row in rows], width),
        ("right", [width - 1 - row.rfind(0) for row in rows], width),
        ("top", [column.find(0) % (height + 1) for column in columns], height),
        ("bottom", [height - 1 - column.rfind(0) for column in columns], height),
    )
    cleared = bytearray(raw)
    found = False
    for side, depths, across in sides:
        line = _edge_line(depths, across)
        if line is None:
            continue
        found = True
        intercept, slope = line
        for index in range(len(depths)):
            cut = min(across, int(intercept + slope * index + 0.5) + EDGE_MARGIN)
            if cut <= 0:
                continue
            if side == "left":
                cleared[index * width : index * width + cut] = bytes(cut)
            elif side == "right":
                cleared[(index + 1) * width - cut : (index + 1) * width] = bytes(cut)
            elif side == "top":
                cleared[index : index + cut * width : width] = bytes(cut)
            else:
                start = index + (height - cut) * width
                cleared[start : start + cut * width : width] = bytes(cut)
    if not found or not any(cleared):
        return raw
    return bytes(cleared)


def _without_surroundings(raw: bytes, width: int, height: int) -> bytes:
    """`raw` with the strong ink that touches the photo's edge cleared, if other ink remains.

    A photo of a page often shows the table around it, which against the paper's background
    looks like a huge stroke; left in, it would set the threshold and the contrast, and the
    real (fainter) writing would look like noise next to it.
    """
    threshold = _otsu(_histogram(raw))
    strong = raw.translate(bytes(int(v > threshold) for v in range(256)))
    components = _Runs(strong, width, height).components().values()
    outside = [runs for runs in components if _touches_edge(runs, width, height)]
    if not outside or len(outside) == len(components):
        return raw
    return _clear(raw, width, outside)
