"""Measure the real page in headless Chromium: load time, bytes, stroke-end to result.

    .venv/bin/python -m benchmarks.web [--runs 5] [--digits 30]

Each run opens a fresh browser context (empty HTTP cache: a first visit), waits until the
recognizer is ready, then draws digits with the mouse and reads the page's own
`performance` entries: `digit:ready` (from navigation) and `digit:stroke-to-result` (from the
pointer-up that ends a stroke to the result on screen, with the worker's preprocessing and
inference times as its detail). Prints median and p95 of each.
"""

from __future__ import annotations

import argparse
import platform
import statistics

from playwright.sync_api import sync_playwright

from app import create_app
from tests.drawing import DIGIT_STROKES, draw_digit_with_mouse, shown_after
from tests.support import CHROMIUM_ARGS, chromium_executable, ensure_web_runtime, serve

READY_TIMEOUT_MS = 120_000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(name: str, values: list[float], unit: str) -> str:
    return (
        f"{name:<34} median {statistics.median(values):9.2f} {unit}   "
        f"p95 {percentile(values, 0.95):9.2f} {unit}   (n={len(values)})"
    )


def run_once(browser, base_url: str, digits: int) -> dict[str, list[float]]:
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    received = []
    page.on("requestfinished", lambda request: received.append(request))
    page.goto(base_url)
    page.wait_for_function(
        "performance.getEntriesByName('digit:ready').length > 0", timeout=READY_TIMEOUT_MS
    )
    ready_ms = page.evaluate("performance.getEntriesByName('digit:ready')[0].startTime")
    transferred = sum(request.sizes()["responseBodySize"] for request in received)
    labels = sorted(DIGIT_STROKES)
    for index in range(digits):
        page.get_by_test_id("clear").click()
        digit = labels[index % len(labels)]
        shown_after(page, draw_digit_with_mouse(page, digit))
    measures = page.evaluate(
        "performance.getEntriesByName('digit:stroke-to-result')"
        ".map(m => ({duration: m.duration, ...m.detail}))"
    )
    context.close()
    return {
        "ready_ms": [ready_ms],
        "cold_bytes": [transferred / 1e6],
        "stroke_to_result_ms": [m["duration"] for m in measures],
        "worker_total_ms": [m["total_ms"] for m in measures],
        "preprocess_ms": [m["preprocess_ms"] for m in measures],
        "inference_ms": [m["inference_ms"] for m in measures],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold page loads")
    parser.add_argument("--digits", type=int, default=30, help="digits drawn per load")
    args = parser.parse_args(argv)
    ensure_web_runtime()
    results: dict[str, list[float]] = {}
    with serve(create_app()) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(playwright), args=CHROMIUM_ARGS
        )
        for _ in range(args.runs):
            for key, values in run_once(browser, url + "/", args.digits).items():
                results.setdefault(key, []).extend(values)
        version = browser.version
        browser.close()
    print(f"headless Chromium {version}, {platform.machine()}, served by app.py on loopback")
    print(summary("navigation to data-status=ready", results["ready_ms"], "ms"))
    print(summary("bytes transferred, cold load", results["cold_bytes"], "MB"))
    print(summary("stroke end to result shown", results["stroke_to_result_ms"], "ms"))
    print(summary("  worker: recognize() total", results["worker_total_ms"], "ms"))
    print(summary("  worker: preprocessing (Python)", results["preprocess_ms"], "ms"))
    print(summary("  worker: inference (TF.js)", results["inference_ms"], "ms"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
