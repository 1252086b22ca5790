"""Shared by the tests and benchmarks: a loopback server, the web runtime, the browser."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect
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


def wait_ready(page: Page, timeout_ms: float = READY_TIMEOUT_MS) -> None:
    """Wait until the page says its recognizer is ready."""
    expect(page.get_by_test_id("prediction")).to_have_attribute(
        "data-status", "ready", timeout=timeout_ms
    )


SNAPSHOT_CACHE = "digit-python-snapshot"  # as site/js/snapshot.js names it
# The stored Python snapshot's size in bytes, 0 while there is none (Cache Storage).
STORED_SNAPSHOT_SIZE = f"""async () => {{
  const cache = await caches.open('{SNAPSHOT_CACHE}');
  const sizes = await Promise.all(
    (await cache.keys()).map(async (request) => (await (await cache.match(request)).blob()).size),
  );
  return sizes.length === 1 ? sizes[0] : sizes.length === 0 ? 0 : -sizes.length;
}}"""


def wait_snapshot_saved(page: Page, other_than: int = 0, timeout_ms: float = 60_000) -> int:
    """Wait until one Python snapshot of a plausible size (not `other_than` bytes) is stored;
    return its size. (A gzipped snapshot is about 6 MB.)"""
    page.wait_for_function(
        f"""(otherThan) => {{
            ({STORED_SNAPSHOT_SIZE})().then((size) => {{ window.storedSnapshotSize = size; }});
            const size = window.storedSnapshotSize;
            return size > 1_000_000 && size !== otherThan;
        }}""",
        arg=other_than,
        timeout=timeout_ms,
        polling=200,
    )
    return page.evaluate(STORED_SNAPSHOT_SIZE)
