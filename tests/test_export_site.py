"""The offline list and the static export (`export.site`): which files, and where they go."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from export import site as site_export


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    """A small stand-in for the repository: `site/` (with a model manifest) and `py/`."""
    root = tmp_path / "repo"
    (root / "site" / "model").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<!doctype html><title>t</title>")
    (root / "site" / "sw.js").write_text("// the service worker")
    (root / "site" / "model" / "manifest.json").write_text(json.dumps({"version": "0123456789"}))
    (root / "site" / "big.js").write_text("let x = 1;\n" * 500)
    (root / "py" / "digits").mkdir(parents=True)
    (root / "py" / "digits" / "photo.py").write_text("X = 1\n")
    return root


def export(out: Path, sources: Path) -> dict:
    return site_export.export_static(out, sources / "site", sources / "py")


def test_dotfiles_and_dangling_links_are_not_part_of_the_site(sources: Path) -> None:
    """An editor's lock symlink (`.#photo.py` -> a name that is no file) and other dotfiles in
    `py/` are neither listed for the offline install nor in the way of `python app.py`."""
    digits = sources / "py" / "digits"
    (digits / ".#photo.py").symlink_to("user@host.1234:1700000000")
    (digits / ".scratch.py").write_text("Y = 2\n")
    (digits / "gone.py").symlink_to("nowhere.py")
    manifest = site_export.write_precache_manifest(sources / "site", sources / "py")
    urls = [entry["url"] for entry in manifest["files"]]
    assert urls == ["big.js", "index.html", "model/manifest.json", "py/digits/photo.py"]


def test_precompressed_copies_are_replaced_by_content_not_time(sources: Path) -> None:
    """A file deployed with an older timestamp than its `.gz` (`cp -p`, `rsync -a`, `tar x`)
    gets a new `.gz`; one that can no longer be made is removed, so no host serves it stale."""
    big = sources / "site" / "big.js"
    sibling = sources / "site" / "big.js.gz"
    assert site_export.write_precompressed(sources / "site") == 1
    assert gzip.decompress(sibling.read_bytes()) == big.read_bytes()
    assert site_export.write_precompressed(sources / "site") == 0

    stamp = sibling.stat().st_mtime - 3600
    big.write_text("let y = 2;\n" * 600)
    os.utime(big, (stamp, stamp))
    assert site_export.write_precompressed(sources / "site") == 1
    assert gzip.decompress(sibling.read_bytes()) == big.read_bytes()

    big.write_bytes(os.urandom(4000))  # incompressible: no .gz is worth having
    os.utime(big, (stamp, stamp))
    site_export.write_precompressed(sources / "site")
    assert not sibling.exists()


def test_the_export_holds_the_site_and_its_own_marker(tmp_path: Path, sources: Path) -> None:
    out = tmp_path / "dist" / "site"
    export(out, sources)
    names = sorted(path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file())
    assert names == [
        site_export.EXPORT_MARKER,
        "big.js",
        "big.js.gz",
        "index.html",
        "model/manifest.json",
        "precache-manifest.js",
        "py/digits/photo.py",
        "sw.js",
    ]


def test_an_earlier_export_or_an_empty_folder_is_replaced(tmp_path: Path, sources: Path) -> None:
    out = tmp_path / "dist" / "site"
    export(out, sources)
    (out / "left-over.js").write_text("from the last release")
    export(out, sources)
    assert not (out / "left-over.js").exists()
    assert (out / "index.html").is_file()

    empty = tmp_path / "empty"
    empty.mkdir()
    export(empty, sources)
    assert (empty / "index.html").is_file()


def test_an_unrelated_folder_is_never_deleted(tmp_path: Path, sources: Path) -> None:
    unrelated = tmp_path / "photos"
    unrelated.mkdir()
    (unrelated / "holiday.jpg").write_bytes(b"precious")
    with pytest.raises(site_export.RefusedOutput, match="not an earlier export"):
        export(unrelated, sources)
    assert (unrelated / "holiday.jpg").read_bytes() == b"precious"

    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    with pytest.raises(site_export.RefusedOutput):
        export(a_file, sources)
    assert a_file.read_text() == "mine"


@pytest.mark.parametrize("out", ["site", "py", ".", "..", "site/dist", "py/digits", "site/model"])
def test_the_sources_are_never_the_output(tmp_path: Path, sources: Path, out: str) -> None:
    """Not site/ or py/, nothing inside them, nor any folder holding them: even where the
    marker of an export has been put there."""
    target = sources / out
    if target.is_dir():
        (target / site_export.EXPORT_MARKER).write_text("")
    before = sorted(sources.rglob("*"))
    with pytest.raises(site_export.RefusedOutput, match="source"):
        export(target, sources)
    assert sorted(sources.rglob("*")) == before


@pytest.mark.parametrize("out", [".", "site", "py", "..", "/"])
def test_the_repository_is_never_the_output(out: str) -> None:
    """Checked only (never exported): the real repository, its parents and the file system."""
    root = site_export.ROOT
    with pytest.raises(site_export.RefusedOutput, match="source"):
        site_export.check_output(root / out, site_export.SITE_DIR, site_export.PY_DIR)


def test_the_command_refuses_an_unrelated_folder(tmp_path: Path) -> None:
    """`python -m export.site --out DIR` says why and exits 2, deleting nothing."""
    import subprocess
    import sys

    unrelated = tmp_path / "work"
    unrelated.mkdir()
    (unrelated / "thesis.tex").write_text("years of it")
    result = subprocess.run(
        [sys.executable, "-m", "export.site", "--out", str(unrelated)],
        cwd=site_export.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "not an earlier export" in result.stderr
    assert (unrelated / "thesis.tex").read_text() == "years of it"
