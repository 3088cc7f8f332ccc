"""The walking skeleton's promise, end to end through real processes.

A customer asks about their bill over Rasa's REST channel; the running Rasa
server, action server and backend (no mocks) verify them with a one-time code
sent to the phone on file (the demo outbox) and answer with the amount due and
the due date read from the backend database.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency

from tests.e2e.stack import RunningStack

pytestmark = pytest.mark.stack

DEMO_ACCOUNT, DEMO_PHONE = "AC10000001", "+12025550101"  # Maria Lopez


def texts(replies: list[dict]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def latest_code(stack: RunningStack, phone: str) -> str:
    with stack.backend() as api:
        response = api.get("/api/v1/demo/outbox", params={"to": phone})
    response.raise_for_status()
    messages = response.json()
    messages = messages.get("messages", messages) if isinstance(messages, dict) else messages
    assert messages, "the demo outbox holds no message for the phone on file"
    match = re.search(r"\b(\d{6})\b", messages[0]["body"])
    assert match, messages[0]
    return match.group(1)


def current_bill(stack: RunningStack, sender: str) -> dict:
    with stack.backend() as api:
        session = api.get(f"/api/v1/identity/sessions/rest/{sender}")
        session.raise_for_status()
        bill = api.get(
            "/api/v1/me/bills/current",
            headers={"Authorization": f"Bearer {session.json()['token']}"},
        )
    bill.raise_for_status()
    return dict(bill.json())


def test_bill_question_is_answered_after_one_time_code(stack: RunningStack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    maria = stack.fresh_customer(DEMO_ACCOUNT)

    asked = texts(stack.say(sender, "how much is my bill?"))
    assert re.search(r"phone|account", asked, re.I), asked

    sent = texts(stack.say(sender, maria["phone_typed"]))
    assert re.search(r"code", sent, re.I), sent
    assert not re.search(r"\b\d{6}\b", sent), "the code must never be echoed to the caller"

    code = latest_code(stack, maria["phone"])
    wrong = "111111" if code != "111111" else "222222"
    refused = texts(stack.say(sender, wrong))
    assert re.search(r"match|incorrect|wrong|not right", refused, re.I), refused
    assert "$" not in refused, "no account data before the code is confirmed"

    answered = texts(stack.say(sender, code))
    bill = current_bill(stack, sender)
    amount = format_currency(Decimal(bill["amount_due"]), "USD", locale="en_US")
    due = format_date(date.fromisoformat(bill["due_date"]), "MMMM d", locale="en_US")
    assert amount in answered, (amount, answered)
    assert due in answered, (due, answered)


def test_unknown_phone_number_gets_a_clear_answer_and_changes_nothing(
    stack: RunningStack,
) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    stack.say(sender, "what do I owe this month")
    reply = texts(stack.say(sender, "+1 202 555 0199"))
    assert re.search(r"couldn't find|could not find|no account|not find", reply, re.I), reply
    assert "$" not in reply
    with stack.backend() as api:
        session = api.get(f"/api/v1/identity/sessions/rest/{sender}")
    assert session.status_code == 404
