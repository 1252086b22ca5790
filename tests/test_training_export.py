"""Smoke test of the whole model pipeline: train briefly, export, run the export in TF.js.

Trains on a few hundred MNIST images for one epoch (the pipeline, not the accuracy, is under
test), for each architecture of training/model.py (the guide's CNN, and the measured
alternative whose batch normalization the export must fold), exports with `export.tfjs`, then
loads the exported graph model with the site's own TF.js bundle in headless Chromium and checks
it gives Keras's probabilities on the same inputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app import create_app
from export import tfjs
from harness.server import serve
from training import data, mnist, train
from training.model import ARCHITECTURES

pytestmark = [pytest.mark.slow, pytest.mark.browser]
MNIST_DIR = data.DEFAULT_MNIST_DIR
TRAIN_IMAGES = 400
TEST_IMAGES = 200
COMPARED_IMAGES = 64


@pytest.fixture(scope="module", params=sorted(ARCHITECTURES))
def trained(tmp_path_factory, request) -> Path:
    out = tmp_path_factory.mktemp(f"artifacts-{request.param}")
    status = train.main(
        [
            "--architecture",
            request.param,
            "--data",
            str(MNIST_DIR),
            "--no-download",
            "--out",
            str(out),
            "--epochs",
            "1",
            "--limit",
            str(TRAIN_IMAGES),
            "--test-limit",
            str(TEST_IMAGES),
        ]
    )
    assert status == 0
    return out


def test_training_writes_model_and_metrics(trained: Path) -> None:
    metrics = json.loads((trained / "metrics.json").read_text())
    assert (trained / "model.keras").is_file()
    real_images = sum(metrics["real_train_images"].values())
    assert metrics["train_images"] + metrics["validation_images"] - real_images == TRAIN_IMAGES
    assert metrics["test_images"] == TEST_IMAGES
    assert 0.0 <= metrics["test_accuracy"] <= 1.0
    assert set(metrics["per_class_accuracy"]) <= {str(digit) for digit in range(10)}
    assert metrics["epochs"] == 1
    assert metrics["architecture"] in {description for _, description in ARCHITECTURES.values()}
    assert metrics["augmentation"] is not None  # the shipped recipe augments by default
    uncertainty = metrics["uncertainty"]
    assert 0.3 <= uncertainty["uncertain_below"] <= 0.999
    held_out = TRAIN_IMAGES // 10
    # Calibrated on MNIST's validation images and the real handwriting's validation parts.
    assert uncertainty["data"]["validation"] == held_out
    assert uncertainty["data"]["distorted_validation"] == held_out
    assert uncertainty["data"]["real_pen_validation"] > 0
    assert uncertainty["data"]["real_scan_validation"] > 0
    for name in ("validation", "real_pen_validation", "real_scan_validation"):
        assert 0.0 <= uncertainty["on"][name]["share_flagged"] <= 1.0
    # The train parts of the real files joined MNIST's training images.
    assert metrics["real_train_images"]["pen"] > 0 and metrics["real_train_images"]["scan"] > 0
    assert set(metrics["real_validation_accuracy"]) == {
        "real_pen_validation",
        "real_scan_validation",
    }
    assert metrics["seed"] == train.DEFAULT_SEED
    assert set(metrics["data_sha256"]) == {name for name, _ in mnist.FILES.values()}


def test_training_refuses_a_corrupt_data_directory(tmp_path: Path, capsys) -> None:
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03short")
    assert train.main(["--data", str(tmp_path), "--no-download", "--out", str(tmp_path)]) == 2
    assert "missing" in capsys.readouterr().err


@pytest.mark.parametrize("quantization", ["none", "uint8"])
def test_exported_model_in_the_browser_matches_keras(
    trained: Path, tmp_path: Path, web_runtime: Path, browser, quantization: str
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "vendor").symlink_to(web_runtime, target_is_directory=True)
    (site / "index.html").write_text("<!doctype html><title>export check</title>")
    status = tfjs.main(
        [
            "--model",
            str(trained / "model.keras"),
            "--out",
            str(site / "model"),
            "--quantize",
            quantization,
            "--data",
            str(MNIST_DIR),
            "--test-limit",
            str(TEST_IMAGES),
        ]
    )
    assert status == 0
    manifest = json.loads((site / "model" / "manifest.json").read_text())
    assert manifest["quantization"] == quantization
    assert manifest["levels"] == (tfjs.DEFAULT_LEVELS if quantization == "uint8" else None)
    assert manifest["test_images"] == TEST_IMAGES
    assert manifest["labels"] == [str(digit) for digit in range(10)]
    metrics = json.loads((trained / "metrics.json").read_text())
    assert manifest["uncertain_below"] == metrics["uncertainty"]["uncertain_below"]
    assert json.loads((site / "model" / "metrics.json").read_text()) == metrics

    import keras

    test_images = mnist.load(MNIST_DIR, allow_download=False).test_images
    inputs = data.to_model_input(test_images[-COMPARED_IMAGES:])
    keras_model = keras.saving.load_model(trained / "model.keras")
    expected = keras_model.predict(inputs, verbose=0)
    # The features output, from the same quantized weights; TF.js may quantize a layer it
    # has folded (the compact model's batch normalization) differently, so the features get
    # the manifest's tolerance, relative to their largest value.
    tfjs.quantize_roundtrip(keras_model, quantization, manifest["levels"] or 256)
    expected_features = tfjs.with_features(keras_model).predict(inputs, verbose=0)[1]

    with serve(create_app({"SITE_DIR": site})) as url:
        page = browser.new_page()
        try:
            page.goto(url + "/")
            got = page.evaluate(
                """async ({inputs, count, outputs}) => {
                    const tf = await import('/vendor/tfjs/tf.mjs');
                    tf.setWasmPaths('/vendor/tfjs/');
                    await tf.setBackend('wasm');
                    const model = await tf.loadGraphModel('/model/model.json');
                    const [probabilities, features] = model.execute(
                        tf.tensor(inputs, [count, 28, 28, 1]),
                        [outputs.probabilities, outputs.features],
                    );
                    return {
                        backend: tf.getBackend(),
                        values: Array.from(probabilities.dataSync()),
                        features: Array.from(features.dataSync()),
                    };
                }""",
                {
                    "inputs": inputs.ravel().tolist(),
                    "count": COMPARED_IMAGES,
                    "outputs": manifest["outputs"],
                },
            )
        finally:
            page.close()
    assert got["backend"] == "wasm"
    actual = np.array(got["values"]).reshape(expected.shape)
    difference = float(np.abs(actual - expected).max())
    print(f"{quantization}: max |TF.js - Keras| = {difference:.2e}")
    assert difference <= manifest["tolerance"] == tfjs.TOLERANCE[quantization]
    features = np.array(got["features"]).reshape(expected_features.shape)
    assert features.shape == (COMPARED_IMAGES, manifest["features"]["size"])
    feature_difference = float(np.abs(features - expected_features).max())
    assert feature_difference <= manifest["tolerance"] * float(np.abs(expected_features).max())
    assert (actual.argmax(axis=1) == expected.argmax(axis=1)).mean() >= 0.95
