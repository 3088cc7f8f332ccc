"""The portal page's chat widget against the whole running assistant.

Headless Chromium (Debian's, driven by Playwright) opens the help page the backend
serves, and a customer verifies with a one-time code, asks about the bill and pays
it with the saved card, over Rasa's socket.io channel, the action server and the
backend (no mocks). The backend's payment list must then hold exactly that payment.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.channels import browser
from tests.e2e.stack import RunningStack

pytestmark = [pytest.mark.stack, pytest.mark.browser]

# The first demo identity's saved Visa pays fine. The thin slice verifies the same
# customer, so this test waits out the 30 s resend cooldown when it meets it.
ACCOUNT = "AC10000001"
ACCOUNT_PHONE = "+12025550101"
TIMEOUT_MS = 60_000


def latest_code(stack: RunningStack, after: int) -> str:
    """The newest code sent to the account's phone once more than ``after`` messages exist."""
    deadline = time.monotonic() + 30
    while True:
        with stack.backend() as api:
            messages = api.get(
                "/api/v1/demo/outbox", params={"to": ACCOUNT_PHONE, "limit": 100}
            ).json()
        messages = messages.get("messages", messages)
        if len(messages) > after:
            match = re.search(r"\b(\d{6})\b", messages[0]["body"])
            assert match, messages[0]
            return match.group(1)
        assert time.monotonic() < deadline, "no new code reached the demo outbox"
        time.sleep(0.5)


def outbox_size(stack: RunningStack) -> int:
    with stack.backend() as api:
        messages = api.get("/api/v1/demo/outbox", params={"to": ACCOUNT_PHONE, "limit": 100}).json()
    return len(messages.get("messages", messages))


def payments(stack: RunningStack, token: str) -> list[dict]:
    with stack.backend() as api:
        response = api.get("/api/v1/me/payments", headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return list(response.json()["payments"])


def test_verify_check_bill_and_pay_in_the_browser(stack: RunningStack) -> None:
    browser.require_chromium()
    with browser.chromium() as chromium:
        page = browser.new_page(
            chromium, socket_url=f"http://127.0.0.1:{stack.settings.rasa_port}"
        )
        browser.open_widget(page, f"{stack.settings.backend_url}/")

        def say(text: str, expect: str) -> str:
            browser.send_message(page, text)
            return browser.wait_for_bot_text(page, re.compile(expect, re.I), TIMEOUT_MS)

        say("how much is my bill?", r"number or account number")
        sent_before = outbox_size(stack)
        reply = say(ACCOUNT, r"code|wait")
        if "wait" in reply.lower():  # another test asked for this customer's code just now
            time.sleep(31)
            reply = say(ACCOUNT, r"sent a one-time code")
        say(latest_code(stack, sent_before), r"amount due is \$[\d,]+\.\d\d, due on")

        with stack.backend() as api:
            session = api.get(f"/api/v1/identity/sessions/socketio/{_sender(page)}")
        session.raise_for_status()
        token = session.json()["token"]
        paid_before = payments(stack, token)

        say("I want to pay my bill", r"full balance, or another amount")
        say("the full balance", r"Visa ending 4242")
        say("the visa", r"Please confirm: pay \$[\d,]+\.\d\d now with Visa ending 4242")
        receipt = say("yes", r"Payment received")
        browser.screenshot(page, "webchat-e2e-payment.png")

    paid_after = payments(stack, token)
    assert len(paid_after) == len(paid_before) + 1
    newest = paid_after[0]
    assert newest["status"] == "succeeded"
    assert newest["reference"] in receipt


def _sender(page: browser.Page) -> str:
    """The widget's socket.io session id (the conversation id Rasa uses)."""
    value = page.evaluate(
        """() => Object.values(localStorage)
              .map(v => { try { return JSON.parse(v).sessionId; } catch (e) { return null; } })
              .find(v => typeof v === "string" && /^[0-9a-f]{32}$/.test(v))"""
    )
    assert value, "the widget keeps its session id in localStorage"
    return str(value)
