"""The page's Python as a test ships it: a release of the wheel with one module changed, and
the lock file that lists that wheel by its SHA-256, as `python -m export.runtime` writes them."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from playwright.sync_api import BrowserContext, Route

from export import runtime

PYODIDE_DIR = runtime.DEFAULT_VENDOR_DIR / "pyodide"
# URL patterns of the two files, for Playwright's routes.
PAGE_WHEEL = f"**/vendor/pyodide/{runtime.PAGE_PACKAGE}-*.whl"
LOCK = f"**/vendor/pyodide/{runtime.LOCK_NAME}"


def shipped_wheel() -> Path:
    """The wheel the export step wrote."""
    (wheel,) = PYODIDE_DIR.glob(f"{runtime.PAGE_PACKAGE}-*.whl")
    return wheel


def changed_wheel(module: str, source: str) -> bytes:
    """The shipped wheel with `module` (a path in it, e.g. "digits/recognizer.py") replaced."""
    changed = io.BytesIO()
    with zipfile.ZipFile(shipped_wheel()) as wheel, zipfile.ZipFile(changed, "w") as release:
        assert module in wheel.namelist(), module
        for item in wheel.infolist():
            release.writestr(item, source if item.filename == module else wheel.read(item))
    return changed.getvalue()


def serve_release(context: BrowserContext, module: str, source: str) -> str:
    """Serve, in `context`, a release whose `module` is `source`: its wheel and a lock file
    with that wheel's SHA-256. Returns the SHA-256."""
    wheel = changed_wheel(module, source)
    sha256 = hashlib.sha256(wheel).hexdigest()
    lock = json.loads((PYODIDE_DIR / runtime.LOCK_NAME).read_text())
    lock["packages"][runtime.PAGE_PACKAGE]["sha256"] = sha256
    context.route(PAGE_WHEEL, fulfilled(wheel, "application/zip"))
    context.route(LOCK, fulfilled(json.dumps(lock), "application/json"))
    return sha256


def fulfilled(body: bytes | str, content_type: str):
    """A route handler that answers 200 with `body`."""

    def handle(route: Route) -> None:
        route.fulfill(status=200, body=body, content_type=content_type)

    return handle
