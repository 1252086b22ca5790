"""The offline list and the static export (`export.site`): which files, and where they go; and
the page's Python as the export step ships it (`export.runtime`): a wheel with every module of
`py/digits`, listed by name and SHA-256 in Pyodide's lock file, rebuilt whenever `py/` changes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import brotli
import pytest

from export import runtime, stdlib
from export import site as site_export

WHEEL = "digits-0.1.0-py3-none-any.whl"


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    """A small stand-in for the repository: `site/` (with a model manifest and the page's
    Python as its wheel) and `py/` (the sources of that wheel, not part of the site)."""
    root = tmp_path / "repo"
    (root / "site" / "model").mkdir(parents=True)
    (root / "site" / "vendor" / "pyodide").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<!doctype html><title>t</title>")
    (root / "site" / "sw.js").write_text("// the service worker")
    (root / "site" / "model" / "manifest.json").write_text(json.dumps({"version": "0123456789"}))
    (root / "site" / "big.js").write_text("let x = 1;\n" * 500)
    (root / "site" / "vendor" / "pyodide" / WHEEL).write_bytes(b"PK wheel")
    (root / "py" / "digits").mkdir(parents=True)
    (root / "py" / "digits" / "photo.py").write_text("X = 1\n")
    return root


def export(out: Path, sources: Path) -> dict:
    return site_export.export_static(out, sources / "site", sources / "py")


def test_dotfiles_and_dangling_links_are_not_part_of_the_site(sources: Path) -> None:
    """An editor's lock symlink (`.#big.js` -> a name that is no file) and other dotfiles are
    neither listed for the offline install nor in the way of `python app.py`; the page's
    Python is listed as its wheel, never as the sources in `py/`."""
    site = sources / "site"
    (site / ".#big.js").symlink_to("user@host.1234:1700000000")
    (site / ".scratch.js").write_text("let y = 2;\n")
    (site / "gone.js").symlink_to("nowhere.js")
    manifest = site_export.write_precache_manifest(site)
    urls = [entry["url"] for entry in manifest["files"]]
    assert urls == ["big.js", "index.html", "model/manifest.json", f"vendor/pyodide/{WHEEL}"]


def test_precompressed_copies_are_replaced_by_content_not_time(sources: Path) -> None:
    """A file deployed with an older timestamp than its `.gz` and `.br` (`cp -p`, `rsync -a`,
    `tar x`) gets new ones; one that can no longer be made is removed, so no host serves it
    stale. Both are always written: Brotli is a dependency of the export, not an option."""
    big = sources / "site" / "big.js"
    sibling = sources / "site" / "big.js.gz"
    brotli_sibling = sources / "site" / "big.js.br"
    assert site_export.write_precompressed(sources / "site") == 2
    assert gzip.decompress(sibling.read_bytes()) == big.read_bytes()
    assert brotli.decompress(brotli_sibling.read_bytes()) == big.read_bytes()
    assert site_export.write_precompressed(sources / "site") == 0

    stamp = sibling.stat().st_mtime - 3600
    big.write_text("let y = 2;\n" * 600)
    os.utime(big, (stamp, stamp))
    assert site_export.write_precompressed(sources / "site") == 2
    assert gzip.decompress(sibling.read_bytes()) == big.read_bytes()
    assert brotli.decompress(brotli_sibling.read_bytes()) == big.read_bytes()

    big.write_bytes(os.urandom(4000))  # incompressible: no copy is worth having
    os.utime(big, (stamp, stamp))
    site_export.write_precompressed(sources / "site")
    assert not sibling.exists()
    assert not brotli_sibling.exists()


def test_a_zip_of_stored_entries_is_precompressed_and_a_deflated_one_is_not(
    sources: Path,
) -> None:
    """The standard library's zip (stored entries, export.stdlib) packs well and gets its
    copies; a wheel (deflated entries) saves less than MIN_SAVING and gets none."""
    pyodide_dir = sources / "site" / "vendor" / "pyodide"
    for name, method in (
        ("stored.zip", zipfile.ZIP_STORED),
        ("deflated.whl", zipfile.ZIP_DEFLATED),
    ):
        with zipfile.ZipFile(pyodide_dir / name, "w", compression=method) as archive:
            for index in range(4):
                archive.writestr(f"module{index}.py", f"KEY = {os.urandom(8000).hex()!r}\n")
    site_export.write_precompressed(sources / "site")
    assert (pyodide_dir / "stored.zip.br").is_file()
    assert (pyodide_dir / "stored.zip.gz").is_file()
    assert not list(pyodide_dir.glob("deflated.whl.*"))


def test_the_export_holds_the_site_and_its_own_marker(tmp_path: Path, sources: Path) -> None:
    out = tmp_path / "dist" / "site"
    export(out, sources)
    names = sorted(path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file())
    assert names == [
        site_export.EXPORT_MARKER,
        "big.js",
        "big.js.br",
        "big.js.gz",
        "index.html",
        "model/manifest.json",
        "precache-manifest.js",
        "sw.js",
        f"vendor/pyodide/{WHEEL}",
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


# --- the page's Python, built into a wheel (export.runtime) ------------------------------------


@pytest.fixture()
def page_python(tmp_path: Path) -> Path:
    """A copy of `py/` (pyproject.toml and the digits package) that a test may change."""
    copy = tmp_path / "py"
    shutil.copytree(
        runtime.PY_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    )
    return copy


def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return sorted(archive.namelist())


def test_the_wheel_holds_every_module_and_the_same_sources_give_the_same_bytes(
    tmp_path: Path, page_python: Path
) -> None:
    """A module added to py/digits is in the wheel with no other edit (the page loads the
    package, not a list of files); and a rebuild is byte for byte the same (the snapshot key)."""
    (page_python / "digits" / "added_module.py").write_text("ANSWER = 42\n")
    first = runtime.build_wheel(tmp_path / "first", page_python)
    again = runtime.build_wheel(tmp_path / "again", page_python)
    assert first.name == WHEEL
    assert first.read_bytes() == again.read_bytes()
    sources = sorted(
        path.relative_to(page_python).as_posix() for path in (page_python / "digits").rglob("*.py")
    )
    assert "digits/added_module.py" in sources
    assert set(sources) <= set(wheel_names(first))


def test_the_lock_file_lists_the_wheel_by_name_with_its_sha256(
    tmp_path: Path, page_python: Path, web_runtime: Path
) -> None:
    """A lock file of the page's own: Pyodide's `info` block, unchanged, and one entry: the
    page's package, found beside the lock, with the SHA-256 Pyodide checks it against (none
    of the packages the page never loads). An earlier build's wheel is gone."""
    pyodide_dir = tmp_path / "pyodide"
    pyodide_dir.mkdir()
    (pyodide_dir / "digits-0.0.9-py3-none-any.whl").write_bytes(b"an earlier release")
    wheel = runtime.write_page_python(pyodide_dir, page_python)
    assert [path.name for path in pyodide_dir.iterdir() if path.suffix == ".whl"] == [WHEEL]

    original = json.loads((runtime.NODE_MODULES / "pyodide" / runtime.LOCK_NAME).read_text())
    lock = json.loads((pyodide_dir / runtime.LOCK_NAME).read_text())
    entry = lock["packages"].pop(runtime.PAGE_PACKAGE)
    assert lock == {"info": original["info"], "packages": {}}
    assert len((pyodide_dir / runtime.LOCK_NAME).read_bytes()) < 1000
    assert entry["name"] == runtime.PAGE_PACKAGE
    assert entry["file_name"] == WHEEL
    assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert entry["imports"] == ["digits"]
    assert entry["depends"] == []  # pure standard library: Pyodide loads nothing else for it


def test_the_shipped_wheel_is_the_built_one_with_checked_bytecode_beside_each_module(
    tmp_path: Path, web_runtime: Path
) -> None:
    """The served wheel is pip's wheel of `py/` with, beside each module, bytecode that Python
    checks against its source's hash before using it (PEP 552's checked-hash: a changed source
    is compiled afresh, which tests/test_stdlib.py's changed releases rely on), every entry
    listed in RECORD with its SHA-256 and size, entries stored (Brotli packs them across
    files), and compiling the built wheel again gives the served bytes."""
    import base64
    import subprocess

    shipped = runtime.DEFAULT_VENDOR_DIR / "pyodide" / WHEEL
    built = runtime.build_wheel(tmp_path / "built")
    again = tmp_path / WHEEL
    stdlib_zip = tmp_path / runtime.STDLIB_NAME  # the library trimmed, as the export has it
    original = runtime.NODE_MODULES / "pyodide" / runtime.STDLIB_NAME
    stdlib.trimmed_stdlib(original, stdlib_zip, stdlib.page_imports(runtime.PY_DIR))
    command = [str(runtime.NODE_MODULES / "pyodide"), str(stdlib_zip), str(built), str(again)]
    subprocess.run(["node", str(runtime.COMPILE_WHEEL), *command], check=True)
    assert again.read_bytes() == shipped.read_bytes()

    with zipfile.ZipFile(built) as source, zipfile.ZipFile(shipped) as wheel:
        names = wheel.namelist()
        modules = [name for name in source.namelist() if name.endswith(".py")]
        compiled = [name for name in names if name.endswith(".pyc")]
        assert len(compiled) == len(modules) > 10
        for module in modules:
            folder, name = module.rsplit("/", 1)
            assert f"{folder}/__pycache__/{name[:-3]}.cpython-314.pyc" in compiled, module
        for name in source.namelist():
            if not name.endswith("RECORD"):
                assert wheel.read(name) == source.read(name), name
        assert {wheel.read(name)[4:8] for name in compiled} == {(0b11).to_bytes(4, "little")}
        assert {info.compress_type for info in wheel.infolist()} == {zipfile.ZIP_STORED}
        record = wheel.read(next(name for name in names if name.endswith(".dist-info/RECORD")))
        rows = [row.split(",") for row in record.decode().splitlines()]
        assert sorted(row[0] for row in rows) == sorted(names)
        for name, digest, size in rows:
            if name.endswith("RECORD"):
                assert (digest, size) == ("", "")
                continue
            data = wheel.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert (digest, size) == (f"sha256={expected.decode()}", str(len(data))), name


def test_the_modules_the_worker_imports_import_every_module_of_the_page_python() -> None:
    """The page restores Python from a snapshot taken once digits.library and
    digits.recognizer are imported, and then does not load the wheel again
    (site/js/worker.js): a module of py/digits that is not imported by then (imported later,
    inside a function) would not be found on such a visit."""
    import subprocess
    import sys

    digits = runtime.PY_DIR / "digits"
    modules = {
        ".".join(path.relative_to(runtime.PY_DIR).with_suffix("").parts).removesuffix(".__init__")
        for path in runtime.python_sources(runtime.PY_DIR)
        if path.suffix == ".py" and digits in path.parents
    }
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, digits.library, digits.recognizer; "
            "print(*sorted(m for m in sys.modules if m.split('.')[0] == 'digits'))",
        ],
        env={**os.environ, "PYTHONPATH": str(runtime.PY_DIR)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert modules - set(imported) == set()


def test_a_change_under_py_makes_the_runtime_stale(tmp_path: Path, page_python: Path) -> None:
    """Added, edited and removed files make `is_prepared` false (the tests and
    scripts/setup.sh then rebuild the wheel); caches and editor dotfiles do not."""
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "versions.json").write_text(
        json.dumps(
            {
                "lock": runtime.lock_fingerprint()[:16],
                "python": runtime.python_fingerprint(page_python)[:16],
            }
        )
    )
    # Written by earlier export code (before the standard library was trimmed): stale.
    assert not runtime.is_prepared(vendor, page_python)
    versions = json.loads((vendor / "versions.json").read_text())
    versions["export"] = runtime.export_fingerprint()[:16]
    (vendor / "versions.json").write_text(json.dumps(versions))
    assert runtime.is_prepared(vendor, page_python)
    (page_python / "digits" / "__pycache__").mkdir(exist_ok=True)
    (page_python / "digits" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"pyc")
    (page_python / "digits" / ".#recognizer.py").write_text("an editor's lock")
    assert runtime.is_prepared(vendor, page_python)

    module = page_python / "digits" / "added_module.py"
    module.write_text("ANSWER = 42\n")
    assert not runtime.is_prepared(vendor, page_python)
    added = runtime.python_fingerprint(page_python)
    module.write_text("ANSWER = 43\n")
    assert runtime.python_fingerprint(page_python) != added
    module.unlink()
    assert runtime.is_prepared(vendor, page_python)  # back to the sources it was built from
    (page_python / "pyproject.toml").write_text(
        (page_python / "pyproject.toml").read_text().replace("0.1.0", "0.1.1")
    )
    assert not runtime.is_prepared(vendor, page_python)
