"""The photo path's fast steps (digits.photo) against plain references written the slow way.

Photo preprocessing runs in the page's Pyodide, so its steps work on whole byte strings and
big integers and prune what cannot change a result. Each such step must give exactly what
the straightforward computation gives (the model sees the same bytes, whatever the speed):
checked here on random inputs, including odd sizes and the degenerate cases.
"""

from __future__ import annotations

import random

from digits.photo import background, edges, stats
from digits.photo.luminance import _binned, _factor, analysis_plane, luminance
from hypothesis import given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=150, deadline=None, database=None)


def plain_luma(data: bytes) -> list[int]:
    """(77 R + 150 G + 29 B + 128) >> 8 per RGBA pixel, one by one."""
    return [
        (77 * data[k] + 150 * data[k + 1] + 29 * data[k + 2] + 128) >> 8
        for k in range(0, len(data), 4)
    ]


def plain_binned(data: bytes, width: int, height: int, factor: int) -> bytes:
    """The luma averaged over factor x factor blocks, rounded half up; edges dropped."""
    luma = plain_luma(data)
    half = factor * factor // 2
    return bytes(
        (
            sum(
                luma[(y * factor + j) * width + x * factor + i]
                for j in range(factor)
                for i in range(factor)
            )
            + half
        )
        // (factor * factor)
        for y in range(height // factor)
        for x in range(width // factor)
    )


def plain_edge_line(depths: list[int], across: int) -> tuple[float, float] | None:
    """edge_line without pruning: every candidate line measured against every point."""
    points = [(i, depth) for i, depth in enumerate(depths) if 0 < depth < across]
    needed = edges.EDGE_MIN_FRACTION * len(depths)
    if len(points) < max(2, needed):
        return None
    tolerance = edges.EDGE_TOLERANCE + edges.EDGE_TOLERANCE_FRACTION * across
    half = len(points) // 2
    best: list[tuple[int, int]] = []
    for k in range(min(edges.EDGE_CANDIDATES, half)):
        first = k * half // edges.EDGE_CANDIDATES
        (i0, d0), (i1, d1) = points[first], points[first + half]
        slope = (d1 - d0) / (i1 - i0)
        near = [(i, d) for i, d in points if -tolerance <= d - d0 - slope * (i - i0) <= tolerance]
        if len(near) > len(best):
            best = near
    return edges.least_squares(best) if len(best) >= needed else None


@FUZZ
@given(st.integers(1, 70), st.integers(1, 70), st.sampled_from([2, 4]), st.integers(0, 2**32))
def test_binned_luminance_is_the_plain_block_average(
    width: int, height: int, factor: int, seed: int
) -> None:
    if width < factor or height < factor:
        return
    data = random.Random(seed).randbytes(4 * width * height)
    expected = plain_binned(data, width, height, factor)
    assert _binned(data, width, height, factor) == expected
    full = luminance(data, width * height)
    assert full == bytes(plain_luma(data))
    if _factor(width, height) == factor:
        assert analysis_plane(full, width, height)[0] == expected


@st.composite
def edge_depths(pick: st.DrawFn) -> tuple[list[int], int]:
    """Depths of a side: a straight edge (any slope), jitter, outliers, gaps, full rows."""
    across = pick(st.integers(2, 700))
    count = pick(st.integers(0, 700))
    rng = random.Random(pick(st.integers(0, 2**32)))
    intercept, slope = rng.uniform(-20, across), rng.choice([0.0, rng.uniform(-2, 2)])
    jitter = rng.choice([0, 1, 3, 10])
    depths = []
    for index in range(count):
        roll = rng.random()
        if roll < 0.1:
            depths.append(0)
        elif roll < 0.15:
            depths.append(across)
        elif roll < 0.25:
            depths.append(rng.randrange(across + 1))
        else:
            depth = round(intercept + slope * index) + rng.randint(-jitter, jitter)
            depths.append(min(across, max(0, depth)))
    return depths, across


@FUZZ
@given(edge_depths())
def test_pruned_edge_fit_is_the_full_search(case: tuple[list[int], int]) -> None:
    depths, across = case
    assert edges.edge_line(depths, across) == plain_edge_line(depths, across)


@FUZZ
@given(st.binary(min_size=1, max_size=3000), st.lists(st.floats(0, 1), min_size=1, max_size=4))
def test_ranked_values_are_those_of_the_sorted_values(values: bytes, fractions: list) -> None:
    ordered = sorted(values)
    ranks = [min(len(values) - 1, int(fraction * len(values))) for fraction in fractions]
    assert stats.ranked(values, ranks) == [ordered[rank] for rank in ranks]


@FUZZ
@given(st.binary(max_size=5000))
def test_histogram_counts_each_level_also_when_asked_again(values: bytes) -> None:
    expected = [values.count(level) for level in range(256)]
    first = stats.histogram(values)
    first[0] += 1  # a caller's change to its list is not remembered
    assert stats.histogram(values) == expected
    changing = bytearray(values)
    assert stats.histogram(changing) == expected
    changing[:] = bytes(len(changing))
    assert stats.histogram(changing) == [len(changing)] + [0] * 255


@FUZZ
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 2**32))
def test_median_filter_is_the_plain_one(rows: int, columns: int, seed: int) -> None:
    rng = random.Random(seed)
    grid = [[rng.randrange(256) for _ in range(columns)] for _ in range(rows)]

    def median(y: int, x: int) -> int:
        around = sorted(
            grid[j][i]
            for j in range(max(0, y - 1), min(rows, y + 2))
            for i in range(max(0, x - 1), min(columns, x + 2))
        )
        return around[len(around) // 2]

    expected = [[median(y, x) for x in range(columns)] for y in range(rows)]
    assert background._median3x3(grid) == expected
