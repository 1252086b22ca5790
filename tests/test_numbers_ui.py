"""Writing a whole number (issue 13), as a person does it on the real page.

"Write a number" switches the pad to a strip for a row of digits; what is written there (with
the mouse, by touch, or as a photo) is read as one number: [data-testid=number] holds exactly
its digits, each digit shows how sure the model is and what it saw, an unsure one offers its
runner-up, and the number can be copied. What is not a number (too many digits, a scribble,
a line, ink filling the pad) gets a message and no number, and the page keeps working.
Every test drives the real page (Pyodide, TF.js, the shipped model) in headless Chromium.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

from harness.drawing import draw_digit_with_mouse
from harness.numbers import (
    TOUCHING_GAP,
    draw_number,
    draw_paths,
    number_areas,
    number_seq,
    number_shown_after,
    pad_aspect,
    set_number_mode,
    shapes_of,
    write_number,
)
from harness.page import prediction_seq, shown_after, wait_ready
from harness.personal import FLAGGED_ONE
from harness.strokes import smooth

pytestmark = pytest.mark.browser

RESULT_TIMEOUT_MS = 30_000
PHONE = {"width": 390, "height": 844}
# A number the page must read after each refusal: it keeps working.
AFTERWARDS = "58"


def number(page: Page):
    return page.get_by_test_id("number")


@pytest.fixture()
def number_page(ready_page: Page) -> Page:
    set_number_mode(ready_page)
    return ready_page


@pytest.fixture(scope="module")
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    """A touch phone, 390x844, in number mode."""
    context = browser.new_context(
        base_url=base_url,
        viewport=PHONE,
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
        service_workers="block",
    )
    page = context.new_page()
    page.goto("/")
    wait_ready(page)
    set_number_mode(page)
    yield page
    context.close()


def expect_number(page: Page, digits: str) -> None:
    """The number shown is `digits`, each digit in its own cell with its picture."""
    expect(number(page)).to_have_text(digits)
    expect(number(page)).to_have_attribute("data-status", "ok")
    cells = page.get_by_test_id("number-digit")
    expect(cells).to_have_count(len(digits))
    for index, digit in enumerate(digits):
        expect(cells.nth(index)).to_have_attribute("data-digit", digit)


@pytest.mark.parametrize("digits", ["47", "2026", "13579246"])
def test_a_number_written_with_the_mouse_is_read_digit_by_digit(
    number_page: Page, digits: str
) -> None:
    page = number_page
    assert write_number(page, digits) == digits
    expect_number(page, digits)
    cells = page.get_by_test_id("number-digit")
    for index in range(len(digits)):
        expect(cells.nth(index)).to_contain_text(re.compile(r"\d+(\.\d)?%"))
    # What the model saw: ink on each digit's 28x28 picture.
    inked = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=number-digit] canvas')].map((c) => {
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let dark = 0;
            for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark += 1;
            return [c.width, c.height, dark];
        })"""
    )
    assert all(width == height == 28 and dark > 10 for width, height, dark in inked), inked
    # The single digit's answer is not shown in number mode; the number is said once.
    expect(page.get_by_test_id("prediction")).to_be_hidden()
    expect(page.get_by_test_id("announcement")).to_have_text(
        f"Recognized the number {' '.join(digits)}."
    )


@pytest.mark.parametrize("digits", ["47", "2026", "13579246"])
def test_a_number_written_by_touch_on_a_phone_shares_the_first_screen(
    phone: Page, digits: str
) -> None:
    page = phone
    page.evaluate("() => window.scrollTo(0, 0)")
    assert write_number(page, digits, touch=True) == digits
    expect_number(page, digits)
    assert page.evaluate("() => [window.scrollX, window.scrollY]") == [0, 0]
    for test_id in ("pad", "number"):
        expect(page.get_by_test_id(test_id)).to_be_in_viewport(ratio=1)
    box = page.get_by_test_id("pad").bounding_box()
    assert box["width"] >= 0.9 * PHONE["width"] and box["height"] < box["width"] / 2, box
    # The canvas has about as many pixels as the screen shows (crisp, not blown up).
    width, height = page.evaluate(
        "() => { const pad = document.querySelector('[data-testid=pad]');"
        " return [pad.width, pad.height]; }"
    )
    assert (
        1.5 * box["width"] <= width <= 640
        and abs(width / height - box["width"] / box["height"]) < 0.05
    )


def test_the_number_follows_the_pen_and_is_final_when_it_lifts(number_page: Page) -> None:
    """Live: with the pen still down on the 3rd digit the number read so far shows (pending);
    the pen lifted, the final answer is the whole number."""
    page = number_page
    assert write_number(page, "20") == "20"
    areas = number_areas(shapes_of("202"), pad_aspect(page))
    box = page.get_by_test_id("pad").bounding_box()
    (stroke,) = shapes_of("2")[0]
    left, top, width, height = areas[2]
    path = [
        (
            box["x"] + (left + x * width) * box["width"],
            box["y"] + (top + y * height) * box["height"],
        )
        for x, y in smooth(stroke)
    ]
    seq = number_seq(page)
    page.mouse.move(*path[0])
    page.mouse.down()
    for x, y in path[1 : len(path) // 2]:
        page.mouse.move(x, y)
    page.wait_for_function(
        """seq => {
            const shown = document.querySelector('[data-testid=number]');
            return Number(shown.dataset.seq) > seq && shown.dataset.pending === 'true';
        }""",
        arg=seq,
        timeout=RESULT_TIMEOUT_MS,
    )
    expect(number(page)).to_have_text(re.compile(r"^20"))
    for x, y in path[len(path) // 2 :]:
        page.mouse.move(x, y)
    seq = number_seq(page)
    page.mouse.up()
    assert number_shown_after(page, seq, RESULT_TIMEOUT_MS) == "202"


def test_two_touching_digits_are_read_apart(number_page: Page) -> None:
    assert write_number(number_page, "258", gaps=[0.18, TOUCHING_GAP]) == "258"


def number_picture(path: Path, digits: str, size=(720, 260)) -> Path:
    """A photo-like picture of `digits` written in blue ink on cream paper (harness/strokes.py's
    digits, as number mode lays them out)."""
    width, height = size
    image = Image.new("RGB", size, (246, 242, 230))
    draw = ImageDraw.Draw(image)
    pen = max(4, height // 14)
    for shape, (left, top, side_x, side_y) in zip(
        shapes_of(digits), number_areas(shapes_of(digits), width / height), strict=True
    ):
        for stroke in shape:
            points = [
                ((left + x * side_x) * width, (top + y * side_y) * height)
                for x, y in smooth(stroke)
            ]
            draw.line(points, fill=(25, 30, 80), width=pen, joint="curve")
            for x, y in (points[0], points[-1]):
                draw.ellipse(
                    (x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=(25, 30, 80)
                )
    image.save(path)
    return path


def test_a_photo_of_a_number_is_read(number_page: Page, tmp_path: Path) -> None:
    page = number_page
    seq = number_seq(page)
    page.get_by_test_id("upload").set_input_files(number_picture(tmp_path / "number.png", "3051"))
    assert number_shown_after(page, seq, RESULT_TIMEOUT_MS) == "3051"
    expect_number(page, "3051")


def coil(left: float, right: float, turns: int = 12) -> list[tuple[float, float]]:
    """A scribble: the pen going round and round while it drifts right (pad fractions)."""
    centre, radius = 0.5, 0.3
    steps = turns * 24
    return [
        (
            left + (right - left) * (0.15 + 0.7 * i / steps) + 0.15 * (right - left) * math.cos(a),
            centre + radius * math.sin(a),
        )
        for i in range(steps)
        for a in [2 * math.pi * i / 24]
    ]


def line(y0: float, y1: float) -> list[tuple[float, float]]:
    return [(0.04 + 0.92 * i / 40, y0 + (y1 - y0) * i / 40) for i in range(41)]


def fill() -> list[tuple[float, float]]:
    """Back and forth from edge to edge until the pad is black."""
    points = []
    for i in range(61):
        points.append((0.02 + 0.96 * i / 60, 0.03 if i % 2 == 0 else 0.97))
    return [
        (a[0] + (b[0] - a[0]) * k / 6, a[1] + (b[1] - a[1]) * k / 6)
        for a, b in pairwise(points)
        for k in range(6)
    ]


# What the page says of a drawing that is not digits: which words (a line, a scribble, not a
# number) is the recognizer's judgement; that it is refused in words is the page's promise.
NOT_DIGITS = re.compile(r"not digits|not look like a number")
BAD_DRAWINGS = {
    "a long line": ([line(0.5, 0.52)], "long-line"),
    "a slanted line": ([line(0.3, 0.7)], "long-line"),
    "a scribble": ([coil(0.3, 0.7)], None),
    "ink filling the pad": ([fill()], None),
}


def expect_refused(page: Page, seq: int, said: str | re.Pattern, reason: str | None) -> None:
    assert number_shown_after(page, seq, RESULT_TIMEOUT_MS) == ""
    expect(number(page)).to_have_attribute("data-status", "rejected")
    if reason:
        expect(number(page)).to_have_attribute("data-reason", reason)
    expect(page.get_by_test_id("number-digit")).to_have_count(0)
    message = page.get_by_test_id("message")
    expect(message).to_contain_text(said)
    expect(message).to_have_attribute("data-kind", "error")
    expect(page.get_by_test_id("announcement")).to_have_text(message.inner_text())
    expect(page.get_by_test_id("number-copy")).to_be_disabled()


@pytest.mark.parametrize("name", BAD_DRAWINGS)
def test_what_is_not_a_number_is_refused_and_the_page_keeps_working(
    number_page: Page, name: str
) -> None:
    page = number_page
    paths, reason = BAD_DRAWINGS[name]
    expect_refused(page, draw_paths(page, paths), NOT_DIGITS, reason)
    assert write_number(page, AFTERWARDS) == AFTERWARDS


def test_more_than_twelve_digits_are_refused(number_page: Page) -> None:
    page = number_page
    page.get_by_test_id("clear").click()
    expect_refused(
        page, draw_number(page, "1234567890123"), "More than 12 digits", "too-many-digits"
    )
    assert write_number(page, AFTERWARDS) == AFTERWARDS


def test_an_unsure_digit_offers_its_runner_up_and_one_tap_swaps_it(number_page: Page) -> None:
    """A 1 with a long flag (the shipped model is torn between 7 and 1) after a 4."""
    page = number_page
    page.get_by_test_id("clear").click()
    read = number_shown_after(page, draw_number(page, [*shapes_of("4"), FLAGGED_ONE]))
    unsure = page.locator('[data-testid="number-digit"][data-unsure="true"]')
    expect(unsure).to_have_count(1)
    expect(unsure).to_contain_text("Not sure")
    runner_up = unsure.get_by_test_id("number-runner-up")
    other = runner_up.get_attribute("data-digit")
    assert read[0] == "4" and {read[1], other} == {"7", "1"}, (read, other)
    expect(page.get_by_test_id("message")).to_contain_text(f"Not sure of the 2nd digit: {read[1]}")
    expect(page.get_by_test_id("announcement")).to_contain_text("Not sure of the 2nd digit")
    seq = number_seq(page)
    runner_up.click()
    expect(number(page)).to_have_text(f"4{other}")
    assert number_seq(page) > seq
    expect(unsure).to_have_attribute("data-digit", other)
    expect(page.get_by_test_id("announcement")).to_have_text(
        f"The 2nd digit is now {other}: the number is 4 {other}."
    )
    # And back: the swapped-out digit is now the one offered.
    expect(runner_up).to_have_attribute("data-digit", read[1])


def test_copy_puts_the_number_on_the_clipboard(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, service_workers="block")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto("/")
        wait_ready(page)
        set_number_mode(page)
        assert write_number(page, "2026") == "2026"
        page.get_by_test_id("number-copy").click()
        expect(page.get_by_test_id("number-copy-note")).to_have_text("Copied 2026.")
        assert page.evaluate("() => navigator.clipboard.readText()") == "2026"
    finally:
        context.close()


def test_where_copying_is_refused_the_number_is_selected_instead(number_page: Page) -> None:
    page = number_page
    page.evaluate(
        "() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); }"
    )
    assert write_number(page, "47") == "47"
    page.get_by_test_id("number-copy").click()
    expect(page.get_by_test_id("number-copy-note")).to_contain_text("Copying is not allowed here")
    assert page.evaluate("() => window.getSelection().toString()") == "47"


def test_examples_write_the_next_digit(number_page: Page) -> None:
    page = number_page
    page.get_by_test_id("clear").click()
    for written in ("3", "34", "347"):
        seq = number_seq(page)
        page.locator(f'[data-testid="example"][data-digit="{written[-1]}"]').click()
        assert number_shown_after(page, seq, RESULT_TIMEOUT_MS) == written


def test_the_switch_works_from_the_keyboard_and_one_digit_comes_back_as_before(
    ready_page: Page,
) -> None:
    page = ready_page
    switch = page.get_by_test_id("number-mode")
    expect(switch).to_have_attribute("aria-pressed", "false")
    expect(switch).to_have_accessible_name("Write a number")
    expect(page.get_by_test_id("number-box")).to_be_hidden()
    square = page.get_by_test_id("pad").bounding_box()
    switch.focus()
    page.keyboard.press("Enter")
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("number-box")).to_be_visible()
    expect(page.get_by_test_id("message")).to_have_text(
        "Write a number in the box: its digits side by side."
    )
    expect(page.get_by_test_id("status")).to_have_text("Ready: write a number.")
    strip = page.get_by_test_id("pad").bounding_box()
    assert strip["width"] > 2 * strip["height"], strip
    assert write_number(page, "905") == "905"

    # Space switches back: a square pad, cleared, and one digit read as before.
    switch.focus()
    page.keyboard.press("Space")
    expect(switch).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("number-box")).to_be_hidden()
    expect(page.get_by_test_id("message")).to_have_text("Draw a digit in the box.")
    expect(page.get_by_test_id("status")).to_have_text("Ready: draw a digit.")
    assert page.get_by_test_id("pad").bounding_box() == square
    assert shown_after(page, draw_digit_with_mouse(page, "7")) == "7"
    expect(page.get_by_test_id("prediction")).to_be_visible()
    expect(page.get_by_test_id("correct")).to_be_visible()


def test_the_baseline_page_says_it_reads_one_digit_only(page: Page) -> None:
    page.goto("/?recognizer=baseline")
    wait_ready(page)
    set_number_mode(page)
    seq = draw_number(page, "47")
    assert number_shown_after(page, seq, RESULT_TIMEOUT_MS) == ""
    expect(number(page)).to_have_attribute("data-status", "error")
    expect(page.get_by_test_id("message")).to_contain_text("reads one digit only")


def test_the_mode_is_remembered_across_reloads(ready_page: Page) -> None:
    page = ready_page
    set_number_mode(page)
    page.reload()
    wait_ready(page)
    expect(page.get_by_test_id("number-mode")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("status")).to_have_text("Ready: write a number.")
    assert write_number(page, "61") == "61"
    set_number_mode(page, on=False)
    page.reload()
    wait_ready(page)
    expect(page.get_by_test_id("number-mode")).to_have_attribute("aria-pressed", "false")
    seq = prediction_seq(page)
    page.locator('[data-testid="example"][data-digit="9"]').click()
    assert shown_after(page, seq) == "9"
