"""Accuracy on real-world input, end to end through the page, in headless Chromium.

    .venv/bin/python -m benchmarks.realworld [--sets scans,scans-tight,pen,...] [--limit N]

Every set runs through the product page and, side by side, through its own baseline
(`/?recognizer=baseline`: the same page and model, plain MNIST normalization in JavaScript),
so that a change that does worse than plain normalization shows at once.

Real handwriting by real people (training/handwriting.py; the held-out part of each UCI file,
never trained or tuned on; its writers may also have written digits of the training part):

- scans: the held-out scanned digits (optdigits, 484), uploaded through the file input as
  black-on-white PNGs, cycling through sizes and stroke widths (SCAN_VARIANTS);
- scans-photo: the same digits as phone photos of paper (off-white, uneven light, blur,
  noise; SCAN_PHOTO_VARIANTS), uploaded as PNGs;
- scans-tight: the same photos cropped tight to the digit, as a person crops a photo before
  uploading it: a thin margin, or none (the ink touches the photo's edges; SCAN_TIGHT_VARIANTS);
- pen: the held-out pen trajectories (pendigits, 1,874), replayed with the mouse on the pad as
  one polyline through their 8 points (how the data was recorded), 0.7 of the pad tall.

And, as before, sets that are not real handwriting:

1. mnist: the MNIST test set (10,000; the training split is never read), each 28x28 digit
   re-rendered larger (140, 210 or 280 px; black ink on transparency, as the pad holds it, or
   grey ink on opaque white, as a scan) and sent to the page's own worker (site/js/worker.js:
   the same Python preprocessing and shipped model). This measures the pipeline, minus the
   pad, on the data the model was made for.
2. drawn: 600 pen trajectories from benchmarks/realworld_data.py (generated from templates,
   not from MNIST), replayed with the mouse on the pad; the answer is the digit the page shows
   once the drawing is finished. Accuracy as a user who draws sees it.
3. uploaded: 550 photos and scans of paper from the same generator (another seed and mix),
   given to the page's file input one by one; the answer is the digit the page shows.

Prints, per set and page, accuracy overall and per class, how often no digit was shown, how
often the page said "not sure", and how often it was wrong while sure; writes a JSON
of the results (every item's answer included) and a confusion-matrix PNG per set under
benchmarks/results/ (or --out), and prints their paths. `--limit N` takes the first N items of
each set (items cycle through the classes, so a prefix is balanced) for a quick run.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from app import create_app
from benchmarks import realworld_data
from harness.browser import launch_chromium
from harness.drawing import pad_box, to_page, trace_with_mouse
from harness.page import prediction_seq, shown_after, wait_started
from harness.recognizer import recognize_mnist, start_recognizer
from harness.server import ensure_web_runtime, serve
from training import handwriting
from training.data import DEFAULT_MNIST_DIR

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
# The two pages every set runs on: the product, and plain normalization in JavaScript.
PAGES = {"page": "/", "baseline": "/?recognizer=baseline"}
WORKERS = {"page": "/js/worker.js", "baseline": "/baseline/worker.js"}
# Scans as uploaded, cycled: (px per bit, px added per stroke side, white margin share).
SCAN_VARIANTS = ((1, 0, 0.0), (4, 0, 0.0), (4, 0, 0.15), (8, 0, 0.1), (8, 3, 0.1), (8, 6, 0.0))
# Scans photographed on paper, cycled (a photo shows paper around the digit).
SCAN_PHOTO_VARIANTS = ((4, 0, 0.3), (8, 0, 0.3), (8, 4, 0.25))
# Scans photographed and cropped tight, cycled: 5% margins, or none.
SCAN_TIGHT_VARIANTS = (
    (4, 0, 0.05),
    (8, 0, 0.05),
    (8, 4, 0.05),
    (4, 0, 0.0),
    (8, 0, 0.0),
    (8, 4, 0.0),
)
# Each set of scans: its variants, and whether they are photographed.
SCAN_SETS = {
    "scans": (SCAN_VARIANTS, False),
    "scans-photo": (SCAN_PHOTO_VARIANTS, True),
    "scans-tight": (SCAN_TIGHT_VARIANTS, True),
}
REAL_SETS = (*SCAN_SETS, "pen")
SETS = (*REAL_SETS, "mnist", "drawn", "uploaded")
SCAN_PHOTO_SEED = 2026
CLASSES = realworld_data.CLASSES
NO_ANSWER = "none"  # the page showed no digit (nothing recognized, an error, a timeout)
VIEWPORT = {"width": 1000, "height": 800}
ANSWER_TIMEOUT_MS = 20_000  # one drawing or upload, from the pen lift / file chosen
WHOLE_PAD = (0.0, 0.0, 1.0, 1.0)  # trajectories are in pad fractions already
MNIST_SIDES = (140, 210, 280)  # re-rendered sizes, cycled
MNIST_BATCH = 250  # images per page.evaluate: 196 KB of base64
MNIST_IN_FLIGHT = 3  # requests queued at the worker: it never waits for the next image
PROGRESS_EVERY = 50

# Resolves once the page shows a final answer newer than `seq`, or an error message.
ANSWER_OR_ERROR = """seq => {
  const shown = document.querySelector('[data-testid=prediction]');
  const message = document.querySelector('[data-testid=message]');
  return (Number(shown.dataset.seq) > seq && shown.dataset.pending === 'false')
    || message.dataset.kind === 'error';
}"""

Record = dict[str, Any]  # {"label", "answer" (a digit or NO_ANSWER), ...details}


class BenchmarkError(RuntimeError):
    """The benchmark cannot run as asked (missing data, or the page lacks what a set needs)."""


def progress(name: str, done: int, total: int, started: float) -> None:
    print(f"  {name}: {done}/{total} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


def open_page(browser, url: str) -> Page:
    """A fresh page (its own context: no service worker from an earlier one), ready."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url)
    try:
        started = wait_started(page)
    except PlaywrightTimeoutError as error:
        raise BenchmarkError("the page's recognizer did not start in time") from error
    if started != "ready":
        status = page.get_by_test_id("status").inner_text()
        raise BenchmarkError(f"the page's recognizer did not start: {status}")
    return page


def mnist_test(mnist_dir: Path, limit: int | None):
    """The MNIST test split (images, labels), its first `limit` items; the training split is
    never read."""
    from training import mnist  # TensorFlow-free; imported here so other sets skip NumPy IO

    try:
        data = mnist.load(mnist_dir, allow_download=False)
    except mnist.MnistError as error:
        raise BenchmarkError(f"MNIST is not readable in {mnist_dir}: {error}") from error
    count = len(data.test_labels) if limit is None else min(limit, len(data.test_labels))
    return data.test_images[:count], data.test_labels[:count]


def mnist_replies(page: Page, images) -> Iterator[list[tuple[int, str, Any, Any]]]:
    """The images through the recognizer started in `page`, a batch at a time: each batch's
    (index, status, digit, detail), every size with both backgrounds."""
    for first in range(0, len(images), MNIST_BATCH):
        indices = range(first, min(len(images), first + MNIST_BATCH))
        replies = recognize_mnist(
            page,
            images[first : indices.stop].tobytes(),
            sides=[MNIST_SIDES[i % len(MNIST_SIDES)] for i in indices],
            # Every size with both backgrounds: the pattern repeats every 6 images.
            on_white=[(i // len(MNIST_SIDES)) % 2 == 1 for i in indices],
            in_flight=MNIST_IN_FLIGHT,
        )
        yield [(index, *reply) for index, reply in zip(indices, replies, strict=True)]


def run_mnist(
    browser, url: str, limit: int | None, mnist_dir: Path, worker: str = WORKERS["page"]
) -> list[Record]:
    """The test split through a second copy of the page's worker (or `worker`), started and
    fed by the page's own recognizer client, in batches."""
    images, labels = mnist_test(mnist_dir, limit)
    page = open_page(browser, url)
    start_recognizer(page, worker)
    records: list[Record] = []
    started = time.perf_counter()
    for batch in mnist_replies(page, images):
        for index, status, digit, detail in batch:
            answer = str(digit) if status == "ok" else NO_ANSWER
            record: Record = {"index": index, "label": str(int(labels[index])), "answer": answer}
            record["side"] = MNIST_SIDES[index % len(MNIST_SIDES)]
            if status == "ok":
                record["probability"] = detail
            else:
                record["status"] = f"{status}: {detail}" if detail else status
            records.append(record)
        progress("mnist", len(records), len(images), started)
    page.close()
    return records


def replay(page: Page, strokes: Sequence[Sequence[Sequence[float]]]) -> int:
    """Draw the strokes (pad fractions) with the mouse, each pointer event as recorded (so a
    fast trajectory stays angular, not smoothed); return data-seq as it was before the last
    pen lift (harness.drawing.trace_with_mouse)."""
    box = pad_box(page)
    paths = [[to_page((point[0], point[1]), box, WHOLE_PAD) for point in s] for s in strokes]
    return trace_with_mouse(page, paths)


def shown_answer(page: Page) -> Record:
    shown = page.get_by_test_id("prediction")
    text = shown.inner_text().strip()
    return {
        "answer": text if text in CLASSES else NO_ANSWER,
        "uncertain": shown.get_attribute("data-uncertain") == "true",
    }


def run_items(
    page: Page, items: list[Record], name: str, give: Callable[[Page, Record], Record]
) -> list[Record]:
    records = []
    started = time.perf_counter()
    for number, item in enumerate(items, 1):
        page.get_by_test_id("clear").click()
        try:
            outcome = give(page, item)
        except PlaywrightError as error:  # a timeout: the page never answered
            outcome = {"answer": NO_ANSWER, "status": f"no answer: {error.message.splitlines()[0]}"}
        records.append({"index": number - 1, "label": item["label"], **outcome})
        if number % PROGRESS_EVERY == 0 or number == len(items):
            progress(name, number, len(items), started)
    return records


def give_drawing(page: Page, item: Record) -> Record:
    seq = replay(page, item["strokes"])
    shown_after(page, seq, timeout_ms=ANSWER_TIMEOUT_MS)
    return {"style": item["style"], **shown_answer(page)}


def give_upload(page: Page, item: Record) -> Record:
    seq = prediction_seq(page)
    upload = item.get("payload") or realworld_data.UPLOADS_DIR / item["file"]
    page.get_by_test_id("upload").set_input_files(upload)
    page.wait_for_function(ANSWER_OR_ERROR, arg=seq, timeout=ANSWER_TIMEOUT_MS)
    message = page.get_by_test_id("message")
    outcome: Record = {"file": item["file"], "kind": item["kind"], **shown_answer(page)}
    outcome.update({key: item[key] for key in ("source_index",) if key in item})
    if message.get_attribute("data-kind") == "error":
        outcome.update(answer=NO_ANSWER, status=f"error: {message.inner_text()}")
    return outcome


def png(image: Image.Image, name: str) -> dict[str, Any]:
    """An in-memory file for the file input."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def scan_items(limit: int | None, name: str) -> list[Record]:
    """The held-out scans as uploads (one of SCAN_SETS): black on white, or photographed on
    paper."""
    scans = handwriting.part(handwriting.load_scans(), "held_out")[:limit]
    variants, photographed = SCAN_SETS[name]
    rng = random.Random(SCAN_PHOTO_SEED)
    items = []
    for number, scan in enumerate(scans):
        scale, thickness, margin = variants[number % len(variants)]
        image = handwriting.scan_image(scan, scale=scale, thickness=thickness, margin=margin)
        if photographed:
            image = handwriting.photographed(image, rng)
        kind = f"x{scale} +{thickness}px margin {margin:g}" + (" photo" if photographed else "")
        file = f"scan-{number:04d}.png"
        items.append(
            {"label": str(scan.label), "file": file, "kind": kind, "payload": png(image, file)}
        )
    return items


def pen_items(limit: int | None) -> list[Record]:
    """The held-out pen trajectories as strokes on the pad (one polyline each)."""
    trajectories = handwriting.part(handwriting.load_pen(), "held_out")[:limit]
    return [
        {"label": str(t.label), "style": "pendigits", "strokes": [handwriting.pad_stroke(t)]}
        for t in trajectories
    ]


def run_real(browser, url: str, name: str, limit: int | None) -> list[Record]:
    """One of REAL_SETS through the page at `url`."""
    try:
        if name == "pen":
            items, give = pen_items(limit), give_drawing
        else:
            items, give = scan_items(limit, name), give_upload
    except handwriting.HandwritingError as error:
        raise BenchmarkError(str(error)) from error
    page = open_page(browser, url)
    records = run_items(page, items, name, give)
    page.close()
    return records


def run_drawn(browser, url: str, limit: int | None) -> list[Record]:
    items = json.loads(realworld_data.DRAWN_FILE.read_text())["items"][:limit]
    page = open_page(browser, url)
    records = run_items(page, items, "drawn", give_drawing)
    page.close()
    return records


def run_uploaded(browser, url: str, limit: int | None) -> list[Record]:
    items = json.loads(realworld_data.LABELS_FILE.read_text())["items"][:limit]
    page = open_page(browser, url)
    if page.get_by_test_id("upload").count() == 0:
        raise BenchmarkError(
            'the page has no <input type="file" data-testid="upload">: '
            "the uploaded set needs it (run with --sets mnist,drawn until it exists)"
        )
    records = run_items(page, items, "uploaded", give_upload)
    page.close()
    return records


def summarize(records: list[Record]) -> dict[str, Any]:
    """Accuracy overall and per class, no-answer counts, and the confusion matrix (rows: true
    digit; columns: the digits then NO_ANSWER)."""
    columns = [*CLASSES, NO_ANSWER]
    confusion = [[0] * len(columns) for _ in CLASSES]
    for record in records:
        confusion[CLASSES.index(record["label"])][columns.index(record["answer"])] += 1
    per_class = {}
    for row, label in zip(confusion, CLASSES, strict=True):
        total = sum(row)
        correct = row[CLASSES.index(label)]
        per_class[label] = {
            "n": total,
            "correct": correct,
            "accuracy": correct / total if total else None,
            "no_answer": row[-1],
        }
    correct = sum(record["answer"] == record["label"] for record in records)
    # "Not sure" is only known where the page showed a digit (the MNIST set reads the worker).
    judged = [record for record in records if "uncertain" in record]
    not_sure = sum(bool(record["uncertain"]) for record in judged)
    wrong_while_sure = sum(
        record["answer"] not in (NO_ANSWER, record["label"]) and not record["uncertain"]
        for record in judged
    )
    return {
        "n": len(records),
        "correct": correct,
        "accuracy": correct / len(records) if records else None,
        "no_answer": sum(record["answer"] == NO_ANSWER for record in records),
        "not_sure": not_sure / len(judged) if judged else None,
        "wrong_while_sure": wrong_while_sure / len(judged) if judged else None,
        "per_class": per_class,
        "confusion_columns": columns,
        "confusion": confusion,
    }


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def print_table(summaries: dict[str, dict[str, Any]]) -> None:
    """One row per set and page ("set/page" keys): accuracy, no digit shown, "not sure",
    wrong while sure (% of answers), and accuracy per true digit."""
    header = (
        f"{'set/page':22} {'n':>6} {'acc %':>6} {'none':>5} {'unsure':>6} {'wrong':>6} | "
        + " ".join(f"{label:>5}" for label in CLASSES)
    )
    print(header + "   (unsure: 'not sure' %; wrong: wrong while sure %; then % per digit)")
    print("-" * len(header))
    for name, summary in summaries.items():
        classes = " ".join(
            f"{percent(summary['per_class'][label]['accuracy']):>5}" for label in CLASSES
        )
        print(
            f"{name:22} {summary['n']:6d} {percent(summary['accuracy']):>6} "
            f"{summary['no_answer']:5d} {percent(summary['not_sure']):>6} "
            f"{percent(summary['wrong_while_sure']):>6} | {classes}"
        )


CELL = 44  # px per confusion-matrix cell
MARGIN = 64


def confusion_png(name: str, summary: dict[str, Any], path: Path) -> None:
    """The confusion matrix as an image: rows true digits, columns the page's answers, each
    cell shaded by its share of its row, with the count written in it."""
    columns = summary["confusion_columns"]
    width, height = MARGIN + CELL * len(columns) + 8, MARGIN + CELL * len(CLASSES) + 8
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    title = f"{name}: {percent(summary['accuracy'])}% of {summary['n']} (rows: true, cols: answer)"
    draw.text((8, 6), title, fill="black", font=font)
    for column, label in enumerate(columns):
        x = MARGIN + column * CELL + CELL // 2
        draw.text((x, MARGIN - 12), label, fill="black", font=font, anchor="mm")
    for row, label in enumerate(CLASSES):
        y = MARGIN + row * CELL
        draw.text((MARGIN - 14, y + CELL // 2), label, fill="black", font=font, anchor="mm")
        counts = summary["confusion"][row]
        total = max(1, sum(counts))
        for column, count in enumerate(counts):
            share = count / total
            x = MARGIN + column * CELL
            right = column == row
            shade = (
                (round(255 - 200 * share), round(255 - 80 * share), round(255 - 200 * share))
                if right
                else (255, round(255 - 220 * share), round(255 - 220 * share))
            )
            draw.rectangle((x, y, x + CELL - 1, y + CELL - 1), fill=shade, outline=(200, 200, 200))
            if count:
                ink = "white" if share > 0.6 else "black"
                draw.text(
                    (x + CELL // 2, y + CELL // 2), str(count), fill=ink, font=font, anchor="mm"
                )
    image.save(path)


def git_state() -> dict[str, Any]:
    """The commit measured, and any uncommitted changes to what the page serves."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--", "py", "site", "app.py").splitlines()
    return {"commit": git("rev-parse", "HEAD"), "uncommitted_served_files": changed}


def parse_names(choices: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = sorted(set(names) - set(choices))
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"a comma-separated subset of {','.join(choices)}, not {text!r}"
            )
        return names

    return parse


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=parse_names(SETS), default=list(SETS), help=",".join(SETS))
    parser.add_argument(
        "--pages", type=parse_names(tuple(PAGES)), default=list(PAGES), help=",".join(PAGES)
    )
    parser.add_argument("--limit", type=positive, help="first N items of each set")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results directory")
    parser.add_argument("--mnist", type=Path, default=DEFAULT_MNIST_DIR, help="MNIST IDX directory")
    args = parser.parse_args(argv)

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    ensure_web_runtime()
    started = time.perf_counter()
    records: dict[str, list[Record]] = {}
    with serve(create_app()) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for name in args.sets:
                for page_name in args.pages:
                    key = f"{name}/{page_name}"
                    print(f"{key}...", file=sys.stderr)
                    page_url = url + PAGES[page_name]
                    if name == "mnist":
                        records[key] = run_mnist(
                            browser, page_url, args.limit, args.mnist, WORKERS[page_name]
                        )
                    elif name == "drawn":
                        records[key] = run_drawn(browser, page_url, args.limit)
                    elif name == "uploaded":
                        records[key] = run_uploaded(browser, page_url, args.limit)
                    else:
                        records[key] = run_real(browser, page_url, name, args.limit)
        except BenchmarkError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        finally:
            version = browser.version
            browser.close()
    seconds = time.perf_counter() - started

    summaries = {name: summarize(found) for name, found in records.items()}
    print(
        f"headless Chromium {version}, {platform.machine()}, app.py on loopback; "
        f"{seconds:.0f} s; answers as the page shows them ('none': no digit shown)"
    )
    print_table(summaries)

    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "command": " ".join([".venv/bin/python -m benchmarks.realworld", *(argv or sys.argv[1:])]),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "browser": f"Chromium {version}",
        "git": git_state(),
        "sets": {name: {**summaries[name], "items": records[name]} for name in records},
    }
    json_path = args.out / "realworld.json"
    json_path.write_text(json.dumps(report, indent=1) + "\n")
    print(f"results: {json_path}")
    for name, summary in summaries.items():
        png_path = args.out / f"realworld-{name.replace('/', '-')}-confusion.png"
        confusion_png(name, summary, png_path)
        print(f"confusion matrix: {png_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
