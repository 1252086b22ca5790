"""Train the product's CNN on MNIST and save the model with its metrics.

    python -m training.train --data ../shared/data/mnist

Reads top to bottom: load and check the data, hold out validation images, build the CNN,
train with a fixed seed, evaluate on the 10,000 test images, save `model.keras` and
`metrics.json` into `--out` (default `training/artifacts/`, not committed). `export/tfjs.py`
then turns that into the model the page serves.

Augmentation (training/augment.py, on by default; `--no-augment` is the plain recipe, kept for
comparison): every training batch is distorted on the fly the way real drawings differ from
MNIST after the page's MNIST normalization, then framed like MNIST again. What each part
moved, measured on the 5,000 validation images ("clean") and on a distorted copy of them
(training/augment.py DEFAULT_CONFIG, seed 777777, never used in training: "distorted"), in
SHORT runs (3 epochs, all 55,000 training images, seed 1234, test set not consulted):

    command (all: python -m training.train --no-download --epochs 3)   clean    distorted
    --no-augment                                                        99.02%   95.58%
    (all parts)                                                         99.00%   97.66%
    --without affine     (rotation, slant, aspect)                     98.94%   96.66%
    --without elastic    (smooth wobble)                                99.00%   97.38%
    --without thickness  (fat and thin strokes)                        99.04%   97.12%
    --without frame      (box size / centre jitter)                     98.94%   97.40%

On copies distorted by ONE part only (same seed), the part's own gain: affine 98.12 -> 98.84%
(no_affine -> all), thick strokes (radius 0.5..1.25 on every image) 96.26 -> 98.16%, elastic
98.50 -> 98.62% and framing 98.60 -> 98.74% (both within the noise of 5,000 images, about
+-0.15 points), thin strokes none (98.84 vs 98.76%). Clean validation accuracy moves by no more
than that noise at 3 epochs: the augmentation costs nothing measurable on MNIST itself. Affine
and thickness carry most of the gain; elastic and framing are kept because they model real
variation (wobble, off-centre framing) at no measured cost.

Full runs (python -m training.train --no-download [--no-augment --epochs 15]):
augmented, 24 epochs: MNIST test 99.54% (99.55% uint8 as exported), validation 99.54%,
distorted 98.68%, 1,481 s wall time on 2 cores shared with other work; plain, 15 epochs (the
previous shipped recipe): MNIST test 99.31%.

"ones" (added after the real-world benchmark showed drawn 1s with a flag read as 7: class 1 at
81.7% on the drawn set): a flag down-left from the top of some 1s, and a foot on some of those.
Full 24-epoch runs, before -> after: drawn set 95.7 -> 98.2% (class 1: 81.7 -> 95.0%), uploaded
set 93.3 -> 96.4% (CPython + Keras check of the same images), MNIST test 99.54 -> 99.46% (99.47%
uint8 as shipped), validation 99.54% both, distorted 98.68 -> 98.58%.

"real" (the train parts of ../shared/data/uci-digits, 3 renderings each, and crossbars on some
7s, added after real people's pen trajectories came out at 72.9% and their scans at 67-94%):
one full 24-epoch run, shipped: MNIST test 99.46 -> 99.33% (99.32% uint8), validation 99.30%,
distorted 98.36%, real pen validation 96.9%, real scan validation 99.7% (5,845 s on 2 cores
shared with browser tests). The two were not ablated apart (one run fit the time); the held-out
figures are in README.md ("Real-world accuracy").

"--scan-photos 2" (each real training scan also photographed twice and read by the page's
photo path; not shipped): one full 24-epoch run, 2,963 s on 2 cores: validation figures the
same as the shipped run's to the digit; on the held-out rows (benchmarks.replica) scans
97.9 -> 98.1%, scans-photo 96.9 -> 96.5%, uploaded 97.8 -> 97.6%, "not sure" lower on four
of five rows; no gain beyond a digit or two either way (README.md, "The model").
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import sys
import time
from pathlib import Path

import numpy as np

from training import data, handwriting, mnist, uncertainty
from training.model import ARCHITECTURES, DEFAULT_ARCHITECTURE

DEFAULT_OUT_DIR = data.ROOT / "training" / "artifacts"
# Augmented images are harder, so training runs longer than the plain recipe's 15 epochs: 24
# fit the ~25-minute budget (1,481 s measured); validation accuracy still rose over the last
# epochs of the cosine decay (99.36% at epoch 15, 99.54% at 24).
DEFAULT_EPOCHS = 24
DEFAULT_SEED = 1234
BATCH_SIZE = 128
LEARNING_RATE = 1e-3
AUGMENT_PARTS = ("affine", "elastic", "thickness", "frame", "ones", "sevens")
# With --limit N (smoke tests), at most N // REAL_LIMIT_DIVISOR digits of each real file part.
REAL_LIMIT_DIVISOR = 10


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data.add_data_arguments(parser)
    parser.add_argument(
        "--real",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also train on the train parts of the real handwriting (default on, as shipped)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="where to save")
    parser.add_argument(
        "--architecture",
        choices=sorted(ARCHITECTURES),
        default=DEFAULT_ARCHITECTURE,
        help="guide: the product's CNN as the guide describes it (default); compact: the "
        "measured alternative in training/model.py, same recipe",
    )
    parser.add_argument(
        "--scan-photos",
        type=int,
        default=0,
        help="also photograph each real training scan this many times and train on what the "
        "page's photo path makes of them (2 was measured and not shipped: see README.md)",
    )
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="train on only the first N training images (smoke tests); the test set stays whole",
    )
    parser.add_argument("--no-download", action="store_true", help="never fetch missing files")
    parser.add_argument(
        "--augment",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="train on augmented images (training/augment.py; default on, as shipped)",
    )
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=AUGMENT_PARTS,
        help="switch off one augmentation part (ablations; repeatable)",
    )
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.scan_photos < 0:
        parser.error("--scan-photos must be 0 or more")
    if args.limit is not None and args.limit < 20:
        parser.error("--limit must be at least 20 images")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    # Data: check everything before spending minutes on TensorFlow.
    try:
        mnist_data = mnist.load(args.data, allow_download=not args.no_download)
    except mnist.MnistError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    images, labels = mnist_data.train_images, mnist_data.train_labels
    if args.limit is not None:
        images, labels = images[: args.limit], labels[: args.limit]
    test_images, test_labels = mnist_data.test_images, mnist_data.test_labels
    if args.test_limit is not None:
        test_images, test_labels = test_images[: args.test_limit], test_labels[: args.test_limit]
    train_images, train_labels, validation_images, y_validation = data.mnist_split(images, labels)
    x_validation = data.to_model_input(validation_images)
    x_test, y_test = data.to_model_input(test_images), test_labels
    mnist_train_count = len(train_images)

    # Real handwriting (training/handwriting.py): the train parts join MNIST's training images,
    # the validation parts are measured and calibrate "not sure"; the held-out parts are the
    # benchmark's. Rendered through the page's own preprocessing, which takes a minute or two.
    real_validation: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    real_train_counts: dict[str, int] = {}
    if args.real:
        real_limit = None if args.limit is None else max(1, args.limit // REAL_LIMIT_DIVISOR)
        try:
            real_train = data.real_part(
                "train", directory=args.real_data, limit=real_limit, scan_photos=args.scan_photos
            )
            for source, (images_part, labels_part) in real_train.items():
                train_images = np.concatenate([train_images, images_part])
                train_labels = np.concatenate([train_labels, labels_part])
                real_train_counts[source] = len(labels_part)
            real_validation = data.real_validation_sets(args.real_data, limit=real_limit)
        except handwriting.HandwritingError as error:
            print(f"error: {error} (or train without it: --no-real)", file=sys.stderr)
            return 2
    x_train = data.to_model_input(train_images)
    y_train = train_labels
    print(
        f"train {len(x_train)} ({mnist_train_count} MNIST, real: {real_train_counts or 'none'}), "
        f"validation {len(x_validation)}, test {len(x_test)} images"
    )

    import keras  # imported late: TensorFlow takes seconds to load

    keras.utils.set_random_seed(args.seed)
    build_model, architecture = ARCHITECTURES[args.architecture]
    model = build_model()
    steps = args.epochs * int(np.ceil(len(x_train) / BATCH_SIZE))
    # Cosine decay to zero: the last epochs fine-tune at a small rate, which on this CNN is
    # worth about 0.1 point of test accuracy over a constant rate, with no extra epochs.
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.summary()

    from training import augment  # imported late: it imports TensorFlow

    config = augment.without(augment.DEFAULT_CONFIG, *args.without) if args.augment else None
    if config is not None:
        # Augmented batches are made on the fly from the uint8 images, seeded per step.
        inputs = {
            "x": augment.augmented_dataset(
                train_images,
                y_train,
                batch_size=BATCH_SIZE,
                epochs=args.epochs,
                seed=args.seed,
                config=config,
            ),
            "steps_per_epoch": int(np.ceil(len(x_train) / BATCH_SIZE)),
            "shuffle": False,  # the dataset shuffles itself, seeded
        }
    else:
        inputs = {"x": x_train, "y": y_train, "batch_size": BATCH_SIZE}

    started = time.monotonic()
    history = model.fit(
        **inputs,
        epochs=args.epochs,
        validation_data=(x_validation, y_validation),
        verbose="auto" if sys.stdout.isatty() else 2,
    )
    training_seconds = time.monotonic() - started

    probabilities = model.predict(x_test, batch_size=1000, verbose=0)
    predicted = probabilities.argmax(axis=1)
    test_accuracy = float((predicted == y_test).mean())
    per_class = {
        str(digit): float((predicted[y_test == digit] == digit).mean())
        for digit in range(10)
        if (y_test == digit).any()
    }
    print(f"test accuracy: {test_accuracy:.4%} on {len(y_test)} images")
    real_accuracy = {}
    for name, (images_part, labels_part) in real_validation.items():
        predicted_part = model.predict(images_part, batch_size=1000, verbose=0).argmax(axis=1)
        real_accuracy[name] = float((predicted_part == labels_part).mean())
        print(f"{name}: {real_accuracy[name]:.2%} of {len(labels_part)}")
    calibration = uncertainty.calibrate(
        model, {"validation": (x_validation, y_validation), **real_validation}
    )
    print(
        f"validation accuracy {calibration['on']['validation']['accuracy']:.4%}, distorted "
        f"{calibration['on']['distorted_validation']['accuracy']:.4%}; "
        f"uncertain below {calibration['uncertain_below']}"
    )

    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / "model.keras")
    metrics = {
        "test_accuracy": test_accuracy,
        "test_images": len(y_test),
        "per_class_accuracy": per_class,
        "validation_accuracy": float(history.history["val_accuracy"][-1]),
        "distorted_validation_accuracy": calibration["on"]["distorted_validation"]["accuracy"],
        "real_validation_accuracy": real_accuracy,
        "real_train_images": real_train_counts,
        "scan_photos": args.scan_photos,
        "augmentation": None if config is None else dataclasses.asdict(config),
        "uncertainty": calibration,
        "train_images": len(x_train),
        "validation_images": len(x_validation),
        "epochs": args.epochs,
        "batch_size": BATCH_SIZE,
        "learning_rate": LEARNING_RATE,
        "seed": args.seed,
        "training_seconds": round(training_seconds, 1),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "data_sha256": mnist_data.sha256,
        "architecture": architecture,
    }
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(f"saved {args.out / 'model.keras'} and {args.out / 'metrics.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
