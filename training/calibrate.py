"""Recalibrate a saved model's "not sure" threshold and update its metrics.json.

    python -m training.calibrate [--model training/artifacts/model.keras]

The rule and how its threshold is chosen are in training/uncertainty.py, which
`training/train.py` also uses right after training; this script applies it to a model saved
earlier (after the rule changed, say) with the same calibration data (training/data.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from training import data, mnist, uncertainty

DEFAULT_MODEL = Path(__file__).resolve().parent / "artifacts" / "model.keras"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    data.add_data_arguments(parser, test_limit=False)
    args = parser.parse_args(argv)
    if not args.model.is_file():
        print(f"error: no model at {args.model}", file=sys.stderr)
        return 2
    import keras  # imported late: TensorFlow takes seconds to load

    mnist_data = mnist.load(args.data, allow_download=False)
    _, _, validation_images, validation_labels = data.mnist_split(
        mnist_data.train_images, mnist_data.train_labels
    )
    sets = {"validation": (data.to_model_input(validation_images), validation_labels)}
    sets |= data.real_validation_sets(args.real_data)
    model = keras.saving.load_model(args.model)
    result = uncertainty.calibrate(model, sets)
    print(json.dumps(result, indent=2))
    metrics_path = args.model.with_name("metrics.json")
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}
    metrics["uncertainty"] = result
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
