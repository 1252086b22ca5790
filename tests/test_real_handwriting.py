"""Real people's handwriting (../shared/data/uci-digits) through the page's preprocessing.

Two promises of the upload path, checked on real scans and on bold shapes:
- a clean image (even paper, one ink) is read by plain normalization, exactly as the
  baseline page reads it: the photo machinery may never make it worse;
- bold, solid strokes stay solid: no hollow bars or rings in what the model sees, whether the
  image is clean or a photo that needs the background estimated.
And the data's fixed split: the held-out part is never trained on.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import pytest
from digits.preprocess import NothingToRecognize, to_model_input
from PIL import Image, ImageDraw

from tests import photos
from training import handwriting

SCANS = handwriting.part(handwriting.load_scans(), "held_out")
# A spread of held-out scans: every class, thin and bold writers.
SAMPLE = [SCANS[index] for index in range(0, len(SCANS), 37)]
SIDE = 320
SOLID = 0.9  # model input at least this inside a solid shape: full ink, not hollow
LOOKS_THE_SAME = 0.9  # correlation with the plain normalization of the clean image


def rgba(image: Image.Image) -> tuple[bytes, int, int]:
    image = image.convert("RGBA")
    return image.tobytes(), *image.size


def plain(image: Image.Image) -> list[float]:
    """The baseline page's reading: ink = darkness over white, MNIST normalization (the
    pad's own path: the same darkness as black ink on transparency)."""
    ink = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ink.putalpha(image.convert("L").point(lambda value: 255 - value))
    return to_model_input(*rgba(ink))


def interior(values: Sequence[float]) -> list[int]:
    """Indices of the 28x28 pixels that are full ink with all 8 neighbours full ink too."""
    field = np.asarray(values).reshape(28, 28) >= SOLID
    inner = field[1:-1, 1:-1].copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            inner &= field[1 + dy : 27 + dy, 1 + dx : 27 + dx]
    rows, columns = np.nonzero(inner)
    return [(row + 1) * 28 + column + 1 for row, column in zip(rows, columns, strict=True)]


def solid_shapes() -> dict[str, Image.Image]:
    """Black-on-white shapes with a stroke far wider than a background cell."""
    shapes = {}
    bar = Image.new("L", (SIDE, SIDE), 255)
    ImageDraw.Draw(bar).rectangle((130, 40, 190, 280), fill=0)
    shapes["filled-bar"] = bar
    disc = Image.new("L", (SIDE, SIDE), 255)
    ImageDraw.Draw(disc).ellipse((60, 60, 260, 260), fill=0)
    shapes["disc"] = disc
    seven = Image.new("L", (SIDE, SIDE), 255)
    ImageDraw.Draw(seven).line([(70, 60), (250, 60), (150, 280)], fill=0, width=56, joint="curve")
    shapes["marker-seven"] = seven
    shapes["bold-scan-1"] = handwriting.scan_image(
        next(scan for scan in SCANS if scan.label == 1), scale=10, thickness=4, margin=0.1
    )
    return shapes


def photographed(image: Image.Image) -> Image.Image:
    """The image as a photo of paper: grey paper under a lighting gradient, with noise, so
    that it is not clean and the photo path (local background) reads it."""
    cover = 1 - np.asarray(image.convert("L"), dtype=np.float64) / 255
    height, width = cover.shape
    data = photos.on_paper(
        cover,
        paper=(215, 210, 200),
        ink=(30, 30, 40),
        lighting=photos.gradient(width, height, 1.0, 0.6),
        noise=3,
    )
    return Image.frombytes("RGBA", (width, height), data)


@pytest.mark.parametrize("scan", SAMPLE, ids=lambda scan: f"digit-{scan.label}")
@pytest.mark.parametrize(("scale", "thickness", "margin"), [(1, 0, 0.0), (4, 0, 0.1), (8, 3, 0.0)])
def test_a_clean_scan_is_read_by_plain_normalization(
    scan: handwriting.Scan, scale: int, thickness: int, margin: float
) -> None:
    image = handwriting.scan_image(scan, scale=scale, thickness=thickness, margin=margin)
    assert to_model_input(*rgba(image)) == plain(image)


@pytest.mark.parametrize("scan", SAMPLE[:6], ids=lambda scan: f"digit-{scan.label}")
def test_a_clean_light_on_dark_scan_is_its_inverse(scan: handwriting.Scan) -> None:
    image = handwriting.scan_image(scan, scale=4, margin=0.1)
    inverse = image.point(lambda value: 255 - value)
    assert to_model_input(*rgba(inverse)) == plain(image)


@pytest.mark.parametrize("name", sorted(solid_shapes()))
def test_a_solid_shape_stays_solid(name: str) -> None:
    image = solid_shapes()[name]
    reference = plain(image)
    inside = interior(reference)
    assert len(inside) >= 10, "the shape must have an inside to check"
    clean = to_model_input(*rgba(image))
    assert clean == reference
    photo = to_model_input(*rgba(photographed(image)))
    hollow = [index for index in inside if photo[index] < SOLID]
    assert not hollow, f"{len(hollow)} of {len(inside)} inside pixels came out hollow"
    assert photos.correlation(photo, reference) > LOOKS_THE_SAME


@pytest.mark.parametrize("scan", SAMPLE, ids=lambda scan: f"digit-{scan.label}")
def test_a_photographed_real_scan_looks_like_the_clean_one(scan: handwriting.Scan) -> None:
    image = handwriting.scan_image(scan, scale=8, thickness=2, margin=0.3)
    photo = handwriting.photographed(image, random.Random(scan.label))
    assert photos.correlation(to_model_input(*rgba(photo)), plain(image)) > LOOKS_THE_SAME


def test_training_can_add_photos_of_each_scan_and_leaves_the_rest_as_it_was() -> None:
    """``training.train --scan-photos N``: each training scan also photographed N times and
    read by the photo path; without it, the training inputs are exactly as before."""
    plain_run = handwriting.training_inputs("train", variants=1, seed=3, limit=4)
    with_photos = handwriting.training_inputs(
        "train", variants=1, seed=3, limit=4, photo_variants=2
    )
    assert plain_run[2].count("scan") == 4 and with_photos[2].count("scan") == 12
    scans = handwriting.part(handwriting.load_scans(), "train")[:4]
    labels = [label for label, source in zip(*with_photos[1:], strict=True) if source == "scan"]
    assert labels == [scan.label for scan in scans for _ in range(3)]
    photo = np.array(with_photos[0][with_photos[2].index("scan") + 1])
    clean = np.array(with_photos[0][with_photos[2].index("scan")])
    assert photo.max() > 0.5 and not np.array_equal(photo, clean)
    # What comes before the first photo is drawn as in a run without photos: the pen digits
    # and the first scan's clean rendering.
    first_scan = plain_run[2].index("scan")
    assert plain_run[0][: first_scan + 1] == with_photos[0][: first_scan + 1]


def test_the_held_out_part_is_fixed_and_never_in_training() -> None:
    for count in (len(handwriting.load_scans()), len(handwriting.load_pen())):
        parts = handwriting.split(count)
        indices = [set(parts[name]) for name in handwriting.PARTS]
        assert sum(map(len, indices)) == count and set.union(*indices) == set(range(count))
        assert not indices[0] & indices[2] and not indices[1] & indices[2]
        assert len(indices[2]) == round(count * handwriting.HELD_OUT_SHARE)
        assert max(indices[2]) == count - 1  # the file's last quarter


def test_a_trajectory_is_one_stroke_through_its_points_in_order() -> None:
    trajectory = handwriting.load_pen()[0]
    stroke = handwriting.pad_stroke(trajectory, size=0.5)
    assert len(stroke) == handwriting.PEN_POINTS
    xs, ys = [x for x, _ in stroke], [y for _, y in stroke]
    assert max(xs) - min(xs) == pytest.approx(0.5) and max(ys) - min(ys) == pytest.approx(0.5)
    # y is up in the data, down on the pad: the highest point comes out on top.
    top = max(range(len(stroke)), key=lambda index: trajectory.points[index][1])
    assert stroke[top][1] == min(ys)


BOLD_SCANS = SCANS[:60]


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("margin", [0.25, 0.05], ids=["with-paper-around", "cropped-tight"])
def test_a_photographed_bold_scan_keeps_dark_ink_dark(margin: float, seed: int) -> None:
    """Bold strokes (a thick pen, scanned large) fill most of a background cell, and a photo
    cropped tight to its digit is mostly ink: the photo path must still take the ink for
    ink, not the paper between the strokes (the digit came out as its own negative on 7 of
    the benchmark's photographed held-out scans, and on a tenth of those cropped tight)."""
    rng = random.Random(seed)
    unlike = []
    for scan in BOLD_SCANS:
        image = handwriting.scan_image(scan, scale=8, thickness=4, margin=margin)
        photo = handwriting.photographed(image, rng)
        if photos.correlation(to_model_input(*rgba(photo)), plain(image)) <= LOOKS_THE_SAME:
            unlike.append(scan.label)
    assert not unlike, f"photographed bold scans of {unlike} do not look like the clean ones"


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize(("scale", "thickness"), [(4, 0), (8, 4)], ids=["x4", "x8-bold"])
def test_a_photo_cropped_to_the_digit_reads_the_digit(
    scale: int, thickness: int, seed: int
) -> None:
    """A photo cropped with no margin at all: the strokes run off the photo's edges. The
    photo path sets aside what touches the edge (the table, a shadow) and cuts beyond a
    straight paper edge; here that is the digit itself, and a 2's base or a 3's curve along
    the edge is no paper edge (the digit came out as nothing, or as its remains, on a fifth
    of the benchmark's photos cropped so)."""
    rng = random.Random(seed)
    unlike = []
    for scan in BOLD_SCANS:
        image = handwriting.scan_image(scan, scale=scale, thickness=thickness, margin=0)
        photo = handwriting.photographed(image, rng)
        try:
            model_input = to_model_input(*rgba(photo))
        except NothingToRecognize:
            unlike.append(f"{scan.label} (nothing)")
            continue
        if photos.correlation(model_input, plain(image)) <= LOOKS_THE_SAME:
            unlike.append(str(scan.label))
    assert not unlike, f"photos cropped to the digits {unlike} do not look like the clean ones"
