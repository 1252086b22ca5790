"""The statistics every step of the photo path reads an image by: a plane's histogram, a
percentile of sorted values or of a histogram's range, and Otsu's threshold."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from operator import mul

_ZERO = b"\x00"
# Below this many bytes, a byte string's levels are counted one by one (a set, then
# bytes.count for each level present); above it, split by level ranges first.
_FEW = 256
# A range of at most this many levels is counted level by level with bytes.count.
_LEAF = 16


class _Outside(dict):
    """(low, high) -> the levels outside [low, high): deleted by ``bytes.translate``, they
    keep that range. Made on first use."""

    def __missing__(self, key: tuple[int, int]) -> bytes:
        low, high = key
        table = self[key] = bytes(range(low)) + bytes(range(high, 256))
        return table


OUTSIDE = _Outside()
# The last byte string counted by histogram, and its counts: the photo path counts the same
# ink map twice when setting aside the photo's edges leaves it as it was (edges, threshold).
_last_histogram: list = []
# Each level's high nibble.
_NIBBLE = bytes(value >> 4 for value in range(256))


def percentile(ordered: list[int], fraction: float) -> int:
    """The value `fraction` of the way up a sorted list (the last one for 1.0)."""
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def histogram(values: bytes) -> list[int]:
    """How many bytes of `values` hold each of the 256 levels.

    Counted by passes of C over whole byte strings, never per pixel in Python (nor through
    Python objects per byte, as ``Counter`` or ``set`` would, which Pyodide's WebAssembly
    makes slow): the zeros (most of an ink map) are deleted, and the rest split in halves
    of the level range (``bytes.translate`` deleting the other half) down to ranges of
    ``_LEAF`` levels, each counted with ``bytes.count``.
    """
    if _last_histogram and _last_histogram[0] is values:
        return list(_last_histogram[1])
    counts = [0] * 256
    others = values.translate(None, _ZERO)
    counts[0] = len(values) - len(others)
    pending = [(others, 1, 256)]
    while pending:
        node, low, high = pending.pop()
        if len(node) < _FEW:
            for value in set(node):
                counts[value] = node.count(value)
            continue
        if high - low <= _LEAF:
            for value in range(low, high):
                counts[value] = node.count(value)
            continue
        middle = (low + high) // 2
        below = node.translate(None, OUTSIDE[low, middle])
        if below:
            pending.append((below, low, middle))
        if len(below) < len(node):
            above = node.translate(None, OUTSIDE[middle, high]) if below else node
            pending.append((above, middle, high))
    if type(values) is bytes:  # immutable: the same object holds the same counts later
        _last_histogram[:] = [values, counts]
    return list(counts)


def ranked(values: bytes, ranks: list[int]) -> list[int]:
    """The values at the given ranks (0 = the smallest) of the sorted `values`, without
    sorting them: the values of each high nibble counted (one translate, 16 counts), then in
    the nibble a rank falls in, its 16 levels (maps and bisection: C loops, not Python)."""
    nibbles = values.translate(_NIBBLE)
    ends = list(accumulate(map(nibbles.count, range(16))))  # ranks past each nibble
    found = []
    # Ranks in the same nibble (a cell's paper: most of its values) share its level counts.
    levels: dict[int, list[int]] = {}
    for rank in ranks:
        nibble = bisect_right(ends, rank)
        rank -= ends[nibble - 1] if nibble else 0
        low = nibble * 16
        if nibble not in levels:
            bucket = values.translate(None, OUTSIDE[low, low + 16])
            levels[nibble] = list(accumulate(map(bucket.count, range(low, low + 16))))
        found.append(low + bisect_right(levels[nibble], rank))
    return found


def otsu(histogram: list[int]) -> int:
    """The threshold t maximizing the between-class variance of (<= t) and (> t).

    Only the levels present are tried: below the lowest one a class is empty, and at a level
    no pixel holds the score is the previous level's, which did not beat itself.
    """
    total = sum(histogram)
    total_sum = sum(map(mul, range(256), histogram))
    present = [t for t in range(255) if histogram[t]]
    best, best_score = 0, -1.0
    weight_low = sum_low = 0
    for t in present:
        count = histogram[t]
        weight_low += count
        sum_low += t * count
        weight_high = total - weight_low
        if weight_high == 0:
            break
        mean_low = sum_low / weight_low
        mean_high = (total_sum - sum_low) / weight_high
        score = weight_low * weight_high * (mean_low - mean_high) ** 2
        if score > best_score:
            best, best_score = t, score
    return best


def histogram_percentile(histogram: list[int], low: int, high: int, fraction: float) -> int:
    """The given percentile of the values in [low, high] of a histogram."""
    count = sum(histogram[low : high + 1])
    target = fraction * (count - 1)
    seen = 0
    for value in range(low, high + 1):
        seen += histogram[value]
        if seen > target:
            return value
    return high
