"""Card details typed outside a payment get the "never send card details" warning (issue 6)."""

from __future__ import annotations

import pytest
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ValidateCheckBillForm
from actions.dialogue import ActionDefaultFallback, ActionHandleFallback
from tests.actions.factories import FakeBackend, load_domain, make_tracker

TYPED_CARDS = [
    ("my card number is 4111 1111 1111 1111", "inform"),
    ("4111 1111 1111 1111 exp 12/29 the cvv is 7391", "nlu_fallback"),
    ("can you charge 5555-5555-5555-4444", "inform"),
]


def keys(dispatcher: CollectingDispatcher) -> list[str]:
    return [str(m.get("response") or m.get("utter_action")) for m in dispatcher.messages]


@pytest.mark.parametrize(("text", "intent"), TYPED_CARDS)
async def test_the_fallback_warns_about_card_details(text: str, intent: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleFallback().run(
        dispatcher, make_tracker(text=text, intent=intent), load_domain()
    )
    assert keys(dispatcher) == ["utter_no_card_in_chat"]
    assert events == []
    text_sent = str(dispatcher.messages[0].get("text") or "")
    assert "card" in text_sent.lower() and "never" in text_sent.lower()


@pytest.mark.parametrize(
    "text", ["4111 1111 1111 1112", "AC10000001", "+1 202 555 0101", "the thing"]
)
async def test_other_text_still_gets_the_rephrase_request(text: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionHandleFallback().run(dispatcher, make_tracker(text=text), load_domain())
    assert keys(dispatcher) == ["utter_default"]


async def test_the_core_fallback_warns_too_and_still_reverts_the_message() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionDefaultFallback().run(
        dispatcher, make_tracker(text=TYPED_CARDS[0][0]), load_domain()
    )
    assert keys(dispatcher) == ["utter_no_card_in_chat"]
    assert events == [UserUtteranceReverted()]


async def test_a_card_typed_for_the_identity_question_is_refused_with_the_warning() -> None:
    backend = FakeBackend()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text="4111 1111 1111 1111", requested_slot="identifier", active_loop="check_bill_form"
    )
    await ValidateCheckBillForm(client=backend).run(dispatcher, tracker, load_domain())
    assert keys(dispatcher) == ["utter_no_card_in_chat"]
    assert backend.called("start_verification") == []
