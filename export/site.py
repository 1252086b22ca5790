"""The offline manifest, and the static export of the whole site.

    python -m export.site                        # site/precache-manifest.js only
    python -m export.site --out dist/site --zip  # + a self-contained static copy (and .zip)

`site/precache-manifest.js` lists every file the page needs (app shell, Pyodide with its lock
file, standard library and the page's Python wheel, TF.js, the model), and no other, with its
SHA-256, and a version made of the model's version and a hash of all of them. The service
worker (`site/sw.js`) imports it: a new version means a new cache, filled and verified
completely before it is used, so a release is never mixed with the one before. app.py and
the tests rewrite it on start, so it never goes stale while developing.

The static export holds `site/` (the page's Python is in it, as the wheel that
`python -m export.runtime` writes to `site/vendor/pyodide/`), needs no build step on the host
and works from any sub-path: every URL in the site is relative. It replaces only an earlier export
(marked by EXPORT_MARKER) or an empty folder, never the sources.

`site_file` is the one rule for which files are the site: app.py serves exactly these, and the
offline list and the export hold exactly these.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import sys
import zlib
from pathlib import Path

import brotli

# Not the site's, yet sources an export must never replace: the page's Python, which reaches
# the page built into a wheel.
from export.runtime import PY_DIR

ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = ROOT / "site"
MANIFEST_NAME = "precache-manifest.js"
SERVICE_WORKER_NAME = "sw.js"
# Served but not precached, so a first visit downloads only what the page runs
# (tests/test_precache.py compares the list with a cold visit's downloads): the service
# worker's script and its manifest (the browser checks them for updates itself); the model's
# training metrics and the runtime's version stamp (read by tools, never by the page).
NOT_PRECACHED = {MANIFEST_NAME, SERVICE_WORKER_NAME, "model/metrics.json", "vendor/versions.json"}
# Folders the same: the benchmark's baseline recognizer (`?recognizer=baseline`, online only).
NOT_PRECACHED_FOLDERS = {"baseline"}
# export.runtime's half-written runtime, until it replaces vendor/.
NOT_SITE_FOLDERS = {"vendor.new"}
PRECOMPRESSED_SUFFIXES = (".gz", ".br")
# Written first into every export: only a folder holding it (or an empty one) is replaced.
EXPORT_MARKER = ".site-export"
# The zip files too: the standard library's entries are stored (export.stdlib), so it packs to
# a fifth; a zip of deflated entries (the page's wheel) saves less than MIN_SAVING and gets none.
COMPRESSIBLE = {
    ".wasm",
    ".mjs",
    ".js",
    ".json",
    ".html",
    ".css",
    ".svg",
    ".bin",
    ".webmanifest",
    ".zip",
    ".whl",
}
# Not worth a second file (or a decompression) below these.
MIN_COMPRESSIBLE_BYTES = 1024
MIN_SAVING = 0.1


def site_file(url: str, site_dir: Path = SITE_DIR) -> Path | None:
    """The file at `url` (a '/'-separated path from the site root), or None: not the site's.

    The one rule app.py serves by and `site_files` lists by, so the offline list never names a
    file the server refuses. Never a dotfile or dot-folder (an editor's `.#lock` symlink, `.git`),
    nothing but a regular file (a dangling link is none), no build leftover, no precompressed
    copy as a file of its own (it is sent in place of its original).
    """
    parts = url.split("/")
    if (
        "\\" in url
        or "\0" in url
        or any(not part or part.startswith(".") for part in parts)
        or parts[0] in NOT_SITE_FOLDERS
        or url.endswith(PRECOMPRESSED_SUFFIXES)
    ):
        return None
    path = site_dir.joinpath(*parts)
    return path if os.path.isfile(path) else None  # False, never an error, for any odd name


def site_files(site_dir: Path = SITE_DIR) -> dict[str, Path]:
    """URL path (relative to the site root) -> file, for every file of the site (`site_file`)."""
    urls = {path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*")}
    files = {url: site_file(url, site_dir) for url in sorted(urls)}
    return {url: path for url, path in files.items() if path is not None}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def precache_manifest(site_dir: Path = SITE_DIR) -> dict:
    entries = [
        {"url": url, "sha256": sha256(path), "bytes": path.stat().st_size}
        for url, path in site_files(site_dir).items()
        if url not in NOT_PRECACHED and url.split("/")[0] not in NOT_PRECACHED_FOLDERS
    ]
    model_version = json.loads((site_dir / "model" / "manifest.json").read_text())["version"]
    build = hashlib.sha256(
        "".join(f"{entry['url']}\0{entry['sha256']}\n" for entry in entries).encode()
    ).hexdigest()
    return {
        "version": f"{model_version[:8]}-{build[:8]}",
        "modelVersion": model_version,
        "bytes": sum(entry["bytes"] for entry in entries),
        "files": entries,
    }


def write_precache_manifest(site_dir: Path = SITE_DIR) -> dict:
    """Write site/precache-manifest.js (only if it changed) and return its content."""
    manifest = precache_manifest(site_dir)
    text = (
        "// Generated by `python -m export.site`: do not edit.\n"
        f"self.PRECACHE_MANIFEST = {json.dumps(manifest, indent=1)};\n"
    )
    target = site_dir / MANIFEST_NAME
    if not target.is_file() or target.read_text() != text:
        target.write_text(text)
    return manifest


# Each precompressed copy, best compression: written once per content. Browsers take Brotli
# over HTTPS (and on http://localhost), gzip everywhere.
COMPRESSORS = {
    ".gz": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
    ".br": lambda data: brotli.compress(data, quality=11),
}
DECOMPRESSORS = {".gz": gzip.decompress, ".br": brotli.decompress}


def decompress(suffix: str, data: bytes) -> bytes | None:
    """The content of a precompressed copy (`suffix` ".gz" or ".br"), or None where it cannot be
    read: corrupt."""
    try:
        return DECOMPRESSORS[suffix](data)
    except (OSError, EOFError, zlib.error, brotli.error):  # gzip's, zlib's and brotli's errors
        return None


def write_precompressed(site_dir: Path = SITE_DIR) -> int:
    """Write `.gz` and `.br` beside each compressible file that lacks a current one, so app.py
    and static hosts (nginx's gzip_static and brotli_static, ...) can send fewer bytes.
    Returns the number of files written.

    Current means holding the same content, not being newer: a file deployed with an older
    timestamp (`cp -p`, `rsync -a`, `tar x`) is compressed again. A copy not shown current
    and not rewritten (too small a saving now) is removed, so no host serves it stale.
    """
    written = 0
    for path in site_files(site_dir).values():
        targets = {suffix: path.with_name(path.name + suffix) for suffix in PRECOMPRESSED_SUFFIXES}
        worth_it = path.suffix in COMPRESSIBLE and path.stat().st_size >= MIN_COMPRESSIBLE_BYTES
        if not worth_it and not any(os.path.lexists(target) for target in targets.values()):
            continue
        data = path.read_bytes()
        for suffix, target in targets.items():
            if target.is_file() and decompress(suffix, target.read_bytes()) == data:
                continue
            packed = COMPRESSORS[suffix](data) if worth_it else None
            if packed is not None and len(packed) <= (1 - MIN_SAVING) * len(data):
                target.write_bytes(packed)
                written += 1
            elif target.is_file() or target.is_symlink():
                target.unlink()
    return written


class RefusedOutput(Exception):
    """The export's output folder is not one it may replace."""


def check_output(out_dir: Path, site_dir: Path = SITE_DIR, py_dir: Path = PY_DIR) -> Path:
    """`out_dir`, resolved, if the export may replace it: an earlier export (it holds
    EXPORT_MARKER), an empty folder or nothing yet; never the sources, a folder inside them or
    one that holds them (`--out site` once deleted site/, `--out ~/work` someone's work)."""
    out = out_dir.resolve()
    sources = [site_dir.resolve(), py_dir.resolve(), ROOT]
    if any(out == source or out in source.parents for source in sources) or any(
        source in out.parents for source in sources[:2]
    ):
        raise RefusedOutput(f"{out_dir} is, holds or is inside the site's sources: not touching it")
    if out.exists() and not (
        out.is_dir() and ((out / EXPORT_MARKER).is_file() or not any(out.iterdir()))
    ):
        raise RefusedOutput(
            f"{out_dir} exists and is not an earlier export (no {EXPORT_MARKER} in it): not "
            "replacing it; give a new or empty folder, or remove it yourself"
        )
    return out


def export_static(out_dir: Path, site_dir: Path = SITE_DIR, py_dir: Path = PY_DIR) -> dict:
    """Copy the complete site to `out_dir`, ready for any static host; `out_dir` must be one
    `check_output` allows (else RefusedOutput, and nothing is touched)."""
    out = check_output(out_dir, site_dir, py_dir)
    manifest = write_precache_manifest(site_dir)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / EXPORT_MARKER).write_text(
        "Written by `python -m export.site --out`: the next export replaces this folder.\n"
    )
    for url, path in site_files(site_dir).items():
        target = out / url
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        # The site's precompressed copies too (Brotli's best takes minutes on the runtime):
        # write_precompressed keeps each that holds the same content, and replaces the rest.
        for suffix in PRECOMPRESSED_SUFFIXES:
            sibling = path.with_name(path.name + suffix)
            if sibling.is_file() and not sibling.is_symlink():
                shutil.copy2(sibling, target.with_name(target.name + suffix))
    write_precompressed(out)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write a static copy of the site here")
    parser.add_argument("--zip", action="store_true", help="also write OUT.zip")
    args = parser.parse_args(argv)
    if not (SITE_DIR / "vendor" / "versions.json").is_file():
        print("error: no site/vendor/: run `python -m export.runtime` first", file=sys.stderr)
        return 2
    manifest = write_precache_manifest()
    write_precompressed()
    print(f"wrote site/{MANIFEST_NAME}: version {manifest['version']}, {manifest['bytes']} bytes")
    if args.out:
        try:
            export_static(args.out)
        except RefusedOutput as refusal:
            print(f"error: {refusal}", file=sys.stderr)
            return 2
        total = sum(path.stat().st_size for path in args.out.rglob("*") if path.is_file())
        print(f"wrote {args.out}: {total} bytes")
        if args.zip:
            archive = shutil.make_archive(str(args.out), "zip", root_dir=args.out)
            print(f"wrote {archive}: {Path(archive).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
