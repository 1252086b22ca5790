"""Which model a screenshot shows, written into the PNG itself.

`scripts/screenshots.py` stamps every picture it takes with the version of the model the page
loaded (site/model/manifest.json's content hash), in a PNG text chunk; tests/test_docs.py reads
it back and fails when the README's pictures show a model that no longer ships. Standard
library only: the chunk is inserted after the header, the image data stays byte for byte.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

MODEL_VERSION_KEY = "model-version"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEXT_CHUNK = b"tEXt"


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, body) of every chunk; ValueError for what is not a whole PNG."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    chunks, at = [], len(PNG_SIGNATURE)
    while at < len(data):
        if at + 8 > len(data):
            raise ValueError("PNG cut short")
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if at + 12 + length > len(data):
            raise ValueError("PNG cut short")
        chunks.append((kind, data[at + 8 : at + 8 + length]))
        at += 12 + length
    return chunks


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _text_key(body: bytes) -> bytes:
    return body.split(b"\0", 1)[0]


def stamp_model_version(path: Path, version: str) -> None:
    """Write `version` into the PNG at `path` (replacing an earlier stamp)."""
    key = MODEL_VERSION_KEY.encode("latin-1")
    chunks = [
        (kind, body)
        for kind, body in _chunks(path.read_bytes())
        if not (kind == TEXT_CHUNK and _text_key(body) == key)
    ]
    stamp = (TEXT_CHUNK, key + b"\0" + version.encode("latin-1"))
    chunks.insert(1, stamp)  # right after IHDR, which must come first
    path.write_bytes(PNG_SIGNATURE + b"".join(_chunk(kind, body) for kind, body in chunks))


def model_version_of(path: Path) -> str | None:
    """The model version stamped into the PNG at `path`, or None when it has none."""
    key = MODEL_VERSION_KEY.encode("latin-1")
    for kind, body in _chunks(path.read_bytes()):
        if kind == TEXT_CHUNK and _text_key(body) == key:
            return body.split(b"\0", 1)[1].decode("latin-1")
    return None
