"""Screenshots of each briefing's first screen on a phone (390 x 844), as a member sees it.

Writes docs/first-screens/<meeting>-<briefing>.png from the pack in briefings/, with Debian's
Chromium. The browser check `test_on_a_phone_the_title_and_first_key_issue_are_on_the_first_screen`
asserts the same thing on every build; these pictures are for people reviewing the pages.

    .venv/bin/python tools/first_screens.py
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    out = ROOT / "docs" / "first-screens"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        for page in sorted((ROOT / "briefings").glob("*/*.html")):
            if page.name == "index.html":
                continue
            tab = browser.new_page(viewport={"width": 390, "height": 844})
            tab.goto(page.as_uri())
            tab.screenshot(path=str(out / f"{page.parent.name}-{page.stem}.png"))
            tab.close()
        browser.close()


if __name__ == "__main__":
    main()
