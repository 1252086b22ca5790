"""The page's own recognizer client, driven from Python: its worker fed images directly.

Tests and benchmarks that need the worker's answer for given pixels (not for a drawing on the
pad) go through site/js/recognizer-client.js, the one place the worker's message protocol is
written, by way of the JavaScript module harness/js/recognizer.js.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

JS_DIR = Path(__file__).resolve().parent / "js"
RECOGNIZER_JS = JS_DIR / "recognizer.js"
PAGE_WORKER = "/js/worker.js"
# Imports a module's source into the page from a blob: URL (the page's CSP allows blob:
# scripts, not inline ones) and calls one of its exports with one JSON argument.
CALL_EXPORT = (
    "async ([source, name, arg]) => (await import("
    "URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))))[name](arg)"
)


def call_export(page: Page, module: Path, name: str, arg: Any = None) -> Any:
    """Call the export `name` of the JavaScript module `module` in the page; its result."""
    return page.evaluate(CALL_EXPORT, [module.read_text(), name, arg])


def start_recognizer(page: Page, worker_url: str = PAGE_WORKER) -> None:
    """Start a second recognizer in the page on the worker at `worker_url` (the page's own, or
    the baseline's); return once it is ready (an error if it cannot start)."""
    call_export(page, RECOGNIZER_JS, "startRecognizer", worker_url)


def stop_recognizer(page: Page) -> None:
    call_export(page, RECOGNIZER_JS, "stopRecognizer")


def recognize_images(page: Page, images: list[tuple[bytes, int, int]]) -> list[dict[str, Any]]:
    """Each (RGBA bytes, width, height) through the started recognizer, in order: {"ok": True,
    "result": the worker's result} or {"ok": False, "error": its message}."""
    payload = [
        {"pixels": base64.b64encode(data).decode(), "width": width, "height": height}
        for data, width, height in images
    ]
    return call_export(page, RECOGNIZER_JS, "recognizeImages", payload)


def recognize_mnist(
    page: Page, images: bytes, sides: list[int], on_white: list[bool], in_flight: int
) -> list[list[Any]]:
    """MNIST digits (28x28 bytes each, concatenated) re-rendered `sides[i]` px wide, on white
    where `on_white[i]`, else as ink on transparency, through the started recognizer with
    `in_flight` requests queued; [status, digit, probability] or ["error", None, message]."""
    arg = {
        "images": base64.b64encode(images).decode(),
        "sides": sides,
        "onWhite": on_white,
        "inFlight": in_flight,
    }
    return call_export(page, RECOGNIZER_JS, "recognizeMnist", arg)


def _images_payload(images: list[tuple[bytes, int, int]]) -> list[dict[str, Any]]:
    return [
        {"pixels": base64.b64encode(data).decode(), "width": width, "height": height}
        for data, width, height in images
    ]


def recognize_images_timed(
    page: Page, images: list[tuple[bytes, int, int]]
) -> list[dict[str, Any]]:
    """Like `recognize_images`, one image in flight, each answer with "ms": from handing the
    image to the page's client to its answer (what the page waits)."""
    return call_export(page, RECOGNIZER_JS, "recognizeImagesTimed", _images_payload(images))


def recognize_pngs(page: Page, images: list[bytes], in_flight: int = 3) -> list[dict[str, Any]]:
    """Each PNG file's image through the started recognizer (decoded in the page to the
    ImageData a canvas holding it gives), `in_flight` requests queued at the worker: in order,
    {"ok": True, "result"} or {"ok": False, "error"}. Far less to carry than RGBA bytes."""
    arg = {"images": [base64.b64encode(data).decode() for data in images], "inFlight": in_flight}
    return call_export(page, RECOGNIZER_JS, "recognizePngs", arg)


def personalize(page: Page, request: dict[str, Any]) -> dict[str, Any]:
    """Send the worker's personal message through the page's client, as the page does:
    `request` is {"op": "replace" | "add", "examples": [{"id", "label": "0".."9", "input":
    784 ints 0-255}]} or {"op": "remove", "ids": [...]}. Returns {"ok": True, "result":
    {"examples", "perLabel"}} or {"ok": False, "error"}, with "ms" from sending to the reply."""
    return call_export(page, RECOGNIZER_JS, "personalize", request)


def correct_then_recognize(
    page: Page, request: dict[str, Any], image: tuple[bytes, int, int]
) -> dict[str, Any]:
    """A correction (`request`, as for `personalize`) and then `image` recognized, as a person
    corrects an answer and draws again: {"personal": the personal reply, "answer": the
    recognition's {ok, result | error}, "ms": from sending the correction to that answer}."""
    arg = {"request": request, "image": _images_payload([image])[0]}
    return call_export(page, RECOGNIZER_JS, "correctThenRecognize", arg)


def recognize_numbers(
    page: Page,
    items: list[tuple[bytes, list[list[float]] | None]],
    in_flight: int = 3,
    mode: str = "number",
) -> list[dict[str, Any]]:
    """Each (PNG file, strokes or None) through the started recognizer as the page sends it in
    `mode` ("number": client.recognize(image, {mode: 'number', strokes}), strokes in the
    image's pixels, each a flat [x0, y0, x1, y1, ...], None for an image; "digit": the old
    single-digit call, strokes unused), `in_flight` requests queued at the worker. PNGs, as
    `recognize_pngs`: a wide pad's RGBA is a megabyte. In order, {"ok": True, "result"} (the
    result without model inputs and probability lists) or {"ok": False, "error"}."""
    arg = {
        "images": [base64.b64encode(data).decode() for data, _ in items],
        "strokes": [strokes for _, strokes in items],
        "mode": mode,
        "inFlight": in_flight,
    }
    return call_export(page, RECOGNIZER_JS, "recognizeNumbers", arg)
