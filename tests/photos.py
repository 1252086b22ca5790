"""Synthetic photos, scans and PNGs of handwritten digits, for the preprocessing tests.

A digit is rendered once as pen coverage (0-1 per pixel, anti-aliased, from the strokes of
harness/strokes.py) and then shown every way an upload may show it: black ink on transparency
(the pad's own drawing, the clean reference), ink of any colour on paper of any colour,
light on dark, under a lighting gradient or a shadow, with sensor noise, paper texture,
specks, JPEG compression, on a transparent layer. Uses NumPy and Pillow (test-only; the
code under test is pure Python).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image

from harness.strokes import DIGIT_STROKES, smooth

Strokes = Sequence[Sequence[tuple[float, float]]]

# Digits in several pieces: a 5 whose top bar is lifted off, a 7 with a crossbar, a 4.
SHAPES: dict[str, Strokes] = {
    **DIGIT_STROKES,
    "5-bar": [
        [(0.36, 0.2), (0.34, 0.46), (0.52, 0.42), (0.68, 0.53), (0.68, 0.72), (0.52, 0.83)],
        [(0.44, 0.14), (0.56, 0.14), (0.7, 0.14)],
    ],
    "7-crossbar": [
        [(0.28, 0.2), (0.5, 0.2), (0.72, 0.2), (0.58, 0.5), (0.46, 0.84)],
        [(0.42, 0.52), (0.58, 0.52), (0.74, 0.52)],
    ],
}


def coverage(
    shape: str,
    width: int,
    height: int,
    box: tuple[float, float, float],
    pen: float,
) -> np.ndarray:
    """Anti-aliased pen coverage (height x width, 0-1) of a digit in the square box
    (left, top, size), drawn with a round pen `pen` pixels wide."""
    left, top, size = box
    radius = pen / 2
    out = np.zeros((height, width), dtype=np.float64)
    for stroke in SHAPES[shape]:
        points = [(left + x * size, top + y * size) for x, y in smooth(stroke)]
        for (x0, y0), (x1, y1) in zip(points, points[1:] or points, strict=False):
            x_lo = max(int(min(x0, x1) - radius - 2), 0)
            x_hi = min(int(max(x0, x1) + radius + 3), width)
            y_lo = max(int(min(y0, y1) - radius - 2), 0)
            y_hi = min(int(max(y0, y1) + radius + 3), height)
            if x_lo >= x_hi or y_lo >= y_hi:
                continue
            ys, xs = np.mgrid[y_lo:y_hi, x_lo:x_hi] + 0.5
            dx, dy = x1 - x0, y1 - y0
            length2 = dx * dx + dy * dy
            t = 0 if length2 == 0 else np.clip(((xs - x0) * dx + (ys - y0) * dy) / length2, 0, 1)
            distance = np.hypot(x0 + t * dx - xs, y0 + t * dy - ys)
            covered = np.clip(radius + 0.5 - distance, 0, 1)
            window = out[y_lo:y_hi, x_lo:x_hi]
            np.maximum(window, covered, out=window)
    return out


def on_transparency(cover: np.ndarray, ink: Sequence[int] = (0, 0, 0)) -> bytes:
    """RGBA bytes: `ink` on a transparent layer, as a canvas (or a PNG) holds it."""
    height, width = cover.shape
    rgba = np.zeros((height, width, 4), dtype=np.uint8)
    rgba[..., :3] = ink
    rgba[..., 3] = np.rint(cover * 255)
    return rgba.tobytes()


def on_paper(
    cover: np.ndarray,
    *,
    paper: Sequence[int] = (245, 242, 235),
    ink: Sequence[int] = (25, 25, 30),
    lighting: np.ndarray | None = None,
    noise: float = 0.0,
    texture: float = 0.0,
    specks: int = 0,
    sheet: Sequence[tuple[float, float]] | None = None,
    table: Sequence[int] = (120, 86, 60),
    jpeg: int | None = None,
    seed: int = 0,
) -> bytes:
    """Opaque RGBA bytes of a photographed page: ink over paper, then lit by `lighting`
    (height x width factors), with paper `texture` (smooth blotches, std in levels), sensor
    `noise` (per-pixel std), dark `specks` of dust (1-3 px), and JPEG at quality `jpeg`.
    With `sheet` (the paper's corners, clockwise), what lies outside it is the `table`."""
    rng = np.random.default_rng(seed)
    height, width = cover.shape
    alpha = cover[..., None]
    image = np.asarray(paper, float) * (1 - alpha) + np.asarray(ink, float) * alpha
    if texture:
        blotches = rng.normal(0, 1, (height // 8 + 2, width // 8 + 2))
        big = np.kron(blotches, np.ones((8, 8)))[:height, :width]
        image += texture * big[..., None]
    for _ in range(specks):
        x, y, side = rng.integers(0, width - 3), rng.integers(0, height - 3), rng.integers(1, 4)
        image[y : y + side, x : x + side] = 60
    if sheet is not None:
        image[~inside_polygon(sheet, width, height)] = table
    if lighting is not None:
        image *= lighting[..., None]
    if noise:
        image += rng.normal(0, noise, image.shape)
    rgb = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    if jpeg is not None:
        buffer = io.BytesIO()
        Image.fromarray(rgb).save(buffer, format="JPEG", quality=jpeg)
        rgb = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    rgba = np.dstack([rgb, np.full((height, width), 255, np.uint8)])
    return rgba.tobytes()


def inside_polygon(corners: Sequence[tuple[float, float]], width: int, height: int) -> np.ndarray:
    """Which pixel centres lie inside the convex polygon with these corners, clockwise."""
    ys, xs = np.mgrid[0:height, 0:width] + 0.5
    inside = np.ones((height, width), dtype=bool)
    for (x0, y0), (x1, y1) in zip(corners, [*corners[1:], corners[0]], strict=True):
        inside &= (x1 - x0) * (ys - y0) - (y1 - y0) * (xs - x0) >= 0
    return inside


def gradient(width: int, height: int, start: float, end: float) -> np.ndarray:
    """Light falling off diagonally from `start` (top left) to `end` (bottom right)."""
    ys, xs = np.mgrid[0:height, 0:width]
    t = (xs / max(width - 1, 1) + ys / max(height - 1, 1)) / 2
    return start + (end - start) * t


def shadow(width: int, height: int, depth: float, softness: float = 12.0) -> np.ndarray:
    """A soft-edged shadow over the left part of the page, dimming it to `depth`."""
    xs = np.arange(width)[None, :].repeat(height, 0)
    edge = 0.4 * width + 0.15 * np.arange(height)[:, None]
    inside = 1 / (1 + np.exp((xs - edge) / softness))
    return 1 - (1 - depth) * inside


def correlation(first: Sequence[float], second: Sequence[float]) -> float:
    """Pearson correlation of two 28x28 model inputs (1 = the same picture up to contrast),
    the best over whole-pixel shifts of up to 1: centring rounds the centre of mass to a
    whole pixel, and a centre of mass a hair away rounds the other way."""
    a = np.asarray(first, float).reshape(28, 28)
    b = np.asarray(second, float).reshape(28, 28)
    return max(
        float(np.corrcoef(np.roll(a, (dy, dx), axis=(0, 1)).ravel(), b.ravel())[0, 1])
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
    )
