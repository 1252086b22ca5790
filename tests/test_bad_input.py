"""Bad input must never break the page: each case shows the user a clear message, and the
page keeps working afterwards (a previous drawing is not lost, the next digit is recognized).

Test images are made here with Pillow, from the same strokes the mouse tests draw
(harness/strokes.py), so a digit in a file is one the model is known to recognize when drawn.
Most cases share one page (loading Pyodide + TF.js costs seconds on a busy machine); the
loading failures need fresh contexts, with the service worker blocked so routes see every
request.
"""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from harness.drawing import draw_digit_with_mouse, ink_pixels
from harness.page import READY_TIMEOUT_MS, prediction_seq, shown_after, wait_error, wait_ready
from harness.strokes import DIGIT_STROKES, smooth

pytestmark = pytest.mark.browser

# A recognition is milliseconds, but these 2 cores are shared with other test runs.
RESULT_TIMEOUT_MS = 20_000
PICTURE_SIDE = 280  # like the pad: the strokes' pen width below is the pad's
PEN_WIDTH = PICTURE_SIDE // 14
MAX_FILE_BYTES = 30 * 1024 * 1024  # site/js/images.js
HUGE_SIDE = 20_000  # 400 megapixels: far over images.js's 50-megapixel limit
UNSUPPORTED = "(PNG, JPEG, GIF, WebP, BMP or SVG)"
EMPTY_MESSAGE = "Nothing to recognize: draw a digit."
TIMES = "\N{MULTIPLICATION SIGN}"  # as images.js writes sizes
MODEL_SHARD = "group1-shard1of1.bin"
RECOGNIZER_WORKER_PATH = "/js/worker.js"
POLL_MS = 100
# After the model's weights arrive, its warm-up run takes milliseconds; this is ample.
WARM_UP_GRACE_MS = 2_000

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)


# --- images made for the tests ---------------------------------------------------------------


def draw_digit(
    digit: str,
    mode: str = "RGB",
    paper: tuple[int, ...] = WHITE,
    ink: tuple[int, ...] = BLACK,
    side: int = PICTURE_SIDE,
) -> Image.Image:
    """A picture of `digit`: its strokes (harness/strokes.py) drawn with a round pen."""
    image = Image.new(mode, (side, side), paper)
    pen = ImageDraw.Draw(image)
    radius = PEN_WIDTH * side / PICTURE_SIDE / 2
    for stroke in DIGIT_STROKES[digit]:
        points = [(x * side, y * side) for x, y in smooth(stroke)]
        pen.line(points, fill=ink, width=round(2 * radius), joint="curve")
        for x, y in (points[0], points[-1]):
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=ink)
    return image


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_blank_png(side: int) -> bytes:
    """A valid side x side 1-bit greyscale PNG of a few kB: rows of zeros compress ~1000:1."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    rows = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


def png_is_complete(data: bytes) -> bool:
    """Whether a 1-bit greyscale PNG's pixel data is all there (Pillow refuses to open one
    this large: it guards against decompression bombs, as the page does)."""
    width, height = struct.unpack(">II", data[16:24])
    idat = data.index(b"IDAT")
    (length,) = struct.unpack(">I", data[idat - 4 : idat])
    rows = zlib.decompress(data[idat + 4 : idat + 4 + length])
    return len(rows) == height * (1 + (width + 7) // 8)


def digit_svg(digit: str, sized: bool) -> bytes:
    """The digit as SVG strokes; `sized=False` gives only a viewBox (no intrinsic size)."""
    paths = " ".join(
        '<polyline fill="none" stroke="#000" stroke-width="{w}" stroke-linecap="round" '
        'stroke-linejoin="round" points="{p}"/>'.format(
            w=PEN_WIDTH,
            p=" ".join(f"{x * PICTURE_SIDE:.1f},{y * PICTURE_SIDE:.1f}" for x, y in smooth(stroke)),
        )
        for stroke in DIGIT_STROKES[digit]
    )
    size = f'width="{PICTURE_SIDE}" height="{PICTURE_SIDE}" ' if sized else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" {size}'
        f'viewBox="0 0 {PICTURE_SIDE} {PICTURE_SIDE}"><rect width="100%" height="100%" '
        f'fill="#fff"/>{paths}</svg>'
    ).encode()


# --- the page ----------------------------------------------------------------------------------


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    """Service worker blocked: routes must see every request, and no cache may answer them."""
    return browser.new_context(base_url=base_url, service_workers="block")


@pytest.fixture(scope="module")
def shared_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """One loaded page for the cases that leave it working (most of them)."""
    context = new_context(browser, base_url)
    page = context.new_page()
    page.goto("/")
    wait_ready(page)
    yield page
    context.close()


@pytest.fixture()
def app(shared_page: Page) -> Page:
    """The shared page with an empty pad (whatever the previous test left)."""
    shared_page.keyboard.press("Escape")
    expect(shared_page.get_by_test_id("prediction")).to_have_text("")
    return shared_page


def example(page: Page, digit: str) -> str:
    """Click an example button; return the digit the page then shows."""
    seq = prediction_seq(page)
    page.locator(f'[data-testid="example"][data-digit="{digit}"]').click()
    return shown_after(page, seq, RESULT_TIMEOUT_MS)


def upload(page: Page, path: Path) -> int:
    """Choose `path` in the file picker; return data-seq from before."""
    seq = prediction_seq(page)
    page.get_by_test_id("upload").set_input_files(path)
    return seq


def expect_refused(page: Page, message: str | re.Pattern[str]) -> None:
    shown = page.get_by_test_id("message")
    expect(shown).to_have_text(message)
    expect(shown).to_have_attribute("data-kind", "error")
    expect(page.get_by_test_id("announcement")).to_have_text(message)


def written(path: Path, content: bytes) -> Path:
    """`path`, holding `content`: a file to give the page."""
    path.write_bytes(content)
    return path


def refused_and_nothing_lost(page: Page, path: Path, message: str | re.Pattern[str]) -> None:
    """The file is refused with `message`; the drawing and its result stay; work goes on."""
    assert example(page, "3") == "3"
    ink_before, seq_before = ink_pixels(page), prediction_seq(page)
    upload(page, path)
    expect_refused(page, message)
    expect(page.get_by_test_id("prediction")).to_have_text("3")
    assert prediction_seq(page) == seq_before  # no new result: the refusal replaced nothing
    assert ink_pixels(page) == ink_before
    assert example(page, "7") == "7"
    expect(page.get_by_test_id("message")).not_to_have_attribute("data-kind", "error")


def recognized_file(page: Page, path: Path) -> str:
    """Upload `path` and return the digit shown for it (the page's final answer)."""
    return shown_after(page, upload(page, path), RESULT_TIMEOUT_MS)


# --- files that are refused --------------------------------------------------------------------


def test_a_text_file_is_refused(app: Page, tmp_path: Path) -> None:
    path = written(tmp_path / "notes.txt", b"Remember: draw a 7.\n")
    refused_and_nothing_lost(
        app, path, f"“notes.txt” is not an image this page can read {UNSUPPORTED}."
    )


def test_an_empty_file_is_refused(app: Page, tmp_path: Path) -> None:
    path = written(tmp_path / "empty.png", b"")
    refused_and_nothing_lost(app, path, "“empty.png” is empty: there is no image in it.")


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_truncated_image_is_refused(app: Page, tmp_path: Path, image_format: str) -> None:
    whole = encoded(draw_digit("5"), image_format)
    path = written(tmp_path / f"cut.{image_format.lower()}", whole[: len(whole) // 2])
    message = f"“{path.name}” could not be decoded as {image_format}: "
    refused_and_nothing_lost(app, path, message + "the file may be damaged or cut short.")


def test_a_huge_image_is_refused_by_its_header(app: Page, tmp_path: Path) -> None:
    """400 megapixels (1.6 GB decoded) in a few kB: refused before any decoding."""
    content = huge_blank_png(HUGE_SIDE)
    assert len(content) < 100_000
    assert png_is_complete(content)  # a real image of that size, not just a header
    message = f"“huge.png” is too large ({HUGE_SIDE} {TIMES} {HUGE_SIDE} pixels): "
    refused_and_nothing_lost(
        app, written(tmp_path / "huge.png", content), message + "the limit is 50 megapixels."
    )


def test_a_file_over_30_mb_is_refused_by_its_size(app: Page, tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    with path.open("wb") as file:
        file.write(encoded(draw_digit("2"), "PNG"))
        file.truncate(MAX_FILE_BYTES + 1024 * 1024)  # zeros after the image: 31 MB
    refused_and_nothing_lost(app, path, "“big.png” is too large (31 MB): the limit is 30 MB.")


# --- images that are used ----------------------------------------------------------------------


@pytest.mark.parametrize("sized", [True, False], ids=["with-size", "viewbox-only"])
def test_an_svg_is_rendered_and_recognized(app: Page, tmp_path: Path, sized: bool) -> None:
    path = tmp_path / "digit.svg"
    path.write_bytes(digit_svg("4", sized))
    assert recognized_file(app, path) == "4"
    expect(app.get_by_test_id("confidence")).to_have_text(re.compile(r"% sure$"))


def test_an_animated_gif_gives_its_first_frame(app: Page, tmp_path: Path) -> None:
    path = tmp_path / "animated.gif"
    first, second = draw_digit("3"), draw_digit("7")
    first.save(path, save_all=True, append_images=[second], duration=400, loop=0)
    with Image.open(path) as check:
        assert check.n_frames == 2
    assert recognized_file(app, path) == "3"


def test_a_transparent_png_with_a_dark_digit_is_recognized(app: Page, tmp_path: Path) -> None:
    path = tmp_path / "transparent.png"
    draw_digit("6", mode="RGBA", paper=(255, 255, 255, 0), ink=(20, 24, 60, 255)).save(path)
    assert recognized_file(app, path) == "6"


@pytest.mark.parametrize(
    ("name", "colour"),
    [("blank.jpg", (244, 241, 232)), ("black.png", BLACK), ("clear.png", (255, 255, 255, 0))],
)
def test_an_image_of_one_flat_shade_is_refused(
    app: Page, tmp_path: Path, name: str, colour: tuple[int, ...]
) -> None:
    """Blank paper, an all-black photo, a fully transparent PNG: no digit in any of them
    (recognized, the black one would be a blob of ink the model calls a 0)."""
    path = tmp_path / name
    Image.new("RGBA" if len(colour) == 4 else "RGB", (640, 480), colour).save(path)
    refused_and_nothing_lost(app, path, f"“{name}” is all one shade: there is no digit in it.")


def test_paper_with_only_specks_of_dust_has_nothing_to_recognize(app: Page, tmp_path: Path) -> None:
    """Not one flat shade, so it reaches the recognizer, which finds only specks: no guess."""
    image = Image.new("RGB", (640, 480), (244, 241, 232))
    for x, y in ((100, 80), (400, 300), (520, 90)):
        image.putpixel((x, y), (30, 30, 30))
    path = tmp_path / "dusty.png"
    image.save(path)
    assert example(app, "3") == "3"
    assert recognized_file(app, path) == ""
    expect(app.get_by_test_id("message")).to_have_text(EMPTY_MESSAGE)
    expect(app.get_by_test_id("confidence")).to_have_text("")
    assert example(app, "9") == "9"


# --- the pad itself ----------------------------------------------------------------------------


def test_a_single_dot_is_not_a_digit(app: Page) -> None:
    box = app.get_by_test_id("pad").bounding_box()
    assert box is not None
    seq = prediction_seq(app)
    app.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert shown_after(app, seq, RESULT_TIMEOUT_MS) == ""
    expect(app.get_by_test_id("message")).to_have_text("Just a dot: draw a whole digit.")
    expect(app.get_by_test_id("confidence")).to_have_text("")
    app.get_by_test_id("clear").click()
    seq = draw_digit_with_mouse(app, "2")
    assert shown_after(app, seq, RESULT_TIMEOUT_MS) == "2"


# --- other ways in: drag and drop, paste -------------------------------------------------------

DISPATCH_FILE = """([kind, base64, name, type]) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, { type }));
    if (kind === 'drop') {
        const zone = document.querySelector('[data-testid=drop-zone]');
        const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
        zone.dispatchEvent(new DragEvent('dragover', init));
        zone.dispatchEvent(new DragEvent('drop', init));
    } else {
        const init = { clipboardData: transfer, bubbles: true, cancelable: true };
        document.dispatchEvent(new ClipboardEvent('paste', init));
    }
}"""


def give_file(page: Page, kind: str, data: bytes, name: str, mime: str) -> int:
    """Drop or paste a file built from `data` in the page; return data-seq from before."""
    seq = prediction_seq(page)
    page.evaluate(DISPATCH_FILE, [kind, base64.b64encode(data).decode(), name, mime])
    return seq


@pytest.mark.parametrize("kind", ["drop", "paste"])
def test_an_image_dropped_or_pasted_is_recognized(app: Page, kind: str) -> None:
    seq = give_file(app, kind, encoded(draw_digit("8"), "PNG"), "eight.png", "image/png")
    assert shown_after(app, seq, RESULT_TIMEOUT_MS) == "8"
    expect(app.get_by_test_id("drop-zone")).not_to_have_attribute("data-dragging", "true")


@pytest.mark.parametrize("kind", ["drop", "paste"])
def test_a_text_file_dropped_or_pasted_is_refused(app: Page, kind: str) -> None:
    assert example(app, "3") == "3"
    give_file(app, kind, b"just text", "note.txt", "text/plain")
    expect_refused(app, f"“note.txt” is not an image this page can read {UNSUPPORTED}.")
    expect(app.get_by_test_id("prediction")).to_have_text("3")
    assert example(app, "9") == "9"


# --- the recognizer failing --------------------------------------------------------------------


def test_the_worker_crashing_is_restarted(app: Page) -> None:
    assert example(app, "4") == "4"
    worker = next(w for w in app.workers if w.url.endswith(RECOGNIZER_WORKER_PATH))
    worker.evaluate("() => { setTimeout(() => { throw new Error('boom'); }); }")
    status = app.get_by_test_id("status")
    expect(status).to_have_text(re.compile(r"The recognizer crashed \(.*boom.*\)\. Restarting it…"))
    wait_ready(app)
    expect(status).to_have_text(re.compile("^Ready"))
    assert example(app, "7") == "7"
    seq = draw_digit_with_mouse(app, "3")
    assert shown_after(app, seq, RESULT_TIMEOUT_MS) == "3"


STATUS_LOG = """
    window.statusLog = [];
    new MutationObserver(() => {
        const text = document.querySelector('[data-testid=status]')?.textContent;
        if (text && window.statusLog.at(-1) !== text) window.statusLog.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
"""


def test_the_runtime_failing_to_load_offers_a_retry(browser: Browser, base_url: str) -> None:
    """The error stays on screen with its retry button, even as TF.js and the model, which
    load in parallel, finish after Pyodide failed (they used to report "Loading…" over it)."""
    context = new_context(browser, base_url)
    finished: list[str] = []
    try:
        context.route("**/vendor/pyodide/**", lambda route: route.abort())
        context.on("requestfinished", lambda request: finished.append(request.url))
        page = context.new_page()
        page.add_init_script(STATUS_LOG)
        page.goto("/")
        status, retry = page.get_by_test_id("status"), page.get_by_test_id("retry")
        wait_error(page)
        expect(status).to_have_text(re.compile(r"^The recognizer could not start: .+"))
        expect(retry).to_be_visible()
        # The model's weights arrive after the error; then its warm-up runs (milliseconds).
        for _ in range(READY_TIMEOUT_MS // POLL_MS):
            if any(url.endswith(MODEL_SHARD) for url in finished):
                break
            page.wait_for_timeout(POLL_MS)
        page.wait_for_timeout(WARM_UP_GRACE_MS)
        log = page.evaluate("() => window.statusLog")
        after_error = log[next(i for i, text in enumerate(log) if "could not start" in text) :]
        assert len(after_error) == 1, log
        expect(retry).to_be_visible()

        context.unroute("**/vendor/pyodide/**")
        retry.click()
        wait_ready(page)
        expect(retry).to_be_hidden()
        assert example(page, "9") == "9"
    finally:
        context.close()


def test_a_damaged_model_file_is_refused_then_retry_works(browser: Browser, base_url: str) -> None:
    def damage(route: Route) -> None:
        body = bytearray(route.fetch().body())
        body[len(body) // 2] ^= 0xFF  # one flipped byte: the file looks fine, but is not
        route.fulfill(status=200, body=bytes(body), content_type="application/octet-stream")

    context = new_context(browser, base_url)
    try:
        context.route(f"**/model/{MODEL_SHARD}", damage)
        page = context.new_page()
        page.goto("/")
        wait_error(page)
        status = page.get_by_test_id("status")
        expect(status).to_have_text(re.compile(r"damaged.*checksum"))
        expect(status).to_contain_text(MODEL_SHARD)
        context.unroute(f"**/model/{MODEL_SHARD}")
        page.get_by_test_id("retry").click()
        wait_ready(page)
        assert example(page, "4") == "4"
    finally:
        context.close()
