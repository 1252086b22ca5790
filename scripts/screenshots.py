"""Screenshots of the real page for the README: `python scripts/screenshots.py [--out docs]`.

Starts the app (app.create_app on a free loopback port), opens the page in headless Chromium,
draws a digit with the mouse as a person would, waits for the recognizer's final answer and
saves the page in the light and dark colour schemes on a desktop
(docs/screenshot-light.png, docs/screenshot-dark.png), and, drawn with a finger, what each
phone shows on its first screen (docs/screenshot-phone-320x568.png, -390x844, -844x390) and
the whole page on the common one (docs/screenshot-phone.png). Each PNG is stamped with the
version of the model it shows (harness/pictures.py), which tests/test_docs.py compares with the
model that ships.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from app import create_app
from harness.browser import launch_chromium
from harness.drawing import draw_digit_with_mouse, draw_digit_with_touch
from harness.page import shown_after, wait_ready
from harness.pictures import stamp_model_version
from harness.server import ensure_web_runtime, serve

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs"
MANIFEST = ROOT / "site" / "model" / "manifest.json"
DESKTOP = {"width": 1100, "height": 800}
PHONES = [
    {"width": 320, "height": 568},  # the narrowest phones still in use (iPhone SE 1st gen)
    {"width": 390, "height": 844},  # a common phone (iPhone 12 to 15)
    {"width": 844, "height": 390},  # the same, turned sideways
]
WHOLE_PAGE_PHONE = PHONES[1]
DIGIT = "3"
# The pad's strokes are drawn a little off centre and smaller than the pad, like a person.
AREA = (0.08, 0.06, 0.84, 0.88)
RESULT_TIMEOUT_MS = 30_000


def settle(page: Page) -> None:
    """No caret, no bar half-way through its animation, no focus ring in the picture."""
    page.evaluate("() => document.activeElement?.blur()")
    page.wait_for_function(
        """() => document.getAnimations().every((animation) => animation.playState !== 'running')"""
    )


def draw_and_check(page: Page, draw: Callable[..., int]) -> None:
    """Draw DIGIT and wait for the answer; a picture of a wrong answer would mislead."""
    digit = shown_after(page, draw(page, DIGIT, AREA), RESULT_TIMEOUT_MS)
    if digit != DIGIT:
        raise RuntimeError(f"the page recognized {digit!r}, not {DIGIT}: not a fair picture")


def shoot(out: Path) -> list[Path]:
    """Write the screenshots into `out`; return their paths."""
    ensure_web_runtime()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(create_app()) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            # Desktop: one drawing, photographed in both schemes (the result is the same).
            context = browser.new_context(
                base_url=url + "/", viewport=DESKTOP, service_workers="block"
            )
            page = context.new_page()
            page.goto("/")
            wait_ready(page)
            draw_and_check(page, draw_digit_with_mouse)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                settle(page)
                path = out / f"screenshot-{scheme}.png"
                page.screenshot(path=path)
                written.append(path)
            context.close()

            # Phones: drawn with a finger; the first screen as it is (pad and answer), and the
            # whole page (it scrolls) on the common one.
            for phone in PHONES:
                context = browser.new_context(
                    base_url=url + "/",
                    viewport=phone,
                    device_scale_factor=2,
                    is_mobile=True,
                    has_touch=True,
                    service_workers="block",
                )
                page = context.new_page()
                page.goto("/")
                wait_ready(page)
                draw_and_check(page, draw_digit_with_touch)
                settle(page)
                path = out / f"screenshot-phone-{phone['width']}x{phone['height']}.png"
                page.screenshot(path=path)
                written.append(path)
                if phone == WHOLE_PAGE_PHONE:
                    path = out / "screenshot-phone.png"
                    page.screenshot(path=path, full_page=True)
                    written.append(path)
                context.close()
        finally:
            browser.close()
    version = json.loads(MANIFEST.read_text())["version"]
    for path in written:
        stamp_model_version(path, version)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the PNGs")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    for path in shoot(args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
