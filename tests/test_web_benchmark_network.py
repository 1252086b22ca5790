"""harness.network slows what a page fetches to its link's rate: from the page, from a worker
and from a service worker, each timed against the least time its bytes take over the link
(and, unthrottled, the same fetch is far quicker, so each check can fail)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.wrappers import Request, Response

from harness.network import Link, throttle
from harness.server import serve

LINK = Link("test: 2 Mbit/s, 20 ms", down_mbit_s=2, up_mbit_s=2, latency_ms=20)
BODY = os.urandom(250_000)  # incompressible: the bytes fetched are the bytes sent (1 s at LINK)
SERVICE_WORKER = """
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', async (event) => {
  const started = performance.now();
  const bytes = (await (await fetch(event.data, { cache: 'no-store' })).arrayBuffer()).byteLength;
  event.ports[0].postMessage({ ms: performance.now() - started, bytes });
});
"""
# Each returns {ms, bytes} for one fetch of the body, made where its name says.
TIMED_FETCH = """
async (url) => {
  const started = performance.now();
  const bytes = (await (await fetch(url, { cache: 'no-store' })).arrayBuffer()).byteLength;
  return { ms: performance.now() - started, bytes };
}"""
WORKER = f"onmessage = async ({{ data }}) => postMessage(await ({TIMED_FETCH})(data));"
FETCH_FROM_WORKER = f"""
(url) => new Promise((resolve, reject) => {{
  const worker = new Worker(URL.createObjectURL(new Blob([{json.dumps(WORKER)}])));
  worker.onmessage = ({{ data }}) => resolve(data);
  worker.onerror = (event) => reject(new Error(event.message));
  worker.postMessage(url);
}})"""
REGISTER_SERVICE_WORKER = """
async () => {
  await navigator.serviceWorker.register('/sw.js');
  await navigator.serviceWorker.ready;
}"""
FETCH_FROM_SERVICE_WORKER = """
async (url) => {
  const registration = await navigator.serviceWorker.ready;
  const channel = new MessageChannel();
  const answered = new Promise((resolve) => {
    channel.port1.onmessage = ({ data }) => resolve(data);
  });
  registration.active.postMessage(url, [channel.port2]);
  return answered;
}"""
WHERE = {
    "page": TIMED_FETCH,
    "worker": FETCH_FROM_WORKER,
    "service worker": FETCH_FROM_SERVICE_WORKER,
}


@Request.application
def tiny_site(request: Request) -> Response:
    """A page, a service worker that fetches when asked, and the body to fetch."""
    if request.path == "/body":
        return Response(BODY, content_type="application/octet-stream")
    if request.path == "/sw.js":
        return Response(SERVICE_WORKER, content_type="text/javascript")
    return Response("<!doctype html><title>network</title>", content_type="text/html")


@pytest.fixture(scope="module")
def tiny_url() -> Iterator[str]:
    with serve(tiny_site) as url:
        yield url


def timed_fetch(browser: Browser, url: str, where: str, link: Link | None) -> dict[str, float]:
    """One fetch of the body from `where` in a fresh context, over `link` (None: unthrottled)."""
    context = browser.new_context()
    try:
        page: Page = context.new_page()
        throttled = throttle(context, page, link) if link else None
        page.goto(url + "/")
        if where == "service worker":
            page.evaluate(REGISTER_SERVICE_WORKER)
            if throttled:  # a race the helper cannot win at the worker's start: see its docs
                throttled.wait_throttled(page, "service_worker")
        timing = page.evaluate(WHERE[where], url + "/body")
        if throttled:
            throttled.check()
        return timing
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("where", list(WHERE))
def test_a_fetch_takes_at_least_its_bytes_time_over_the_link(
    browser: Browser, tiny_url: str, where: str
) -> None:
    least_ms = 1000 * LINK.download_s(len(BODY))
    free = timed_fetch(browser, tiny_url, where, None)
    assert free["bytes"] == len(BODY)
    assert free["ms"] < least_ms / 2, f"{where}: loopback already slow ({free['ms']:.0f} ms)"
    throttled = timed_fetch(browser, tiny_url, where, LINK)
    assert throttled["bytes"] == len(BODY)
    assert throttled["ms"] >= least_ms + LINK.latency_ms, (
        f"{where}: {len(BODY)} bytes in {throttled['ms']:.0f} ms: faster than {LINK.name}"
    )


def test_link_rates_are_in_bytes_per_second() -> None:
    link = Link("slow", down_mbit_s=1.6, up_mbit_s=0.8, latency_ms=150)
    assert link.conditions() == {
        "offline": False,
        "latency": 150,
        "downloadThroughput": 200_000,
        "uploadThroughput": 100_000,
    }
    assert link.download_s(1_000_000) == 5
