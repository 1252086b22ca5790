"""Shared fixtures: the real Flask app on a free port, and the browser Playwright drives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from app import create_app
from harness.browser import launch_options
from harness.page import wait_ready
from harness.server import ensure_web_runtime, serve


@pytest.fixture(scope="session")
def web_runtime() -> Path:
    return ensure_web_runtime()


@pytest.fixture(scope="session")
def live_server(web_runtime: Path) -> Iterator[str]:
    with serve(create_app()) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright resolves page.goto('/') against this."""
    return live_server + "/"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, playwright) -> dict:
    """Playwright's own Chromium where it is installed, else the system's (Debian's)."""
    return {**browser_type_launch_args, **launch_options(playwright)}


@pytest.fixture()
def ready_page(page: Page) -> Page:
    """The page, loaded, with its recognizer ready."""
    page.goto("/")
    wait_ready(page)
    return page
