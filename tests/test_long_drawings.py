"""Very long drawings: the pad's work per pen move and per undo stays bounded however much is
on it, and a drawing of 200,000 points is still recognized.

The points are fed as pointer events from inside the page (the mouse would take minutes),
batched as the browser batches real ones: one pointermove per frame with its coalesced events.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from harness.page import prediction_seq, shown_after
from harness.strokes import DIGIT_STROKES, smooth

pytestmark = pytest.mark.browser

RESULT_TIMEOUT_MS = 60_000
POINTS_PER_MOVE = 100  # coalesced pointer events per pointermove

# Draws `strokes` (lists of [x, y] in pad fractions) with synthetic pointer events.
FEED_STROKES = """([strokes, perMove]) => {
    const pad = document.querySelector('[data-testid=pad]');
    const rect = pad.getBoundingClientRect();
    const event = (type, [x, y]) => new PointerEvent(type, {
        clientX: rect.left + x * rect.width, clientY: rect.top + y * rect.height,
        pointerId: 7, pointerType: 'mouse', isPrimary: true, button: 0, buttons: 1,
        bubbles: true, cancelable: true,
    });
    for (const points of strokes) {
        pad.dispatchEvent(event('pointerdown', points[0]));
        for (let start = 1; start < points.length; start += perMove) {
            const batch = points.slice(start, start + perMove);
            const move = event('pointermove', batch.at(-1));
            const coalesced = batch.map((point) => event('pointermove', point));
            move.getCoalescedEvents = () => coalesced;
            pad.dispatchEvent(move);
        }
        pad.dispatchEvent(event('pointerup', points.at(-1)));
    }
}"""

# How many line segments the pad draws while `action` runs (canvas lineTo calls).
SEGMENTS_DRAWN = """(action) => {
    const proto = CanvasRenderingContext2D.prototype;
    const lineTo = proto.lineTo;
    let count = 0;
    proto.lineTo = function (...args) { count += 1; return lineTo.apply(this, args); };
    try {
        if (action === 'undo') {
            document.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true }));
        }
    } finally {
        proto.lineTo = lineTo;
    }
    return count;
}"""

PAD_PIXELS_HASH = """() => {
    const pad = document.querySelector('[data-testid=pad]');
    const data = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;
    let hash = 0;
    for (let i = 3; i < data.length; i += 4) hash = (hash * 31 + data[i]) >>> 0;
    return hash;
}"""


def feed(page: Page, strokes: list[list[tuple[float, float]]]) -> int:
    seq = prediction_seq(page)
    page.evaluate(FEED_STROKES, [strokes, POINTS_PER_MOVE])
    return seq


def small_strokes(count: int) -> list[list[tuple[float, float]]]:
    """`count` short strokes of 10 points each, spread over the pad in a fixed pattern."""
    strokes = []
    for index in range(count):
        x, y = 0.1 + 0.8 * ((index * 37) % 101) / 100, 0.1 + 0.8 * ((index * 53) % 97) / 96
        strokes.append([(x + step * 0.004, y + step * 0.002) for step in range(10)])
    return strokes


def test_a_drawing_of_200000_points_is_recognized(ready_page: Page) -> None:
    strokes = DIGIT_STROKES["7"]
    [stroke] = strokes
    dense = smooth(stroke, samples=200_000 // (len(stroke) - 1))
    assert len(dense) >= 200_000
    seq = feed(ready_page, [dense])
    assert shown_after(ready_page, seq, RESULT_TIMEOUT_MS) == "7"


def test_one_undo_after_2000_strokes_redraws_only_the_last_few(ready_page: Page) -> None:
    feed(ready_page, small_strokes(2_000))
    drawn = ready_page.evaluate(SEGMENTS_DRAWN, "undo")
    # Redrawing everything would be 1,999 strokes of 9 segments each.
    assert drawn < 1_000, drawn


def test_undo_gives_the_same_pixels_as_drawing_only_what_is_left(ready_page: Page) -> None:
    strokes = small_strokes(300)
    feed(ready_page, strokes)
    for _ in range(220):  # back past any point the pad keeps as a ready-drawn base
        ready_page.evaluate(SEGMENTS_DRAWN, "undo")
    after_undo = ready_page.evaluate(PAD_PIXELS_HASH)
    ready_page.keyboard.press("Escape")
    feed(ready_page, strokes[:80])
    assert ready_page.evaluate(PAD_PIXELS_HASH) == after_undo
