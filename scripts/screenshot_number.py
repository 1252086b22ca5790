"""The README's picture of number mode: `python scripts/screenshot_number.py [--out docs]`.

Starts the app on a free loopback port, opens the page in headless Chromium as a 390x844
touch phone, switches on "Write a number", writes 2026 with a finger as a person would
(harness/numbers.py), waits for the final answer and saves the first screen as
docs/screenshot-number.png, stamped with the model's version like the other screenshots
(tests/test_docs.py checks it).
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from playwright.sync_api import sync_playwright

from app import create_app
from harness.browser import launch_chromium
from harness.numbers import set_number_mode, write_number
from harness.page import wait_ready
from harness.pictures import stamp_model_version
from harness.server import ensure_web_runtime, serve

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs"
MANIFEST = ROOT / "site" / "model" / "manifest.json"
NAME = "screenshot-number.png"
PHONE = {"width": 390, "height": 844}
NUMBER = "2026"


def shoot(out: Path) -> Path:
    """Write the screenshot into `out`; return its path."""
    ensure_web_runtime()
    out.mkdir(parents=True, exist_ok=True)
    path = out / NAME
    with serve(create_app()) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(
                base_url=url + "/",
                viewport=PHONE,
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                service_workers="block",
            )
            page = context.new_page()
            page.goto("/")
            wait_ready(page)
            set_number_mode(page)
            read = write_number(page, NUMBER, touch=True)
            if read != NUMBER:
                raise RuntimeError(f"the page read {read!r}, not {NUMBER}: not a fair picture")
            page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
            page.wait_for_function(
                "() => document.getAnimations().every((a) => a.playState !== 'running')"
            )
            page.screenshot(path=path)
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
