"""The standard library the page ships: Pyodide's, trimmed to what the page can import
(`export.stdlib`), and enough for the page's real Python, error paths included.

The browser test serves a release whose digits.recognizer first imports, in the page's own
Pyodide, every module of the served library and of the page's package, and checks that each
module trimmed away is absent; and whose recognitions can be made to fail, so an exception
raised in the page's code crosses into JavaScript as a formatted traceback (Pyodide formats it
with `traceback`) after a warning was shown (`warnings`, `linecache`).
"""

from __future__ import annotations

import ast
import hashlib
import io
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from digits import library
from PIL import Image
from playwright.sync_api import Browser, BrowserContext

from export import runtime, stdlib
from harness.page import wait_ready, wait_started
from harness.recognizer import (
    personalize,
    recognize_images,
    recognize_numbers,
    start_recognizer,
    stop_recognizer,
)
from tests.page_python import PYODIDE_DIR, serve_release
from tests.photos import coverage, on_paper

ORIGINAL = runtime.NODE_MODULES / "pyodide" / runtime.STDLIB_NAME
SERVED = PYODIDE_DIR / runtime.STDLIB_NAME
SERVED_REST = PYODIDE_DIR / runtime.STDLIB_REST_NAME
RECOGNIZER = "digits/recognizer.py"


def names(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as opened:
        return opened.namelist()


def modules(archive: Path) -> set[str]:
    with zipfile.ZipFile(archive) as opened:
        return set(stdlib.module_entries(opened))


def served_modules() -> set[str]:
    """The modules of the library the page is served: a start's, and the rest."""
    return modules(SERVED) | modules(SERVED_REST)


def test_the_line_scan_finds_every_import_the_syntax_tree_holds() -> None:
    """Modules in syntax newer than this Python are read by a line scan: on every module that
    does parse here, it finds each module an import statement names (and maybe more)."""
    checked = 0
    with zipfile.ZipFile(ORIGINAL) as archive:
        for name, (entry, package) in stdlib.module_entries(archive).items():
            source = archive.read(entry).decode()
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            within = name if package else name.rpartition(".")[0]
            named = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    named |= {alias.name for alias in node.names}
                elif isinstance(node, ast.ImportFrom):
                    base = stdlib._absolute(within, node.level, node.module)
                    named |= stdlib._from_names(base, (alias.name for alias in node.names))
            assert named <= stdlib.scanned_imports(source, within), name
            checked += 1
    assert checked > 500


def test_the_served_library_is_the_trimmed_one_and_holds_the_original_programs(
    tmp_path: Path, web_runtime: Path
) -> None:
    """What the site serves is the closure of the page's Python today (computed again here),
    each module the program Pyodide ships (most without their documentation, the rest byte
    for byte), and a good deal less than Pyodide's whole library."""
    trimmed = tmp_path / runtime.STDLIB_NAME
    kept = stdlib.trimmed_stdlib(ORIGINAL, trimmed, stdlib.page_imports(runtime.PY_DIR))
    assert served_modules() == modules(trimmed) == kept
    stripped = 0
    with zipfile.ZipFile(trimmed) as served, zipfile.ZipFile(ORIGINAL) as original:
        for info in served.infolist():
            if not info.is_dir():
                shipped, source = served.read(info), original.read(info.filename)
                if shipped != source:
                    assert stdlib.same_program(source, shipped), info.filename
                    assert shipped.count(b"\n") == source.count(b"\n"), info.filename
                    assert len(shipped) < len(source), info.filename
                    stripped += 1
        assert stripped > 0.9 * len(kept)
        assert sum(info.file_size for info in served.infolist()) < 5_000_000
    everything = modules(ORIGINAL)
    assert len(kept) < 0.6 * len(everything)
    for needed in ("site", "encodings.utf_8", "encodings.cp437", "traceback", "linecache"):
        assert needed in kept, needed  # start-up, unpacking the wheel, error messages
    for unused in ("sqlite3", "tomllib", "unittest", "wsgiref", "zoneinfo", "pdb"):
        assert unused not in kept, unused


def test_the_modules_a_start_imports_are_served_compiled_from_the_trimmed_sources(
    tmp_path: Path, web_runtime: Path
) -> None:
    """The served library is the trimmed one in two zips. The first holds the modules the
    page's start imports as bytecode (but those frozen into the interpreter, which never read
    the zip, as source), compiled by Pyodide's own Python from those sources, and the list of
    the rest; the rest, the modules the page can reach but a start does not import, are the
    trimmed sources in a zip of their own. Compiling the trimmed library again (the export's
    own command, in a folder of its own) gives both served files byte for byte."""
    trimmed = tmp_path / runtime.STDLIB_NAME
    stdlib.trimmed_stdlib(ORIGINAL, trimmed, stdlib.page_imports(runtime.PY_DIR))
    for name in (runtime.LOCK_NAME, *(path.name for path in PYODIDE_DIR.glob("*.whl"))):
        (tmp_path / name).write_bytes((PYODIDE_DIR / name).read_bytes())
    again, again_rest = tmp_path / "compiled.zip", tmp_path / "rest.zip"
    command = [str(runtime.NODE_MODULES / "pyodide"), str(tmp_path), str(again), str(again_rest)]
    subprocess.run(["node", str(runtime.COMPILE_STDLIB), *command], check=True)
    assert again.read_bytes() == SERVED.read_bytes()
    assert again_rest.read_bytes() == SERVED_REST.read_bytes()

    with (
        zipfile.ZipFile(SERVED) as served,
        zipfile.ZipFile(SERVED_REST) as rest,
        zipfile.ZipFile(trimmed) as source,
    ):
        sources = set(source.namelist())
        rest_names = set(rest.namelist())
        first = set(served.namelist()) - {library.REST_LIST}
        compiled = [name for name in first if name.endswith(".pyc")]
        assert {name.removesuffix("c") for name in first} | rest_names == sources
        assert {name.removesuffix("c") for name in first}.isdisjoint(rest_names)
        for name in first - set(compiled):
            assert served.read(name) == source.read(name), name
        for name in rest_names:
            assert name.endswith(".py") and rest.read(name) == source.read(name), name
        headers = {served.read(name)[:16] for name in compiled}
        listed = served.read(library.REST_LIST).decode().split()
    assert sorted(listed) == listed == sorted(modules(SERVED_REST))
    assert len(headers) == 1  # one Python's magic number, then no timestamp or hash
    assert next(iter(headers))[4:] == bytes(12)
    for started in (
        "typing.pyc",
        "encodings/__init__.pyc",
        "encodings/utf_8.pyc",
        "zipfile/__init__.pyc",
    ):
        assert started in compiled, started
    for later in ("argparse.py", "pprint.py", "pydoc.py"):  # reachable, not imported by a start
        assert later in rest_names and later not in first, later
    for frozen in ("os.py", "site.py", "codecs.py"):  # in the interpreter: never read here
        assert frozen in first and frozen + "c" not in compiled, frozen
    assert 100 < len(compiled) < 0.7 * len(served_modules())


TRICKY = b'''# -*- coding: utf-8 -*-
"""A module docstring
over two lines, with a "quote" and a # hash."""
import os  # a comment with "quotes" and a \\ backslash

WIDTH = "# not a comment"  # but this is
TEXT = """a string that is not a docstring\x20\x20\x20
  keeps its trailing spaces"""


class Shape:
    \'\'\'The class's docstring.\'\'\'

    # a comment line
    def area(self):
        "A one-line docstring."
        return 1 / 0  # the line a traceback names
'''


def test_without_docs_keeps_the_program_and_its_line_numbers() -> None:
    """Docstrings become "" and comments go; strings that are data, the encoding declaration
    and every line number stay, so a traceback names the same line."""
    shipped = stdlib.without_docs(TRICKY)
    assert shipped is not None and stdlib.same_program(TRICKY, shipped)
    lines = shipped.decode().splitlines()
    assert len(lines) == len(TRICKY.decode().splitlines())
    assert lines[0] == "# -*- coding: utf-8 -*-"
    assert lines[1] == '""' and lines[2] == ""
    assert lines[3] == "import os"
    assert lines[5] == 'WIDTH = "# not a comment"'
    assert lines[6] == 'TEXT = """a string that is not a docstring   '
    assert b"comment line" not in shipped and b"docstring" not in shipped.split(b"class")[1]
    assert lines[16] == "        return 1 / 0"
    namespace: dict[str, object] = {}
    exec(compile(shipped, "tricky.py", "exec"), namespace)
    assert namespace["Shape"].__doc__ == "" and namespace["TEXT"].endswith("trailing spaces")
    with pytest.raises(ZeroDivisionError) as raised:
        namespace["Shape"]().area()
    assert raised.traceback[-1].lineno + 1 == 17


@pytest.mark.parametrize(
    "source",
    [b"print(f'{x!r:>{width}}' if (x := 1) else 2", "x = 'caf\xe9'\n".encode("latin-1")],
    ids=["does-not-parse", "not-utf-8"],
)
def test_a_module_that_cannot_be_shown_unchanged_ships_as_it_was(source: bytes) -> None:
    assert stdlib.without_docs(source) is None
    assert stdlib.shipped(source) == source


def test_a_change_beyond_the_docs_is_caught() -> None:
    """same_program is what lets a stripped module ship: it must see a changed value or a
    moved line."""
    assert not stdlib.same_program(b"x = 1\n", b"x = 2\n")
    assert not stdlib.same_program(b"x = 1\ny = 2\n", b"x = 1\n\ny = 2\n")
    assert stdlib.same_program(b'"""Doc."""\nx = 1\n', b'""\nx = 1\n')


# Appended to digits.recognizer in the release under test: runs as the page imports it.
PROBE = '''

def _probe_the_standard_library(served, trimmed_away):
    """Import every served module; every module trimmed away must be absent. A module that
    fails for another reason (a C module Pyodide lacks, another platform's) fails the same
    with the whole library: only a missing module of the original library is a fault."""
    import importlib
    import importlib.util
    import pkgutil

    import digits

    missing = []
    page = [info.name for info in pkgutil.walk_packages(digits.__path__, "digits.")]
    for name in [*sorted(served), *page]:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name in trimmed_away or error.name in served or name in page:
                missing.append(f"{{name}} ({{error}})")
        except Exception:
            pass
    present = []
    for name in sorted(trimmed_away):
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # its package is trimmed away too
            found = None
        if found is not None and found.origin not in ("frozen", "built-in"):
            present.append(name)  # in the served zip though trimmed away
    if missing or present or len(page) < 10:
        raise ImportError(f"missing: {{missing}}; present though trimmed: {{present}}; {{page}}")


_probe_the_standard_library({served!r}, {trimmed_away!r})
_recognize = recognize


def _fail_deep_in_the_page_code(width):
    import warnings

    warnings.warn(f"a probe warning at width {{width}}", stacklevel=2)
    raise ValueError(f"a probe failure at width {{width}}")


def recognize(pixels, width, height, run_model):
    if (width, height) == (3, 1):
        _fail_deep_in_the_page_code(width)
    return _recognize(pixels, width, height, run_model)
'''


@pytest.fixture()
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=base_url, service_workers="block")
    yield context
    context.close()


def downloads_of(context: BrowserContext, name: str) -> list[str]:
    """A list that fills with the URL of each finished request of `context` (its pages and
    workers) for the file `name`."""
    urls: list[str] = []
    context.on(
        "requestfinished",
        lambda request: (
            urlsplit(request.url).path.endswith(f"/{name}") and urls.append(request.url)
        ),
    )
    return urls


def sha256_at(context: BrowserContext, url: str) -> str:
    return hashlib.sha256(context.request.get(url).body()).hexdigest()


@pytest.mark.browser
def test_every_module_the_page_can_reach_imports_in_the_page(context: BrowserContext) -> None:
    """The probe imports every module of both zips: the rest is downloaded, once by each
    worker (the page's, then the second one below), and its modules import from it."""
    served = served_modules()
    trimmed_away = modules(ORIGINAL) - served
    assert trimmed_away
    source = (runtime.PY_DIR / RECOGNIZER).read_text()
    probe = PROBE.format(served=sorted(served), trimmed_away=sorted(trimmed_away))
    serve_release(context, RECOGNIZER, source + probe)
    first = downloads_of(context, runtime.STDLIB_NAME)
    rest = downloads_of(context, runtime.STDLIB_REST_NAME)
    page = context.new_page()
    page.goto("/")
    status = wait_started(page)
    assert status == "ready", page.get_by_test_id("status").inner_text()
    assert len(first) == len(rest) == 1
    assert sha256_at(context, first[0]) == hashlib.sha256(SERVED.read_bytes()).hexdigest()
    assert sha256_at(context, rest[0]) == hashlib.sha256(SERVED_REST.read_bytes()).hexdigest()

    start_recognizer(page)  # a worker of its own, on the same release
    failed, fine = recognize_images(page, [(bytes(12), 3, 1), (bytes(16), 2, 2)])
    stop_recognizer(page)
    assert fine["ok"], fine
    assert not failed["ok"]
    error = failed["error"]
    assert error.startswith("Traceback (most recent call last):"), error
    assert 'digits/recognizer.py", line' in error
    assert "in _fail_deep_in_the_page_code" in error
    assert error.strip().endswith("ValueError: a probe failure at width 3")
    assert len(rest) == 2


@pytest.mark.browser
def test_a_visit_never_downloads_the_rest_of_the_library(context: BrowserContext) -> None:
    """What a visit runs (a start and its snapshot, a photographed digit, a number, an empty
    canvas, an error raised in the page's Python, an example of the person's handwriting
    learned) needs only the first zip: the rest is left unfetched."""
    first = downloads_of(context, runtime.STDLIB_NAME)
    rest = downloads_of(context, runtime.STDLIB_REST_NAME)
    page = context.new_page()
    page.goto("/")
    wait_ready(page)
    start_recognizer(page)
    digit = on_paper(coverage("7", 160, 120, (40, 10, 100), pen=9), noise=4.0, seed=1)
    two = coverage("4", 260, 120, (10, 10, 100), pen=9) + coverage("2", 260, 120, (140, 10, 100), 9)
    number = io.BytesIO()
    Image.frombytes("RGBA", (260, 120), on_paper(two, seed=2)).save(number, format="PNG")
    photo, refused = recognize_images(page, [(digit, 160, 120), (bytes(16), 2, 2)])
    # Strokes with an x and no y: a ValueError raised in the page's Python, as a traceback.
    read, failed = recognize_numbers(
        page, [(number.getvalue(), None), (number.getvalue(), [[1.0, 2.0, 3.0]])]
    )
    example = {"id": "a", "label": "7", "input": [0] * 300 + [255] * 184 + [0] * 300}
    learned = personalize(page, {"op": "add", "examples": [example]})
    stop_recognizer(page)
    assert learned["ok"] and learned["result"]["examples"] == 1, learned
    assert photo["ok"] and photo["result"]["digit"] == "7", photo
    assert read["ok"] and read["result"]["number"] == "42", read
    assert refused["ok"] and refused["result"]["status"] == "empty", refused
    assert not failed["ok"] and "Traceback" in failed["error"], failed
    assert len(first) == 2  # the page's worker and the one started above
    assert rest == []
