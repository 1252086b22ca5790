"""The real page in headless Chromium: real Pyodide, real TF.js, the shipped model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from harness.drawing import (
    draw_digit_with_mouse,
    draw_digit_with_touch,
    draw_strokes_with_mouse,
    pad_box,
    to_page,
)
from harness.page import READY_TIMEOUT_MS, prediction_seq, shown_after, wait_ready
from harness.strokes import DIGIT_STROKES, smooth

pytestmark = pytest.mark.browser


def test_status_line_tells_when_the_recognizer_is_ready(ready_page: Page) -> None:
    expect(ready_page.get_by_test_id("status")).to_contain_text("Ready")
    expect(ready_page.get_by_test_id("prediction")).to_have_text("")
    expect(ready_page.get_by_test_id("model-info")).to_contain_text("Pyodide")


@pytest.mark.parametrize("digit", sorted(DIGIT_STROKES))
def test_each_digit_drawn_with_the_mouse_is_recognized(ready_page: Page, digit: str) -> None:
    seq = draw_digit_with_mouse(ready_page, digit)
    assert shown_after(ready_page, seq) == digit
    expect(ready_page.get_by_test_id("confidence")).to_have_text(re.compile(r"\d.*% sure"))


def test_results_follow_the_pen_while_drawing(ready_page: Page) -> None:
    """Live recognition: results are shown before the stroke ends, then a final one."""
    box = pad_box(ready_page)
    path = [to_page(point, box, (0, 0, 1, 1)) for point in smooth(DIGIT_STROKES["2"][0], 24)]
    ready_page.mouse.move(*path[0])
    ready_page.mouse.down()
    for x, y in path[1:]:
        ready_page.mouse.move(x, y)
    ready_page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=prediction]').dataset.seq) > 0"
    )
    expect(ready_page.get_by_test_id("prediction")).to_have_attribute("data-pending", "true")
    live_seq = int(ready_page.get_by_test_id("prediction").get_attribute("data-seq"))
    assert live_seq >= 1
    ready_page.mouse.up()
    assert shown_after(ready_page, live_seq) == "2"


def test_a_small_digit_off_centre_is_recognized(ready_page: Page) -> None:
    seq = draw_digit_with_mouse(ready_page, "7", area=(0.05, 0.55, 0.35, 0.4))
    assert shown_after(ready_page, seq) == "7"


def test_digit_drawn_by_touch_is_recognized(browser, base_url: str) -> None:
    context = browser.new_context(has_touch=True, is_mobile=True, base_url=base_url)
    page = context.new_page()
    try:
        page.goto("/")
        wait_ready(page)
        scroll_before = page.evaluate("window.scrollY")
        seq = draw_digit_with_touch(page, "3")
        assert shown_after(page, seq) == "3"
        assert page.evaluate("window.scrollY") == scroll_before
    finally:
        context.close()


def test_clear_empties_the_result_and_a_new_digit_is_recognized(ready_page: Page) -> None:
    seq = draw_digit_with_mouse(ready_page, "2")
    assert shown_after(ready_page, seq) == "2"
    ready_page.get_by_test_id("clear").click()
    expect(ready_page.get_by_test_id("prediction")).to_have_text("")
    expect(ready_page.get_by_test_id("confidence")).to_have_text("")
    blank = ready_page.evaluate(
        "() => { const c = document.querySelector('[data-testid=pad]');"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " return d.every(v => v === 0); }"
    )
    assert blank
    seq = draw_digit_with_mouse(ready_page, "5")
    assert shown_after(ready_page, seq) == "5"


def test_drawing_before_ready_is_recognized_once_ready(page: Page) -> None:
    page.goto("/")
    page.get_by_test_id("pad").wait_for()
    seq = draw_strokes_with_mouse(page, DIGIT_STROKES["1"])
    assert shown_after(page, seq, timeout_ms=READY_TIMEOUT_MS) == "1"


def test_every_request_stays_on_the_site(page: Page, base_url: str, tmp_path: Path) -> None:
    """Load, draw, upload, recognize, correct an answer, export and import your handwriting:
    nothing leaves the device (no other origin, no body)."""
    image = Image.new("L", (300, 240), 250)
    ImageDraw.Draw(image).line([(150, 30), (150, 210)], fill=20, width=12)
    image.save(tmp_path / "one.png")
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto("/")
    wait_ready(page)
    seq = draw_digit_with_mouse(page, "4")
    assert shown_after(page, seq) == "4"
    seq = prediction_seq(page)
    page.get_by_test_id("upload").set_input_files(tmp_path / "one.png")
    assert shown_after(page, seq) == "1"
    seq = prediction_seq(page)
    page.get_by_test_id("correct").get_by_role("button", name="It was a 7").click()
    expect(page.get_by_test_id("correct-note")).to_contain_text("learned that this is a 7")
    shown_after(page, seq)
    page.get_by_test_id("handwriting").locator("summary").click()
    with page.expect_download() as download:
        page.get_by_test_id("handwriting-export").click()
    download.value.save_as(tmp_path / "handwriting.json")
    page.get_by_test_id("handwriting-import").set_input_files(tmp_path / "handwriting.json")
    expect(page.get_by_test_id("handwriting-message")).to_contain_text("Imported 0 examples")
    urls = [request.url for request in requests]
    assert any(url.endswith("pyodide.asm.wasm") for url in urls)
    assert any(url.endswith("tf.mjs") for url in urls)
    # blob: URLs made by the page itself (TF.js's wasm threads) are not network requests.
    own = (base_url, f"blob:{base_url.rstrip('/')}/", "data:")
    foreign = [url for url in urls if not url.startswith(own)]
    assert foreign == []
    assert [request.method for request in requests if request.method != "GET"] == []
    assert [request.url for request in requests if request.post_data is not None] == []


def test_first_load_shows_progress_steps_and_bytes(page: Page) -> None:
    page.add_init_script(
        """
        window.statusLog = [];
        new MutationObserver(() => {
          const text = document.querySelector('[data-testid=status]')?.textContent;
          if (text && window.statusLog.at(-1) !== text) window.statusLog.push(text);
        }).observe(document, {subtree: true, childList: true, characterData: true});
        """
    )
    page.goto("/")
    wait_ready(page)
    log = page.evaluate("window.statusLog")
    steps = [text for text in log if re.search(r"\d of 4 ready .* [\d.]+ MB so far", text)]
    assert len(steps) == 4, log
    assert "4 of 4" in steps[-1]
    assert log[-1].startswith("Ready")
    expect(page.get_by_test_id("load-progress")).to_be_hidden()


@pytest.mark.parametrize("digit", ["0", "4", "7"])
def test_baseline_preprocessing_in_js_matches_the_python(ready_page: Page, digit: str) -> None:
    """The benchmark's baseline must compute what py/ computes, or the comparison lies."""
    from digits.preprocess import to_model_input

    shown_after(ready_page, draw_digit_with_mouse(ready_page, digit))
    canvas = ready_page.evaluate(
        """async () => {
            const pad = document.querySelector('[data-testid=pad]');
            const image = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height);
            const { toModelInput } = await import('./baseline/preprocess.js');
            return {
                width: image.width, height: image.height, rgba: Array.from(image.data),
                js: Array.from(toModelInput(image.data, image.width, image.height)),
            };
        }"""
    )
    python = to_model_input(bytes(canvas["rgba"]), canvas["width"], canvas["height"])
    assert max(abs(a - b) for a, b in zip(python, canvas["js"], strict=True)) < 1e-6


def test_the_tfjs_only_baseline_page_recognizes_too(page: Page) -> None:
    page.goto("/?recognizer=baseline")
    wait_ready(page)
    expect(page.get_by_test_id("model-info")).to_contain_text("no Pyodide")
    assert shown_after(page, draw_digit_with_mouse(page, "5")) == "5"
