"""Numbers written on the page's pad in number mode, as a person writes them (issue 13).

A number is its digits' strokes (harness/strokes.py) side by side on the pad's strip: each
digit as tall as `height` of the pad, the gaps between their inks `gap` pad heights (0 or less:
digits that touch). `number_areas` says where each digit goes; `draw_number` draws it with the
mouse or by touch; `number_shown_after` waits for the page's final answer, as
harness/page.py's `shown_after` does for one digit. Tests and scripts share these.
"""

from __future__ import annotations

from collections.abc import Sequence

from playwright.sync_api import Page, expect

from harness.drawing import draw_strokes_with_mouse, draw_strokes_with_touch, pad_box
from harness.strokes import DIGIT_STROKES, Stroke, smooth

Area = tuple[float, float, float, float]

# A digit's ink this tall (of the pad's height), its top this far down.
DIGIT_HEIGHT = 0.62
DIGIT_TOP = 0.18
# Between two digits' inks, in pad heights: about what people leave.
DEFAULT_GAP = 0.18
# The pen's width is 1/14 of the pad's height (site/js/pad.js): inks this far into each other
# (of the pad's height) surely touch, their pens' widths overlapping.
TOUCHING_GAP = -0.04


def number_seq(page: Page) -> int:
    """The number of the newest number answer shown (0 before any)."""
    return int(page.get_by_test_id("number").get_attribute("data-seq") or "0")


def number_shown_after(page: Page, seq: int, timeout_ms: float = 30_000) -> str:
    """Wait until a number answer newer than `seq` is shown and final; return the number read
    ('' for none: nothing written, or refused)."""
    page.wait_for_function(
        """seq => {
            const shown = document.querySelector('[data-testid=number]');
            return Number(shown.dataset.seq) > seq && shown.dataset.pending === 'false';
        }""",
        arg=seq,
        timeout=timeout_ms,
    )
    return page.get_by_test_id("number").inner_text()


def set_number_mode(page: Page, on: bool = True) -> None:
    """Switch number mode on (or off) with its button, unless it already is."""
    switch = page.get_by_test_id("number-mode")
    if (switch.get_attribute("aria-pressed") == "true") != on:
        switch.click()
    expect(switch).to_have_attribute("aria-pressed", str(on).lower())


def ink_extent(strokes: Sequence[Stroke]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the smoothed strokes' points, in the unit square."""
    points = [point for stroke in strokes for point in smooth(stroke)]
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def shapes_of(digits: str) -> list[list[Stroke]]:
    """Each digit's strokes (harness/strokes.py)."""
    return [DIGIT_STROKES[digit] for digit in digits]


def number_areas(
    shapes: Sequence[Sequence[Stroke]],
    aspect: float,
    *,
    gap: float = DEFAULT_GAP,
    gaps: Sequence[float] | None = None,
    height: float = DIGIT_HEIGHT,
    top: float = DIGIT_TOP,
) -> list[Area]:
    """Where each shape's unit square goes on a pad `aspect` times wider than tall, as
    (left, top, width, height) pad fractions: inks `height` tall, `gap` pad heights apart (or
    `gaps[i]` between digit i and i+1), the whole row centred; made smaller, evenly, where
    it would not fit in 94% of the pad's width."""
    gaps = list(gaps) if gaps is not None else [gap] * (len(shapes) - 1)
    extents = [ink_extent(shape) for shape in shapes]
    tallest = max(bottom - top_ for _, top_, _, bottom in extents)
    scale = height / tallest  # unit square -> pad heights
    widths = [(right - left) * scale for left, _, right, _ in extents]
    total = sum(widths) + sum(gaps)
    shrink = min(1.0, 0.94 * aspect / total)
    scale *= shrink
    x = (aspect - total * shrink) / 2
    areas = []
    for index, (left, ink_top, _, _) in enumerate(extents):
        square_left = x - left * scale
        square_top = top + (height * (1 - shrink)) / 2 - ink_top * scale
        areas.append((square_left / aspect, square_top, scale / aspect, scale))
        x += widths[index] * shrink + (gaps[index] * shrink if index < len(gaps) else 0)
    return areas


def pad_aspect(page: Page) -> float:
    box = pad_box(page)
    return box["width"] / box["height"]


def draw_number(
    page: Page,
    digits: str | Sequence[Sequence[Stroke]],
    *,
    touch: bool = False,
    gap: float = DEFAULT_GAP,
    gaps: Sequence[float] | None = None,
) -> int:
    """Write `digits` (a string of digits, or each one's strokes) on the pad, left to right,
    with the mouse (or a finger); return the number's data-seq from just before the last
    stroke ended (see `number_shown_after`)."""
    shapes = shapes_of(digits) if isinstance(digits, str) else digits
    page.get_by_test_id("pad").scroll_into_view_if_needed()  # the pointer draws where it is
    areas = number_areas(shapes, pad_aspect(page), gap=gap, gaps=gaps)
    draw = draw_strokes_with_touch if touch else draw_strokes_with_mouse
    seq = number_seq(page)
    for shape, area in zip(shapes, areas, strict=True):
        seq = draw(page, list(shape), area, seq_of=number_seq)
    return seq


def write_number(
    page: Page, digits: str | Sequence[Sequence[Stroke]], *, touch: bool = False, **spacing
) -> str:
    """Clear the pad, write `digits`, return the number the page reads."""
    page.get_by_test_id("clear").click()
    return number_shown_after(page, draw_number(page, digits, touch=touch, **spacing))


def draw_paths(page: Page, paths: Sequence[Sequence[tuple[float, float]]]) -> int:
    """Draw raw paths (pad fractions, each point a pointer move) with the mouse: a line, a
    scribble; return the number's data-seq from just before the last stroke ended."""
    page.get_by_test_id("pad").scroll_into_view_if_needed()
    box = pad_box(page)
    seq = number_seq(page)
    for path in paths:
        page.mouse.move(box["x"] + path[0][0] * box["width"], box["y"] + path[0][1] * box["height"])
        page.mouse.down()
        for x, y in path[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        seq = number_seq(page)
        page.mouse.up()
    return seq
