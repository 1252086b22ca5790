"""Benchmark the real page against a TF.js-only baseline, in headless Chromium.

    .venv/bin/python -m benchmarks.web [--runs 5] [--digits 20] [--photos 10] [--numbers 5]
        [--links loopback,20mbit,slow] [--throttled-runs 1] [--json PATH]

Two pages, measured in the same run, alternately: ours (Pyodide preprocessing + TF.js) and
the baseline (`?recognizer=baseline`: the same page, model and TF.js, with preprocessing in
JavaScript and no Pyodide). Each run opens a fresh browser context (empty caches: a first
visit), then reloads it once the service worker is active (a return visit).

On loopback (bytes are free; `--runs` runs, 5 by default), it prints median and p95 of each
figure for both pages, and the ratio ours/baseline:

1. cold load: navigation to `data-status=ready`, and to the first result shown;
2. warm load (service worker; ours restores Python from its snapshot): the same;
3. bytes transferred on the cold load, until ready (response bodies as sent, compressed, by
   the page and its workers; a revalidated file (304) and blob: URLs carry none);
4. per recognition: preprocessing and inference (worker-side), and stroke end to result shown;
5. main-thread long tasks (> 50 ms) while drawing with live recognition;
6. per uploaded photo (the first of the real-world benchmark's uploads): file given to result
   shown (reading, decoding, recognizing), and its preprocessing alone. The baseline's
   JavaScript has only the canvas path (no photo handling), so its figure is a floor, not a peer.
7. ours only (the baseline reads one digit): number mode, a 6-digit number (NUMBER) written
   with the mouse on its strip `--numbers` times per run: the last pen lift to the whole
   number shown (median; issue 13's target: at most NUMBER_TARGET_MS), the worker's
   segmentation and inference for it, and the main thread's long tasks while writing.

On each emulated link (LINKS, or `--links MBIT/MS`; Chromium's network conditions through
harness/network.py: the page, its workers and its service worker slowed to the link's rate,
with its latency added to every request; `--throttled-runs` runs per link, 1 by default, as a
cold load on the slow link takes a minute), for both pages, alternately: the cold load to
ready and to the first result, the warm load the same, the cold load's bytes to ready and the
least time they take at the link's rate (a run that was quicker is refused: the emulation did
not hold), what the service worker downloads for offline use once the page is ready (its
precache) and when it became active, and whether it took the link's conditions (a race
harness/network.py explains: its first fetches may go out unthrottled).

Then, for each page, the bytes of its first cold load per file (URL path, content-encoding,
response body as sent), largest first, with a total: until ready from the page and its
workers, and afterwards from the service worker.

Timings come from the page's own `performance` entries: `digit:ready`, and
`digit:stroke-to-result` (pointer-up to the result on screen, with the worker's timings; in
number mode too, to the number on screen),
`digit:image-to-result` (an image file given to its result on screen, the same).
`--json PATH` also writes every sample and the per-file bytes there.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Request, sync_playwright

from app import create_app
from harness.browser import launch_chromium
from harness.drawing import draw_digit_with_mouse
from harness.network import Link, throttle
from harness.numbers import draw_number, number_shown_after, set_number_mode
from harness.page import READY_TIMEOUT_MS, shown_after, wait_started
from harness.server import ensure_web_runtime, serve
from harness.snapshot import wait_snapshot_saved
from harness.strokes import DIGIT_STROKES

PAGES = {"ours": "", "baseline": "?recognizer=baseline"}
# The links a visit is measured over (--links). None: loopback, unthrottled. Uploads hardly
# matter here (requests are small); the slow link's are Lighthouse's slow-4G figures.
LINKS: dict[str, Link | None] = {
    "loopback": None,
    "20mbit": Link("20 Mbit/s, 40 ms", down_mbit_s=20, up_mbit_s=5, latency_ms=40),
    "slow": Link(
        "slow mobile: 1.6 Mbit/s, 150 ms", down_mbit_s=1.6, up_mbit_s=0.75, latency_ms=150
    ),
}
UPLOADS_DIR = Path(__file__).resolve().parent / "data" / "uploads"
NUMBER = "314159"  # number mode's figure: a 6-digit number
NUMBER_TARGET_MS = 30.0  # issue 13: its pen lift to result, median
PYODIDE_STEP = "the Python runtime"  # a loading step's name, as site/js/worker.js reports it
# Counts every main-thread task over 50 ms from navigation on (buffered).
LONG_TASK_OBSERVER = """
window.longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });
"""

# When the service worker became active (its precache done), ms from navigation.
SERVICE_WORKER_ACTIVE = """
navigator.serviceWorker?.ready.then(() => { window.serviceWorkerActive = performance.now(); });
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ready_timing(page) -> tuple[float, dict[str, float]]:
    """Wait until the page is ready; ms from navigation to ready, and when each loading step
    finished (worker clock), from the `digit:ready` mark the page sets as it says so."""
    if wait_started(page) != "ready":  # say so at once, not after the ready timeout
        status = page.get_by_test_id("status").inner_text()
        raise RuntimeError(f"{page.url}: the recognizer did not start: {status}")
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


@dataclass
class FileSent:
    """One file's response bodies as sent (compressed), summed over its requests."""

    path: str
    encoding: str  # the response's Content-Encoding, "" for none
    bytes: int = 0  # until ready, from the page and its workers
    service_worker_bytes: int = 0  # afterwards, from the service worker (its precache)


def files_sent(page_requests: list[Request], worker_requests: list[Request]) -> list[FileSent]:
    """Bytes per file (URL path and encoding), largest first, of the responses that carried a
    body: not a revalidated file (304), nor one from a cache, nor the blob: URLs TF.js starts
    its threads from (Playwright gives those no size, or a negative one)."""
    files: dict[tuple[str, str], FileSent] = {}
    for requests, field in ((page_requests, "bytes"), (worker_requests, "service_worker_bytes")):
        for request in requests:
            size = request.sizes()["responseBodySize"]
            if urlsplit(request.url).scheme not in ("http", "https") or size <= 0:
                continue
            response = request.response()
            encoding = (response and response.header_value("content-encoding")) or ""
            key = (urlsplit(request.url).path, encoding)
            sent = files.setdefault(key, FileSent(*key))
            setattr(sent, field, getattr(sent, field) + size)
    return sorted(files.values(), key=lambda f: (-f.bytes, -f.service_worker_bytes, f.path))


def service_worker_requests(context) -> list[Request]:
    """A list that fills with the requests the context's service worker finishes."""
    finished: list[Request] = []
    context.on("requestfinished", lambda r: r.service_worker and finished.append(r))
    return finished


def write_numbers(page, count: int) -> dict[str, list[float]]:
    """Number mode: NUMBER written `count` times with the mouse; for each, the last pen lift
    to the number shown (the page's last `digit:stroke-to-result` measure: the pen lifts
    before it each measure a partial number), the worker's timings, and the long tasks
    while writing. Digit mode again afterwards."""
    set_number_mode(page)
    long_tasks_before = page.evaluate("() => window.longTasks.length")
    lifts, read = [], []
    for _ in range(count):
        page.get_by_test_id("clear").click()
        before = len(measures(page, "digit:stroke-to-result"))
        read.append(number_shown_after(page, draw_number(page, NUMBER)))
        taken = measures(page, "digit:stroke-to-result")
        if len(taken) <= before:
            raise RuntimeError("number mode measured no 'digit:stroke-to-result' at pen lift")
        lifts.append(taken[-1])
    long_tasks = page.evaluate("() => window.longTasks")[long_tasks_before:]
    set_number_mode(page, on=False)
    return {
        "number_stroke_to_result_ms": [m["duration"] for m in lifts],
        "number_worker_ms": [m.get("total_ms", 0.0) for m in lifts],
        "number_segment_ms": [m.get("segment_ms", 0.0) for m in lifts],
        "number_inference_ms": [m.get("inference_ms", 0.0) for m in lifts],
        "number_read_right": [float(shown == NUMBER) for shown in read],
        "number_long_tasks_while_writing": [float(len(long_tasks))],
        "number_longest_task_ms": [max(long_tasks, default=0.0)],
    }


def measure_page(
    browser, url: str, digits: int, photos: int, snapshot: bool, numbers: int = 0
) -> tuple[list[FileSent], dict[str, list[float]]]:
    """One run on loopback: every figure of the docstring's list, and the cold load's files;
    number mode's only where `numbers` (ours)."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.add_init_script(LONG_TASK_OBSERVER)
    page = context.new_page()
    received = []
    page.on("requestfinished", lambda request: received.append(request))
    from_service_worker = service_worker_requests(context)
    page.goto(url)
    cold_ready, cold_steps = ready_timing(page)
    until_ready = list(received)
    cold_first = first_result(page)

    labels = sorted(DIGIT_STROKES)
    long_tasks_before = page.evaluate("() => window.longTasks.length")
    for index in range(digits):
        page.get_by_test_id("clear").click()
        shown_after(page, draw_digit_with_mouse(page, labels[index % len(labels)]))
    long_tasks = page.evaluate("() => window.longTasks")[long_tasks_before:]
    strokes = measures(page, "digit:stroke-to-result")[1:]
    photo_measures = upload_photos(page, photo_files(photos))
    number_figures = write_numbers(page, numbers) if numbers else {}

    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if snapshot:  # ours stores it once ready; a real return visit finds it
        wait_snapshot_saved(page, timeout_ms=READY_TIMEOUT_MS)
    files = files_sent(until_ready, list(from_service_worker))
    cold_bytes = sum(f.bytes for f in files)
    page.reload()
    warm_ready, warm_steps = ready_timing(page)
    warm_first = first_result(page)
    context.close()
    return files, {
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
        **number_figures,
    }


def measure_over_link(
    browser, url: str, link: Link, snapshot: bool
) -> tuple[list[FileSent], dict[str, list[float]]]:
    """One run over an emulated link: the cold and warm loads, and the cold load's files."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.add_init_script(SERVICE_WORKER_ACTIVE)
    page = context.new_page()
    throttled = throttle(context, page, link)
    received = []
    page.on("requestfinished", lambda request: received.append(request))
    from_service_worker = service_worker_requests(context)
    page.goto(url)
    cold_ready, _ = ready_timing(page)
    until_ready = list(received)
    cold_first = first_result(page)
    page.wait_for_function("() => window.serviceWorkerActive", timeout=READY_TIMEOUT_MS)
    service_worker_active = page.evaluate("() => window.serviceWorkerActive")
    if snapshot:
        wait_snapshot_saved(page, timeout_ms=READY_TIMEOUT_MS)
    files = files_sent(until_ready, list(from_service_worker))
    cold_bytes = sum(f.bytes for f in files)
    least_ms = 1000 * link.download_s(cold_bytes)
    if cold_ready < least_ms:
        raise RuntimeError(
            f"{url} over {link.name}: {cold_bytes} bytes by {cold_ready:.0f} ms, quicker than "
            f"the link allows ({least_ms:.0f} ms): the network emulation did not hold"
        )
    page.reload()
    warm_ready, _ = ready_timing(page)
    warm_first = first_result(page)
    throttled.check()
    context.close()
    return files, {
        "cold_ready_ms": [cold_ready],
        "cold_first_result_ms": [cold_first],
        "warm_ready_ms": [warm_ready],
        "warm_first_result_ms": [warm_first],
        "cold_mb": [cold_bytes / 1e6],
        "cold_least_ms": [least_ms],
        "service_worker_mb": [sum(f.service_worker_bytes for f in files) / 1e6],
        "service_worker_active_ms": [service_worker_active],
        "service_worker_throttled": [float("service_worker" in throttled.throttled)],
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


LINK_ROWS = [
    ("cold load: to ready", "cold_ready_ms", "ms"),
    ("cold load: to first result", "cold_first_result_ms", "ms"),
    ("warm load: to ready", "warm_ready_ms", "ms"),
    ("warm load: to first result", "warm_first_result_ms", "ms"),
    ("cold load: bytes to ready", "cold_mb", "MB"),
    ("  their least time at link rate", "cold_least_ms", "ms"),
    ("service worker: precache bytes", "service_worker_mb", "MB"),
    ("service worker: active", "service_worker_active_ms", "ms"),
    ("service worker: throttled (1: yes)", "service_worker_throttled", ""),
]


# Ours only: the baseline reads one digit.
NUMBER_ROWS = [
    (f"number ({len(NUMBER)} digits): pen lift to result", "number_stroke_to_result_ms", "ms"),
    ("  in the worker (total)", "number_worker_ms", "ms"),
    ("  its segmentation (worker)", "number_segment_ms", "ms"),
    ("  its inference (worker)", "number_inference_ms", "ms"),
    ("  read right (share)", "number_read_right", ""),
    ("long tasks while writing it (count)", "number_long_tasks_while_writing", ""),
    ("longest task while writing it", "number_longest_task_ms", "ms"),
]


def print_number_rows(ours: dict[str, list[float]]) -> None:
    """Number mode's figures (ours only), and issue 13's target for the pen lift."""
    print(f"number mode (ours only): {NUMBER} written with the mouse")
    print(f"{'':38} {'median':>9} {'p95':>9}")
    for label, key, unit in NUMBER_ROWS:
        median = statistics.median(ours[key])
        print(f"{label:38} {median:9.2f} {percentile(ours[key], 0.95):9.2f} {unit}")
    median = statistics.median(ours["number_stroke_to_result_ms"])
    met = "met" if median <= NUMBER_TARGET_MS else "MISSED"
    print(
        f"target: {len(NUMBER)}-digit pen lift to result, median {median:.1f} ms "
        f"(limit {NUMBER_TARGET_MS:g} ms): {met}"
    )


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1 (every figure needs a sample)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def links(text: str) -> dict[str, Link | None]:
    """An argparse type: comma-separated names of LINKS, or links written as
    DOWN_MBIT/LATENCY_MS (e.g. 100/5: 100 Mbit/s both ways, 5 ms per request), in order."""
    chosen: dict[str, Link | None] = {}
    for name in (name.strip() for name in text.split(",")):
        if name in LINKS:
            chosen[name] = LINKS[name]
            continue
        try:
            mbit, latency = (float(part) for part in name.split("/"))
        except ValueError:
            mbit = latency = -1.0
        if mbit <= 0 or latency < 0:
            raise argparse.ArgumentTypeError(
                f"unknown link {name!r}: choose from {', '.join(LINKS)} or write MBIT/MS"
            )
        chosen[name] = Link(f"{mbit:g} Mbit/s, {latency:g} ms", mbit, mbit, latency)
    return chosen


def print_rows(rows, ours: dict[str, list[float]], base: dict[str, list[float]]) -> None:
    """Median and p95 of each figure for both pages, and the ratio of the medians."""
    print(f"{'':34} {'ours median':>12} {'p95':>9} {'baseline':>10} {'p95':>9} {'ratio':>7}")
    for label, key, unit in rows:
        ours_median, base_median = statistics.median(ours[key]), statistics.median(base[key])
        ratio = f"{ours_median / base_median:7.2f}" if base_median else "      -"
        print(
            f"{label:34} {ours_median:9.2f} {unit:2} {percentile(ours[key], 0.95):9.2f} "
            f"{base_median:9.2f} {percentile(base[key], 0.95):9.2f} {ratio}"
        )


def print_files(page: str, files: list[FileSent]) -> None:
    """The bytes per file of one cold load, largest first, with totals."""
    print(f"{page}: bytes per file on its first cold load (response bodies as sent)")
    print(f"  {'path':52} {'encoding':>8} {'to ready':>11} {'service worker':>15}")
    for f in files:
        encoding = f.encoding or "-"
        print(f"  {f.path:52} {encoding:>8} {f.bytes:11,} {f.service_worker_bytes:15,}")
    total = sum(f.bytes for f in files), sum(f.service_worker_bytes for f in files)
    print(f"  {'total':52} {'':>8} {total[0]:11,} {total[1]:15,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=positive, default=5, help="fresh-context runs per page on loopback"
    )
    parser.add_argument("--digits", type=positive, default=20, help="digits drawn per run")
    parser.add_argument("--photos", type=positive, default=10, help="photos uploaded per run")
    parser.add_argument(
        "--numbers", type=positive, default=5, help=f"{len(NUMBER)}-digit numbers per run (ours)"
    )
    parser.add_argument(
        "--links",
        type=links,
        default=LINKS,
        help=f"comma-separated links to measure over: {','.join(LINKS)} (the default: all), "
        "or MBIT/MS for another",
    )
    parser.add_argument(
        "--throttled-runs",
        type=positive,
        default=1,
        help="fresh-context runs per page on each emulated link (a slow one takes minutes)",
    )
    parser.add_argument("--json", type=Path, help="also write every sample here, as JSON")
    args = parser.parse_args(argv)
    ensure_web_runtime()
    # results[link][page][figure]: the samples; files[page]: its first cold load's files
    results = {link: {name: {} for name in PAGES} for link in args.links}
    files: dict[str, list[FileSent]] = {}
    with serve(create_app()) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for link_name, link in args.links.items():
            for _ in range(args.throttled_runs if link else args.runs):
                for name, query in PAGES.items():  # alternate, so drift hits both alike
                    page_url = url + "/" + query
                    if link:
                        sent, figures = measure_over_link(browser, page_url, link, name == "ours")
                    else:
                        ours = name == "ours"
                        sent, figures = measure_page(
                            browser,
                            page_url,
                            args.digits,
                            args.photos,
                            ours,
                            args.numbers if ours else 0,
                        )
                    files.setdefault(name, sent)
                    for key, values in figures.items():
                        results[link_name][name].setdefault(key, []).extend(values)
        version = browser.version
        browser.close()

    if "loopback" in results:
        print(
            f"headless Chromium {version}, {platform.machine()}, app.py on loopback; "
            f"{args.runs} runs x {args.digits} digits and {args.photos} photos per page"
        )
        print_rows(ROWS, results["loopback"]["ours"], results["loopback"]["baseline"])
        print()
        print_number_rows(results["loopback"]["ours"])
    else:
        print(f"headless Chromium {version}, {platform.machine()}, app.py on loopback")
    for link_name, link in args.links.items():
        if link:
            print(
                f"\n{link.name} ({link_name}: {link.down_mbit_s:g} Mbit/s down, "
                f"{link.up_mbit_s:g} up, {link.latency_ms:g} ms per request): "
                f"{args.throttled_runs} runs per page"
            )
            print_rows(LINK_ROWS, results[link_name]["ours"], results[link_name]["baseline"])
    for name, sent in files.items():
        print()
        print_files(name, sent)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "chromium": version,
                    "machine": platform.machine(),
                    "runs": {"loopback": args.runs, "throttled": args.throttled_runs},
                    "links": {name: link and asdict(link) for name, link in args.links.items()},
                    "samples": results,
                    "files": {name: [asdict(f) for f in sent] for name, sent in files.items()},
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
