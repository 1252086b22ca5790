"""Phones first: drawn with a finger, the pad and the answer stay in the first viewport.

On touch screens from 320 px wide up, portrait and landscape (and tablets), the pad and the
answer (the digit and how sure the model is) are both on screen without scrolling, while the
finger draws and after it lifts; the chart and what the model sees are a short scroll away;
nothing scrolls sideways; and touch-only devices get words for fingers, not keyboard tips,
while desktops keep theirs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.drawing import pad_box, to_page
from harness.page import prediction_seq, shown_after, wait_ready
from harness.strokes import DIGIT_STROKES, smooth

pytestmark = pytest.mark.browser

RESULT_TIMEOUT_MS = 30_000
PHONES = {
    "320x568": {"width": 320, "height": 568},  # the narrowest phones still in use
    "390x844": {"width": 390, "height": 844},  # a common phone (iPhone 12 to 15)
    "844x390": {"width": 844, "height": 390},  # the same phone turned sideways
}
TABLETS = {
    "768x1024": {"width": 768, "height": 1024},
    "1024x768": {"width": 1024, "height": 768},
}
DESKTOP = {"width": 1100, "height": 800}
DIGIT = "7"  # one stroke: the test can look at the screen with the finger still down
# The pad's side takes at least this share of the width a portrait phone gives it.
MIN_PAD_SHARE_OF_WIDTH = 0.9
# Words that only make sense with a keyboard.
KEYBOARD_TIP = re.compile(r"Ctrl|Cmd|⌘|\bEsc\b|Escape|keyboard|paste", re.IGNORECASE)


def open_touch_page(browser: Browser, base_url: str, viewport: dict) -> Page:
    context = browser.new_context(
        base_url=base_url,
        viewport=viewport,
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
        service_workers="block",
    )
    page = context.new_page()
    page.goto("/")
    wait_ready(page)
    return page


@pytest.fixture(scope="module", params=[*PHONES, *TABLETS])
def touch_screen(request: pytest.FixtureRequest, browser: Browser, base_url: str) -> Iterator[Page]:
    page = open_touch_page(browser, base_url, {**PHONES, **TABLETS}[request.param])
    yield page
    page.context.close()


def start_over(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("message")).to_have_text("Draw a digit in the box.")
    page.evaluate("() => window.scrollTo(0, 0)")


def answer_is_in_the_first_viewport(page: Page) -> None:
    """The pad, the digit and its confidence, whole, with the page not scrolled."""
    assert page.evaluate("() => [window.scrollX, window.scrollY]") == [0, 0]
    for test_id in ("pad", "prediction", "confidence"):
        expect(page.get_by_test_id(test_id)).to_be_in_viewport(ratio=1)


def positions(page: Page) -> dict:
    """Where things are (for the failure message): bottom y of each, and the viewport."""
    return page.evaluate(
        """() => {
            const bottom = (id) => document.querySelector(`[data-testid=${id}]`)
                .getBoundingClientRect().bottom;
            return {
                viewport: [innerWidth, innerHeight],
                pad: bottom('pad'),
                prediction: bottom('prediction'),
                confidence: bottom('confidence'),
            };
        }"""
    )


def test_the_pad_and_the_answer_are_in_view_while_drawing_and_after(touch_screen: Page) -> None:
    page = touch_screen
    start_over(page)
    box = pad_box(page)
    (stroke,) = DIGIT_STROKES[DIGIT]
    path = [to_page(point, box, (0, 0, 1, 1)) for point in smooth(stroke)]
    session = page.context.new_cdp_session(page)
    seq = prediction_seq(page)
    for index, (x, y) in enumerate(path[: len(path) * 2 // 3]):
        kind = "touchStart" if index == 0 else "touchMove"
        session.send(
            "Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y, "id": 1}]}
        )
    # Finger still down: a live result follows it, and the screen has not moved.
    page.wait_for_function(
        "seq => Number(document.querySelector('[data-testid=prediction]').dataset.seq) > seq",
        arg=seq,
        timeout=RESULT_TIMEOUT_MS,
    )
    assert page.get_by_test_id("prediction").get_attribute("data-pending") == "true"
    expect(page.get_by_test_id("confidence")).not_to_be_empty()
    answer_is_in_the_first_viewport(page)

    for x, y in path[len(path) * 2 // 3 :]:
        session.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x, "y": y, "id": 1}]},
        )
    seq = prediction_seq(page)
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()
    assert shown_after(page, seq, RESULT_TIMEOUT_MS) == DIGIT
    answer_is_in_the_first_viewport(page)
    print(positions(page))


def test_nothing_scrolls_sideways(touch_screen: Page) -> None:
    sizes = touch_screen.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
            inner: innerWidth,
        })"""
    )
    assert sizes["scroll"] <= sizes["client"] == sizes["inner"], sizes


def test_a_portrait_phone_pad_uses_the_width(touch_screen: Page) -> None:
    width, height = touch_screen.evaluate("() => [innerWidth, innerHeight]")
    if f"{width}x{height}" not in PHONES or width > height:
        pytest.skip("portrait phones only")
    pad = pad_box(touch_screen)
    assert pad["width"] >= MIN_PAD_SHARE_OF_WIDTH * width, pad


def test_the_chart_and_the_model_view_are_one_scroll_away(touch_screen: Page) -> None:
    page = touch_screen
    start_over(page)
    page.locator('[data-testid="example"][data-digit="3"]').click()
    expect(page.get_by_test_id("prediction")).to_have_text("3", timeout=RESULT_TIMEOUT_MS)
    page.evaluate("() => window.scrollTo(0, 0)")
    height = page.evaluate("() => innerHeight")
    for test_id in ("probabilities", "model-input"):
        top = page.get_by_test_id(test_id).bounding_box()["y"]
        assert top < 2 * height, (test_id, top, height)  # in view after one screen's scroll


def test_touch_screens_get_touch_wording_without_keyboard_tips(touch_screen: Page) -> None:
    page = touch_screen
    hint = page.locator(".hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("finger")
    shown = page.evaluate("() => document.body.innerText")
    assert not KEYBOARD_TIP.findall(shown), KEYBOARD_TIP.findall(shown)
    titles = page.evaluate(
        "() => [...document.querySelectorAll('[title]')].map((element) => element.title)"
    )
    assert not [title for title in titles if KEYBOARD_TIP.search(title)], titles


def test_desktops_keep_their_keyboard_tips(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, service_workers="block")
    page = context.new_page()
    page.goto("/")
    hint = page.locator(".hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Ctrl+V")
    expect(hint).to_contain_text("Esc")
    expect(page.get_by_test_id("undo")).to_have_attribute("title", re.compile(r"Ctrl\+Z"))
    expect(page.get_by_test_id("clear")).to_have_attribute("title", re.compile(r"Esc"))
    context.close()
