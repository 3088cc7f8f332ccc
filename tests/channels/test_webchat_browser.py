"""The chat widget in headless Chromium against a fake Rasa socket.io server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from channels.webchat.assets import STATIC_DIR, ensure_assets
from tests.channels.browser import (
    USER_MESSAGES,
    bot_texts,
    chromium,
    click_quick_reply,
    new_page,
    open_widget,
    quick_replies,
    screenshot,
    send_message,
    wait_for_bot_count,
    wait_for_bot_text,
)
from tests.channels.fake_rasa_socketio import FakeRasaSocketIO
from tests.channels.sanic_server import free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ensure_assets()
    with chromium() as instance:
        yield instance


@pytest.fixture
def server() -> Iterator[FakeRasaSocketIO]:
    with FakeRasaSocketIO(static_dir=STATIC_DIR) as fake:
        yield fake


@pytest.fixture
def page(browser: Browser, server: FakeRasaSocketIO) -> Iterator[Page]:
    page = new_page(browser, socket_url=server.socket_url)
    yield page
    page.context.close()


def test_conversation_with_quick_replies_links_and_screenshot(
    page: Page, server: FakeRasaSocketIO
) -> None:
    open_widget(page, server.page_url)
    send_message(page, "hi")
    wait_for_bot_text(page, "What can I help you with?")
    assert bot_texts(page) == ["Hello! I'm the TeleComNet assistant.", "What can I help you with?"]
    assert quick_replies(page) == ["Check my bill", "Pay my bill"]

    click_quick_reply(page, "Check my bill")
    assert len(wait_for_bot_count(page, 3)) == 3
    reply = wait_for_bot_text(page, "$42.50")
    assert "due on December 1" in reply
    # The customer sees the button's title; Rasa receives its payload.
    expect(page.locator(USER_MESSAGES).last).to_contain_text("Check my bill")
    assert "/check_bill" not in page.locator(".tcn-chat__log").inner_text()
    session_id = server.session_requests[-1].get("session_id") or page.evaluate(
        "JSON.parse(localStorage.getItem('tcn-webchat')).sessionId"
    )
    assert [m["message"] for m in server.user_messages] == ["hi", "/check_bill"]
    assert {m["session_id"] for m in server.user_messages} == {session_id}
    # Used quick replies cannot be sent twice.
    expect(page.locator(".tcn-chat__reply", has_text="Pay my bill")).to_be_disabled()
    # Links open in a new tab without handing the page to the target.
    link = page.locator(".tcn-chat__msg--bot a", has_text="your bill")
    expect(link).to_have_attribute("href", "https://portal.example.test/bills/current")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(page.locator(".tcn-chat__msg--bot strong", has_text="$42.50")).to_be_visible()
    path = screenshot(page, "webchat.png")
    assert path.stat().st_size > 0


def test_conversation_survives_a_reload(page: Page, server: FakeRasaSocketIO) -> None:
    open_widget(page, server.page_url)
    send_message(page, "hi")
    wait_for_bot_text(page, "What can I help you with?")
    first_session = page.evaluate("JSON.parse(localStorage.getItem('tcn-webchat')).sessionId")
    assert first_session
    assert server.session_requests[0].get("session_id") is None

    page.reload()
    expect(page.locator(".tcn-chat__panel")).to_be_visible()  # stays open
    expect(page.locator(".tcn-chat__status")).to_have_text("Online")
    assert server.session_requests[-1] == {"session_id": first_session}
    assert bot_texts(page) == ["Hello! I'm the TeleComNet assistant.", "What can I help you with?"]

    send_message(page, "still me")
    wait_for_bot_text(page, "You said: still me")
    assert server.user_messages[-1] == {"message": "still me", "session_id": first_session}


def test_new_conversation_button_starts_a_fresh_session(
    page: Page, server: FakeRasaSocketIO
) -> None:
    open_widget(page, server.page_url)
    send_message(page, "hi")
    wait_for_bot_text(page, "What can I help you with?")
    first_session = page.evaluate("JSON.parse(localStorage.getItem('tcn-webchat')).sessionId")
    page.get_by_role("button", name="Start a new conversation").click()
    expect(page.locator(".tcn-chat__msg")).to_have_count(0)
    send_message(page, "fresh")
    wait_for_bot_text(page, "You said: fresh")
    assert server.user_messages[-1]["session_id"] != first_session


def test_typing_indicator_shows_while_waiting(page: Page, server: FakeRasaSocketIO) -> None:
    server.hold.add("slow question")
    open_widget(page, server.page_url)
    typing = page.locator(".tcn-chat__typing")
    expect(typing).to_be_hidden()
    send_message(page, "slow question")
    expect(typing).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The assistant is typing…")
    server.release()
    wait_for_bot_text(page, "You said: slow question")
    expect(typing).to_be_hidden()


def test_server_text_is_never_parsed_as_html(page: Page, server: FakeRasaSocketIO) -> None:
    open_widget(page, server.page_url)
    send_message(page, "html please")
    wait_for_bot_text(page, "not html")
    expect(page.locator(".tcn-chat__msg--bot img")).to_have_count(0)
    assert page.evaluate("window.__xss === undefined")


def test_keyboard_and_screen_reader_labels(page: Page, server: FakeRasaSocketIO) -> None:
    page.goto(server.page_url)
    launcher = page.get_by_role("button", name="Chat with TeleComNet assistant")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="TeleComNet assistant")
    expect(dialog).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    box = page.get_by_label("Your message")
    expect(box).to_be_focused()
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.locator(".tcn-chat__status")).to_have_text("Online")

    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    wait_for_bot_text(page, "What can I help you with?")
    expect(page.get_by_role("group", name="Suggested replies")).to_be_visible()
    expect(log).to_contain_text("Assistant: Hello!")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator(".tcn-chat__launcher")).to_be_focused()


def test_phone_sized_screen_uses_the_whole_viewport(
    browser: Browser, server: FakeRasaSocketIO
) -> None:
    page = new_page(
        browser,
        socket_url=server.socket_url,
        viewport={"width": 375, "height": 667},
        is_mobile=True,
        has_touch=True,
    )
    try:
        open_widget(page, server.page_url)
        box = page.locator(".tcn-chat__panel").bounding_box()
        assert box is not None
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 375, 667)
        send_message(page, "hi")
        click_quick_reply(page, "Pay my bill")
        wait_for_bot_text(page, "You said: /pay_bill")
        screenshot(page, "webchat-phone.png")
    finally:
        page.context.close()


def test_page_loads_no_third_party_resources(page: Page, server: FakeRasaSocketIO) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_widget(page, server.page_url)
    hosts = {url.split("/")[2] for url in requested if url.startswith("http")}
    assert hosts <= {f"127.0.0.1:{server.page_port}", f"127.0.0.1:{server.socket_port}"}
    assert any(url.endswith("/vendor/socket.io.min.js") for url in requested)


def test_an_old_transcript_is_not_shown_again(browser: Browser, server: FakeRasaSocketIO) -> None:
    page = new_page(browser, socket_url=server.socket_url)
    try:
        open_widget(page, server.page_url)
        send_message(page, "hi")
        wait_for_bot_text(page, "What can I help you with?")
        page.evaluate(
            """() => {
                const state = JSON.parse(localStorage.getItem('tcn-webchat'));
                state.savedAt = Date.now() - 2 * 60 * 60 * 1000;
                localStorage.setItem('tcn-webchat', JSON.stringify(state));
            }"""
        )
        page.reload()
        expect(page.locator(".tcn-chat__status")).to_have_text("Online")
        expect(page.locator(".tcn-chat__msg")).to_have_count(0)
        expect(page.locator(".tcn-chat__intro")).to_be_visible()
    finally:
        page.context.close()


def test_unreachable_assistant_is_announced_and_messages_wait(
    browser: Browser, server: FakeRasaSocketIO
) -> None:
    closed = free_port()  # nothing listens there
    page = new_page(browser, socket_url=f"http://127.0.0.1:{closed}")
    try:
        page.goto(server.page_url)
        page.locator(".tcn-chat__launcher").click()
        expect(page.locator(".tcn-chat__status")).to_have_text("Offline", timeout=30_000)
        expect(page.get_by_role("status")).to_contain_text("can't reach the assistant")
        send_message(page, "are you there?")
        assert server.user_messages == []
    finally:
        page.context.close()
