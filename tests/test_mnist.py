"""The MNIST loader reads gz and raw IDX files and refuses short or corrupt ones clearly."""

from __future__ import annotations

import gzip
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from training import mnist
from training.data import DEFAULT_MNIST_DIR as SHARED_MNIST


def write_idx(directory: Path, *, count: int = 12, gz: bool = True, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    for split in ("train", "t10k"):
        images = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=count, dtype=np.uint8)
        payloads = {
            f"{split}-images-idx3-ubyte": struct.pack(">IIII", 2051, count, 28, 28)
            + images.tobytes(),
            f"{split}-labels-idx1-ubyte": struct.pack(">II", 2049, count) + labels.tobytes(),
        }
        for name, payload in payloads.items():
            if gz:
                (directory / f"{name}.gz").write_bytes(gzip.compress(payload))
            else:
                (directory / name).write_bytes(payload)


@pytest.mark.parametrize("gz", [True, False])
def test_reads_gz_and_raw_idx(tmp_path: Path, gz: bool) -> None:
    write_idx(tmp_path, gz=gz)
    data = mnist.load(tmp_path, allow_download=False, verify_hashes=False)
    assert data.train_images.shape == (12, 28, 28)
    assert data.test_labels.shape == (12,)
    assert set(data.sha256) == {name for name, _ in mnist.FILES.values()}


def test_hash_mismatch_is_refused(tmp_path: Path) -> None:
    write_idx(tmp_path)
    with pytest.raises(mnist.MnistError, match="SHA-256"):
        mnist.load(tmp_path, allow_download=False)


def test_truncated_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    write_idx(tmp_path, gz=False)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(mnist.MnistError, match="truncated or corrupt"):
        mnist.load(tmp_path, allow_download=False, verify_hashes=False)


def test_broken_gzip_is_refused(tmp_path: Path) -> None:
    write_idx(tmp_path)
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:10])
    with pytest.raises(mnist.MnistError, match="gzip"):
        mnist.load(tmp_path, allow_download=False, verify_hashes=False)


def test_wrong_magic_is_refused(tmp_path: Path) -> None:
    write_idx(tmp_path, gz=False)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(struct.pack(">II", 1234, 0))
    with pytest.raises(mnist.MnistError, match="magic"):
        mnist.load(tmp_path, allow_download=False, verify_hashes=False)


def test_partial_directory_names_what_is_missing(tmp_path: Path) -> None:
    write_idx(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(mnist.MnistError, match="missing train-labels-idx1-ubyte"):
        mnist.load(tmp_path, allow_download=True, verify_hashes=False)


def test_empty_directory_without_network_explains_what_to_do(tmp_path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(mnist.urllib.request, "urlopen", refuse)
    with pytest.raises(mnist.MnistError, match="Copy the four MNIST IDX files"):
        mnist.load(tmp_path / "empty", allow_download=True)


@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason="needs ../shared/data/mnist")
def test_the_real_files_verify_and_match_the_published_figures(tmp_path: Path) -> None:
    data = mnist.load(SHARED_MNIST, allow_download=False)
    assert data.train_images.shape == (60000, 28, 28)
    assert data.test_images.shape == (10000, 28, 28)
    assert data.train_labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert data.test_labels[:5].tolist() == [7, 2, 1, 0, 4]
    counts = np.bincount(data.test_labels, minlength=10).tolist()
    assert counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    # One flipped byte in the middle of a real file is caught by the hash.
    for name in (
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ):
        shutil.copy(SHARED_MNIST / name, tmp_path / name)
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[5000] = (raw[5000] + 1) % 10
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(mnist.MnistError, match="SHA-256"):
        mnist.load(tmp_path, allow_download=False)
