"""The page's real worker (Pyodide in headless Chromium) and CPython give the same input.

The preprocessing is pure Python so that both run the same code; this checks it end to end:
the same RGBA bytes posted to site/js/worker.js and passed to digits.recognizer under
CPython give identical 28x28 model inputs (the result's "input" field, compared exactly),
or are nothing to recognize in both. Cases: a pad drawing, a photo, light ink on dark,
a transparent PNG, a clean scan (the plain path), a photo of a marker-thick stroke (the
photo path's filled background), a blank page.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest
from digits import recognizer
from playwright.sync_api import Page

from tests import photos

pytestmark = pytest.mark.browser
READY_TIMEOUT_MS = 120_000
SIDE_W, SIDE_H = 320, 240  # photo-like images, kept small so the transfer is quick
BOX = (90.0, 30.0, 180.0)

# Runs in the page: a worker of our own, the recognizer's messages, one result per case.
RUN_IN_WORKER = """async ({ cases, timeout }) => {
  const worker = new Worker('/js/worker.js', { type: 'module' });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker not ready')), timeout);
    worker.addEventListener('message', ({ data }) => {
      if (data.type === 'status' && data.stage === 'ready') { clearTimeout(timer); resolve(); }
      if (data.type === 'status' && data.stage === 'error') reject(new Error(data.message));
    });
  });
  await ready;
  const results = [];
  for (const [id, item] of cases.entries()) {
    const bytes = Uint8Array.from(atob(item.pixels), (c) => c.charCodeAt(0));
    const answer = new Promise((resolve) => {
      const listen = ({ data }) => {
        if (data.type === 'result' && data.id === id) {
          worker.removeEventListener('message', listen);
          resolve(data);
        }
      };
      worker.addEventListener('message', listen);
    });
    worker.postMessage(
      { type: 'recognize', id, width: item.width, height: item.height, pixels: bytes.buffer },
      [bytes.buffer],
    );
    const data = await answer;
    results.push({
      ok: data.ok,
      error: data.error ?? null,
      status: data.ok ? data.result.status : null,
      input: data.ok && data.result.input ? Array.from(data.result.input) : null,
    });
  }
  worker.terminate();
  return results;
}"""


def cases() -> dict[str, tuple[bytes, int, int]]:
    digit = photos.coverage("5-bar", SIDE_W, SIDE_H, BOX, 10)
    pad = photos.coverage("2", 280, 280, (20.0, 20.0, 240.0), 20)
    return {
        "pad-drawing": (photos.on_transparency(pad), 280, 280),
        "photo": (
            photos.on_paper(
                digit,
                lighting=photos.gradient(SIDE_W, SIDE_H, 1.0, 0.5),
                texture=5,
                specks=20,
                noise=3,
                jpeg=75,
            ),
            SIDE_W,
            SIDE_H,
        ),
        "light-on-dark": (
            photos.on_paper(digit, paper=(40, 60, 50), ink=(230, 230, 220), noise=5),
            SIDE_W,
            SIDE_H,
        ),
        "transparent-png": (photos.on_transparency(digit, (255, 220, 0)), SIDE_W, SIDE_H),
        "clean-scan": (photos.on_paper(digit), SIDE_W, SIDE_H),
        "marker-photo": (
            photos.on_paper(
                photos.coverage("7-crossbar", SIDE_W, SIDE_H, BOX, 40),
                lighting=photos.gradient(SIDE_W, SIDE_H, 1.0, 0.6),
                noise=3,
            ),
            SIDE_W,
            SIDE_H,
        ),
        "blank": (photos.on_paper(np.zeros((SIDE_H, SIDE_W)), noise=4, jpeg=75), SIDE_W, SIDE_H),
    }


def in_cpython(data: bytes, width: int, height: int) -> dict:
    """digits.recognizer under CPython, with a stand-in model (only the input is compared)."""
    return recognizer.recognize(data, width, height, lambda pixels: [0.1] * 10)


def test_the_worker_and_cpython_give_identical_model_inputs(page: Page) -> None:
    page.goto("/")
    named = cases()
    payload = [
        {"pixels": base64.b64encode(data).decode(), "width": width, "height": height}
        for data, width, height in named.values()
    ]
    results = page.evaluate(RUN_IN_WORKER, {"cases": payload, "timeout": READY_TIMEOUT_MS})
    assert len(results) == len(named)
    for (name, (data, width, height)), in_browser in zip(named.items(), results, strict=True):
        assert in_browser["ok"], f"{name}: {in_browser['error']}"
        expected = in_cpython(data, width, height)
        assert in_browser["status"] == expected["status"], name
        if expected["status"] == "ok":
            # Exactly: float64 in both, the same arithmetic in the same order.
            assert in_browser["input"] == expected["input"], name
    statuses = [result["status"] for result in results]
    assert statuses == ["ok"] * (len(named) - 1) + ["empty"]
