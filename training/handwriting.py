"""Real handwriting from real people: the two UCI digit sets in ``../shared/data/uci-digits``.

Nobody on the team wrote or generated these digits, so they are the honest measure of how the
page does on handwriting, and (their training part only) data the model may learn from:

* **scans** (``optdigits-orig.tra.gz``): forms filled in by 30 people, scanned, each digit cut
  out and normalized to a 32x32 binary bitmap;
* **pen** (``pendigits.tra.gz``): digits written by 30 people on a tablet, each trajectory
  scaled to 0-100 (y upwards) and resampled to 8 points over the whole trajectory, pen-up
  jumps included, so the honest replay is one polyline through the 8 points in order.

Every file is split the same fixed way (``split``): the last quarter is the **held-out** part,
never trained on or tuned on, which ``benchmarks.realworld`` reports; of the rest, the last
fifth is **validation** (watching training, calibrating "not sure"), the others **train**. The
files do not say which writer wrote which digit, so the writers of the held-out part may also
have written digits of the training part: held-out figures are for new digits, not new people.

This module also renders the digits the way the page receives them: a trajectory drawn on the
pad (black ink on transparency, the pad's round pen 1/14 of its side), a scan as an image file
(black on white at a given size and stroke width). The same functions feed training and the
benchmark, so what the model learns from is what the page is measured on.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared" / "data" / "uci-digits"
SCANS_FILE = "optdigits-orig.tra.gz"
PEN_FILE = "pendigits.tra.gz"
SCAN_SIDE = 32
SCAN_HEADER_LINES = 21
PEN_POINTS = 8
PEN_RANGE = 100
PARTS = ("train", "validation", "held_out")
# The last HELD_OUT_SHARE of each file is held out; VALIDATION_SHARE of the rest validates.
HELD_OUT_SHARE = 0.25
VALIDATION_SHARE = 0.2
# The pad's pen (site/js/pad.js PEN_WIDTH_FRACTION): 20 px on a 280 px pad.
PEN_WIDTH_FRACTION = 1 / 14
PAD_SIDE = 280
# Drawn at this many times the size, then averaged down: the canvas's anti-aliasing.
SUPERSAMPLE = 4


class HandwritingError(ValueError):
    """A file is missing, or not in the format the README of the data describes."""


@dataclass(frozen=True)
class Scan:
    """A 32x32 bitmap, rows of 0/1 (1 = ink), and its digit."""

    rows: tuple[tuple[int, ...], ...]
    label: int


@dataclass(frozen=True)
class Trajectory:
    """8 points (x right, y up, 0-100) written in this order, and the digit."""

    points: tuple[tuple[int, int], ...]
    label: int


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise HandwritingError(f"{path} is missing (see ../shared/data/uci-digits/README.md)")
    with gzip.open(path, "rt", encoding="ascii") as file:
        return file.read().splitlines()


def load_scans(directory: Path = DEFAULT_DIR) -> list[Scan]:
    """Every scanned digit of ``optdigits-orig.tra.gz``, in file order."""
    lines = _lines(Path(directory) / SCANS_FILE)[SCAN_HEADER_LINES:]
    record = SCAN_SIDE + 1
    if len(lines) % record:
        raise HandwritingError(f"{SCANS_FILE}: {len(lines)} lines is not a whole number of digits")
    scans = []
    for start in range(0, len(lines), record):
        bitmap, label = lines[start : start + SCAN_SIDE], lines[start + SCAN_SIDE].strip()
        if any(len(row) != SCAN_SIDE or set(row) - {"0", "1"} for row in bitmap) or not (
            label.isdigit() and len(label) == 1
        ):
            raise HandwritingError(f"{SCANS_FILE}: digit {start // record} is malformed")
        scans.append(Scan(tuple(tuple(map(int, row)) for row in bitmap), int(label)))
    return scans


def load_pen(directory: Path = DEFAULT_DIR) -> list[Trajectory]:
    """Every trajectory of ``pendigits.tra.gz``, in file order."""
    trajectories = []
    for number, line in enumerate(_lines(Path(directory) / PEN_FILE)):
        values = [int(value) for value in line.split(",")]
        if len(values) != 2 * PEN_POINTS + 1 or not 0 <= values[-1] <= 9:
            raise HandwritingError(f"{PEN_FILE}: line {number + 1} is malformed")
        points = tuple(zip(values[0:-1:2], values[1:-1:2], strict=True))
        trajectories.append(Trajectory(points, values[-1]))
    return trajectories


def split(count: int) -> dict[str, range]:
    """The fixed parts of a file of ``count`` digits: train, validation, held_out (in order)."""
    held_out = count - round(count * HELD_OUT_SHARE)
    validation = held_out - round(held_out * VALIDATION_SHARE)
    return {
        "train": range(0, validation),
        "validation": range(validation, held_out),
        "held_out": range(held_out, count),
    }


def part(items: Sequence, name: str) -> list:
    """The items of one part (``PARTS``) of a loaded file."""
    if name not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {name!r}")
    return [items[index] for index in split(len(items))[name]]


# --- the pen: trajectories as strokes on the pad ---------------------------------------------


def pad_stroke(
    trajectory: Trajectory, *, size: float = 0.7, centre: tuple[float, float] = (0.5, 0.5)
) -> list[tuple[float, float]]:
    """The trajectory as one stroke in pad fractions (0-1, y down), ``size`` of the pad tall
    (or wide, whichever is longer), centred at ``centre``: one polyline, as the data allows."""
    xs = [x for x, _ in trajectory.points]
    ys = [y for _, y in trajectory.points]
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    middle_x, middle_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [
        (centre[0] + (x - middle_x) * size / extent, centre[1] - (y - middle_y) * size / extent)
        for x, y in trajectory.points
    ]


def draw_on_pad(
    strokes: Sequence[Sequence[tuple[float, float]]],
    *,
    side: int = PAD_SIDE,
    pen_scale: float = 1.0,
) -> Image.Image:
    """The strokes as the pad draws them: black, round caps and joins, pen 1/14 of the side,
    anti-aliased, on transparency (RGBA). ``pen_scale`` is a pen's pressure (0.4-1.6)."""
    big = side * SUPERSAMPLE
    width = side * PEN_WIDTH_FRACTION * pen_scale * SUPERSAMPLE
    coverage = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(coverage)
    for stroke in strokes:
        points = [(x * big, y * big) for x, y in stroke]
        for x, y in points:
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
        if len(points) > 1:
            draw.line(points, fill=255, width=round(width))
    alpha = coverage.resize((side, side), Image.Resampling.BOX)
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    image.putalpha(alpha)
    return image


# --- the scans: bitmaps as image files --------------------------------------------------------


def scan_image(scan: Scan, *, scale: int = 4, thickness: int = 0, margin: float = 0.0):
    """The bitmap as a black-on-white greyscale image, each bit ``scale`` px, strokes grown
    (``thickness`` > 0) or thinned (< 0) by that many px per side, with a white ``margin``
    (a fraction of the side) around it: how a scanned form's digit is uploaded."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    ink = Image.new("L", (SCAN_SIDE, SCAN_SIDE))
    ink.putdata([255 * bit for row in scan.rows for bit in row])
    ink = ink.resize((SCAN_SIDE * scale, SCAN_SIDE * scale), Image.Resampling.NEAREST)
    if thickness:
        size = 2 * abs(thickness) + 1
        grow = ImageFilter.MaxFilter(size) if thickness > 0 else ImageFilter.MinFilter(size)
        ink = ink.filter(grow)
    pad = round(margin * ink.width)
    framed = Image.new("L", (ink.width + 2 * pad, ink.height + 2 * pad), 0)
    framed.paste(ink, (pad, pad))
    return framed.point(lambda value: 255 - value)


def photographed(image: Image.Image, rng: random.Random) -> Image.Image:
    """A black-on-white image as a phone photo of it on paper: off-white paper, light falling
    off across the sheet, grey ink, a little blur and sensor noise (RGB)."""
    width, height = image.size
    paper = rng.uniform(170, 235)
    ink_level = rng.uniform(20, 80)
    falloff = rng.uniform(0.0, 0.35)
    blurred = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2) * width / 128))
    light = Image.linear_gradient("L").resize((width, height)).rotate(rng.uniform(0, 360))
    shade = np.frombuffer(blurred.tobytes(), np.uint8).reshape(height, width) / 255
    lit = np.frombuffer(light.tobytes(), np.uint8).reshape(height, width) / 255
    level = (ink_level + (paper - ink_level) * shade) * (1 - falloff * lit)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 3, (height, width))
    tint = np.array([rng.uniform(0.9, 1.0) for _ in range(3)])
    pixels = np.clip(np.rint((level + noise)[..., np.newaxis] * tint), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


# --- model inputs: the page's own preprocessing, for training and calibration -----------------

# Variants rendered per training digit: people draw at different sizes with different pens,
# and scans come at different resolutions and stroke widths.
PEN_SIZES = (0.45, 0.85)  # share of the pad the digit spans
PEN_SCALES = (0.8, 1.25)  # pen width, as pressure would change it
PEN_JITTER = 2.0  # points moved by a Gaussian of this many units (of 100)
SCAN_SCALES = (2, 3, 4)
SCAN_THICKNESS = (0, 0, 1, 2)  # px per side at scale 3 and above; thin scans stay as they are


def model_input(image: Image.Image) -> list[float] | None:
    """The 784 floats the page gives the model for this image (None: nothing to recognize)."""
    from digits import preprocess  # the page's own Python (py/digits)

    rgba = image.convert("RGBA")
    try:
        return preprocess.to_model_input(rgba.tobytes(), *rgba.size)
    except preprocess.NothingToRecognize:
        return None


def jittered(trajectory: Trajectory, rng: random.Random) -> Trajectory:
    """The trajectory with every point moved a little: another hand writing the same way."""
    return Trajectory(
        tuple(
            (x + rng.gauss(0, PEN_JITTER), y + rng.gauss(0, PEN_JITTER))
            for x, y in trajectory.points
        ),
        trajectory.label,
    )


def pen_image(trajectory: Trajectory, rng: random.Random | None = None) -> Image.Image:
    """The trajectory drawn on the pad: as given (``rng`` None) or at a random size, place and
    pen width, with its points jittered."""
    if rng is None:
        return draw_on_pad([pad_stroke(trajectory)])
    size = rng.uniform(*PEN_SIZES)
    room = (1 - size) / 2
    centre = (0.5 + rng.uniform(-room, room) / 2, 0.5 + rng.uniform(-room, room) / 2)
    stroke = pad_stroke(jittered(trajectory, rng), size=size, centre=centre)
    return draw_on_pad([stroke], pen_scale=rng.uniform(*PEN_SCALES))


def scan_ink(scan: Scan, *, scale: int = 4, thickness: int = 0) -> Image.Image:
    """The scan as black ink on transparency: the plain path (ink is darkness over white,
    exactly as the page takes a clean black-on-white upload)."""
    image = scan_image(scan, scale=scale, thickness=thickness, margin=0.1)
    ink = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ink.putalpha(image.point(lambda value: 255 - value))
    return ink


def _scan_size(rng: random.Random) -> dict[str, int]:
    """A random resolution and stroke width for a scan (thin scans stay as they are)."""
    scale = rng.choice(SCAN_SCALES)
    return {"scale": scale, "thickness": rng.choice(SCAN_THICKNESS) if scale >= 3 else 0}


def scan_variant(scan: Scan, rng: random.Random) -> Image.Image:
    """The scan at a random resolution and stroke width, as black ink on transparency."""
    return scan_ink(scan, **_scan_size(rng))


def scan_photo_variant(scan: Scan, rng: random.Random) -> Image.Image:
    """The scan on paper at a random resolution and stroke width, photographed (RGB): the
    page reads it through its photo path."""
    return photographed(scan_image(scan, **_scan_size(rng), margin=0.25), rng)


def training_inputs(
    part_name: str,
    *,
    variants: int,
    seed: int,
    directory: Path = DEFAULT_DIR,
    limit: int | None = None,
    photo_variants: int = 0,
) -> tuple[list[list[float]], list[int], list[str]]:
    """Model inputs of one part of both files: ``variants`` random renderings of every digit
    (0: each digit once, as given: the pen at 0.7 of the pad, the scan at 4x), and
    ``photo_variants`` photos of every scan (``scan_photo_variant``), at most ``limit`` digits
    of each file. Returns the inputs, the labels and each one's source ("pen" or "scan"); a
    rendering with nothing to recognize is left out."""
    rng = random.Random(seed)
    inputs, labels, sources = [], [], []

    def add(source: str, label: int, image: Image.Image) -> None:
        pixels = model_input(image)
        if pixels is not None:
            inputs.append(pixels)
            labels.append(label)
            sources.append(source)

    for trajectory in part(load_pen(directory), part_name)[:limit]:
        for _ in range(max(1, variants)):
            add("pen", trajectory.label, pen_image(trajectory, rng if variants else None))
    for scan in part(load_scans(directory), part_name)[:limit]:
        for _ in range(max(1, variants)):
            add("scan", scan.label, scan_variant(scan, rng) if variants else scan_ink(scan))
        for _ in range(photo_variants):
            add("scan", scan.label, scan_photo_variant(scan, rng))
    return inputs, labels, sources
