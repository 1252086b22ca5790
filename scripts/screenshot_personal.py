"""The README's picture of "Your handwriting": `python scripts/screenshot_personal.py [--out docs]`.

Starts the app on a free loopback port, opens the page in headless Chromium on a desktop,
draws a 1 with a long flag (which the shipped model reads as a 7), corrects it with "It was
a 1" as a person would (harness/personal.py) until the drawing is shown as a 1, draws it once
more, opens the "Your handwriting" panel and saves the page as docs/screenshot-personal.png,
stamped with the model's version like the other screenshots (tests/test_docs.py checks it).
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from app import create_app
from harness.browser import launch_chromium
from harness.page import wait_ready
from harness.personal import draw_flagged_one, teach_flagged_one
from harness.pictures import stamp_model_version
from harness.server import ensure_web_runtime, serve

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs"
MANIFEST = ROOT / "site" / "model" / "manifest.json"
NAME = "screenshot-personal.png"
VIEWPORT = {"width": 1100, "height": 1000}


def shoot(out: Path) -> Path:
    """Write the screenshot into `out`; return its path."""
    ensure_web_runtime()
    out.mkdir(parents=True, exist_ok=True)
    path = out / NAME
    with serve(create_app()) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            # Service workers allowed: blocked, the page would say offline use is unavailable.
            context = browser.new_context(base_url=url + "/", viewport=VIEWPORT)
            page = context.new_page()
            page.goto("/")
            wait_ready(page)
            teach_flagged_one(page)
            if draw_flagged_one(page) != "1":
                raise RuntimeError("the taught drawing is not shown as a 1: not a fair picture")
            expect(page.get_by_test_id("personalized")).to_be_visible()
            page.get_by_test_id("handwriting").locator("summary").click()
            expect(page.get_by_test_id("handwriting-example").first).to_be_visible()
            page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
            page.wait_for_function(
                "() => document.getAnimations().every((a) => a.playState !== 'running')"
            )
            page.screenshot(path=path, full_page=True)
            context.close()
        finally:
            browser.close()
    stamp_model_version(path, json.loads(MANIFEST.read_text())["version"])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the PNG")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    path = shoot(args.out)
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
