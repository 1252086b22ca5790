"""Chromium, launched the same way for the tests, the benchmarks and the screenshots."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Playwright

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


def chromium_executable(playwright: Playwright) -> str | None:
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


def launch_options(playwright: Playwright) -> dict[str, Any]:
    """Keyword arguments for `playwright.chromium.launch` (pytest-playwright takes them too)."""
    options: dict[str, Any] = {"args": CHROMIUM_ARGS}
    executable = chromium_executable(playwright)
    if executable:
        options["executable_path"] = executable
    return options


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Chromium: Playwright's own where installed, else the system's."""
    return playwright.chromium.launch(**launch_options(playwright))
