"""Generate the real-world benchmark's data: drawn digits (pen trajectories) and uploaded images.

    .venv/bin/python -m benchmarks.realworld_data            # rewrite benchmarks/data/
    .venv/bin/python -m benchmarks.realworld_data --check    # compare with what is committed

None of this comes from MNIST: every digit is made here from hand-written shape templates
(several styles per digit), perturbed by a seeded random generator, so the model never saw
any of it in training, and anyone can regenerate the committed files bit for bit (NumPy's
PCG64 streams and the pinned Pillow's encoders are deterministic). Two sets, two seeds and
two template mixes, so the uploaded images are not the drawn set in another dress:

1. ``drawn.json``: pen trajectories, coordinates normalized to the pad (0..1, y down), to be
   replayed with the mouse on a canvas of any size. Varied the way people draw: styles,
   slant, rotation, aspect, size from small to pad-filling, position anywhere (edges too),
   wobble and jitter, speed (fewer, farther-apart pointer events when fast), gaps and
   overshoots between strokes.
2. ``uploads/``: photos and scans of paper made from trajectories of the other mix: paper
   colours and rulings, both polarities (ink on paper, chalk on a board), ink colours,
   uneven light, shadows, perspective, blur, sensor noise, JPEG artifacts, small digits in
   big frames, thin and bold strokes, and transparent PNGs; ``uploads/labels.json`` says
   which digit each file holds (file names do not).

Items cycle through the classes (item i is digit i % 10), so any prefix is balanced.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from harness.strokes import smooth

DATA_DIR = Path(__file__).resolve().parent / "data"
DRAWN_FILE = DATA_DIR / "drawn.json"
UPLOADS_DIR = DATA_DIR / "uploads"
LABELS_FILE = UPLOADS_DIR / "labels.json"
DRAWN_SEED = 20_240_611
UPLOADS_SEED = 77_310_452
DRAWN_PER_CLASS = 60
UPLOADS_PER_CLASS = 55
CLASSES = tuple(str(digit) for digit in range(10))
COORDINATE_DECIMALS = 4  # 0.1 px on a 1000 px pad; keeps drawn.json near 1 MB
FORMAT_VERSION = 1

Point = tuple[float, float]
# A template point is (x, y) or (x, y, 1): the 1 marks a corner.
TemplatePoint = tuple[float, ...]
Template = list[list[TemplatePoint]]


def _template(*strokes: str) -> Template:
    """Strokes written as "x,y x,y ..." (see STYLES) as lists of (x, y[, 1]) points."""
    parsed = []
    for stroke in strokes:
        points: list[TemplatePoint] = []
        for point in stroke.split():
            x, y = point.removesuffix("c").split(",")
            points.append((float(x), float(y), 1) if point.endswith("c") else (float(x), float(y)))
        parsed.append(points)
    return parsed


# Digit -> style -> strokes, in the unit square (0, 0 top left), each stroke in drawing order,
# written "x,y x,y ...": a "c" after a point marks a corner, where the pen turns sharply (the
# curve is smoothed on either side of it, not through it).
STYLES: dict[str, dict[str, Template]] = {
    "0": {
        "oval": _template(".5,.15 .33,.25 .28,.5 .33,.75 .5,.85 .67,.75 .72,.5 .67,.25 .52,.15"),
        "round overlapping": _template(
            ".55,.2 .32,.26 .24,.5 .32,.74 .5,.8 .7,.73 .76,.5 .68,.27 .5,.2 .42,.24"
        ),
        "open at the top": _template(
            ".58,.18 .4,.19 .3,.45 .34,.74 .5,.84 .66,.75 .7,.48 .65,.26 .6,.22"
        ),
        "clockwise": _template(
            ".5,.15 .63,.24 .67,.5 .62,.77 .5,.85 .38,.77 .33,.5 .37,.24 .5,.15"
        ),
        "pointed top": _template(".5,.15c .38,.4 .37,.7 .5,.85 .63,.7 .62,.4 .5,.15"),
    },
    "1": {
        "stick": _template(".52,.15 .5,.85"),
        "flag": _template(".38,.3 .46,.22 .54,.15c .53,.5 .52,.85"),
        "flag and base": _template(".38,.3 .46,.22 .54,.15c .53,.5 .52,.85", ".36,.85 .68,.85"),
        "curved stick": _template(".56,.15 .52,.5 .46,.85"),
        "long flag": _template(".36,.36 .55,.15c .55,.85"),
    },
    "2": {
        "cornered base": _template(
            ".3,.32 .38,.2 .52,.16 .66,.24 .67,.38 .55,.55 .3,.82c .5,.82 .74,.82"
        ),
        "loop": _template(
            ".3,.3 .42,.17 .6,.18 .67,.34 .58,.52 .45,.66 .32,.78 .3,.86 "
            ".38,.87 .42,.8 .5,.84 .74,.84"
        ),
        "straight diagonal": _template(".32,.28 .5,.15 .68,.28 .62,.45 .3,.84c .72,.84"),
        "swan": _template(".3,.3 .45,.16 .65,.22 .65,.42 .45,.62 .32,.8 .45,.82 .6,.8 .72,.84"),
    },
    "3": {
        "round": _template(".3,.24 .48,.16 .66,.24 .64,.39 .46,.48 .66,.57 .69,.72 .5,.84 .29,.77"),
        "flat top": _template(".3,.18 .68,.18c .48,.44c .64,.52 .69,.7 .52,.84 .3,.78"),
        "two strokes": _template(
            ".3,.24 .48,.15 .65,.24 .62,.4 .46,.48", ".46,.48 .66,.56 .69,.72 .5,.85 .3,.78"
        ),
        "pointed middle": _template(
            ".3,.22 .5,.15 .66,.25 .6,.4 .44,.48c .64,.58 .68,.73 .5,.85 .3,.78"
        ),
    },
    "4": {
        "open": _template(".42,.15 .34,.4 .28,.6c .5,.6 .74,.6", ".62,.3 .62,.6 .62,.86"),
        "closed": _template(".6,.15c .42,.38 .26,.6c .5,.6 .74,.6", ".6,.15 .6,.5 .6,.86"),
        "open, square": _template(".32,.15 .3,.58c .52,.58 .72,.56", ".64,.18 .63,.55 .62,.86"),
        "closed, upright first": _template(".6,.15 .6,.86", ".6,.15c .28,.62c .76,.62"),
    },
    "5": {
        "one stroke": _template(".68,.18 .36,.18c .34,.46c .52,.42 .68,.53 .68,.72 .52,.83 .3,.78"),
        "flag last": _template(
            ".36,.17 .34,.46c .52,.42 .68,.53 .68,.72 .52,.84 .3,.78", ".36,.17 .52,.16 .7,.16"
        ),
        "round belly": _template(
            ".38,.18 .34,.44c .5,.4 .68,.5 .7,.68 .56,.84 .38,.84 .3,.76", ".38,.18 .7,.17"
        ),
    },
    "6": {
        "curved": _template(".64,.16 .47,.27 .36,.48 .35,.7 .5,.84 .66,.73 .66,.57 .5,.49 .36,.6"),
        "straight stem": _template(".6,.15 .42,.45 .36,.7 .48,.85 .64,.76 .64,.6 .5,.52 .37,.62"),
        "big loop": _template(
            ".62,.16 .45,.25 .32,.5 .32,.72 .48,.85 .66,.78 .7,.6 .56,.46 .4,.5 .33,.62"
        ),
    },
    "7": {
        "plain": _template(".28,.2 .72,.2c .58,.5 .46,.84"),
        "bar": _template(".28,.2 .72,.2c .58,.5 .46,.84", ".4,.52 .7,.5"),
        "two strokes": _template(".28,.2 .72,.2", ".72,.2 .58,.5 .46,.84"),
        "two strokes and bar": _template(".28,.2 .72,.2", ".72,.2 .58,.5 .46,.84", ".4,.52 .7,.5"),
        "serif": _template(".28,.3 .3,.2c .72,.2c .55,.52 .48,.85"),
        "curved stem": _template(".3,.2 .7,.19c .6,.4 .5,.62 .47,.85"),
    },
    "8": {
        "one stroke": _template(
            ".64,.24 .5,.16 .36,.24 .38,.38 .5,.48 .64,.59 .65,.74 .5,.84 "
            ".35,.74 .37,.59 .5,.48 .62,.38 .64,.24"
        ),
        "two loops": _template(
            ".5,.48 .36,.4 .36,.24 .5,.16 .64,.24 .63,.4 .5,.48",
            ".5,.48 .34,.58 .34,.76 .5,.85 .66,.76 .66,.58 .5,.48",
        ),
        "snowman": _template(
            ".5,.2 .4,.26 .42,.36 .5,.42 .66,.55 .68,.72 .5,.85 .32,.72 "
            ".34,.55 .5,.42 .58,.36 .6,.26 .5,.2"
        ),
    },
    "9": {
        "curved tail": _template(
            ".64,.28 .5,.17 .36,.27 .37,.42 .52,.47 .64,.37 .64,.28 .63,.55 .56,.76 .4,.85"
        ),
        "straight tail": _template(
            ".64,.28 .5,.17 .36,.27 .37,.42 .52,.47 .64,.37 .65,.25c .64,.55 .63,.86"
        ),
        "two strokes": _template(
            ".64,.28 .5,.17 .36,.27 .37,.42 .52,.47 .64,.37 .64,.25", ".65,.2 .64,.55 .62,.86"
        ),
    },
}
# The uploaded set favours the styles the drawn set lists last (weights 1, 2, 3, ...); the
# drawn set picks styles uniformly.
MIXES = ("drawn", "uploads")

# Perturbations of a trajectory, as (low, high) of uniform draws unless said otherwise.
SHAPE_JITTER = (0.006, 0.028)  # std of each control point's displacement
SAMPLES_PER_SEGMENT = (2, 13)  # pointer events between control points: few when fast
ASPECT_LOG = (-0.35, 0.25)  # log of the width factor
SLANT = (-0.35, 0.3)  # horizontal shear, positive leans right
ROTATION_STD_DEGREES = 8.0
ROTATION_MAX_DEGREES = 20.0
WOBBLE = (0.0, 0.012)  # amplitude of the slow waver of a hand
WOBBLE_CYCLES = (0.5, 3.0)  # per stroke
TREMOR = (0.0, 0.003)  # std of point-to-point jitter
STROKE_OFFSET_STD = 0.02  # later strokes miss their junction: gaps and overshoots
TRIM_PROBABILITY = 0.2  # a stroke starts or ends a little short (loops left open)
PAD_MARGIN = 0.012  # of the pad, kept free so every pointer event lands on it
EDGE_PROBABILITY = 0.25  # the digit is pushed against an edge of the pad
DRAWN_SIZE = (0.2, 0.95)  # longer side of the digit, fraction of the pad


def _rng(seed: int, index: int) -> np.random.Generator:
    """One independent stream per item: item i is the same whatever else is generated."""
    return np.random.default_rng([seed, index])


def _pick_style(label: str, mix: str, rng: np.random.Generator) -> str:
    if mix not in MIXES:
        raise ValueError(f"unknown template mix {mix!r}; expected one of {MIXES}")
    names = list(STYLES[label])
    weights = np.ones(len(names)) if mix == "drawn" else np.arange(1.0, len(names) + 1)
    return names[int(rng.choice(len(names), p=weights / weights.sum()))]


def _curve(stroke: Sequence[TemplatePoint], samples: int) -> np.ndarray:
    """The pen path through a template stroke: smooth between corners, sharp at them."""
    pieces: list[list[Point]] = [[]]
    for point in stroke:
        pieces[-1].append((point[0], point[1]))
        if len(point) > 2 and point[2] and len(pieces[-1]) > 1:
            pieces.append([(point[0], point[1])])
    path: list[Point] = []
    for piece in pieces:
        if len(piece) < 2:
            continue
        curve = smooth(piece, samples) if len(piece) > 2 else smooth(piece, max(1, samples // 2))
        path.extend(curve if not path else curve[1:])
    return np.array(path, dtype=float)


def _perturbed(template: Template, rng: np.random.Generator) -> list[np.ndarray]:
    """The template as one person might draw it, still around the unit square."""
    jitter = rng.uniform(*SHAPE_JITTER)
    samples = int(rng.integers(*SAMPLES_PER_SEGMENT))
    strokes = []
    for number, stroke in enumerate(template):
        moved = [
            (p[0] + rng.normal(0, jitter), p[1] + rng.normal(0, jitter), *p[2:]) for p in stroke
        ]
        path = _curve(moved, samples)
        if number > 0:
            path = path + rng.normal(0, STROKE_OFFSET_STD, size=2)
        if len(path) > 6 and rng.random() < TRIM_PROBABILITY:
            path = path[int(rng.integers(0, 3)) : len(path) - int(rng.integers(0, 3))]
        strokes.append(path)

    aspect = math.exp(rng.uniform(*ASPECT_LOG))
    slant = rng.uniform(*SLANT)
    angle = math.radians(
        float(
            np.clip(
                rng.normal(0, ROTATION_STD_DEGREES), -ROTATION_MAX_DEGREES, ROTATION_MAX_DEGREES
            )
        )
    )
    cos, sin = math.cos(angle), math.sin(angle)
    shaped = []
    for path in strokes:
        x, y = path[:, 0] - 0.5, path[:, 1] - 0.5
        x = (x - slant * y) * aspect  # y grows downwards: -slant*y leans the top right
        x, y = cos * x - sin * y, sin * x + cos * y
        count = len(path)
        phase = np.linspace(0, 2 * math.pi * rng.uniform(*WOBBLE_CYCLES), count)
        wobble = rng.uniform(*WOBBLE)
        x = x + wobble * np.sin(phase + rng.uniform(0, 2 * math.pi))
        y = y + wobble * np.sin(phase + rng.uniform(0, 2 * math.pi))
        tremor = rng.uniform(*TREMOR)
        x, y = x + rng.normal(0, tremor, count), y + rng.normal(0, tremor, count)
        shaped.append(np.stack([x, y], axis=1))
    return shaped


def _placed(
    strokes: list[np.ndarray], size: float, rng: np.random.Generator, margin: float
) -> list[np.ndarray]:
    """Scale the drawing so its longer side is `size` and put it anywhere in the unit square
    (sometimes against an edge), `margin` kept free."""
    every = np.concatenate(strokes)
    low, high = every.min(axis=0), every.max(axis=0)
    scale = size / max(float((high - low).max()), 1e-6)
    extent = (high - low) * scale
    room = np.maximum(1 - 2 * margin - extent, 0)
    corner = margin + rng.uniform(0, 1, size=2) * room
    if rng.random() < EDGE_PROBABILITY:
        axis = int(rng.integers(0, 2))
        corner[axis] = margin + room[axis] * float(rng.integers(0, 2))
    return [(path - low) * scale + corner for path in strokes]


def trajectory(
    label: str, rng: np.random.Generator, mix: str, size_range: tuple[float, float]
) -> tuple[str, list[np.ndarray]]:
    """A random drawing of `label`: (style, strokes as N x 2 arrays in the unit square)."""
    if label not in STYLES:
        raise ValueError(f"no templates for {label!r}; labels are {CLASSES}")
    style = _pick_style(label, mix, rng)
    strokes = _perturbed(STYLES[label][style], rng)
    size = rng.uniform(*size_range)
    return style, _placed(strokes, size, rng, PAD_MARGIN)


def drawn_item(index: int, seed: int = DRAWN_SEED) -> dict[str, Any]:
    """Drawn item `index`: {label, style, strokes: [[[x, y], ...], ...]} (pad fractions)."""
    label = CLASSES[index % len(CLASSES)]
    style, strokes = trajectory(label, _rng(seed, index), "drawn", DRAWN_SIZE)
    rounded = [np.round(np.clip(path, 0, 1), COORDINATE_DECIMALS).tolist() for path in strokes]
    return {"label": label, "style": style, "strokes": rounded}


def drawn_set(per_class: int = DRAWN_PER_CLASS, seed: int = DRAWN_SEED) -> dict[str, Any]:
    """The whole drawn set, as drawn.json holds it."""
    if per_class < 1:
        raise ValueError(f"per_class must be at least 1, not {per_class}")
    items = [drawn_item(index, seed) for index in range(per_class * len(CLASSES))]
    return {"version": FORMAT_VERSION, "seed": seed, "items": items}


# --- Uploaded images -----------------------------------------------------------------------

SUPERSAMPLE = 3  # strokes are drawn this much larger, then reduced: anti-aliased edges
LONG_SIDE = (200, 600)  # px, log-uniform
SHORT_SIDE_RATIO = (0.62, 1.0)
SMALL_DIGIT_PROBABILITY = 0.2
SMALL_DIGIT_SIZE = (0.1, 0.3)  # longer side, of the image's shorter side (uniform)
DIGIT_SIZE = (0.35, 0.9)
STROKE_WIDTH = (0.03, 0.14)  # of the digit's size: thin ballpoint to bold marker
MIN_STROKE_PX = 1.2
LIGHT_PAPERS = {
    "white": (246, 246, 243),
    "cream": (240, 231, 204),
    "grey": (196, 196, 192),
    "blue": (212, 226, 242),
    "pink": (244, 216, 222),
    "yellow": (248, 240, 160),
    "green": (214, 236, 210),
}
DARK_BOARDS = {"blackboard": (38, 44, 42), "greenboard": (38, 72, 56), "black paper": (24, 24, 26)}
INKS = {"black": (22, 22, 28), "blue": (24, 46, 150), "red": (172, 26, 30), "pencil": (92, 92, 96)}
CHALKS = {"white chalk": (236, 236, 230), "yellow chalk": (236, 222, 120)}
TABLES = ((120, 86, 60), (70, 70, 74), (180, 170, 150), (30, 30, 30))
RULING_COLOR = (120, 160, 215)
DARK_PROBABILITY = 0.18
TRANSPARENT_PROBABILITY = 0.1
PNG_PROBABILITY = 0.12  # a clean scan or screenshot saved as PNG
JPEG_QUALITY = (55, 88)
PERSPECTIVE = 0.07  # corner displacement, of the side
CAMERA_TRIES = 8  # random camera poses tried before falling back to a straight shot
PHOTO_ROTATION_DEGREES = 10.0
ZOOM = (0.86, 1.12)  # below 1 the table shows around the paper
SHADOW_PROBABILITY = 0.3
BLUR_SIGMA = (0.0, 1.4)
NOISE_STD = (0.8, 6.0)


def _stroke_mask(strokes: list[np.ndarray], width: int, height: int, pen_px: float) -> np.ndarray:
    """Ink coverage 0..1 of the strokes (pixel coordinates), anti-aliased by supersampling."""
    big = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(big)
    pen = max(1, round(pen_px * SUPERSAMPLE))
    radius = pen / 2
    for path in strokes:
        points = [(float(x) * SUPERSAMPLE, float(y) * SUPERSAMPLE) for x, y in path]
        if len(points) > 1:
            draw.line(points, fill=255, width=pen, joint="curve")
        for x, y in (points[0], points[-1]):  # round caps
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    small = big.resize((width, height), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float32) / 255


def _perspective_coefficients(source: np.ndarray, target: np.ndarray) -> list[float]:
    """Pillow's PERSPECTIVE data: the map from output (target) corners to input (source)."""
    rows, values = [], []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values.extend([u, v])
    return np.linalg.solve(np.array(rows), np.array(values)).tolist()


def _camera(
    corners: np.ndarray, ink_points: np.ndarray, pen_px: float, rng: np.random.Generator
) -> tuple[float, float, np.ndarray]:
    """(zoom, turn in radians, where the paper's corners appear in the photo): random, but
    the whole digit stays in the frame (a cut-off digit would not be a fair question)."""
    width, height = corners[2]
    centre = corners[2] / 2
    for _ in range(CAMERA_TRIES):
        zoom = rng.uniform(*ZOOM)
        turn = math.radians(rng.uniform(-PHOTO_ROTATION_DEGREES, PHOTO_ROTATION_DEGREES))
        rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
        seen = (corners - centre) @ rotation.T * zoom + centre
        seen += rng.uniform(-PERSPECTIVE, PERSPECTIVE, size=(4, 2)) * [width, height]
        forward = _perspective_coefficients(seen, corners)  # paper -> photo
        a, b, c, d, e, f, g, h = forward
        x, y = ink_points[:, 0], ink_points[:, 1]
        scale = g * x + h * y + 1
        u, v = (a * x + b * y + c) / scale, (d * x + e * y + f) / scale
        if (
            u.min() >= pen_px
            and v.min() >= pen_px
            and u.max() <= width - pen_px
            and v.max() <= height - pen_px
        ):
            return zoom, turn, seen
    return 1.0, 0.0, corners.copy()


def _warp(layer: np.ndarray, coefficients: list[float]) -> np.ndarray:
    image = Image.fromarray(np.round(layer * 255).astype(np.uint8), "L")
    warped = image.transform(
        image.size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR
    )
    return np.asarray(warped, dtype=np.float32) / 255


def _ruling(kind: str, width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    ruling = np.zeros((height, width), dtype=np.float32)
    if kind == "plain":
        return ruling
    spacing = int(rng.integers(16, 40))
    offset = int(rng.integers(0, spacing))
    strength = rng.uniform(0.35, 0.7)
    ruling[offset::spacing, :] = strength
    if kind == "squared":
        ruling[:, offset::spacing] = strength
    return ruling


def _lighting(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """Brightness factor per pixel: a gradient across the page, sometimes a soft shadow."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    along = xs * math.cos(angle) + ys * math.sin(angle)
    along = (along - along.min()) / max(float(np.ptp(along)), 1.0)
    light = 1 - rng.uniform(0, 0.45) * along
    if rng.random() < SHADOW_PROBABILITY:
        angle = rng.uniform(0, 2 * math.pi)
        across = xs * math.cos(angle) + ys * math.sin(angle)
        edge = np.quantile(across, rng.uniform(0.5, 0.9))
        softness = rng.uniform(6, 40)
        inside = 1 / (1 + np.exp(-(across - edge) / softness))
        light = light * (1 - rng.uniform(0.2, 0.45) * inside)
    return light


def _encode(image: Image.Image, kind: str, quality: int) -> bytes:
    out = io.BytesIO()
    if kind == "jpg":
        image.save(out, "JPEG", quality=quality, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def upload_item(index: int, seed: int = UPLOADS_SEED) -> tuple[dict[str, Any], bytes]:
    """Uploaded item `index`: its labels.json entry and the image file's bytes."""
    label = CLASSES[index % len(CLASSES)]
    rng = _rng(seed, index)
    long_side = round(math.exp(rng.uniform(math.log(LONG_SIDE[0]), math.log(LONG_SIDE[1]))))
    short_side = round(long_side * rng.uniform(*SHORT_SIDE_RATIO))
    width, height = (long_side, short_side) if rng.random() < 0.5 else (short_side, long_side)
    small = rng.random() < SMALL_DIGIT_PROBABILITY
    style, strokes = trajectory(label, rng, "uploads", SMALL_DIGIT_SIZE if small else DIGIT_SIZE)
    side = min(width, height)
    shift = np.array([rng.uniform(0, width - side), rng.uniform(0, height - side)])
    strokes = [path * side + shift for path in strokes]
    every = np.concatenate(strokes)
    digit_px = float((every.max(axis=0) - every.min(axis=0)).max())
    pen_px = max(MIN_STROKE_PX, digit_px * rng.uniform(*STROKE_WIDTH))
    ink = _stroke_mask(strokes, width, height, pen_px)
    meta: dict[str, Any] = {"label": label, "style": style, "width": width, "height": height}
    meta["pen_px"] = round(pen_px, 1)

    if rng.random() < TRANSPARENT_PROBABILITY:  # a digit exported from a drawing app
        ink_name = ["black", "blue"][int(rng.integers(0, 2))]
        rgba = np.zeros((height, width, 4), dtype=np.uint8)
        rgba[..., :3] = INKS[ink_name]
        rgba[..., 3] = np.round(ink * 255).astype(np.uint8)
        meta.update(kind="transparent png", ink=ink_name)
        return meta | {"file": f"upload-{index:04d}.png"}, _encode(
            Image.fromarray(rgba, "RGBA"), "png", 0
        )

    dark = rng.random() < DARK_PROBABILITY
    if dark:
        paper_name = list(DARK_BOARDS)[int(rng.integers(0, len(DARK_BOARDS)))]
        ink_name = list(CHALKS)[int(rng.integers(0, len(CHALKS)))]
        paper, ink_colour = DARK_BOARDS[paper_name], CHALKS[ink_name]
        grain = np.asarray(
            Image.fromarray((rng.random((height, width)) * 255).astype(np.uint8)).filter(
                ImageFilter.GaussianBlur(0.7)
            ),
            dtype=np.float32,
        )
        ink = ink * np.clip(0.45 + grain / 255, 0, 1)  # chalk skips over the board's grain
        ruling_kind = "plain"
    else:
        paper_name = list(LIGHT_PAPERS)[int(rng.integers(0, len(LIGHT_PAPERS)))]
        ink_name = list(INKS)[int(rng.integers(0, len(INKS)))]
        paper, ink_colour = LIGHT_PAPERS[paper_name], INKS[ink_name]
        ruling_kind = ["plain", "plain", "lined", "squared"][int(rng.integers(0, 4))]
    ruling = _ruling(ruling_kind, width, height, rng)
    meta.update(paper=paper_name, ink=ink_name, ruling=ruling_kind, dark=dark)

    # The camera: paper turned and seen at an angle, maybe with the table around it.
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=float)
    zoom, turn, seen = _camera(corners, every, pen_px, rng)
    coefficients = _perspective_coefficients(corners, seen)
    ink, ruling = _warp(ink, coefficients), _warp(ruling, coefficients)
    paper_area = _warp(np.ones((height, width), dtype=np.float32), coefficients)
    table = np.array(TABLES[int(rng.integers(0, len(TABLES)))], dtype=np.float32)
    meta.update(zoom=round(zoom, 3), turn_degrees=round(math.degrees(turn), 1))

    sheet = np.array(paper, dtype=np.float32) * (1 - ruling[..., None])
    sheet += np.array(RULING_COLOR, dtype=np.float32) * ruling[..., None]
    opacity = rng.uniform(0.75, 1.0)
    covered = (ink * opacity)[..., None]
    sheet = sheet * (1 - covered) + np.array(ink_colour, dtype=np.float32) * covered
    photo = table * (1 - paper_area[..., None]) + sheet * paper_area[..., None]
    tint = 1 + rng.uniform(-0.06, 0.06, size=3)  # the light's colour
    photo = photo * _lighting(width, height, rng)[..., None] * tint

    png = rng.random() < PNG_PROBABILITY
    image = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8), "RGB")
    blur = rng.uniform(*BLUR_SIGMA)
    if blur > 0.3:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    noise = 0.0 if png else rng.uniform(*NOISE_STD)
    pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, 1, (height, width, 3)) * noise
    image = Image.fromarray(np.clip(np.round(pixels), 0, 255).astype(np.uint8), "RGB")
    if png:
        image = image.convert("L")  # scanners save greyscale by default
    quality = int(rng.integers(JPEG_QUALITY[0], JPEG_QUALITY[1] + 1))
    kind = "png" if png else "jpg"
    meta.update(kind="scan png" if png else f"photo jpeg q{quality}", blur=round(blur, 2))
    meta["noise"] = round(noise, 2)
    return meta | {"file": f"upload-{index:04d}.{kind}"}, _encode(image, kind, quality)


def uploads_set(
    per_class: int = UPLOADS_PER_CLASS, seed: int = UPLOADS_SEED
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """labels.json's content and {file name: bytes} for the whole uploaded set."""
    if per_class < 1:
        raise ValueError(f"per_class must be at least 1, not {per_class}")
    entries, files = [], {}
    for index in range(per_class * len(CLASSES)):
        meta, data = upload_item(index, seed)
        entries.append(meta)
        files[meta["file"]] = data
    return {"version": FORMAT_VERSION, "seed": seed, "items": entries}, files


def drawn_json(data: dict[str, Any]) -> str:
    """drawn.json's exact text: one item per line (diffs stay readable), compact otherwise."""
    lines = [json.dumps(item, separators=(",", ":")) for item in data["items"]]
    head = json.dumps({key: value for key, value in data.items() if key != "items"})
    return head[:-1] + ', "items": [\n' + ",\n".join(lines) + "\n]}\n"


def labels_json(labels: dict[str, Any]) -> str:
    lines = [json.dumps(item, separators=(",", ":")) for item in labels["items"]]
    head = json.dumps({key: value for key, value in labels.items() if key != "items"})
    return head[:-1] + ', "items": [\n' + ",\n".join(lines) + "\n]}\n"


def write(data_dir: Path = DATA_DIR) -> None:
    """Regenerate drawn.json and uploads/ under `data_dir` (stale uploads removed)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DRAWN_FILE.name).write_text(drawn_json(drawn_set()))
    uploads = data_dir / UPLOADS_DIR.name
    uploads.mkdir(exist_ok=True)
    labels, files = uploads_set()
    for stale in uploads.glob("upload-*"):
        if stale.name not in files:
            stale.unlink()
    for name, content in files.items():
        (uploads / name).write_bytes(content)
    (uploads / LABELS_FILE.name).write_text(labels_json(labels))


def differences(data_dir: Path = DATA_DIR) -> list[str]:
    """What differs between the committed data under `data_dir` and a fresh generation."""
    problems = []
    drawn = data_dir / DRAWN_FILE.name
    if not drawn.is_file() or drawn.read_text() != drawn_json(drawn_set()):
        problems.append(f"{drawn} differs from the generator's output")
    labels, files = uploads_set()
    labels_path = data_dir / UPLOADS_DIR.name / LABELS_FILE.name
    if not labels_path.is_file() or labels_path.read_text() != labels_json(labels):
        problems.append(f"{labels_path} differs from the generator's output")
    for name, content in files.items():
        path = data_dir / UPLOADS_DIR.name / name
        if not path.is_file() or path.read_bytes() != content:
            problems.append(f"{path} differs from the generator's output")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    if args.check:
        problems = differences()
        print("\n".join(problems) or "benchmarks/data matches the generator")
        return 1 if problems else 0
    write()
    total = sum(path.stat().st_size for path in DATA_DIR.rglob("*") if path.is_file())
    print(f"wrote {DATA_DIR} ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
