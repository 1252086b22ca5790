"""Digits as a person draws them, in the unit square: strokes, and the curve a pen makes.

Each digit is a list of strokes; each stroke a list of (x, y) control points in the unit
square (0, 0 top left), drawn as a smooth Catmull-Rom curve through them, the way a person
draws, not as a bitmap. Pure geometry: the pad draws them (harness/drawing.py), the tests'
synthetic photos render them, and benchmarks/realworld_data.py smooths its templates alike.
"""

from __future__ import annotations

from collections.abc import Sequence

Point = tuple[float, float]
Stroke = Sequence[Point]

DIGIT_STROKES: dict[str, list[Stroke]] = {
    "0": [
        [
            (0.5, 0.16),
            (0.33, 0.25),
            (0.28, 0.5),
            (0.33, 0.75),
            (0.5, 0.84),
            (0.67, 0.75),
            (0.72, 0.5),
            (0.67, 0.25),
            (0.5, 0.16),
            (0.4, 0.2),
        ],
    ],
    "1": [[(0.53, 0.16), (0.51, 0.5), (0.49, 0.84)]],
    "2": [
        [
            (0.3, 0.32),
            (0.38, 0.2),
            (0.52, 0.16),
            (0.66, 0.24),
            (0.67, 0.38),
            (0.55, 0.55),
            (0.3, 0.82),
            (0.5, 0.81),
            (0.74, 0.82),
        ],
    ],
    "3": [
        [
            (0.3, 0.24),
            (0.48, 0.16),
            (0.66, 0.24),
            (0.64, 0.39),
            (0.46, 0.48),
            (0.66, 0.57),
            (0.69, 0.72),
            (0.5, 0.84),
            (0.29, 0.77),
        ],
    ],
    "4": [
        [(0.38, 0.16), (0.32, 0.4), (0.28, 0.6), (0.5, 0.6), (0.74, 0.6)],
        [(0.62, 0.3), (0.62, 0.6), (0.62, 0.86)],
    ],
    "5": [
        [
            (0.68, 0.18),
            (0.5, 0.18),
            (0.36, 0.18),
            (0.34, 0.46),
            (0.52, 0.42),
            (0.68, 0.53),
            (0.68, 0.72),
            (0.52, 0.83),
            (0.3, 0.78),
        ],
    ],
    "6": [
        [
            (0.64, 0.16),
            (0.47, 0.27),
            (0.36, 0.48),
            (0.35, 0.7),
            (0.5, 0.84),
            (0.66, 0.73),
            (0.66, 0.57),
            (0.5, 0.49),
            (0.36, 0.6),
        ],
    ],
    "7": [[(0.28, 0.2), (0.5, 0.2), (0.72, 0.2), (0.58, 0.5), (0.46, 0.84)]],
    "8": [
        [
            (0.64, 0.24),
            (0.5, 0.16),
            (0.36, 0.24),
            (0.38, 0.38),
            (0.5, 0.48),
            (0.64, 0.59),
            (0.65, 0.74),
            (0.5, 0.84),
            (0.35, 0.74),
            (0.37, 0.59),
            (0.5, 0.48),
            (0.62, 0.38),
            (0.64, 0.24),
        ],
    ],
    "9": [
        [
            (0.64, 0.28),
            (0.5, 0.17),
            (0.36, 0.27),
            (0.37, 0.42),
            (0.52, 0.47),
            (0.64, 0.37),
            (0.64, 0.28),
            (0.63, 0.55),
            (0.6, 0.84),
        ],
    ],
}
SAMPLES_PER_SEGMENT = 8


def smooth(points: Stroke, samples: int = SAMPLES_PER_SEGMENT) -> list[Point]:
    """Catmull-Rom spline through the control points (a pen moves in curves)."""
    if len(points) < 3:
        (x0, y0), (x1, y1) = points[0], points[-1]
        steps = samples * 2
        return [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(steps + 1)]
    padded = [points[0], *points, points[-1]]
    curve: list[Point] = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for step in range(samples):
            t = step / samples
            t2, t3 = t * t, t * t * t
            curve.append(
                tuple(
                    0.5
                    * (
                        2 * p1[k]
                        + (-p0[k] + p2[k]) * t
                        + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                        + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3
                    )
                    for k in (0, 1)
                )
            )
    curve.append(points[-1])
    return curve
