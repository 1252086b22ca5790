"""Return visits restore Python from a memory snapshot the page made on the first visit, and a
damaged snapshot costs only time: Python starts afresh and a good snapshot replaces it. A new
release of the page's Python (another wheel) is never run from an older release's snapshot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.drawing import draw_digit_with_mouse
from harness.page import shown_after, wait_ready
from harness.snapshot import SNAPSHOT_CACHE, wait_snapshot_saved
from tests.page_python import serve_release

pytestmark = pytest.mark.browser
RESTORED = "restored from a snapshot"  # what the page's "about" line says then
DAMAGE = f"""async (kind) => {{
  const cache = await caches.open('{SNAPSHOT_CACHE}');
  const [request] = await cache.keys();
  const good = new Uint8Array(await (await cache.match(request)).arrayBuffer());
  let body = good.slice(0, good.length >> 1); // 'truncated': gzip's check fails
  if (kind === 'not-a-snapshot') {{ // well-formed gzip of the wrong bytes
    const wrong = new Uint8Array(1 << 20).fill(7);
    const packed = new Blob([wrong]).stream().pipeThrough(new CompressionStream('gzip'));
    body = await new Response(packed).arrayBuffer();
  }}
  await cache.put(request, new Response(body));
  return body.byteLength;
}}"""


def test_a_return_visit_restores_python_and_recognizes(page: Page) -> None:
    page.goto("/")
    wait_ready(page)
    expect(page.get_by_test_id("model-info")).not_to_contain_text(RESTORED)
    assert shown_after(page, draw_digit_with_mouse(page, "3")) == "3"
    wait_snapshot_saved(page)

    page.reload()
    wait_ready(page)
    expect(page.get_by_test_id("model-info")).to_contain_text(RESTORED)
    for digit in ("7", "2"):
        page.get_by_test_id("clear").click()
        assert shown_after(page, draw_digit_with_mouse(page, digit)) == digit


@pytest.mark.parametrize("damage", ["truncated", "not-a-snapshot"])
def test_a_damaged_snapshot_is_replaced_and_costs_nothing_else(page: Page, damage: str) -> None:
    page.goto("/")
    wait_ready(page)
    good_size = wait_snapshot_saved(page)
    damaged_size = page.evaluate(DAMAGE, damage)
    assert damaged_size != good_size

    page.reload()
    wait_ready(page)
    expect(page.get_by_test_id("model-info")).not_to_contain_text(RESTORED)
    expect(page.get_by_test_id("status")).not_to_contain_text("could not")
    assert shown_after(page, draw_digit_with_mouse(page, "4")) == "4"
    # A good snapshot took its place: the next visit restores again.
    wait_snapshot_saved(page, other_than=damaged_size)
    page.reload()
    wait_ready(page)
    expect(page.get_by_test_id("model-info")).to_contain_text(RESTORED)
    assert shown_after(page, draw_digit_with_mouse(page, "4")) == "4"


@pytest.fixture()
def page_without_service_worker(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page whose every request reaches the routes (no service worker answers from its
    cache), so a test can serve it another release."""
    context = browser.new_context(base_url=base_url, service_workers="block")
    yield context.new_page()
    context.close()


SNAPSHOT_URLS = f"""async () => {{
  const cache = await caches.open('{SNAPSHOT_CACHE}');
  return (await cache.keys()).map((request) => request.url);
}}"""
# True once one snapshot is stored, under another key (URL) than the argument's.
SNAPSHOT_REPLACED = f"""async (old) => {{
  const urls = await ({SNAPSHOT_URLS})();
  return urls.length === 1 && urls[0] !== old;
}}"""


def test_a_new_release_of_the_page_python_starts_afresh(page_without_service_worker: Page) -> None:
    """The snapshot holds the imported modules: restoring one made with the old wheel would
    run the old code. A new wheel (its SHA-256 in the lock file) means a new snapshot key."""
    page = page_without_service_worker
    page.goto("/")
    wait_ready(page)
    wait_snapshot_saved(page)
    [old_snapshot] = page.evaluate(SNAPSHOT_URLS)

    # The new release answers "Nothing to recognize" for any drawing: visibly its own code.
    serve_release(
        page.context,
        "digits/recognizer.py",
        "def recognize(*args):\n"
        "    return {'status': 'empty', 'message': 'The new release.', 'timings': {}}\n",
    )
    page.reload()
    wait_ready(page)
    expect(page.get_by_test_id("model-info")).not_to_contain_text(RESTORED)
    draw_digit_with_mouse(page, "3")
    expect(page.get_by_test_id("message")).to_have_text("The new release.")
    page.wait_for_function(SNAPSHOT_REPLACED, arg=old_snapshot, timeout=60_000)
