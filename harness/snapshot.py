"""The worker's stored Python snapshot (Cache Storage), as site/js/snapshot.js keeps it."""

from __future__ import annotations

from playwright.sync_api import Page

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
