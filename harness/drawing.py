"""Digits drawn on the page's pad as a person draws them: with the mouse or by touch.

The strokes (harness/strokes.py) are in the unit square; callers place them anywhere on the
pad with `area` (left, top, width, height as pad fractions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from playwright.sync_api import Page

from harness.page import prediction_seq
from harness.strokes import DIGIT_STROKES, Point, Stroke, smooth


def pad_box(page: Page) -> dict:
    """The pad's box on the page (x, y, width, height in CSS px)."""
    box = page.get_by_test_id("pad").bounding_box()
    if box is None:
        raise ValueError("the drawing pad is not visible")
    return box


def to_page(point: Point, box: dict, area: tuple[float, float, float, float]) -> Point:
    """Map a unit-square point into `area` (left, top, width, height as pad fractions)."""
    left, top, width, height = area
    return (
        box["x"] + (left + point[0] * width) * box["width"],
        box["y"] + (top + point[1] * height) * box["height"],
    )


# Which answer's data-seq a drawing reports: the single digit's (harness/page.py), or number
# mode's (harness/numbers.py).
SeqOf = Callable[[Page], int]


def trace_with_mouse(
    page: Page, paths: Sequence[Sequence[Point]], seq_of: SeqOf = prediction_seq
) -> int:
    """Draw each path (page coordinates, every point a pointer move) with `page.mouse`; return
    `data-seq` (of the answer `seq_of` reads) as it was just before the last stroke ended.

    Any result shown after that moment is the page's answer for the whole drawing (the page
    drops results for drawings that have changed since).
    """
    seq = seq_of(page)
    for path in paths:
        page.mouse.move(*path[0])
        page.mouse.down()
        for x, y in path[1:]:
            page.mouse.move(x, y)
        seq = seq_of(page)
        page.mouse.up()
    return seq


def draw_strokes_with_mouse(
    page: Page,
    strokes: list[Stroke],
    area: tuple[float, float, float, float] = (0, 0, 1, 1),
    seq_of: SeqOf = prediction_seq,
) -> int:
    """Draw smooth strokes (unit square) into `area` with the mouse; as `trace_with_mouse`."""
    box = pad_box(page)
    return trace_with_mouse(
        page,
        [[to_page(point, box, area) for point in smooth(stroke)] for stroke in strokes],
        seq_of,
    )


def draw_digit_with_mouse(page: Page, digit: str, area=(0, 0, 1, 1)) -> int:
    return draw_strokes_with_mouse(page, DIGIT_STROKES[digit], area)


def draw_strokes_with_touch(
    page: Page,
    strokes: list[Stroke],
    area: tuple[float, float, float, float] = (0, 0, 1, 1),
    seq_of: SeqOf = prediction_seq,
) -> int:
    """Real touch events through the DevTools protocol (the context needs has_touch=True);
    returns as `trace_with_mouse`."""
    box = pad_box(page)
    session = page.context.new_cdp_session(page)
    seq = seq_of(page)
    for stroke in strokes:
        path = [to_page(point, box, area) for point in smooth(stroke)]
        for index, (x, y) in enumerate(path):
            kind = "touchStart" if index == 0 else "touchMove"
            session.send(
                "Input.dispatchTouchEvent",
                {"type": kind, "touchPoints": [{"x": x, "y": y, "id": 1}]},
            )
        seq = seq_of(page)
        session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()
    return seq


def draw_digit_with_touch(page: Page, digit: str, area=(0, 0, 1, 1)) -> int:
    """A digit drawn with a finger; as `draw_strokes_with_touch`."""
    return draw_strokes_with_touch(page, DIGIT_STROKES[digit], area)


def ink_pixels(page: Page) -> int:
    """How many pad pixels hold ink (are not transparent): what undo and resizing must get
    right, and what must not change when a file is refused."""
    return page.evaluate(
        """() => {
            const pad = document.querySelector('[data-testid=pad]');
            const data = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;
            let count = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
            return count;
        }"""
    )
