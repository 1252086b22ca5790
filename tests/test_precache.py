"""The service worker precaches what a first visit fetches, and nothing more.

Its install downloads every file of site/precache-manifest.js beside the page's own
downloads: a file there that the page never runs is bytes a first visitor waits for for
nothing. A cold visit (no service worker, an empty HTTP cache) is recorded, the page's and
its workers' requests alike, and compared with the list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Request

from export import runtime
from export import site as site_export
from harness.page import wait_ready

pytestmark = pytest.mark.browser


@pytest.fixture()
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=base_url, service_workers="block")
    yield context
    context.close()


def precached_without_a_visit() -> set[str]:
    """Precached though a visit in this browser fetches none of them, each for its reason."""
    webmanifest = json.loads((site_export.SITE_DIR / "manifest.webmanifest").read_text())
    return {
        "index.html",  # the page itself: a visit asks for "/", the service worker answers it
        # The app's manifest and its icons: the browser fetches them to install the app,
        # not on a visit.
        "manifest.webmanifest",
        *(icon["src"] for icon in webmanifest["icons"]),
        # TF.js's wasm backend in each variant: which one loads depends on the browser (SIMD)
        # and the host (cross-origin isolation for threads); offline, it must be there.
        *(f"vendor/tfjs/{name}" for name in runtime.TFJS_WASM_FILES),
        # The modules of Python's library a start does not import: downloaded only if one of
        # them is imported (py/digits/library.py), which no visit does; offline, it is there.
        f"vendor/pyodide/{runtime.STDLIB_REST_NAME}",
    }


def test_the_offline_list_is_what_a_cold_visit_fetches(
    context: BrowserContext, base_url: str
) -> None:
    requested: list[Request] = []
    context.on("requestfinished", lambda request: requested.append(request))
    page = context.new_page()
    page.goto("/")
    wait_ready(page)
    site = urlparse(base_url)
    fetched = {
        urlparse(request.url).path.lstrip("/")
        for request in requested
        if urlparse(request.url).netloc == site.netloc and request.url.startswith("http")
    }
    fetched.discard("")  # the page, as "/": index.html below
    precached = {entry["url"] for entry in site_export.write_precache_manifest()["files"]}
    assert fetched - precached == set()  # each download is there offline
    assert precached - fetched <= precached_without_a_visit()
    # What the page runs is precached: the trimmed library, the page's lock file and wheel.
    for needed in (runtime.STDLIB_NAME, runtime.LOCK_NAME, "pyodide.asm.wasm"):
        assert f"vendor/pyodide/{needed}" in fetched & precached
    assert "model/group1-shard1of1.bin" in fetched & precached
