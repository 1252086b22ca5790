"""Convert the trained Keras model into the TF.js graph model that the page serves.

    python -m export.tfjs [--model training/artifacts/model.keras] [--quantize uint8] [--levels 64]

Why a *graph* model: TF.js 4.22 cannot load a Keras 3 *layers* model (its InputLayer config
lacks `batchInputShape`), and the graph model runs faster on the wasm backend anyway. So the
model goes Keras -> SavedModel (`model.export`) -> `tensorflowjs` graph model.

Writes into `--out` (default `site/model/`): `model.json` and its weight shard, the training
`metrics.json`, and `manifest.json`, which the page reads: version (a content hash of the
model files), input and output names and shapes, labels, quantization, and the MNIST test
accuracy *of the exported weights* (after quantization, measured here, not copied), and
`uncertain_below`: the page says "not sure" and shows the top two when the top probability is
below it. That threshold is chosen from held-out data by training/uncertainty.py; the details
(criterion, data, accuracy above and below it) stay in metrics.json under "uncertainty".

The graph model has two outputs: the ten probabilities, and the *features* the last Dense
layer reads (the guide CNN's Dense 128 after ReLU). The page's personal classifier
(py/digits/personal.py) compares a drawing with the person's corrected examples in that
space. It is the same graph with one more tensor fetched: the weights, their size and the
answers are those of the one-output model. The manifest's `outputs` names both tensors.

Why fewer levels for the large kernel (`--levels`, uint8 only): the page is served Brotli, and
Brotli sends about the entropy of the bytes. The Dense 9216 x 128 kernel is 98% of the weights;
its 256 uint8 codes carry 6.0 bits a weight (891 KB, 908 KB as Brotli). Keeping every fourth
code (64 levels, zero still exact; TF.js reads them as any uint8 weights) sends 610 KB, and
the answers stay (`python -m benchmarks.levels`, training/artifacts-real/model.keras): on
MNIST's 10,000 test images 2 answers differ from the 256-level export, the accuracy is the same
99.32%, and 5 cross the "not sure" threshold; on the real validation parts no answer of 1,414
differs and 1 crosses it. 128 levels send 735 KB; 32 levels 468 KB, with 12 test images across
the threshold.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from digits.facts import LABELS, MNIST_SIZE

from training import data, mnist

DEFAULT_MODEL = Path("training/artifacts/model.keras")
DEFAULT_OUT_DIR = Path("site/model")
QUANTIZATIONS = ("uint8", "float16", "none")
DEFAULT_QUANTIZATION = "uint8"
# One shard: the model is small, and one request beats several.
WEIGHT_SHARD_BYTES = 16 * 1024 * 1024
# How far the exported model's probabilities may stray from the Keras model's on the same
# input, per quantization (measured on MNIST test images; see tests/test_training_export.py).
# uint8 at 64 levels: 0.081 at most over MNIST's test images (256 levels: 0.061).
TOLERANCE = {"none": 1e-4, "float16": 2e-3, "uint8": 1e-1}
# A weight tensor this large gets uint8 codes on `--levels` levels only (the Dense kernel);
# the small ones (convolutions, biases) keep all 256: they would save a few hundred bytes.
LARGE_WEIGHTS = 65_536
LEVELS = (256, 128, 64, 32)
DEFAULT_LEVELS = 64
# Bytes per element of a weight as stored in the shard, by its (quantized) dtype.
STORED_BYTES = {"uint8": 1, "uint16": 2, "float16": 2, "float32": 4, "int32": 4, "bool": 1}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="a saved .keras model")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="output directory")
    parser.add_argument("--quantize", choices=QUANTIZATIONS, default=DEFAULT_QUANTIZATION)
    parser.add_argument(
        "--levels",
        type=int,
        choices=LEVELS,
        default=DEFAULT_LEVELS,
        help="uint8 codes a large kernel keeps (256: all); fewer compress better",
    )
    # MNIST, to measure the exported weights' test accuracy.
    data.add_data_arguments(parser, real=False)
    return parser.parse_args(argv)


def content_version(model_dir: Path) -> str:
    """A short hash of model.json and its weight files: changes whenever the model does."""
    model_json = model_dir / "model.json"
    digest = hashlib.sha256(model_json.read_bytes())
    for group in json.loads(model_json.read_text())["weightsManifest"]:
        for path in group["paths"]:
            digest.update((model_dir / path).read_bytes())
    return digest.hexdigest()[:16]


def coarser_codes(codes: np.ndarray, minimum: float, scale: float, levels: int) -> np.ndarray:
    """uint8 `codes` (weight = minimum + scale * code) kept on `levels` levels: every
    (256 // levels)-th code counted from the code of 0.0, so a zero weight stays exactly zero;
    each code goes to the nearest of them (a tie to the even multiple of the step, as numpy
    rounds)."""
    if levels not in LEVELS:
        raise ValueError(f"levels must be one of {LEVELS}, not {levels}")
    step = 256 // levels
    zero = round(-minimum / scale)
    snapped = np.round((codes.astype(np.int32) - zero) / step).astype(np.int32) * step + zero
    snapped[snapped > 255] -= step  # the grid's nearest code inside 0..255
    snapped[snapped < 0] += step
    return snapped.astype(np.uint8)


def quantize_roundtrip(model, quantization: str, levels: int = 256) -> None:
    """Replace the model's weights by what TF.js will compute with after quantization (and, for
    uint8, the large kernels' `levels`)."""
    if quantization == "none":
        return
    from tensorflowjs import quantization as tfjs_quantization

    weights = []
    for weight in model.get_weights():
        quantized, metadata = quantized_codes(weight, quantization, levels)
        weights.append(tfjs_quantization.dequantize_weights(quantized, metadata, weight.dtype))
    model.set_weights(weights)


def quantized_codes(weight: np.ndarray, quantization: str, levels: int = 256):
    """(codes, metadata) of `weight` as the shard stores it: TF.js's quantization, and for a
    large uint8 kernel its `levels`."""
    from tensorflowjs import quantization as tfjs_quantization

    dtype = tfjs_quantization.QUANTIZATION_OPTION_TO_DTYPES[quantization]
    codes, metadata = tfjs_quantization.quantize_weights(weight, dtype)
    if quantization == "uint8" and weight.size >= LARGE_WEIGHTS:
        codes = coarser_codes(codes, metadata["min"], metadata["scale"], levels)
    return codes, metadata


def coarsen_shards(model_dir: Path, levels: int) -> int:
    """Rewrite the uint8 codes of each large weight in `model_dir`'s shards on `levels`
    levels, in place (the converter quantized them to 256); return how many weights changed."""
    model_json = json.loads((model_dir / "model.json").read_text())
    changed = 0
    for group in model_json["weightsManifest"]:
        shard_paths = [model_dir / path for path in group["paths"]]
        shard = bytearray(b"".join(path.read_bytes() for path in shard_paths))
        offset = 0
        for weight in group["weights"]:
            count = int(np.prod(weight["shape"], dtype=np.int64))
            quantization = weight.get("quantization", {})
            stored = quantization.get("dtype", weight["dtype"])
            if stored not in STORED_BYTES:
                raise ValueError(f"{weight['name']}: cannot step over a {stored} weight")
            size = count * STORED_BYTES[stored]
            if stored == "uint8" and quantization and count >= LARGE_WEIGHTS:
                codes = np.frombuffer(shard, np.uint8, count, offset)
                shard[offset : offset + size] = coarser_codes(
                    codes, quantization["min"], quantization["scale"], levels
                ).tobytes()
                changed += 1
            offset += size
        if offset != len(shard):
            raise ValueError(f"{model_dir}: the shards hold {len(shard)} bytes, not {offset}")
        start = 0
        for path in shard_paths:
            length = path.stat().st_size
            path.write_bytes(bytes(shard[start : start + length]))
            start += length
    return changed


def with_features(model):
    """The same model, answering also with the input of its last (Dense, softmax) layer.

    A layer's input, not a layer's output: the guide's CNN has Dropout between Dense 128 and
    the classifier, and Dropout is the identity at inference, so this is Dense 128's ReLU.
    """
    import keras

    classifier = model.layers[-1]
    if not isinstance(classifier, keras.layers.Dense):
        raise ValueError(f"the model's last layer is {classifier.name}, not a Dense classifier")
    return keras.Model(model.inputs, [model.outputs[0], classifier.input], name=model.name)


def output_names(model_json: Path) -> dict[str, str]:
    """The graph model's tensor names for the probabilities and the features, from its signature.

    The SavedModel's serving signature names the Keras outputs output_0, output_1 in order.
    """
    signature = json.loads(model_json.read_text()).get("signature", {}).get("outputs", {})
    try:
        return {
            "probabilities": signature["output_0"]["name"],
            "features": signature["output_1"]["name"],
        }
    except KeyError as error:
        raise ValueError(f"{model_json} lacks the output {error} in its signature") from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.model.is_file():
        print(
            f"error: no model at {args.model}; train one first: python -m training.train",
            file=sys.stderr,
        )
        return 2
    metrics_path = args.model.with_name("metrics.json")
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}

    # tensorflowjs imports TF Decision Forests, whose welcome banner imports IPython (absent)
    # whenever stdout is not a terminal, as in CI: ask it not to.
    os.environ.setdefault("TFDF_DISABLE_WELCOME_MESSAGE", "1")
    import keras
    from tensorflowjs.converters import tf_saved_model_conversion_v2 as converter

    model = keras.saving.load_model(args.model)
    input_name = model.inputs[0].name
    quantization_map = None if args.quantize == "none" else {args.quantize: True}

    with tempfile.TemporaryDirectory() as scratch:
        saved_model = Path(scratch) / "saved_model"
        converted = Path(scratch) / "tfjs"
        with_features(model).export(saved_model, format="tf_saved_model", verbose=False)
        converter.convert_tf_saved_model(
            str(saved_model),
            str(converted),
            quantization_dtype_map=quantization_map,
            weight_shard_size_bytes=WEIGHT_SHARD_BYTES,
        )
        # Replace the old model only once the new one is complete.
        if args.out.exists():
            for old in args.out.iterdir():
                if old.is_file():
                    old.unlink()
        args.out.mkdir(parents=True, exist_ok=True)
        for produced in converted.iterdir():
            shutil.copy2(produced, args.out / produced.name)
    levels = args.levels if args.quantize == "uint8" else None
    if levels is not None and levels < 256:
        print(f"large kernels on {levels} levels: {coarsen_shards(args.out, levels)} weights")

    exported_accuracy = None
    try:
        test_data = mnist.load(args.data, allow_download=False)
    except mnist.MnistError as error:
        print(f"warning: not measuring exported accuracy: {error}", file=sys.stderr)
    else:
        images, labels = test_data.test_images, test_data.test_labels
        if args.test_limit is not None:
            images, labels = images[: args.test_limit], labels[: args.test_limit]
        quantize_roundtrip(model, args.quantize, levels or 256)
        predicted = model.predict(data.to_model_input(images), batch_size=1000, verbose=0)
        exported_accuracy = float((np.argmax(predicted, axis=1) == labels).mean())
        print(f"exported ({args.quantize}) test accuracy: {exported_accuracy:.4%}")

    model_files = sorted(path.name for path in args.out.iterdir())
    manifest = {
        "version": content_version(args.out),
        "format": "tfjs-graph-model",
        "model": "model.json",
        "input": {"name": input_name, "shape": [1, MNIST_SIZE, MNIST_SIZE, 1], "dtype": "float32"},
        "output": {"shape": [1, len(LABELS)], "activation": "softmax"},
        "outputs": output_names(args.out / "model.json"),
        "features": {"size": int(model.layers[-1].input.shape[-1])},
        "labels": list(LABELS),
        "quantization": args.quantize,
        "levels": levels,
        "tolerance": TOLERANCE[args.quantize],
        "test_accuracy": exported_accuracy,
        "keras_test_accuracy": metrics.get("test_accuracy"),
        # None (the page then keeps its default) only for a model trained before calibration.
        "uncertain_below": metrics.get("uncertainty", {}).get("uncertain_below"),
        "test_images": None if exported_accuracy is None else len(labels),
        "bytes": sum((args.out / name).stat().st_size for name in model_files),
        # Per-file hashes let the page refuse a truncated or corrupt download.
        "files": {
            name: hashlib.sha256((args.out / name).read_bytes()).hexdigest()
            for name in model_files
            if name not in ("manifest.json", "metrics.json")
        },
        "exported": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    if metrics:
        (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {args.out}: version {manifest['version']}, {manifest['bytes']} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
