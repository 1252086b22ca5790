"""Offline-first and host-anywhere, in a real browser: service worker, updates, static export."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app import create_app
from export import site as site_export
from tests.drawing import draw_digit_with_mouse, shown_after
from tests.support import serve, wait_ready

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
# The service worker's caches (site/sw.js), one per release; Cache Storage also holds the
# worker's Python snapshot (site/js/snapshot.js), which is not part of any release.
PRECACHE_PREFIX = "digit-recognizer-"
PRECACHES = f"caches.keys().then(names => names.filter(n => n.startsWith('{PRECACHE_PREFIX}')))"


def wait_offline_ready(page: Page) -> list[str]:
    """Wait for the service worker to be active (its precache complete); return its caches."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return page.evaluate(PRECACHES)


def test_works_offline_after_one_visit(page: Page) -> None:
    page.goto("/")
    wait_ready(page)
    assert len(wait_offline_ready(page)) == 1
    page.context.set_offline(True)
    try:
        page.reload()
        wait_ready(page)
        assert shown_after(page, draw_digit_with_mouse(page, "6")) == "6"
    finally:
        page.context.set_offline(False)


@pytest.fixture()
def deployable_site(tmp_path: Path, web_runtime: Path) -> Path:
    """A copy of the site that the test can redeploy (the runtime linked, not copied)."""
    copy = tmp_path / "site"
    shutil.copytree(ROOT / "site", copy, ignore=shutil.ignore_patterns("vendor", "vendor.new"))
    (copy / "vendor").symlink_to(web_runtime, target_is_directory=True)
    site_export.write_precache_manifest(copy)
    return copy


def test_a_new_version_is_offered_and_then_used_whole(page: Page, deployable_site: Path) -> None:
    with serve(create_app({"SITE_DIR": deployable_site})) as url:
        page.goto(url + "/")
        wait_ready(page)
        old_version = json.loads((deployable_site / "model" / "manifest.json").read_text())
        [old_cache] = wait_offline_ready(page)

        # Deploy: a new model version, and the offline manifest that goes with it.
        manifest_path = deployable_site / "model" / "manifest.json"
        manifest = json.loads(manifest_path.read_text())
        manifest["version"] = "feedfacefeedface"
        manifest_path.write_text(json.dumps(manifest, indent=2))
        new = site_export.write_precache_manifest(deployable_site)
        assert new["version"] != old_cache.removeprefix(PRECACHE_PREFIX)

        # The open client keeps running the old version whole, and is offered the new one.
        page.reload()
        wait_ready(page)
        expect(page.get_by_test_id("model-info")).to_contain_text(old_version["version"])
        expect(page.get_by_test_id("update")).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("model-info")).to_contain_text(old_version["version"])

        page.get_by_test_id("update-reload").click()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        wait_ready(page)
        expect(page.get_by_test_id("model-info")).to_contain_text("feedfacefeedface")
        expect(page.get_by_test_id("update")).to_be_hidden()
        assert page.evaluate(PRECACHES) == [f"{PRECACHE_PREFIX}{new['version']}"]
        assert shown_after(page, draw_digit_with_mouse(page, "2")) == "2"


@pytest.fixture()
def static_server(tmp_path: Path, web_runtime: Path) -> Iterator[str]:
    """The static export under a sub-path, served by `python -m http.server`, not Flask."""
    root = tmp_path / "www"
    site_export.export_static(root / "some" / "path")
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        banner = server.stdout.readline()
        port = re.search(r"port (\d+)", banner).group(1)
        yield f"http://127.0.0.1:{port}/some/path/"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def test_static_export_works_from_a_sub_path_and_offline(page: Page, static_server: str) -> None:
    page.goto(static_server)
    wait_ready(page)
    assert shown_after(page, draw_digit_with_mouse(page, "4")) == "4"
    assert wait_offline_ready(page)
    page.context.set_offline(True)
    try:
        page.reload()
        wait_ready(page)
        assert shown_after(page, draw_digit_with_mouse(page, "9")) == "9"
    finally:
        page.context.set_offline(False)


def test_static_export_command_writes_a_complete_zip(tmp_path: Path, web_runtime: Path) -> None:
    assert site_export.main(["--out", str(tmp_path / "site"), "--zip"]) == 0
    exported = {p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*")}
    for needed in (
        "index.html",
        "sw.js",
        "precache-manifest.js",
        "manifest.webmanifest",
        "py/digits/preprocess.py",
        "model/model.json",
        "vendor/pyodide/pyodide.asm.wasm",
        "vendor/tfjs/tf.mjs",
    ):
        assert needed in exported
    import zipfile

    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        assert "index.html" in archive.namelist()
        assert "vendor/pyodide/python_stdlib.zip" in archive.namelist()
