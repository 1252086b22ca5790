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
from harness.drawing import draw_digit_with_mouse
from harness.page import shown_after, wait_ready
from harness.server import serve
from tests.page_python import shipped_wheel

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


def recognized_after_offline_reload(page: Page, digit: str) -> str:
    """Reload with the network cut, draw `digit`; the digit shown (the network comes back)."""
    page.context.set_offline(True)
    try:
        page.reload()
        wait_ready(page)
        return shown_after(page, draw_digit_with_mouse(page, digit))
    finally:
        page.context.set_offline(False)


CACHED_PATHS = """async (name) =>
  (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname)"""


def test_works_offline_after_one_visit(page: Page) -> None:
    page.goto("/")
    wait_ready(page)
    [cache] = wait_offline_ready(page)
    # The page's Python is kept as Pyodide loads it: its wheel and the lock file listing it.
    cached = page.evaluate(CACHED_PATHS, cache)
    assert f"/vendor/pyodide/{shipped_wheel().name}" in cached
    assert "/vendor/pyodide/pyodide-lock.json" in cached
    assert not [path for path in cached if path.startswith("/py/")]
    assert recognized_after_offline_reload(page, "6") == "6"


@pytest.fixture()
def deployable_site(tmp_path: Path, web_runtime: Path) -> Path:
    """A copy of the site that the test can redeploy (the runtime linked, not copied)."""
    copy = tmp_path / "site"
    shutil.copytree(ROOT / "site", copy, ignore=shutil.ignore_patterns("vendor", "vendor.new"))
    (copy / "vendor").symlink_to(web_runtime, target_is_directory=True)
    site_export.write_precache_manifest(copy)
    return copy


NEW_MODEL_VERSION = "feedfacefeedface"
RECOGNIZER_WORKER_PATH = "/js/worker.js"


def model_version(site: Path) -> str:
    return json.loads((site / "model" / "manifest.json").read_text())["version"]


def deploy_new_version(site: Path) -> str:
    """A new model version, and the offline manifest that goes with it; its cache's name."""
    manifest_path = site / "model" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["version"] = NEW_MODEL_VERSION
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return PRECACHE_PREFIX + site_export.write_precache_manifest(site)["version"]


def reload_into_the_update(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("update-reload").click()
    wait_ready(page)
    expect(page.get_by_test_id("model-info")).to_contain_text(NEW_MODEL_VERSION)
    expect(page.get_by_test_id("update")).to_be_hidden()


def wait_caches(page: Page, names: list[str]) -> None:
    """Old versions' caches go once no page uses them (soon after the last one reloads)."""
    page.wait_for_function(
        f"""async (names) => JSON.stringify(await {PRECACHES}) === JSON.stringify(names)""",
        arg=names,
        timeout=30_000,
    )


def test_a_new_version_is_offered_and_then_used_whole(page: Page, deployable_site: Path) -> None:
    with serve(create_app({"SITE_DIR": deployable_site})) as url:
        page.goto(url + "/")
        wait_ready(page)
        old_version = model_version(deployable_site)
        [old_cache] = wait_offline_ready(page)

        new_cache = deploy_new_version(deployable_site)
        assert new_cache != old_cache

        # The open client keeps running the old version whole, and is offered the new one.
        page.reload()
        wait_ready(page)
        expect(page.get_by_test_id("model-info")).to_contain_text(old_version)
        expect(page.get_by_test_id("update")).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("model-info")).to_contain_text(old_version)

        reload_into_the_update(page)
        wait_caches(page, [new_cache])
        assert shown_after(page, draw_digit_with_mouse(page, "2")) == "2"


def crash_the_recognizer(page: Page) -> None:
    """Its worker dies; the page starts a new one (which loads its files again)."""
    worker = next(w for w in page.workers if w.url.endswith(RECOGNIZER_WORKER_PATH))
    worker.evaluate("() => { setTimeout(() => { throw new Error('boom'); }); }")
    expect(page.get_by_test_id("status")).to_contain_text("Restarting")
    wait_ready(page)


def test_two_tabs_during_an_update_each_keep_their_version_until_they_reload(
    page: Page, deployable_site: Path
) -> None:
    with serve(create_app({"SITE_DIR": deployable_site})) as url:
        first = page
        first.goto(url + "/")
        wait_ready(first)
        old_version = model_version(deployable_site)
        [old_cache] = wait_offline_ready(first)
        second = first.context.new_page()
        second.goto(url + "/")
        wait_ready(second)

        new_cache = deploy_new_version(deployable_site)
        first.reload()  # looks for an update, which both tabs are then offered
        wait_ready(first)
        for tab in (first, second):
            expect(tab.get_by_test_id("update")).to_be_visible(timeout=30_000)

        reload_into_the_update(first)

        # The second tab still runs the old version, whole: a restarted recognizer loads the
        # old model, not the new one the first tab brought in.
        expect(second.get_by_test_id("model-info")).to_contain_text(old_version)
        crash_the_recognizer(second)
        expect(second.get_by_test_id("model-info")).to_contain_text(old_version)
        assert shown_after(second, draw_digit_with_mouse(second, "5")) == "5"
        assert sorted(first.evaluate(PRECACHES)) == sorted([old_cache, new_cache])

        # And its own "Reload to update" works.
        reload_into_the_update(second)
        assert shown_after(second, draw_digit_with_mouse(second, "3")) == "3"
        wait_caches(second, [new_cache])


def test_a_failed_offline_install_leaves_no_partial_cache_and_says_so(
    page: Page, deployable_site: Path
) -> None:
    # A deploy in progress: a file changed after the offline list was written.
    style = deployable_site / "css" / "style.css"
    style.write_text(style.read_text() + "\n/* changed */\n")
    with serve(create_app({"SITE_DIR": deployable_site})) as url:
        page.goto(url + "/")
        offline_unavailable_yet_recognition_works(page, "does not match")


def test_no_room_for_the_offline_files_leaves_no_partial_cache_and_says_so(
    page: Page, live_server: str
) -> None:
    """The app's files are about 16 MB; with 12 MB the install used to stop at about 7 MB and
    leave those there, taking the room the Python snapshot needs."""
    session = page.context.new_cdp_session(page)
    session.send("Storage.overrideQuotaForOrigin", {"origin": live_server, "quotaSize": 12_000_000})
    try:
        page.goto(live_server + "/")
        offline_unavailable_yet_recognition_works(page, "no room left")
    finally:
        session.send("Storage.overrideQuotaForOrigin", {"origin": live_server})


def offline_unavailable_yet_recognition_works(page: Page, reason: str) -> None:
    wait_ready(page)
    note = page.get_by_test_id("offline-unavailable")
    expect(note).to_be_visible(timeout=60_000)
    expect(note).to_contain_text("Offline use is not available")
    expect(note).to_contain_text(reason)
    expect(note).to_contain_text("Recognition keeps working while you are online.")
    assert page.evaluate(PRECACHES) == []
    assert page.evaluate("() => navigator.serviceWorker.controller") is None
    # Nothing else changes: the recognizer works (online).
    assert shown_after(page, draw_digit_with_mouse(page, "8")) == "8"
    expect(page.get_by_test_id("status")).to_have_text(re.compile("^Ready"))


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
    assert recognized_after_offline_reload(page, "9") == "9"


def test_static_export_command_writes_a_complete_zip(tmp_path: Path, web_runtime: Path) -> None:
    assert site_export.main(["--out", str(tmp_path / "site"), "--zip"]) == 0
    exported = {p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*")}
    for needed in (
        "index.html",
        "sw.js",
        "precache-manifest.js",
        "manifest.webmanifest",
        f"vendor/pyodide/{shipped_wheel().name}",
        "vendor/pyodide/pyodide-lock.json",
        "model/model.json",
        "vendor/pyodide/pyodide.asm.wasm",
        "vendor/tfjs/tf.mjs",
    ):
        assert needed in exported
    assert not [path for path in exported if path.startswith("py/")]  # sources: in the wheel
    import zipfile

    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        assert "index.html" in archive.namelist()
        assert "vendor/pyodide/python_stdlib.zip" in archive.namelist()
