"""digits.library under CPython: the rest of Python's library, downloaded when first imported.

A first zip on `sys.path` stands for the library Pyodide mounts (it lists the rest), and a
fake download serves the rest's bytes and counts the calls. The browser side, the real
download in the page's worker, is tests/test_stdlib.py's.
"""

from __future__ import annotations

import importlib
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from digits import library

REST_MODULES = {
    "restprobe_alone.py": "VALUE = 'alone'\n",
    "restprobe_package/__init__.py": "VALUE = 'package'\n",
    "restprobe_package/inner.py": "from . import VALUE as OUTER\nVALUE = 'inner ' + OUTER\n",
    "restprobe_started/later.py": "VALUE = 'later'\n",  # a package of the first zip's
}
LISTED = [
    "restprobe_alone",
    "restprobe_package",
    "restprobe_package.inner",
    "restprobe_started.later",
]


class Downloads:
    """The rest's bytes, as many times as asked, or an error while `failing`."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.urls: list[str] = []
        self.failing = False

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        if self.failing:
            raise OSError("it answered 404")
        return self.data


def zipped(path: Path, entries: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return path


@pytest.fixture()
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Downloads]]:
    """The first zip alone on sys.path (with the list, and a package of its own), the rest's
    bytes behind a fake download; the finder installed; everything undone after."""
    mounted = tmp_path / "lib"
    mounted.mkdir()
    first = zipped(
        mounted / "python_first.zip",
        {
            "restprobe_started/__init__.py": "VALUE = 'started'\n",
            library.REST_LIST: "".join(f"{name}\n" for name in LISTED),
        },
    )
    rest = zipped(tmp_path / "served_rest.zip", REST_MODULES)
    downloads = Downloads(rest.read_bytes())
    monkeypatch.setattr(sys, "path", [entry for entry in sys.path if not entry.endswith(".zip")])
    sys.path.append(str(first))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    before = set(sys.modules)
    yield mounted, downloads
    for name in set(sys.modules) - before:
        if name.startswith("restprobe"):
            del sys.modules[name]
    for key in [key for key in sys.path_importer_cache if key.startswith(str(tmp_path))]:
        del sys.path_importer_cache[key]


def test_a_module_of_the_rest_is_downloaded_once_and_imported(served) -> None:
    mounted, downloads = served
    assert library.install("https://example.test/vendor/pyodide/", downloads) == len(LISTED)
    assert downloads.urls == []  # nothing downloaded until a module of the rest is imported
    assert importlib.import_module("restprobe_alone").VALUE == "alone"
    assert importlib.import_module("restprobe_package.inner").VALUE == "inner package"
    # A module of the rest inside a package of the first zip: found through the rest too.
    assert importlib.import_module("restprobe_started").VALUE == "started"
    assert importlib.import_module("restprobe_started.later").VALUE == "later"
    assert downloads.urls == [f"https://example.test/vendor/pyodide/{library.REST_NAME}"]
    assert (mounted / library.REST_NAME).read_bytes() == downloads.data


def test_a_module_that_is_not_listed_downloads_nothing(served) -> None:
    _, downloads = served
    library.install("/vendor/", downloads)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("restprobe_nowhere")
    assert downloads.urls == []


def test_a_failed_download_is_an_import_error_that_says_so_and_a_later_import_retries(
    served,
) -> None:
    _, downloads = served
    library.install("/vendor/", downloads)
    downloads.failing = True
    with pytest.raises(ImportError, match=r"python_stdlib_rest\.zip\) could not be downloaded"):
        importlib.import_module("restprobe_alone")
    downloads.failing = False
    assert importlib.import_module("restprobe_alone").VALUE == "alone"
    assert len(downloads.urls) == 2


def test_installing_again_replaces_the_finder_and_a_lost_copy_is_downloaded_again(
    served,
) -> None:
    """As after a Python restored from a snapshot: the finder is there already, the file
    Pyodide's file system held is not."""
    mounted, downloads = served
    library.install("/vendor/", downloads)
    importlib.import_module("restprobe_alone")
    (mounted / library.REST_NAME).unlink()
    library.install("/vendor/", downloads)
    assert sum(isinstance(f, library.RestOfLibrary) for f in sys.meta_path) == 1
    assert importlib.import_module("restprobe_package").VALUE == "package"
    assert len(downloads.urls) == 2
