"""The page is usable by everyone: an axe-core audit (light and dark, desktop and a 320 px
phone, with a result shown and with an error shown), keyboard-only use, an accessible name on
every control, reduced motion respected, and a narrow phone screen that needs no sideways
scrolling and does not scroll while a finger draws.

axe-core comes from npm, pinned in tests/web/package-lock.json (scripts/test.sh installs it
with `npm ci`); Playwright injects it into the page, so the context bypasses the page's CSP,
which rightly refuses inline scripts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.drawing import draw_digit_with_touch
from harness.numbers import (
    draw_number,
    draw_paths,
    number_shown_after,
    set_number_mode,
    shapes_of,
)
from harness.page import prediction_seq, shown_after, wait_error, wait_ready
from harness.personal import FLAGGED_ONE

pytestmark = pytest.mark.browser

AXE_PATH = Path(__file__).parent / "web" / "node_modules" / "axe-core" / "axe.min.js"
RESULT_TIMEOUT_MS = 20_000
DESKTOP = {"width": 1100, "height": 800}
PHONE = {"width": 320, "height": 568}  # the narrowest phones still in use (iPhone SE 1st gen)
SCHEMES = ["light", "dark"]
# Impacts that must not occur; axe's "moderate" and "minor" are reported, not failed.
BLOCKING_IMPACTS = {"serious", "critical"}
EMPTY_MESSAGE = "Draw a digit in the box."
MAX_TABS = 40  # more than the page's focusable controls: enough to reach any of them
BAR_SELECTOR = '[data-testid="probabilities"] .bar > span'


# --- pages ---------------------------------------------------------------------------------------


def open_page(browser: Browser, base_url: str, **context_options) -> Page:
    context = browser.new_context(
        base_url=base_url, bypass_csp=True, service_workers="block", **context_options
    )
    page = context.new_page()
    page.goto("/")
    wait_ready(page)
    return page


@pytest.fixture(scope="module")
def desktop(browser: Browser, base_url: str) -> Iterator[Page]:
    page = open_page(browser, base_url, viewport=DESKTOP)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    """A touch phone 320 CSS px wide (the page's meta viewport makes that the layout width)."""
    page = open_page(
        browser, base_url, viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2
    )
    yield page
    page.context.close()


def reset(page: Page) -> None:
    page.emulate_media(color_scheme="light", reduced_motion="no-preference")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("message")).to_have_text(EMPTY_MESSAGE)


def show_example(page: Page, digit: str) -> None:
    seq = prediction_seq(page)
    page.locator(f'[data-testid="example"][data-digit="{digit}"]').click()
    assert shown_after(page, seq, RESULT_TIMEOUT_MS) == digit


# --- axe-core ------------------------------------------------------------------------------------

RUN_AXE = """async () => {
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((rule) => ({
        id: rule.id,
        impact: rule.impact,
        help: rule.help,
        nodes: rule.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }));
}"""


def audit(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now."""
    if not AXE_PATH.is_file():
        pytest.fail(f"{AXE_PATH} is missing: run `npm ci` in tests/web (scripts/test.sh does)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE_PATH)
    return page.evaluate(RUN_AXE)


def assert_no_blocking_violations(violations: list[dict], where: str) -> None:
    blocking = [rule for rule in violations if rule["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{where}: {json.dumps(blocking, indent=2, ensure_ascii=False)}"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_axe_finds_no_serious_violation(
    request: pytest.FixtureRequest, size: str, scheme: str
) -> None:
    """With a result shown, then with an uncertain result, then with an error message."""
    page: Page = request.getfixturevalue(size)
    reset(page)
    page.emulate_media(color_scheme=scheme)
    assert page.evaluate(f"() => matchMedia('(prefers-color-scheme: {scheme})').matches")
    show_example(page, "7")
    assert_no_blocking_violations(audit(page), f"{size}, {scheme}, result shown")

    # The error colour is only used for errors: show one (a file that is not an image).
    page.get_by_test_id("upload").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not an image"}]
    )
    expect(page.get_by_test_id("message")).to_have_attribute("data-kind", "error")
    assert_no_blocking_violations(audit(page), f"{size}, {scheme}, error shown")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_number_mode_passes_the_audit_and_fits_the_screen(
    request: pytest.FixtureRequest, size: str, scheme: str
) -> None:
    """Number mode (issue 13) with a number shown whose 2nd digit is unsure (its runner-up
    offered), then with a refusal: no serious violation, no text out of its box, nothing
    wider than the screen."""
    page: Page = request.getfixturevalue(size)
    reset(page)
    page.emulate_media(color_scheme=scheme)
    set_number_mode(page)
    try:
        seq = draw_number(page, [*shapes_of("4"), FLAGGED_ONE])
        assert len(number_shown_after(page, seq, RESULT_TIMEOUT_MS)) == 2
        unsure = page.locator('[data-testid="number-digit"][data-unsure="true"]')
        expect(unsure.get_by_test_id("number-runner-up")).to_have_count(1)
        expect(unsure.get_by_test_id("number-runner-up")).to_have_accessible_name(
            re.compile(r"^The 2nd digit is an? \d$")
        )
        assert_no_blocking_violations(audit(page), f"{size}, {scheme}, number shown")
        assert page.evaluate(SPILLING_TEXT) == []
        sizes = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert sizes[0] <= sizes[1], sizes

        page.get_by_test_id("clear").click()
        line = [(0.05 + 0.9 * i / 30, 0.5) for i in range(31)]  # a line across: refused
        assert number_shown_after(page, draw_paths(page, [line]), RESULT_TIMEOUT_MS) == ""
        expect(page.get_by_test_id("number")).to_have_attribute("data-status", "rejected")
        expect(page.get_by_test_id("message")).to_have_attribute("data-kind", "error")
        assert_no_blocking_violations(audit(page), f"{size}, {scheme}, number refused")
    finally:
        set_number_mode(page, on=False)


def test_the_audit_itself_catches_low_contrast(desktop: Page) -> None:
    """The audit can fail: a light grey line on the page is caught as a serious violation."""
    reset(desktop)
    desktop.evaluate(
        """() => {
            const line = document.createElement('p');
            line.id = 'faint';
            line.textContent = 'Faint text';
            line.setAttribute('style', 'color: #bbbbbb; background: #ffffff');
            document.querySelector('main').append(line);
        }"""
    )
    try:
        found = {(rule["id"], rule["impact"]) for rule in audit(desktop)}
    finally:
        desktop.evaluate("() => document.getElementById('faint').remove()")
    assert ("color-contrast", "serious") in found


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_serious_violation_when_the_recognizer_fails(
    browser: Browser, base_url: str, scheme: str
) -> None:
    """The status line in its error state, with the retry button."""
    context = browser.new_context(
        base_url=base_url, bypass_csp=True, service_workers="block", viewport=DESKTOP
    )
    try:
        context.route("**/vendor/pyodide/**", lambda route: route.abort())
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)
        page.goto("/")
        wait_error(page)
        expect(page.get_by_test_id("retry")).to_be_visible()
        assert_no_blocking_violations(audit(page), f"{scheme}, recognizer failed")
    finally:
        context.close()


# --- keyboard ------------------------------------------------------------------------------------


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const frame = element.closest('.file-button');
            return {
                testid: element.dataset.testid ?? null,
                digit: element.dataset.digit ?? null,
                outline: style.outlineStyle,
                frameOutline: frame ? getComputedStyle(frame).outlineStyle : null,
            };
        }"""
    )


def tab_to(page: Page, testid: str, digit: str | None = None) -> list[dict]:
    """Press Tab until the control is focused; return every control focused on the way."""
    visited = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        visited.append(now)
        if now["testid"] == testid and (digit is None or now["digit"] == digit):
            return visited
    raise AssertionError(f"Tab never reached {testid} {digit or ''}: {visited}")


def test_keyboard_only_use(desktop: Page) -> None:
    """Tab to an example, Enter draws it and shows the result; Ctrl+Z undoes; Escape clears.
    Every control reached shows where the focus is."""
    page = desktop
    reset(page)
    visited = tab_to(page, "example", "4")
    for control in visited:
        # A file input is invisible (opacity 0): its label, drawn as a button, shows the focus.
        outline = control["frameOutline"] or control["outline"]
        assert outline != "none", f"the focus is not visible on {control}"
    seq = prediction_seq(page)
    page.keyboard.press("Enter")
    assert shown_after(page, seq, RESULT_TIMEOUT_MS) == "4"

    # The 4 is two strokes: undo removes the second, and what is left is recognized anew.
    seq = prediction_seq(page)
    page.keyboard.press("Control+z")
    shown_after(page, seq, RESULT_TIMEOUT_MS)
    assert page.get_by_test_id("message").inner_text() != EMPTY_MESSAGE  # ink is left
    seq = prediction_seq(page)
    page.keyboard.press("Control+z")
    assert shown_after(page, seq, RESULT_TIMEOUT_MS) == ""
    expect(page.get_by_test_id("message")).to_have_text(EMPTY_MESSAGE)

    seq = prediction_seq(page)
    page.keyboard.press("Enter")  # the example still has the focus
    assert shown_after(page, seq, RESULT_TIMEOUT_MS) == "4"
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("prediction")).to_have_text("")
    expect(page.get_by_test_id("message")).to_have_text(EMPTY_MESSAGE)
    expect(page.get_by_test_id("announcement")).to_have_text(EMPTY_MESSAGE)

    # Buttons work with the keyboard too: Space on Clear, reached by Shift+Tab.
    seq = prediction_seq(page)
    page.keyboard.press("Enter")
    assert shown_after(page, seq, RESULT_TIMEOUT_MS) == "4"
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab")
        if focused(page)["testid"] == "clear":
            break
    page.keyboard.press("Space")
    expect(page.get_by_test_id("prediction")).to_have_text("")


def test_a_final_result_is_announced(desktop: Page) -> None:
    reset(desktop)
    show_example(desktop, "3")
    announcement = desktop.get_by_test_id("announcement")
    expect(announcement).to_have_text(re.compile(r"^(Recognized 3, .+ sure|Not sure: 3 or \d)\.$"))
    expect(announcement).to_have_attribute("aria-live", "polite")


LIVE_REGIONS = """() => [...document.querySelectorAll('*')]
    .filter((element) => {
        const live = element.getAttribute('aria-live');
        if (live) return live !== 'off';
        const implicit = element.localName === 'output' ? 'status' : '';
        const role = element.getAttribute('role') ?? implicit;
        return ['status', 'alert', 'log', 'marquee', 'timer'].includes(role);
    })
    .map((element) => element.dataset.testid ?? element.id)"""


def test_only_the_status_line_and_the_announcer_are_live(desktop: Page) -> None:
    """A screen reader hears each final result once, from the announcer; the digit's own
    element (an <output>, a live region by default) must not also speak every live result
    while the pen moves."""
    assert sorted(desktop.evaluate(LIVE_REGIONS)) == ["announcement", "status"]


# --- names ---------------------------------------------------------------------------------------

CONTROLS = "button, input, select, textarea, a[href], [role=img], output, progress, canvas"


def test_every_control_has_an_accessible_name(desktop: Page) -> None:
    reset(desktop)
    show_example(desktop, "9")
    controls = desktop.locator(CONTROLS)
    count = controls.count()
    assert count >= 12  # undo, clear, 2 file inputs, 4 examples, retry, pad, model view, ...
    for index in range(count):
        control = controls.nth(index)
        if not control.is_visible():
            continue  # hidden from everyone: the retry button while all is well, the camera
            # button where the pointer is a mouse
        outer = control.evaluate("(element) => element.outerHTML.slice(0, 120)")
        expect(control, f"no accessible name: {outer}").to_have_accessible_name(re.compile(r"\w"))
    expect(desktop.get_by_role("button", name="Undo")).to_be_visible()
    expect(desktop.get_by_role("button", name="Clear")).to_be_visible()
    expect(desktop.get_by_role("button", name="Draw an example 3")).to_be_visible()
    expect(desktop.get_by_test_id("upload")).to_have_accessible_name(re.compile("Open image"))


# --- motion --------------------------------------------------------------------------------------


def bar_transition(page: Page) -> str:
    return page.evaluate(
        f"""() => {{
            const bar = document.querySelector('{BAR_SELECTOR}');
            const style = getComputedStyle(bar);
            return `${{style.transitionProperty}} ${{style.transitionDuration}}`;
        }}"""
    )


def test_reduced_motion_turns_off_the_bar_animation(desktop: Page) -> None:
    reset(desktop)
    show_example(desktop, "3")
    assert bar_transition(desktop) != "all 0s"  # animated by default: the check below can fail
    desktop.emulate_media(reduced_motion="reduce")
    assert bar_transition(desktop) == "all 0s"
    desktop.emulate_media(reduced_motion="no-preference")


SPILLING_TEXT = """() => {
    const spilling = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const text = walker.currentNode;
        const parent = text.parentElement;
        if (!text.textContent.trim() || !parent.getClientRects().length) continue;
        if (parent.closest('.visually-hidden')) continue; // clipped on purpose
        const range = document.createRange();
        range.selectNodeContents(text);
        const inside = range.getBoundingClientRect();
        const box = parent.getBoundingClientRect();
        if (inside.right > box.right + 0.5 || inside.left < box.left - 0.5) {
            spilling.push(`${text.textContent.trim().slice(0, 30)} in ${parent.className}`);
        }
    }
    return spilling;
}"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_no_text_spills_out_of_its_box(request: pytest.FixtureRequest, size: str) -> None:
    """E.g. the top row's bold ">99.9%" used to spill past the percent column."""
    page: Page = request.getfixturevalue(size)
    reset(page)
    show_example(page, "3")
    expect(page.locator('[data-testid="probabilities"] [data-top="true"] .percent')).to_have_text(
        ">99.9%"
    )  # the widest text a row shows
    assert page.evaluate(SPILLING_TEXT) == []


# --- a 320 px phone ------------------------------------------------------------------------------


def test_a_320px_screen_needs_no_sideways_scrolling(phone: Page) -> None:
    reset(phone)
    show_example(phone, "7")
    sizes = phone.evaluate(
        """() => ({
            inner: window.innerWidth,
            scroll: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
        })"""
    )
    assert sizes["inner"] == PHONE["width"]
    assert sizes["scroll"] <= sizes["client"], sizes
    pad = phone.get_by_test_id("pad").bounding_box()
    assert pad is not None
    assert pad["x"] >= 0
    assert pad["x"] + pad["width"] <= PHONE["width"]
    assert pad["width"] >= PHONE["width"] * 0.8  # and it is big enough to draw on
    overflowing = phone.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter((element) => element.getClientRects().length)
            .filter((element) => element.getBoundingClientRect().right > width + 0.5)
            .map((element) => element.outerHTML.slice(0, 80))""",
        PHONE["width"],
    )
    assert overflowing == []


def test_drawing_by_touch_does_not_scroll_the_page(phone: Page) -> None:
    reset(phone)
    # The page is taller than the phone, so a finger moving on it could scroll it.
    assert phone.evaluate("() => document.documentElement.scrollHeight > window.innerHeight")
    phone.evaluate("() => window.scrollTo(0, 0)")
    phone.evaluate(
        "() => document.querySelector('[data-testid=pad]').scrollIntoView({block: 'start'})"
    )
    before = phone.evaluate("() => window.scrollY")
    assert before > 0  # scrolled part way: a swipe could move it either way
    seq = draw_digit_with_touch(phone, "1")  # one long vertical swipe
    assert shown_after(phone, seq, RESULT_TIMEOUT_MS) == "1"
    assert phone.evaluate("() => window.scrollY") == before
