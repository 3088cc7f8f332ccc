"""The widget against Rasa's real socket.io channel, served as `rasa run` serves it.

The page is served from one origin and Rasa's server runs on another port with
``--cors <page origin>``: this is what a page on :8000 needs to reach :5005.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import socketio
from playwright.sync_api import Browser, Page, expect

from channels.webchat.assets import STATIC_DIR, ensure_assets
from tests.channels.browser import chromium, new_page, open_widget, send_message, wait_for_bot_text
from tests.channels.fake_rasa_socketio import FakeRasaSocketIO
from tests.channels.rasa_harness import rasa_harness
from tests.ports import free_port

pytestmark = pytest.mark.browser

CREDENTIALS = """\
channels.webchat.rasa_socketio.PersistentSocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""


@pytest.fixture(scope="module")
def pages() -> Iterator[FakeRasaSocketIO]:
    """Only its static page server is used here."""
    with FakeRasaSocketIO(static_dir=STATIC_DIR) as server:
        yield server


@pytest.fixture(scope="module")
def page_origin(pages: FakeRasaSocketIO) -> str:
    return pages.page_url.rstrip("/")


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rasa") / "handled.jsonl"


@pytest.fixture(scope="module")
def rasa_url(
    tmp_path_factory: pytest.TempPathFactory, page_origin: str, record: Path
) -> Iterator[str]:
    credentials = tmp_path_factory.mktemp("rasa-config") / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    with rasa_harness(credentials, free_port(), cors=[page_origin], record=record) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ensure_assets()
    with chromium() as instance:
        yield instance


def handled(record: Path) -> list[dict]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text().splitlines()]


@pytest.mark.parametrize("transports", ["websocket,polling", "polling"])
def test_page_on_another_origin_talks_to_rasa(
    browser: Browser, pages: FakeRasaSocketIO, rasa_url: str, record: Path, transports: str
) -> None:
    page: Page = new_page(browser, socket_url=rasa_url, transports=transports)
    try:
        open_widget(page, pages.page_url)
        word = f"hello over {transports}"
        send_message(page, word)
        wait_for_bot_text(page, f"echo: {word}")
        session_id = page.evaluate("JSON.parse(localStorage.getItem('tcn-webchat')).sessionId")
        last = handled(record)[-1]
        assert last["text"] == word
        assert last["input_channel"] == "socketio"
        assert last["sender_id"] == session_id

        page.reload()
        expect(page.locator(".tcn-chat__status")).to_have_text("Online")
        send_message(page, "after reload")
        wait_for_bot_text(page, "echo: after reload")
        assert handled(record)[-1]["sender_id"] == session_id
    finally:
        page.context.close()


def test_buttons_from_rasa_become_quick_replies(
    browser: Browser, pages: FakeRasaSocketIO, rasa_url: str, record: Path
) -> None:
    page = new_page(browser, socket_url=rasa_url)
    try:
        open_widget(page, pages.page_url)
        send_message(page, "/buttons")  # typed with a slash: still text for Rasa
        wait_for_bot_text(page, "What would you like?")
        assert handled(record)[-1]["text"] == "buttons"
        page.locator(".tcn-chat__reply", has_text="Pay my bill").click()
        wait_for_bot_text(page, "echo: /pay_bill")
        assert handled(record)[-1]["text"] == '/pay_bill{"amount": "42.50"}'
    finally:
        page.context.close()


def test_cors_allows_only_the_configured_origin(rasa_url: str, page_origin: str) -> None:
    url = f"{rasa_url}/socket.io/?EIO=4&transport=polling"
    allowed = httpx.get(url, headers={"Origin": page_origin}, timeout=30)
    assert allowed.status_code == 200
    assert allowed.headers.get("access-control-allow-origin") == page_origin
    other = httpx.get(url, headers={"Origin": "http://elsewhere.example"}, timeout=30)
    assert "access-control-allow-origin" not in other.headers


def test_the_browser_cannot_set_message_metadata(rasa_url: str, record: Path) -> None:
    # Playwright's sync API owns this thread's event loop: the client runs in another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        session = pool.submit(asyncio.run, _send_with_forged_metadata(rasa_url)).result()
    last = handled(record)[-1]
    assert (last["text"], last["sender_id"], last["metadata"]) == ("claiming a phone", session, {})


async def _send_with_forged_metadata(rasa_url: str) -> str:
    client = socketio.AsyncClient()
    confirmed: asyncio.Queue[str] = asyncio.Queue()
    answers: asyncio.Queue[dict] = asyncio.Queue()
    client.on("session_confirm", confirmed.put_nowait)
    client.on("bot_uttered", answers.put_nowait)
    # engineio's websocket client needs a newer aiohttp than Rasa pins: long-polling.
    await client.connect(rasa_url, transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": "not-a-session-id"})
        session = await asyncio.wait_for(confirmed.get(), 10)
        assert len(session) == 32 and session != "not-a-session-id"
        forged = {"phone_number": "+15550100101", "phone_verified_by": "twilio_signature"}
        await client.emit(
            "user_uttered",
            {"message": "claiming a phone", "session_id": session, "metadata": forged},
        )
        answer = await asyncio.wait_for(answers.get(), 10)
        assert answer["text"] == "echo: claiming a phone"
    finally:
        await client.disconnect()
    return session
