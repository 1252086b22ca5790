"""Benchmark the real page against a TF.js-only baseline, in headless Chromium.

    .venv/bin/python -m benchmarks.web [--runs 5] [--digits 20] [--photos 10]

Two pages, measured in the same run, alternately: ours (Pyodide preprocessing + TF.js) and
the baseline (`?recognizer=baseline`: the same page, model and TF.js, with preprocessing in
JavaScript and no Pyodide). Each run opens a fresh browser context (empty caches: a first
visit), then reloads it once the service worker is active (a return visit). Prints median and
p95 of each figure for both pages, and the ratio ours/baseline:

1. cold load: navigation to `data-status=ready`, and to the first result shown;
2. warm load (service worker; ours restores Python from its snapshot): the same;
3. bytes transferred on the cold load, until ready (response bodies as sent, compressed);
4. per recognition: preprocessing and inference (worker-side), and stroke end to result shown;
5. main-thread long tasks (> 50 ms) while drawing with live recognition;
6. per uploaded photo (the first of the real-world benchmark's uploads): file given to result
   shown (reading, decoding, recognizing), and its preprocessing alone. The baseline's
   JavaScript has only the canvas path (no photo handling), so its figure is a floor, not a peer.

Timings come from the page's own `performance` entries: `digit:ready`, and
`digit:stroke-to-result` (pointer-up to the result on screen, with the worker's timings),
`digit:image-to-result` (an image file given to its result on screen, the same).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

from app import create_app
from harness.browser import launch_chromium
from harness.drawing import draw_digit_with_mouse
from harness.page import READY_TIMEOUT_MS, shown_after, wait_ready
from harness.server import ensure_web_runtime, serve
from harness.snapshot import wait_snapshot_saved
from harness.strokes import DIGIT_STROKES

PAGES = {"ours": "", "baseline": "?recognizer=baseline"}
UPLOADS_DIR = Path(__file__).resolve().parent / "data" / "uploads"
PYODIDE_STEP = "the Python runtime"  # a loading step's name, as site/js/worker.js reports it
# Counts every main-thread task over 50 ms from navigation on (buffered).
LONG_TASK_OBSERVER = """
window.longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ready_timing(page) -> tuple[float, dict[str, float]]:
    """Wait until the page is ready; ms from navigation to ready, and when each loading step
    finished (worker clock), from the `digit:ready` mark the page sets as it says so."""
    wait_ready(page)
    mark = page.evaluate(
        "() => { const [m] = performance.getEntriesByName('digit:ready');"
        " return {at: m.startTime, steps: m.detail || {}}; }"
    )
    return mark["at"], mark["steps"]


def first_result(page) -> float:
    """Draw a digit as soon as the page is ready; ms from navigation to its result shown."""
    shown_after(page, draw_digit_with_mouse(page, "3"))
    return page.evaluate(
        "() => { const [m] = performance.getEntriesByName('digit:stroke-to-result');"
        " return m.startTime + m.duration; }"
    )


def photo_files(count: int) -> list[Path]:
    """The first `count` images of the real-world benchmark's uploaded set."""
    items = json.loads((UPLOADS_DIR / "labels.json").read_text())["items"]
    return [UPLOADS_DIR / item["file"] for item in items[:count]]


def measures(page, name: str) -> list[dict[str, float]]:
    """The page's `performance.measure` entries called `name`: duration, and the worker's
    timings the page attached."""
    return page.evaluate(
        "name => performance.getEntriesByName(name)"
        ".map(m => ({duration: m.duration, ...m.detail}))",
        name,
    )


def upload_photos(page, photos: list[Path]) -> list[dict[str, float]]:
    """Give each photo to the page's file input; its image-to-result measure, with timings."""
    for photo in photos:
        before = len(measures(page, "digit:image-to-result"))
        page.get_by_test_id("upload").set_input_files(photo)
        page.wait_for_function(
            "n => performance.getEntriesByName('digit:image-to-result').length > n",
            arg=before,
            timeout=READY_TIMEOUT_MS,
        )
    return measures(page, "digit:image-to-result")


def measure_page(
    browser, url: str, digits: int, photos: int, snapshot: bool
) -> dict[str, list[float]]:
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.add_init_script(LONG_TASK_OBSERVER)
    page = context.new_page()
    received = []
    page.on("requestfinished", lambda request: received.append(request))
    page.goto(url)
    cold_ready, cold_steps = ready_timing(page)
    cold_bytes = sum(request.sizes()["responseBodySize"] for request in received)
    cold_first = first_result(page)

    labels = sorted(DIGIT_STROKES)
    long_tasks_before = page.evaluate("() => window.longTasks.length")
    for index in range(digits):
        page.get_by_test_id("clear").click()
        shown_after(page, draw_digit_with_mouse(page, labels[index % len(labels)]))
    long_tasks = page.evaluate("() => window.longTasks")[long_tasks_before:]
    strokes = measures(page, "digit:stroke-to-result")[1:]
    photo_measures = upload_photos(page, photo_files(photos))

    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if snapshot:  # ours stores it once ready; a real return visit finds it
        wait_snapshot_saved(page, timeout_ms=READY_TIMEOUT_MS)
    page.reload()
    warm_ready, warm_steps = ready_timing(page)
    warm_first = first_result(page)
    context.close()
    return {
        "cold_ready_ms": [cold_ready],
        "cold_first_result_ms": [cold_first],
        "warm_ready_ms": [warm_ready],
        "warm_first_result_ms": [warm_first],
        "cold_mb": [cold_bytes / 1e6],
        "cold_pyodide_ms": [cold_steps.get(PYODIDE_STEP, 0.0)],
        "warm_pyodide_ms": [warm_steps.get(PYODIDE_STEP, 0.0)],
        "preprocess_ms": [m["preprocess_ms"] for m in strokes],
        "inference_ms": [m.get("inference_ms", 0.0) for m in strokes],
        "stroke_to_result_ms": [m["duration"] for m in strokes],
        "long_tasks_while_drawing": [float(len(long_tasks))],
        "longest_task_while_drawing_ms": [max(long_tasks, default=0.0)],
        "photo_to_result_ms": [m["duration"] for m in photo_measures],
        "photo_preprocess_ms": [m["preprocess_ms"] for m in photo_measures],
    }


ROWS = [
    ("cold load: to ready", "cold_ready_ms", "ms"),
    ("cold load: to first result", "cold_first_result_ms", "ms"),
    ("warm load: to ready", "warm_ready_ms", "ms"),
    ("warm load: to first result", "warm_first_result_ms", "ms"),
    ("cold load: bytes transferred", "cold_mb", "MB"),
    ("  cold: loadPyodide() done (worker)", "cold_pyodide_ms", "ms"),
    ("  warm: loadPyodide() done (worker)", "warm_pyodide_ms", "ms"),
    ("preprocessing", "preprocess_ms", "ms"),
    ("inference", "inference_ms", "ms"),
    ("stroke end to result shown", "stroke_to_result_ms", "ms"),
    ("long tasks while drawing (count)", "long_tasks_while_drawing", ""),
    ("longest task while drawing", "longest_task_while_drawing_ms", "ms"),
    ("photo: file given to result shown", "photo_to_result_ms", "ms"),
    ("photo: preprocessing", "photo_preprocess_ms", "ms"),
]


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1 (every figure needs a sample)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=positive, default=5, help="fresh-context runs per page")
    parser.add_argument("--digits", type=positive, default=20, help="digits drawn per run")
    parser.add_argument("--photos", type=positive, default=10, help="photos uploaded per run")
    args = parser.parse_args(argv)
    ensure_web_runtime()
    results: dict[str, dict[str, list[float]]] = {name: {} for name in PAGES}
    with serve(create_app()) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for _ in range(args.runs):
            for name, query in PAGES.items():  # alternate, so drift hits both alike
                for key, values in measure_page(
                    browser, url + "/" + query, args.digits, args.photos, name == "ours"
                ).items():
                    results[name].setdefault(key, []).extend(values)
        version = browser.version
        browser.close()

    print(
        f"headless Chromium {version}, {platform.machine()}, app.py on loopback; "
        f"{args.runs} runs x {args.digits} digits and {args.photos} photos per page"
    )
    print(f"{'':34} {'ours median':>12} {'p95':>9} {'baseline':>10} {'p95':>9} {'ratio':>7}")
    for label, key, unit in ROWS:
        ours, base = results["ours"][key], results["baseline"][key]
        ours_median, base_median = statistics.median(ours), statistics.median(base)
        ratio = f"{ours_median / base_median:7.2f}" if base_median else "      -"
        print(
            f"{label:34} {ours_median:9.2f} {unit:2} {percentile(ours, 0.95):9.2f} "
            f"{base_median:9.2f} {percentile(base, 0.95):9.2f} {ratio}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
