"""The recognizer's start-up going wrong: a file that does not arrive (refused, 404, cut short,
stalled), Python code that fails or never finishes at import, a model manifest or model file
that is incomplete or changed. Each ends, within a deadline, in an error that says in words
what failed, with a Retry that works once the fault is gone; never "Loading…" forever.

Each case loads the page in a fresh context with the service worker blocked, so routes see
every request and no cache answers them. Deadlines are shortened for the cases that need one
(site/js/deadlines.js reads `self.testDeadlinesMs`), then restored before the Retry.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from harness.page import READY_TIMEOUT_MS, prediction_seq, shown_after, wait_error, wait_ready
from tests.page_python import PAGE_WHEEL, changed_wheel, serve_release, shipped_wheel

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
WASM = "**/vendor/pyodide/pyodide.asm.wasm"
STDLIB = "**/vendor/pyodide/python_stdlib.zip"
MANIFEST = "**/model/manifest.json"
RECOGNIZER = "digits/recognizer.py"  # in the page's wheel
MODEL_JSON = "**/model/model.json"
MODEL_SHARD = "**/model/group1-shard1of1.bin"
# Resolved to this machine, yet not "localhost": plain HTTP to it is not a secure context, as
# for a phone on the LAN opening the app served with `--host 0.0.0.0`.
LAN_HOST = "digits.lan.test"
# Long enough for a cold start's longest silent step on two busy cores (a few seconds), short
# enough that a stalled case fails in seconds, not the page's real deadline.
STALL_MS = 12_000
RESULT_TIMEOUT_MS = 20_000
CONNECTION_ADVICE = "Check your connection, then press Retry."
FAULT_ADVICE = "This is a fault in the app, not your connection."


@pytest.fixture()
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=base_url, service_workers="block")
    yield context
    context.close()


def open_page(context: BrowserContext, stall_ms: int | None = None) -> Page:
    page = context.new_page()
    if stall_ms is not None:
        page.add_init_script(f"self.testDeadlinesMs = {{ loadingStall: {stall_ms} }};")
    page.goto("/")
    return page


def expect_start_error(page: Page, *parts: str, absent: tuple[str, ...] = ()) -> str:
    """The page says it could not start, with each of `parts`, and offers Retry."""
    wait_error(page)
    status = page.get_by_test_id("status")
    expect(status).to_have_text(re.compile(r"^The recognizer could not start: .+"))
    for part in parts:
        expect(status).to_contain_text(part)
    text = status.inner_text()
    for unwanted in absent:
        assert unwanted not in text, text
    expect(page.get_by_test_id("retry")).to_be_visible()
    expect(page.get_by_test_id("load-progress")).to_be_hidden()
    return text


def retry_works(context: BrowserContext, page: Page) -> None:
    """With the fault gone and the real deadline back, Retry starts a recognizer that works."""
    context.unroute_all(behavior="ignoreErrors")
    page.evaluate("() => { self.testDeadlinesMs = undefined; }")
    page.get_by_test_id("retry").click()
    wait_ready(page)
    expect(page.get_by_test_id("retry")).to_be_hidden()
    seq = prediction_seq(page)
    page.locator('[data-testid="example"][data-digit="7"]').click()
    assert shown_after(page, seq, RESULT_TIMEOUT_MS) == "7"


def replaced_body(body: bytes | str, content_type: str) -> Callable[[Route], None]:
    return lambda route: route.fulfill(status=200, body=body, content_type=content_type)


# --- the Python runtime not arriving (it used to hang forever) ------------------------------


def cut_in_half(route: Route) -> None:
    body = route.fetch().body()
    route.fulfill(status=200, body=body[: len(body) // 2], content_type="application/wasm")


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (lambda route: route.abort(), "could not be downloaded"),
        (lambda route: route.fulfill(status=404, body="gone"), "the server answered 404"),
        (cut_in_half, "arrived damaged or cut short"),
    ],
    ids=["refused", "404", "cut-short"],
)
def test_the_python_runtime_not_arriving_is_an_error_with_retry(
    context: BrowserContext, handler, reason: str
) -> None:
    context.route(WASM, handler)
    page = open_page(context, stall_ms=READY_TIMEOUT_MS)  # it fails at once, not by deadline
    expect_start_error(page, "the Python runtime (pyodide.asm.wasm)", reason, CONNECTION_ADVICE)
    retry_works(context, page)


@pytest.fixture()
def dropping_server() -> Iterator[str]:
    """A server that announces the whole wasm, sends half of it and drops the connection:
    the network lost mid-download."""
    body = (ROOT / "site" / "vendor" / "pyodide" / "pyodide.asm.wasm").read_bytes()
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/wasm\r\n"
                    + f"Content-Length: {len(body)}\r\nCross-Origin-Resource-Policy: "
                    "cross-origin\r\nConnection: close\r\n\r\n".encode()
                    + body[: len(body) // 2]
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/pyodide.asm.wasm"
    listener.close()
    thread.join(timeout=5)


def test_the_network_lost_mid_download_is_an_error_with_retry(
    context: BrowserContext, dropping_server: str
) -> None:
    context.route(WASM, lambda route: route.continue_(url=dropping_server))
    page = open_page(context, stall_ms=READY_TIMEOUT_MS)
    expect_start_error(page, "the Python runtime (pyodide.asm.wasm)", CONNECTION_ADVICE)
    retry_works(context, page)


def test_a_download_that_stalls_ends_at_the_deadline_with_retry(context: BrowserContext) -> None:
    stalled: list[Route] = []
    context.route(WASM, lambda route: stalled.append(route))  # never answered
    page = open_page(context, stall_ms=STALL_MS)
    expect_start_error(
        page, "the Python runtime", "did not finish loading within 12 s", CONNECTION_ADVICE
    )
    assert stalled
    retry_works(context, page)


def test_python_that_never_finishes_importing_ends_at_the_deadline(context: BrowserContext) -> None:
    serve_release(context, RECOGNIZER, "while True:\n    pass\n")
    page = open_page(context, stall_ms=STALL_MS)
    expect_start_error(
        page,
        "the page's Python",
        "did not finish starting within 12 s",
        absent=(CONNECTION_ADVICE,),
    )
    retry_works(context, page)


# --- start-up errors that say what failed -----------------------------------------------------


def test_a_python_import_error_says_the_code_failed_not_the_download(
    context: BrowserContext,
) -> None:
    serve_release(context, RECOGNIZER, "import digits_module_that_does_not_exist\n")
    page = open_page(context)
    text = expect_start_error(
        page,
        "the page's Python failed to import",
        "ModuleNotFoundError: No module named 'digits_module_that_does_not_exist'",
        "digits/recognizer.py, line 1",
        FAULT_ADVICE,
        absent=("downloaded", "Traceback", 'File "', CONNECTION_ADVICE),
    )
    assert "\n" not in text
    retry_works(context, page)


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (lambda route: route.fulfill(status=404, body="gone"), "the server answered 404"),
        (lambda route: route.abort(), "could not be downloaded"),
    ],
    ids=["404", "refused"],
)
def test_the_page_python_not_arriving_says_so(context: BrowserContext, handler, reason) -> None:
    context.route(PAGE_WHEEL, handler)
    page = open_page(context, stall_ms=READY_TIMEOUT_MS)  # it fails at once, not by deadline
    expect_start_error(
        page,
        f"the page's Python ({shipped_wheel().name}) could not be downloaded",
        reason,
        CONNECTION_ADVICE,
    )
    retry_works(context, page)


def test_a_page_python_that_does_not_match_the_lock_file_is_refused(
    context: BrowserContext,
) -> None:
    """Pyodide checks the wheel against the SHA-256 in the lock file: a changed wheel (here
    one that would stop Python at import) never runs."""
    changed = changed_wheel("digits/__init__.py", "import os\nos.abort()\n")
    context.route(PAGE_WHEEL, replaced_body(changed, "application/zip"))
    page = open_page(context, stall_ms=READY_TIMEOUT_MS)
    expect_start_error(
        page,
        f"the page's Python ({shipped_wheel().name}) arrived damaged",
        "does not match the lock file's SHA-256",
        CONNECTION_ADVICE,
    )
    retry_works(context, page)


def test_the_standard_library_not_arriving_says_so(context: BrowserContext) -> None:
    context.route(STDLIB, lambda route: route.fulfill(status=404, body="gone"))
    page = open_page(context, stall_ms=READY_TIMEOUT_MS)
    expect_start_error(
        page,
        "Python's standard library (python_stdlib.zip) could not be downloaded",
        "the server answered 404",
        CONNECTION_ADVICE,
        absent=("exit(", "Program terminated"),
    )
    retry_works(context, page)


def shipped_manifest() -> dict:
    return json.loads((ROOT / "site" / "model" / "manifest.json").read_text())


def test_a_manifest_without_its_model_says_so(context: BrowserContext) -> None:
    manifest = shipped_manifest()
    del manifest["model"]
    context.route(MANIFEST, replaced_body(json.dumps(manifest), "application/json"))
    page = open_page(context)
    expect_start_error(
        page, "the model's manifest", "names no model file", FAULT_ADVICE, absent=("undefined",)
    )
    retry_works(context, page)


def test_a_model_with_other_labels_is_refused(context: BrowserContext) -> None:
    """The page names output i by digits.facts.LABELS[i]; a model for other labels would
    have its answers misnamed, so it is refused in words instead."""
    manifest = shipped_manifest()
    manifest["labels"] = list("ABCDEFGHIJ")
    context.route(MANIFEST, replaced_body(json.dumps(manifest), "application/json"))
    page = open_page(context)
    expect_start_error(
        page, "the model's manifest", "does not have the labels 0, 1, 2", FAULT_ADVICE
    )
    retry_works(context, page)


# --- the model's checksums fail closed --------------------------------------------------------


def test_a_manifest_without_checksums_is_refused(context: BrowserContext) -> None:
    manifest = shipped_manifest()
    del manifest["files"]
    context.route(MANIFEST, replaced_body(json.dumps(manifest), "application/json"))
    page = open_page(context)
    expect_start_error(page, "the model's manifest", "no checksums", FAULT_ADVICE)
    retry_works(context, page)


def test_a_changed_model_json_is_refused(context: BrowserContext) -> None:
    model = json.loads((ROOT / "site" / "model" / "model.json").read_text())
    model["convertedBy"] = "someone else"  # still a valid model: only its checksum tells
    context.route(MODEL_JSON, replaced_body(json.dumps(model), "application/json"))
    page = open_page(context)
    expect_start_error(page, "model.json", "damaged", "checksum")
    retry_works(context, page)


def test_a_model_file_the_manifest_does_not_list_is_refused(context: BrowserContext) -> None:
    """model.json naming weights the manifest has no checksum for (served all the same)."""
    model = json.loads((ROOT / "site" / "model" / "model.json").read_text())
    [shard] = model["weightsManifest"][0]["paths"]
    model["weightsManifest"][0]["paths"] = ["unlisted.bin"]
    manifest = shipped_manifest()
    manifest["files"]["model.json"] = hashlib.sha256(json.dumps(model).encode()).hexdigest()
    weights = (ROOT / "site" / "model" / shard).read_bytes()
    context.route(MANIFEST, replaced_body(json.dumps(manifest), "application/json"))
    context.route(MODEL_JSON, replaced_body(json.dumps(model), "application/json"))
    context.route("**/model/unlisted.bin", replaced_body(weights, "application/octet-stream"))
    page = open_page(context)
    expect_start_error(page, "unlisted.bin", "no checksum in the manifest", FAULT_ADVICE)
    retry_works(context, page)


@pytest.fixture()
def lan_context(playwright, browser_type_launch_args: dict, live_server: str):
    """A browser that reaches the app as another host over plain HTTP: no crypto.subtle."""
    args = [*browser_type_launch_args["args"], f"--host-resolver-rules=MAP {LAN_HOST} 127.0.0.1"]
    browser = playwright.chromium.launch(**{**browser_type_launch_args, "args": args})
    port = urlparse(live_server).port
    context = browser.new_context(base_url=f"http://{LAN_HOST}:{port}/", service_workers="block")
    yield context
    context.close()
    browser.close()


def test_checksums_are_checked_where_crypto_subtle_is_missing(lan_context: BrowserContext) -> None:
    damaged = bytearray((ROOT / "site" / "model" / "group1-shard1of1.bin").read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # one flipped byte: the file looks fine, but is not
    lan_context.route(MODEL_SHARD, replaced_body(bytes(damaged), "application/octet-stream"))
    page = open_page(lan_context)
    assert page.evaluate("() => !isSecureContext && !globalThis.crypto?.subtle")
    expect_start_error(page, "group1-shard1of1.bin", "damaged", "checksum")
    retry_works(lan_context, page)
