"""The README's three screenshots, one per user, taken from the app on the bundled database, offline.

    .venv/bin/python tools/readme_screenshots.py      # writes docs/screenshots/*.png

Each is the first screen a user sees (no full-page stitching: that is what they look at), in their language
and on their screen: a policymaker's laptop, a delegate's phone, a committee member's projector.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

import browser_helpers as bh  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

OUT = REPO / "docs" / "screenshots"
SHOTS = [  # file, link, viewport, what scale the screenshot is saved at
    ("policymaker_laptop_en.png", "/country?country=PHL&lang=en", {"width": 1400, "height": 900}, 0.65),
    ("delegate_phone_fr.png", "/country?country=MAR&lang=fr", {"width": 390, "height": 844}, 1.0),
    ("committee_projector_es.png", "/funds?lang=es", {"width": 1280, "height": 720}, 0.7),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    srv = bh.start_server()
    try:
        with sync_playwright() as playwright:
            browser = bh.launch_browser(playwright, block_network_in_browser=True)
            for name, link, viewport, scale in SHOTS:
                context = browser.new_context(viewport=viewport, device_scale_factor=scale, locale="en-GB")
                context.add_init_script(bh.INIT_SCRIPT)
                page = context.new_page()
                bh.goto_and_wait(page, srv.url + link, timeout=120)
                page.mouse.move(0, viewport["height"] - 1)      # no hover label in the picture
                page.wait_for_timeout(500)
                page.screenshot(path=str(OUT / name))
                print(OUT / name, bh.exception_texts(page) or "")
                context.close()
            browser.close()
    finally:
        bh.stop_process(srv.proc)


if __name__ == "__main__":
    main()
