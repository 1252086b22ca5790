"""The statistics every step of the photo path reads an image by: a plane's histogram, a
percentile of sorted values or of a histogram's range, and Otsu's threshold."""

from __future__ import annotations


def percentile(ordered: list[int], fraction: float) -> int:
    """The value `fraction` of the way up a sorted list (the last one for 1.0)."""
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def histogram(values: bytes) -> list[int]:
    """How many bytes of `values` hold each of the 256 levels (counted in C, per level)."""
    counts = [0] * 256
    for value in set(values):
        counts[value] = values.count(value)
    return counts


def otsu(histogram: list[int]) -> int:
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
