"""Shared by the tests and benchmarks: a loopback server, the web runtime, the browser."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from export import runtime, site

# Cold start of Pyodide + TF.js takes seconds; far more on a busy CI machine.
READY_TIMEOUT_MS = 90_000
SYSTEM_CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def serve(app) -> Iterator[str]:
    """Run a WSGI app on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def ensure_web_runtime() -> Path:
    """site/vendor/ as `python -m export.runtime` writes it (built once if missing), and a
    current precache manifest for the service worker."""
    if not runtime.is_prepared():
        runtime.prepare(runtime.DEFAULT_VENDOR_DIR)
    site.write_precache_manifest()
    site.write_precompressed()
    return runtime.DEFAULT_VENDOR_DIR


def chromium_executable(playwright) -> str | None:
    """None for Playwright's own Chromium where installed, else the system's (Debian's)."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    try:
        if Path(playwright.chromium.executable_path).is_file():
            return None
    except Exception:  # no browser registry: fall through to the system's
        pass
    return next(
        (path for path in SYSTEM_CHROMIUM_CANDIDATES if Path(path).is_file()),
        shutil.which("chromium"),
    )
