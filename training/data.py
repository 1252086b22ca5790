"""The data the training scripts share: where it lives, how it is split, what the model sees.

`train.py`, `calibrate.py` and `export/tfjs.py` are scripts; they import this module and the
libraries beside it (`mnist`, `handwriting`, `augment`, `uncertainty`, `model`), never each
other, so the data options, the held-out validation images and the conversion to model inputs
are the same for all of them.

* MNIST (``../shared/data/mnist``): the last ``VALIDATION_SIZE`` training images validate,
  the rest train; the test set is touched only once, after training.
* Real handwriting (``../shared/data/uci-digits``, training/handwriting.py): each file's train
  part is rendered ``REAL_VARIANTS`` times (sizes, pens, resolutions) and put through the
  page's own preprocessing; its validation part, rendered once as given, validates and
  calibrates; its held-out part is left to the benchmark.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from training import handwriting

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MNIST_DIR = ROOT.parent / "shared" / "data" / "mnist"
DEFAULT_REAL_DIR = handwriting.DEFAULT_DIR
# 5,000 of the 60,000 training images are held out to watch for over-fitting epoch by epoch.
VALIDATION_SIZE = 5000
# Renderings of each real training digit: the train parts hold 4,496 trajectories and 1,160
# scans, so 3 renderings add about 17,000 images to MNIST's 55,000 (a quarter of the batches).
REAL_VARIANTS = 3
REAL_SEED = 20_261_127


def add_data_arguments(
    parser: argparse.ArgumentParser, *, real: bool = True, test_limit: bool = True
) -> None:
    """The data options of the scripts, with the same names and defaults everywhere: ``--data``
    (MNIST), and where the script uses them ``--real-data`` (the real handwriting) and
    ``--test-limit``."""
    parser.add_argument("--data", type=Path, default=DEFAULT_MNIST_DIR, help="MNIST IDX directory")
    if real:
        parser.add_argument(
            "--real-data",
            type=Path,
            default=DEFAULT_REAL_DIR,
            help="the UCI real handwriting files (training/handwriting.py)",
        )
    if test_limit:
        parser.add_argument(
            "--test-limit", type=int, default=None, help="measure on only the first N test images"
        )


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 N x 28 x 28 -> float32 N x 28 x 28 x 1 in [0, 1], what py/ produces in the page."""
    return (images.astype("float32") / 255.0)[..., np.newaxis]


def mnist_split(images: np.ndarray, labels: np.ndarray):
    """(train images, train labels, validation images, validation labels) of MNIST's training
    set: the last VALIDATION_SIZE images (a tenth of a small set) validate."""
    validation_size = min(VALIDATION_SIZE, len(images) // 10)
    return (
        images[:-validation_size],
        labels[:-validation_size],
        images[-validation_size:],
        labels[-validation_size:],
    )


def real_part(
    part: str,
    *,
    directory: Path = DEFAULT_REAL_DIR,
    limit: int | None = None,
    scan_photos: int = 0,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """One part of the real files as uint8 model inputs, per source: {"pen": (images [N, 28,
    28], labels), "scan": ...}. The train part is rendered REAL_VARIANTS times per digit, and
    each of its scans also photographed `scan_photos` times; the others once, as given.
    ``limit``: at most that many digits of each file (smoke tests)."""
    training = part == "train"
    inputs, labels, sources = handwriting.training_inputs(
        part,
        variants=REAL_VARIANTS if training else 0,
        seed=REAL_SEED,
        directory=directory,
        limit=limit,
        photo_variants=scan_photos if training else 0,
    )
    images = np.rint(np.asarray(inputs, dtype=np.float32).reshape(-1, 28, 28) * 255)
    images = images.astype(np.uint8)
    labels_array, sources_array = np.asarray(labels, dtype=np.uint8), np.asarray(sources)
    return {
        source: (images[sources_array == source], labels_array[sources_array == source])
        for source in ("pen", "scan")
    }


def real_validation_sets(
    directory: Path = DEFAULT_REAL_DIR, *, limit: int | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The real validation parts as model inputs, named as the calibration reports them:
    {"real_pen_validation": (inputs [N, 28, 28, 1], labels), "real_scan_validation": ...}."""
    return {
        f"real_{source}_validation": (to_model_input(images), labels)
        for source, (images, labels) in real_part(
            "validation", directory=directory, limit=limit
        ).items()
    }
