"""Teaching the page your handwriting, as a person does it (issue 14).

A flagged 1 (a long flag, as many Europeans write it) is read as a 7 by the shipped model.
The person taps "It was a 1" under the answer, and the same drawing is then shown as a 1,
and so are the same habit's other drawings that the model alone reads as 7; after a reload,
and offline, the page still knows it; an export file, after Reset all, brings it back; a bad
file is refused and nothing kept is lost; where the browser cannot store anything, the page
says so and still recognizes and learns for the visit; the baseline page, which cannot
learn, offers no correction. Each test opens a fresh browser context, so each starts with
nothing kept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.drawing import draw_digit_with_mouse
from harness.page import prediction_seq, shown_after, wait_ready
from harness.personal import (
    LOWER_FLAGGED_ONE,
    VARIANTS,
    correct_as,
    draw_flagged_one,
    teach_flagged_one,
)

pytestmark = pytest.mark.browser

RESULT_TIMEOUT_MS = 30_000


def prediction(page: Page):
    return page.get_by_test_id("prediction")


def expect_recognized_as_one(page: Page) -> None:
    """The flagged 1 is answered 1. Right after a (re)load the page answers before the worker
    has taken in the stored examples, then recognizes again once it has: wait for the 1."""
    draw_flagged_one(page)
    expect(prediction(page)).to_have_text("1")
    expect(prediction(page)).to_have_attribute("data-personalized", "true")
    expect(page.get_by_test_id("personalized")).to_have_text("Adjusted to your handwriting")


def open_panel(page: Page) -> None:
    panel = page.get_by_test_id("handwriting")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()


def count_of(page: Page, label: str):
    return page.locator(f'[data-testid="handwriting-count"][data-digit="{label}"]')


def wait_offline_ready(page: Page) -> None:
    """The service worker is active and controls the page (its precache is complete)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_a_correction_is_learned_and_kept_across_reloads_and_offline(page: Page) -> None:
    page.goto("/")
    wait_ready(page)
    expect(page.get_by_test_id("correct")).to_be_hidden()  # no answer yet: nothing to correct
    taught = teach_flagged_one(page)
    expect_recognized_as_one(page)
    # Other digits are left alone.
    page.keyboard.press("Escape")
    assert shown_after(page, draw_digit_with_mouse(page, "7"), RESULT_TIMEOUT_MS) == "7"
    expect(prediction(page)).to_have_attribute("data-personalized", "false")
    expect(page.get_by_test_id("personalized")).to_be_hidden()

    wait_offline_ready(page)
    page.reload()
    wait_ready(page)
    open_panel(page)
    expect(count_of(page, "1")).to_have_text(f"{taught} example{'s' * (taught > 1)}")
    expect(page.locator('[data-testid="handwriting-example"][data-digit="1"]')).to_have_count(
        taught
    )
    expect_recognized_as_one(page)

    page.context.set_offline(True)
    try:
        page.reload()
        wait_ready(page)
        expect_recognized_as_one(page)
    finally:
        page.context.set_offline(False)


def test_one_correction_also_fixes_other_drawings_of_the_same_habit(page: Page) -> None:
    """What the person corrected was one drawing; the page learns the way they write it: the
    flag drawn lower, in other proportions, is read as 1 too, where the model alone reads 7."""
    page.goto("/")
    wait_ready(page)
    others = [(area, LOWER_FLAGGED_ONE) for area in VARIANTS[2:]]
    for area, strokes in others:
        assert draw_flagged_one(page, area, strokes) == "7", "the model reads it right alone"
    assert draw_flagged_one(page) == "7"
    correct_as(page, "1")
    expect(prediction(page)).to_have_text("1")
    for area, strokes in others:
        assert draw_flagged_one(page, area, strokes) == "1"
        expect(prediction(page)).to_have_attribute("data-personalized", "true")


def test_on_a_phone_the_correction_shares_the_first_screen_with_the_pad_and_answer(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
        service_workers="block",
    )
    try:
        page = context.new_page()
        page.goto("/")
        wait_ready(page)
        seq = prediction_seq(page)
        page.locator('[data-testid="example"][data-digit="3"]').tap()
        assert shown_after(page, seq, RESULT_TIMEOUT_MS) == "3"
        page.evaluate("() => window.scrollTo(0, 0)")
        for test_id in ("pad", "prediction", "confidence", "correct"):
            expect(page.get_by_test_id(test_id)).to_be_in_viewport(ratio=1)
        seq = prediction_seq(page)
        page.locator('[data-testid="correct-digit"][data-digit="8"]').tap()
        expect(page.get_by_test_id("correct-note")).to_contain_text("learned that this is an 8")
        shown_after(page, seq, RESULT_TIMEOUT_MS)
        assert page.evaluate("() => window.scrollY") == 0
    finally:
        context.close()


def test_export_reset_and_import_bring_it_back_and_bad_files_change_nothing(
    page: Page, tmp_path: Path
) -> None:
    page.goto("/")
    wait_ready(page)
    taught = teach_flagged_one(page)
    open_panel(page)
    message = page.get_by_test_id("handwriting-message")

    with page.expect_download() as download_info:
        page.get_by_test_id("handwriting-export").click()
    exported = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(exported)
    assert re.fullmatch(r"handwriting-\d{4}-\d\d-\d\d\.json", exported.name)
    data = json.loads(exported.read_text())
    assert data["format"] == "digit-recognizer-handwriting"
    assert [example["label"] for example in data["examples"]] == ["1"] * taught
    expect(message).to_contain_text(f"Exported {taught} example")

    # Reset all asks first; Cancel keeps everything.
    page.get_by_test_id("handwriting-reset").click()
    expect(page.get_by_test_id("handwriting-confirm")).to_contain_text("Delete all")
    page.get_by_test_id("handwriting-reset-cancel").click()
    expect(count_of(page, "1")).to_be_visible()
    page.get_by_test_id("handwriting-reset").click()
    seq = prediction_seq(page)
    page.get_by_test_id("handwriting-reset-confirm").click()
    expect(message).to_contain_text("Deleted all your examples")
    expect(page.get_by_test_id("handwriting-example")).to_have_count(0)
    assert shown_after(page, seq, RESULT_TIMEOUT_MS) != "1"  # the model's own answer again
    expect(prediction(page)).to_have_attribute("data-personalized", "false")

    # The export file brings them back, and the answer with them.
    seq = prediction_seq(page)
    page.get_by_test_id("handwriting-import").set_input_files(exported)
    expect(message).to_have_text(f"Imported {taught} example{'s' * (taught > 1)}.")
    assert shown_after(page, seq, RESULT_TIMEOUT_MS) == "1"
    expect(count_of(page, "1")).to_contain_text(str(taught))
    # Importing it again adds nothing.
    page.get_by_test_id("handwriting-import").set_input_files(exported)
    expect(message).to_contain_text(f"Imported 0 examples ({taught} example")

    # Bad and foreign files are refused, saying why; what is kept stays.
    wrong_size = json.loads(exported.read_text())
    wrong_size["examples"][0]["input"] = wrong_size["examples"][0]["input"][:40]
    bad_label = json.loads(exported.read_text())
    bad_label["examples"][-1]["label"] = "one"
    bad_files = {
        "photo.json": (b"\x89PNG\r\n\x1a\n", "not JSON"),
        "other.json": (b'{"name": "something else"}', "not a handwriting export"),
        "cut.json": (json.dumps(wrong_size).encode(), "not 28x28"),
        "label.json": (json.dumps(bad_label).encode(), 'label "one"'),
    }
    for name, (content, reason) in bad_files.items():
        page.get_by_test_id("handwriting-import").set_input_files(
            files=[{"name": name, "mimeType": "application/json", "buffer": content}]
        )
        expect(message).to_contain_text(f"“{name}” was not imported")
        expect(message).to_contain_text(reason)
        expect(message).to_contain_text("Nothing you kept has changed.")
        expect(message).to_have_attribute("data-kind", "error")
    expect(count_of(page, "1")).to_contain_text(str(taught))
    assert draw_flagged_one(page) == "1"

    # One deleted: one fewer.
    page.get_by_test_id("handwriting-delete").first.click()
    expect(message).to_contain_text(f"Deleted an example of 1 ({taught - 1} left)")
    expect(page.get_by_test_id("handwriting-example")).to_have_count(taught - 1)


def test_without_storage_it_says_so_and_still_recognizes_and_learns(page: Page) -> None:
    """Private browsing and the like: no IndexedDB. The visit still learns."""
    page.add_init_script("delete window.indexedDB;")
    page.goto("/")
    wait_ready(page)
    open_panel(page)
    expect(page.get_by_test_id("handwriting-message")).to_contain_text(
        "Your corrections cannot be kept on this device"
    )
    assert draw_flagged_one(page) != "1"
    # By keyboard this time: the button keeps the focus while the answer is recognized again.
    one = page.locator('[data-testid="correct-digit"][data-digit="1"]')
    one.focus()
    seq = prediction_seq(page)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("correct-note")).to_contain_text("learned that this is a 1")
    shown_after(page, seq, RESULT_TIMEOUT_MS)
    expect(one).to_be_focused()
    expect(page.get_by_test_id("correct-note")).to_contain_text("for this visit only")
    expect(page.get_by_test_id("handwriting-summary")).to_contain_text("this visit only")
    assert shown_after(page, draw_digit_with_mouse(page, "4"), RESULT_TIMEOUT_MS) == "4"


def test_the_baseline_page_cannot_learn_and_offers_no_correction(page: Page) -> None:
    page.goto("/?recognizer=baseline")
    wait_ready(page)
    assert shown_after(page, draw_digit_with_mouse(page, "5"), RESULT_TIMEOUT_MS) == "5"
    expect(page.get_by_test_id("correct")).to_be_hidden()
    open_panel(page)
    expect(page.get_by_test_id("handwriting-message")).to_contain_text("does not learn")
