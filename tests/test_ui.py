"""What a user does beyond drawing once: undo, clear, examples, images, resizing, pens.

Each test drives the real page (Pyodide, TF.js, the shipped model) in headless Chromium and
asserts what the user sees.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

from harness.drawing import draw_digit_with_mouse, ink_pixels
from harness.page import prediction_seq, shown_after, wait_ready

pytestmark = pytest.mark.browser


def digit_image(path: Path, size=(480, 360), paper=(246, 242, 230), ink=(25, 30, 80)) -> Path:
    """A photo-like image of a 7 on paper: dark ink, away from the centre."""
    image = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(image)
    width, height = size
    left, top = width * 0.55, height * 0.2
    draw.line(
        [(left, top), (left + 0.2 * width, top), (left + 0.07 * width, top + 0.6 * height)],
        fill=ink,
        width=max(4, width // 40),
        joint="curve",
    )
    image.save(path)
    return path


def test_undo_removes_the_last_stroke_and_recognizes_what_is_left(ready_page: Page) -> None:
    page = ready_page
    seq = draw_digit_with_mouse(page, "4")  # two strokes
    assert shown_after(page, seq) == "4"
    two_strokes = ink_pixels(page)

    seq = prediction_seq(page)
    page.get_by_test_id("undo").click()
    shown_after(page, seq)
    one_stroke = ink_pixels(page)
    assert 0 < one_stroke < two_strokes

    seq = prediction_seq(page)
    page.keyboard.press("Control+z")
    assert shown_after(page, seq) == ""
    assert ink_pixels(page) == 0
    expect(page.get_by_test_id("message")).to_have_text("Draw a digit in the box.")


def test_escape_clears_the_pad(ready_page: Page) -> None:
    page = ready_page
    seq = draw_digit_with_mouse(page, "2")
    assert shown_after(page, seq) == "2"
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("prediction")).to_have_text("")
    assert ink_pixels(page) == 0


@pytest.mark.parametrize("digit", ["3", "4", "7", "9"])
def test_an_example_is_drawn_and_recognized_with_one_click(ready_page: Page, digit: str) -> None:
    page = ready_page
    seq = prediction_seq(page)
    page.locator(f'[data-testid="example"][data-digit="{digit}"]').click()
    assert shown_after(page, seq) == digit
    assert ink_pixels(page) > 0
    expect(page.get_by_test_id("announcement")).to_contain_text(f"Recognized {digit}")


def test_an_uploaded_photo_is_shown_on_the_pad_and_recognized(
    ready_page: Page, tmp_path: Path
) -> None:
    page = ready_page
    seq = prediction_seq(page)
    page.get_by_test_id("upload").set_input_files(digit_image(tmp_path / "seven.png"))
    assert shown_after(page, seq) == "7"
    assert ink_pixels(page) > 0  # the image is on the pad
    # Drawing over it replaces nothing silently: undo goes back to the image alone.
    seq = draw_digit_with_mouse(page, "1", area=(0.05, 0.05, 0.3, 0.3))
    shown_after(page, seq)
    seq = prediction_seq(page)
    page.get_by_test_id("undo").click()
    assert shown_after(page, seq) == "7"


def test_the_camera_input_asks_phones_for_the_camera(ready_page: Page) -> None:
    camera = ready_page.get_by_test_id("camera")
    expect(camera).to_have_attribute("accept", "image/*")
    expect(camera).to_have_attribute("capture", "environment")


def test_what_the_model_sees_shows_the_28x28_input(ready_page: Page) -> None:
    page = ready_page
    seq = draw_digit_with_mouse(page, "0")
    assert shown_after(page, seq) == "0"
    dark, centre_dark = page.evaluate(
        """() => {
            const view = document.querySelector('[data-testid=model-input]');
            const data = view.getContext('2d').getImageData(0, 0, 28, 28).data;
            let dark = 0;
            for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark += 1;
            const centre = (14 * 28 + 14) * 4; // the middle of a 0 is paper
            return [dark, data[centre] < 128];
        }"""
    )
    assert 60 < dark < 400  # a ring of ink, as in MNIST's zeros
    assert not centre_dark


def test_the_drawing_survives_a_window_resize(ready_page: Page) -> None:
    page = ready_page
    seq = draw_digit_with_mouse(page, "5")
    assert shown_after(page, seq) == "5"
    before = page.get_by_test_id("pad").evaluate("pad => pad.width")
    page.set_viewport_size({"width": 320, "height": 700})  # a small phone
    page.wait_for_function(f"() => document.querySelector('[data-testid=pad]').width !== {before}")
    assert ink_pixels(page) > 0
    seq = prediction_seq(page)
    page.get_by_test_id("undo").click()  # and the redrawn strokes are still strokes
    assert shown_after(page, seq) == ""


def test_the_pad_is_crisp_on_high_dpi_screens(browser: Browser, base_url: str) -> None:
    context = browser.new_context(device_scale_factor=2, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    pad = page.get_by_test_id("pad")
    css_width = pad.evaluate("pad => pad.getBoundingClientRect().width")
    assert pad.evaluate("pad => pad.width") == round(css_width * 2)
    context.close()


def test_a_pen_draws_bolder_when_pressed_harder(ready_page: Page) -> None:
    """Pressure comes from real PointerEvents with pointerType 'pen' dispatched on the pad."""
    page = ready_page

    def stroke_with_pressure(pressure: float) -> int:
        page.keyboard.press("Escape")
        page.get_by_test_id("pad").evaluate(
            """(pad, pressure) => {
                const rect = pad.getBoundingClientRect();
                const at = (x, y, type) => pad.dispatchEvent(new PointerEvent(type, {
                    pointerId: 7, pointerType: 'pen', pressure, isPrimary: true, button: 0,
                    buttons: 1, bubbles: true, cancelable: true,
                    clientX: rect.left + x * rect.width, clientY: rect.top + y * rect.height,
                }));
                at(0.3, 0.5, 'pointerdown');
                for (let i = 1; i <= 10; i += 1) at(0.3 + i * 0.04, 0.5, 'pointermove');
                at(0.7, 0.5, 'pointerup');
            }""",
            pressure,
        )
        return ink_pixels(page)

    light, firm = stroke_with_pressure(0.1), stroke_with_pressure(0.9)
    assert firm > 1.5 * light


def test_touch_drawing_never_scrolls_the_page(browser: Browser, base_url: str) -> None:
    context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": 320, "height": 560}, base_url=base_url
    )
    page = context.new_page()
    page.goto("/")
    wait_ready(page)
    box = page.get_by_test_id("pad").bounding_box()
    session = context.new_cdp_session(page)
    x = box["x"] + box["width"] / 2
    for index, y in enumerate(range(int(box["y"] + 20), int(box["y"] + box["height"] - 20), 8)):
        kind = "touchStart" if index == 0 else "touchMove"
        session.send(
            "Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y, "id": 1}]}
        )
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert page.evaluate("() => window.scrollY") == 0
    assert shown_after(page, 0) == "1"
    context.close()


def test_keyboard_shortcuts_are_announced_to_assistive_technology(ready_page: Page) -> None:
    expect(ready_page.get_by_test_id("undo")).to_have_attribute(
        "aria-keyshortcuts", "Control+Z Meta+Z"
    )
    expect(ready_page.get_by_test_id("clear")).to_have_attribute("aria-keyshortcuts", "Escape")


def test_an_image_pasted_from_the_clipboard_is_recognized(ready_page: Page) -> None:
    buffer = io.BytesIO()
    image = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(image).line([(100, 30), (100, 170)], fill=0, width=10)
    image.save(buffer, "PNG")
    page = ready_page
    seq = prediction_seq(page)
    page.evaluate(
        """bytes => {
            const file = new File([new Uint8Array(bytes)], 'one.png', {type: 'image/png'});
            const clipboard = new DataTransfer();
            clipboard.items.add(file);
            document.dispatchEvent(new ClipboardEvent('paste', {clipboardData: clipboard}));
        }""",
        list(buffer.getvalue()),
    )
    assert shown_after(page, seq) == "1"


@pytest.mark.parametrize("threshold, uncertain", [(1.01, True), (0.0, False)])
def test_the_page_says_when_it_is_not_sure_by_the_manifest_rule(
    browser: Browser, base_url: str, threshold: float, uncertain: bool
) -> None:
    """The rule "not sure below the calibrated top probability" comes from the model's
    manifest; moving the threshold above every probability (or to zero) must flip what the
    user sees for the same drawing."""
    context = browser.new_context(base_url=base_url, service_workers="block")

    def with_threshold(route) -> None:
        manifest = route.fetch().json()
        manifest["uncertain_below"] = threshold
        route.fulfill(json=manifest)

    context.route("**/model/manifest.json", with_threshold)
    page = context.new_page()
    page.goto("/")
    wait_ready(page)
    seq = draw_digit_with_mouse(page, "3")
    assert shown_after(page, seq) == "3"  # the top guess stays the recognized digit
    prediction = page.get_by_test_id("prediction")
    expect(prediction).to_have_attribute("data-uncertain", str(uncertain).lower())
    if uncertain:
        expect(page.get_by_test_id("confidence")).to_contain_text("Not sure")
        expect(page.get_by_test_id("message")).to_contain_text(
            re.compile(r"looks most like a 3 .*but it could be a \d")
        )
        expect(page.get_by_test_id("announcement")).to_contain_text(re.compile(r"Not sure: 3 or"))
    else:
        expect(page.get_by_test_id("confidence")).to_contain_text("sure")
        expect(page.get_by_test_id("confidence")).not_to_contain_text("Not sure")
        expect(page.get_by_test_id("message")).to_have_text("")
    context.close()
