"""Return visits restore Python from a memory snapshot the page made on the first visit, and a
damaged snapshot costs only time: Python starts afresh and a good snapshot replaces it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from harness.drawing import draw_digit_with_mouse
from harness.page import shown_after, wait_ready
from harness.snapshot import SNAPSHOT_CACHE, wait_snapshot_saved

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
