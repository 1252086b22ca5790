"""Shared fixtures: the real Flask app on a free port, and the browser Playwright drives."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from export import runtime

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture(scope="session")
def web_runtime() -> Path:
    """site/vendor/ as `python -m export.runtime` writes it (built once if missing)."""
    if not runtime.is_prepared():
        runtime.prepare(runtime.DEFAULT_VENDOR_DIR)
    return runtime.DEFAULT_VENDOR_DIR


@pytest.fixture(scope="session")
def live_server(web_runtime: Path) -> Iterator[str]:
    with serve(create_app()) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright resolves page.goto('/') against this."""
    return live_server + "/"


def _playwright_chromium_installed(playwright) -> bool:
    try:
        return Path(playwright.chromium.executable_path).is_file()
    except Exception:
        return False


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, playwright) -> dict:
    """Playwright's own Chromium where it is installed, else the system's (Debian's)."""
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    executable = os.environ.get("CHROMIUM_PATH")
    if not executable and not _playwright_chromium_installed(playwright):
        executable = next(
            (path for path in SYSTEM_CHROMIUM_CANDIDATES if Path(path).is_file()),
            shutil.which("chromium"),
        )
    if executable:
        args["executable_path"] = executable
    return args
