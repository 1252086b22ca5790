"""Load the MNIST IDX files from a directory, verifying them, or download them where allowed.

Machines without internet access keep the four files in a directory (gz or raw IDX); we read
them from there. Every file is checked twice: its IDX header and length (so a short or
truncated file fails with a clear message instead of a reshape error deep in NumPy), and the
SHA-256 of its uncompressed content against the published MNIST digests (so a corrupt byte in
the middle is caught too).
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Uncompressed SHA-256 of the original files (LeCun, Cortes and Burges).
FILES = {
    "train_images": (
        "train-images-idx3-ubyte",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train_labels": (
        "train-labels-idx1-ubyte",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "test_images": (
        "t10k-images-idx3-ubyte",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "test_labels": (
        "t10k-labels-idx1-ubyte",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}
DOWNLOAD_MIRROR = "https://storage.googleapis.com/cvdf-datasets/mnist/"
DOWNLOAD_TIMEOUT_SECONDS = 30
IMAGE_MAGIC = 2051
LABEL_MAGIC = 2049


class MnistError(ValueError):
    """The MNIST files are missing, short or corrupt."""


@dataclass(frozen=True)
class Mnist:
    """The standard split, as uint8 arrays (images N x 28 x 28, labels N), plus file hashes."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    sha256: dict[str, str]


def _find(directory: Path, name: str) -> Path | None:
    for candidate in (directory / f"{name}.gz", directory / name):
        if candidate.is_file():
            return candidate
    return None


def _read_bytes(path: Path) -> bytes:
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        return gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as error:
        raise MnistError(f"{path}: not a valid gzip file ({error}); delete it and retry") from error


def _parse_idx(data: bytes, path: Path) -> np.ndarray:
    """Check an IDX header against the payload length and return the array it describes."""
    if len(data) < 8:
        raise MnistError(f"{path}: {len(data)} bytes is too short for an IDX header")
    magic, count = struct.unpack(">II", data[:8])
    if magic == LABEL_MAGIC:
        shape: tuple[int, ...] = (count,)
        header_size = 8
    elif magic == IMAGE_MAGIC:
        if len(data) < 16:
            raise MnistError(f"{path}: {len(data)} bytes is too short for an IDX image header")
        rows, columns = struct.unpack(">II", data[8:16])
        if (rows, columns) != (28, 28):
            raise MnistError(f"{path}: images are {rows}x{columns}, MNIST's are 28x28")
        shape = (count, rows, columns)
        header_size = 16
    else:
        raise MnistError(f"{path}: magic number {magic} is not an MNIST IDX file")
    expected = header_size + int(np.prod(shape))
    if len(data) != expected:
        raise MnistError(
            f"{path}: {len(data)} bytes but the header announces {expected}; "
            "the file is truncated or corrupt"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape)


def download(directory: Path) -> None:
    """Fetch the four gz files into ``directory`` (needs internet access)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, _ in FILES.values():
        target = directory / f"{name}.gz"
        if target.exists():
            continue
        url = DOWNLOAD_MIRROR + target.name
        print(f"downloading {url}")
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
                payload = response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise MnistError(
                f"{directory} lacks {name}(.gz) and downloading {url} failed ({error}). "
                "Copy the four MNIST IDX files there (gz or raw) and run again."
            ) from error
        target.write_bytes(payload)


def load(
    directory: Path | str, *, allow_download: bool = True, verify_hashes: bool = True
) -> Mnist:
    """Read, check and return MNIST from ``directory``.

    Downloads only when none of the files is there (a partial directory is more likely a
    mistake than a request to fetch). ``verify_hashes=False`` lets tests use small
    hand-made IDX files; the header and length checks always run.
    """
    directory = Path(directory)
    found = {key: _find(directory, name) for key, (name, _) in FILES.items()}
    if all(path is None for path in found.values()) and allow_download:
        download(directory)
        found = {key: _find(directory, name) for key, (name, _) in FILES.items()}
    missing = [FILES[key][0] for key, path in found.items() if path is None]
    if missing:
        raise MnistError(f"{directory}: missing {', '.join(missing)} (gz or raw IDX)")

    arrays: dict[str, np.ndarray] = {}
    digests: dict[str, str] = {}
    for key, path in found.items():
        assert path is not None  # narrowed above: every missing file raised
        data = _read_bytes(path)
        digest = hashlib.sha256(data).hexdigest()
        expected_digest = FILES[key][1]
        if verify_hashes and digest != expected_digest:
            raise MnistError(
                f"{path}: SHA-256 of the content is {digest}, expected {expected_digest}; "
                "the file is corrupt or not the original MNIST"
            )
        arrays[key] = _parse_idx(data, path)
        digests[FILES[key][0]] = digest

    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if len(images) != len(labels):
            raise MnistError(f"{split}: {len(images)} images but {len(labels)} labels")
        if labels.size and labels.max() > 9:
            raise MnistError(f"{split}: label {labels.max()} is not a digit")
    return Mnist(**arrays, sha256=digests)
