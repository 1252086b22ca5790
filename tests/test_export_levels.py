"""The large kernel's uint8 codes on fewer levels (`export.tfjs --levels`): what the shard holds,
what the Keras round trip computes with, and that the shipped model is what its manifest says."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from export import tfjs

SHIPPED = Path(__file__).resolve().parent.parent / "site" / "model"


@pytest.mark.parametrize("levels", [128, 64, 32])
def test_coarser_codes_keep_zero_and_move_each_code_least(levels: int) -> None:
    minimum, scale = -0.5, 1 / 255  # the code of 0.0 is 128 (rounded from 127.5)
    codes = np.arange(256, dtype=np.uint8)
    coarse = tfjs.coarser_codes(codes, minimum, scale, levels)
    step = 256 // levels
    assert coarse.dtype == np.uint8
    assert coarse[128] == 128  # a zero weight stays exactly zero
    assert len(np.unique(coarse)) <= levels
    assert set(np.unique(coarse) % step) == {128 % step}
    assert np.abs(coarse.astype(int) - codes).max() <= step  # step // 2 but at the ends


def test_coarser_codes_refuse_a_level_count_off_the_list() -> None:
    with pytest.raises(ValueError, match="levels must be one of"):
        tfjs.coarser_codes(np.zeros(4, np.uint8), -1.0, 0.01, 100)


def write_model(directory: Path, weights: list[tuple[dict, bytes]]) -> None:
    directory.mkdir()
    manifest = [{"paths": ["group1-shard1of1.bin"], "weights": [spec for spec, _ in weights]}]
    (directory / "model.json").write_text(json.dumps({"weightsManifest": manifest}))
    (directory / "group1-shard1of1.bin").write_bytes(b"".join(data for _, data in weights))


def test_coarsen_shards_steps_only_the_large_uint8_weights(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    quantization = {"dtype": "uint8", "min": -1.0, "scale": 2 / 255}
    small = rng.integers(0, 256, 300, dtype=np.uint8).tobytes()
    large = rng.integers(0, 256, tfjs.LARGE_WEIGHTS, dtype=np.uint8).tobytes()
    integers = np.arange(3, dtype=np.int32).tobytes()
    model = tmp_path / "model"
    write_model(
        model,
        [
            (
                {"name": "small", "shape": [300], "dtype": "float32", "quantization": quantization},
                small,
            ),
            ({"name": "shape", "shape": [3], "dtype": "int32"}, integers),
            (
                {
                    "name": "large",
                    "shape": [256, 256],
                    "dtype": "float32",
                    "quantization": quantization,
                },
                large,
            ),
        ],
    )
    assert tfjs.coarsen_shards(model, 64) == 1
    shard = (model / "group1-shard1of1.bin").read_bytes()
    assert shard[:300] == small and shard[300:312] == integers
    stepped = np.frombuffer(shard[312:], np.uint8)
    assert len(stepped) == tfjs.LARGE_WEIGHTS
    assert len(np.unique(stepped)) <= 64 and not np.array_equal(
        stepped, np.frombuffer(large, np.uint8)
    )


def test_coarsen_shards_refuses_shards_that_do_not_match_the_manifest(tmp_path: Path) -> None:
    model = tmp_path / "model"
    spec = {"name": "w", "shape": [10], "dtype": "float32"}
    write_model(model, [(spec, bytes(36))])  # 10 float32 are 40 bytes
    with pytest.raises(ValueError, match="hold 36 bytes, not 40"):
        tfjs.coarsen_shards(model, 64)


def test_the_shipped_model_holds_what_its_manifest_says() -> None:
    """The site's model was exported with the levels its manifest names: the Dense kernel has
    at most that many codes, and zero among them."""
    manifest = json.loads((SHIPPED / "manifest.json").read_text())
    model_json = json.loads((SHIPPED / "model.json").read_text())
    shard = (SHIPPED / "group1-shard1of1.bin").read_bytes()
    offset, checked = 0, 0
    for spec in model_json["weightsManifest"][0]["weights"]:
        count = int(np.prod(spec["shape"], dtype=np.int64))
        quantization = spec.get("quantization", {})
        size = count * tfjs.STORED_BYTES[quantization.get("dtype", spec["dtype"])]
        if quantization and count >= tfjs.LARGE_WEIGHTS:
            codes = np.unique(np.frombuffer(shard, np.uint8, count, offset))
            assert len(codes) <= manifest["levels"], spec["name"]
            assert round(-quantization["min"] / quantization["scale"]) in codes
            checked += 1
        offset += size
    assert offset == len(shard) and checked == 1
