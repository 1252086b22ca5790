"""What the large kernel's levels (`export.tfjs --levels`) do to the answers and the bytes.

    .venv/bin/python -m benchmarks.levels [--model training/artifacts-real/model.keras]

For each level count, the model's weights as TF.js computes with them after uint8
quantization (`export.tfjs.quantize_roundtrip`), on MNIST's test images and the real
validation parts (training/data.py): accuracy, how many answers differ from the 256-level
export, how many cross the "not sure" threshold (the model's `uncertain_below`) either way,
the largest change of a probability, and the Brotli bytes of the quantized weights, the
share of the first visit they are.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

from export import tfjs
from training import data, mnist

DEFAULT_MODEL = Path("training/artifacts-real/model.keras")
BROTLI_QUALITY, BROTLI_WINDOW = 11, 24  # as export.site compresses the served files


def quantized_bytes(model, levels: int) -> bytes:
    """The weights' uint8 codes, large kernels on `levels` levels, as the shard holds them."""
    weights = model.get_weights()
    return b"".join(
        tfjs.quantized_codes(weight, "uint8", levels)[0].tobytes() for weight in weights
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TFDF_DISABLE_WELCOME_MESSAGE", "1")
    import brotli
    import keras

    metrics_path = args.model.with_name("metrics.json")
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}
    threshold = metrics.get("uncertainty", {}).get("uncertain_below", 0.95)
    test = mnist.load(data.DEFAULT_MNIST_DIR, allow_download=False)
    sets = {
        "mnist_test": (data.to_model_input(test.test_images), test.test_labels),
        **data.real_validation_sets(),
    }
    print(f"{args.model}; 'not sure' below {threshold}")
    reference = None
    for levels in sorted(tfjs.LEVELS, reverse=True):
        model = keras.saving.load_model(args.model)
        sent = len(
            brotli.compress(
                quantized_bytes(model, levels), quality=BROTLI_QUALITY, lgwin=BROTLI_WINDOW
            )
        )
        tfjs.quantize_roundtrip(model, "uint8", levels)
        answers = {
            name: model.predict(x, verbose=0, batch_size=500) for name, (x, _) in sets.items()
        }
        reference = reference or answers
        print(f"{levels} levels: weights {sent:,} bytes as Brotli")
        for name, (_, labels) in sets.items():
            got, before = answers[name], reference[name]
            accuracy = (got.argmax(1) == labels).mean()
            changed = int((got.argmax(1) != before.argmax(1)).sum())
            crossed = int(((got.max(1) < threshold) != (before.max(1) < threshold)).sum())
            largest = float(np.abs(got - before).max())
            print(
                f"  {name:22} accuracy {accuracy:.2%}  answers changed {changed}/{len(labels)}"
                f"  across 'not sure' {crossed}  largest probability change {largest:.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
