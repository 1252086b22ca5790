"""Teaching the page a handwriting, as a person does: a drawing the shipped model reads wrong
(a 1 with a long flag, which it takes for a 7), corrected with "It was a 1" under the answer
until the same drawing is shown as a 1. tests/test_personal_ui.py and
scripts/screenshot_personal.py both use it.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from harness.drawing import draw_strokes_with_mouse
from harness.page import prediction_seq, shown_after
from harness.strokes import Stroke

# A 1 with a long flag, drawn in one stroke; the shipped model says 7 (not sure, 1 second).
FLAGGED_ONE: list[Stroke] = [[(0.3, 0.35), (0.55, 0.15), (0.55, 0.85)]]
# The same habit with the flag starting lower and further left: not a drawing ever corrected.
LOWER_FLAGGED_ONE: list[Stroke] = [[(0.25, 0.4), (0.55, 0.15), (0.55, 0.85)]]
AREA = (0.1, 0.1, 0.8, 0.8)
# A person corrects slightly different drawings of the same habit, not one picture 4 times.
VARIANTS = [AREA, (0.14, 0.08, 0.78, 0.84), (0.06, 0.12, 0.84, 0.76), (0.12, 0.14, 0.74, 0.8)]
RESULT_TIMEOUT_MS = 30_000


def draw_flagged_one(
    page: Page,
    area: tuple[float, float, float, float] = AREA,
    strokes: list[Stroke] = FLAGGED_ONE,
) -> str:
    """Clear the pad, draw the flagged 1 (or `strokes`) in `area`; return the digit shown."""
    page.keyboard.press("Escape")
    page.get_by_test_id("pad").scroll_into_view_if_needed()  # the mouse draws where it is
    return shown_after(page, draw_strokes_with_mouse(page, strokes, area), RESULT_TIMEOUT_MS)


def correct_as(page: Page, label: str) -> None:
    """Tap "It was a <label>" under the answer; wait for the answer that follows."""
    seq = prediction_seq(page)
    row = page.get_by_test_id("correct")
    expect(row).to_be_visible()
    row.locator(f'[data-testid="correct-digit"][data-digit="{label}"]').click()
    expect(page.get_by_test_id("correct-note")).to_contain_text(f" {label} (")
    shown_after(page, seq, RESULT_TIMEOUT_MS)


def teach_flagged_one(page: Page) -> int:
    """Correct flagged 1s (each a little different) until the drawing just corrected is shown
    as a 1; return how many corrections it took. AssertionError where the model already reads
    it as a 1 (the drawing proves nothing then), or where VARIANTS are not enough."""
    assert draw_flagged_one(page) != "1", "the model reads this drawing right: pick another"
    for count, area in enumerate(VARIANTS, start=1):
        if count > 1:
            draw_flagged_one(page, area)
        correct_as(page, "1")
        examples = f"{count} example{'s' * (count > 1)}"
        expect(page.get_by_test_id("correct-note")).to_have_text(
            f"Thanks: learned that this is a 1 ({examples} of 1 on this device)."
        )
        if page.get_by_test_id("prediction").inner_text() == "1":  # the same drawing, again
            return count
    raise AssertionError(f"{len(VARIANTS)} corrections did not teach it the flagged 1")
