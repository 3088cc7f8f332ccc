"""Reusable helpers for driving the chat widget in Debian's headless Chromium.

Playwright's Python package drives /usr/bin/chromium (``scripts/system-deps.sh``
installs it); nothing downloads a browser. Usage::

    with chromium() as browser:
        page = open_widget(browser, "http://127.0.0.1:8000/")
        send_message(page, "hi")
        wait_for_bot_text(page, "How can I help")
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = ROOT / "test-output"
DEFAULT_TIMEOUT_MS = 15_000

BOT_MESSAGES = ".tcn-chat__msg--bot"
USER_MESSAGES = ".tcn-chat__msg--user"


def require_chromium() -> None:
    """Fail (not skip) with a clear message when Debian's chromium is missing."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is missing: run `sudo scripts/system-deps.sh`")


@contextmanager
def chromium() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(
    browser: Browser,
    *,
    socket_url: str | None = None,
    transports: str | None = None,
    viewport: ViewportSize | None = None,
    **context_options: Any,
) -> Page:
    """A page in a fresh context.

    ``socket_url`` overrides where the widget connects (default: the page's host on
    :5005); ``transports`` is socket.io's transport list, e.g. ``"polling"``.
    """
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 800}, **context_options
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    overrides = {"socketUrl": socket_url, "transports": transports}
    config = json.dumps({key: value for key, value in overrides.items() if value})
    context.add_init_script(f"window.TCN_WEBCHAT_CONFIG = {config};")
    return context.new_page()


def open_widget(page: Page, url: str) -> Page:
    """Load the help page, open the chat panel and wait until the socket session is up."""
    page.goto(url)
    launcher = page.locator(".tcn-chat__launcher")
    if launcher.get_attribute("aria-expanded") != "true":
        launcher.click()
    expect(page.locator(".tcn-chat__panel")).to_be_visible()
    wait_until_online(page)
    return page


def wait_until_online(page: Page) -> None:
    expect(page.locator(".tcn-chat__status")).to_have_text("Online")


def send_message(page: Page, text: str) -> None:
    """Type into the widget's input and press Enter, as a customer would."""
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(USER_MESSAGES).last).to_contain_text(text)


def click_quick_reply(page: Page, title: str) -> None:
    page.locator(".tcn-chat__reply:not([disabled])", has_text=title).last.click()


def wait_for_bot_text(
    page: Page, pattern: str | re.Pattern[str], timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> str:
    """Wait until some bot bubble contains ``pattern``; returns that bubble's text."""
    regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
    bubble = page.locator(BOT_MESSAGES).filter(has_text=regex).last
    expect(bubble).to_be_visible(timeout=timeout_ms)
    return bubble.inner_text()


def bot_texts(page: Page) -> list[str]:
    """The text of every bot bubble (without quick replies or screen-reader prefixes)."""
    return [
        text.strip() for text in page.locator(f"{BOT_MESSAGES} .tcn-chat__text").all_inner_texts()
    ]


def screenshot(page: Page, name: str) -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIR / name
    page.screenshot(path=str(path), full_page=False)
    return path


def quick_replies(page: Page) -> list[str]:
    """Titles of the quick replies that can still be pressed."""
    return page.locator(".tcn-chat__reply:not([disabled])").all_inner_texts()


def wait_for_bot_count(page: Page, count: int, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> list[str]:
    """Wait until at least ``count`` bot bubbles are shown; returns their texts."""
    expect(page.locator(BOT_MESSAGES).nth(count - 1)).to_be_visible(timeout=timeout_ms)
    return bot_texts(page)
