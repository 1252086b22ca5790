"""Choose, from held-out data, when the page should say it is not sure.

    python -m training.calibrate [--model training/artifacts/model.keras]

The page's rule: "if the top probability is below THRESHOLD, say 'not sure' and show the top
two". The threshold comes from data the model never trained on: the 5,000 validation images
plus a distorted copy of them (training/augment.py with a seed training never uses), because
real drawings are harder than MNIST and a threshold tuned on clean digits alone would almost
never fire.

Criterion: the LARGEST threshold at which the flagged answers (top probability below it) are
still right at most FLAGGED_ACCURACY_CEILING of the time. So whenever the page says "not
sure", at least one such answer in five really is wrong and the runner-up is worth showing,
while as many errors as that allows are flagged. (Raising the threshold further would mostly
flag answers that are right.) The share flagged and the share of errors caught are recorded
next to it, on the same data, so the trade-off is visible.

Run alone it recomputes the uncertainty of a saved model and updates its metrics.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

# Flagged answers must be right at most this often (see the module docstring).
FLAGGED_ACCURACY_CEILING = 0.8
# Candidate thresholds: a hundredth is as fine as a user could notice, and the search range
# keeps the rule meaningful (below 0.3 a ten-way softmax is never that unsure about its top).
CANDIDATES = np.round(np.arange(0.30, 0.9901, 0.01), 2)
# First seed component of the distorted validation copy; training uses (--seed, step) with
# --seed 1234 by default, so this stream is disjoint from anything training saw.
DISTORTION_SEED = 777_777
DEFAULT_MODEL = Path("training/artifacts/model.keras")
DEFAULT_DATA_DIR = Path("../shared/data/mnist")


def summarize(top_probability: np.ndarray, correct: np.ndarray, threshold: float) -> dict:
    """What the rule "flag below ``threshold``" does on these predictions."""
    flagged = top_probability < threshold
    errors = ~correct
    return {
        "share_flagged": float(flagged.mean()),
        "share_of_errors_flagged": float(flagged[errors].mean()) if errors.any() else None,
        "share_of_correct_flagged": float(flagged[correct].mean()) if correct.any() else None,
        "accuracy_below": float(correct[flagged].mean()) if flagged.any() else None,
        "accuracy_at_or_above": float(correct[~flagged].mean()) if (~flagged).any() else None,
        "flagged": int(flagged.sum()),
        "errors": int(errors.sum()),
    }


def choose_threshold(
    probabilities: np.ndarray, labels: np.ndarray, ceiling: float = FLAGGED_ACCURACY_CEILING
) -> float:
    """The largest candidate threshold whose flagged answers are right at most ``ceiling`` of
    the time; the smallest candidate when none qualifies (the model is then rarely unsure)."""
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels)
    if probabilities.ndim != 2 or len(probabilities) != len(labels) or not len(labels):
        raise ValueError("need probabilities [N, classes] and N labels, N > 0")
    if not 0.0 < ceiling < 1.0:
        raise ValueError(f"ceiling must be in (0, 1), got {ceiling}")
    top = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    best = float(CANDIDATES[0])
    for threshold in CANDIDATES:
        flagged = top < threshold
        if flagged.any() and correct[flagged].mean() <= ceiling:
            best = float(threshold)
    return best


def calibrate(model, x_validation: np.ndarray, y_validation: np.ndarray) -> dict:
    """Pick the threshold on validation + its distorted copy; report it per data set."""
    from training import augment

    distorted = augment.distorted_copy(x_validation, DISTORTION_SEED)
    images = np.concatenate([x_validation, distorted])
    labels = np.concatenate([y_validation, y_validation])
    probabilities = model.predict(images, batch_size=1000, verbose=0)
    threshold = choose_threshold(probabilities, labels)
    top = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    n = len(y_validation)
    return {
        "uncertain_below": threshold,
        "rule": (
            "say 'not sure' and show the top two when the top probability is below uncertain_below"
        ),
        "criterion": (
            "largest threshold (0.30..0.99, step 0.01) at which the flagged answers are right "
            f"at most {FLAGGED_ACCURACY_CEILING:.0%} of the time"
        ),
        "data": {
            "validation_images": n,
            "distorted_validation_images": n,
            "distortion": f"training/augment.py DEFAULT_CONFIG, seed ({DISTORTION_SEED}, chunk)",
        },
        "accuracy": {
            "validation": float(correct[:n].mean()),
            "distorted_validation": float(correct[n:].mean()),
        },
        "on_all": summarize(top, correct, threshold),
        "on_validation": summarize(top[:n], correct[:n], threshold),
        "on_distorted_validation": summarize(top[n:], correct[n:], threshold),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args(argv)
    if not args.model.is_file():
        print(f"error: no model at {args.model}", file=sys.stderr)
        return 2
    import keras

    from training import mnist
    from training.train import VALIDATION_SIZE, to_model_input

    data = mnist.load(args.data, allow_download=False)
    model = keras.saving.load_model(args.model)
    x_validation = to_model_input(data.train_images[-VALIDATION_SIZE:])
    uncertainty = calibrate(model, x_validation, data.train_labels[-VALIDATION_SIZE:])
    print(json.dumps(uncertainty, indent=2))
    metrics_path = args.model.with_name("metrics.json")
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}
    metrics["uncertainty"] = uncertainty
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
