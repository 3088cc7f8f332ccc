"""Rating and fallback actions."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue import ActionHandleFallback, ActionStoreRating
from tests.actions.factories import (
    FakeBackend,
    entity,
    load_domain,
    make_tracker,
    responses,
    unavailable,
)

CLEARED = [SlotSet("awaiting_rating", False), SlotSet("last_task", None)]


def said(utter_action: str) -> dict:
    return {"event": "bot", "text": "x", "metadata": {"utter_action": utter_action}}


ASKED = [said("utter_bill_summary"), said("utter_ask_rating")]


async def rate(
    backend: FakeBackend, text: str, entities: list | None = None, before: list | None = None
) -> tuple:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text=text,
        intent="rate",
        entities=entities,
        slots={"last_task": "check_bill", "awaiting_rating": True},
        earlier_events=ASKED if before is None else before,
    )
    events = await ActionStoreRating(client=backend).run(dispatcher, tracker, load_domain())
    return events, dispatcher


@pytest.mark.parametrize(
    ("text", "entities", "stored"),
    [
        ("5", [entity("rating", "5")], 5),
        ("4 stars", None, 4),
        ("three", None, 3),
        ("terrible, one", None, 1),
        ("terrible", None, 1),
        ("it was great thanks", None, 5),
        ("pretty good", None, 4),
        ("4/5", None, 4),
    ],
)
async def test_rating_is_stored_for_the_task_just_done(
    text: str, entities: list | None, stored: int
) -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await rate(backend, text, entities)
    assert backend.called("store_feedback") == [
        ("store_feedback", "tok-1", stored, "check_bill", "rest")
    ]
    assert responses(dispatcher) == ["utter_rating_thanks"]
    assert events == CLEARED


@pytest.mark.parametrize("text", ["9", "0", "-5", "- 3", "not great", "banana"])
async def test_rating_outside_one_to_five_is_asked_again(text: str) -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await rate(backend, text)
    assert events == []
    assert responses(dispatcher) == ["utter_rating_invalid"]
    assert backend.called("store_feedback") == []


async def test_rating_still_thanks_when_the_backend_is_down() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["store_feedback"] = unavailable()
    events, dispatcher = await rate(backend, "5")
    assert responses(dispatcher) == ["utter_rating_thanks"]
    assert events == CLEARED


async def test_rating_without_verified_session_is_not_sent() -> None:
    backend = FakeBackend(verified=False)
    _, dispatcher = await rate(backend, "4")
    assert backend.called("store_feedback") == []
    assert responses(dispatcher) == ["utter_rating_thanks"]


def user(intent: str) -> dict:
    return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent}}}


async def fallback(earlier: list[dict]) -> list[str]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="blorp", intent="nlu_fallback", earlier_events=earlier)
    events = await ActionHandleFallback().run(dispatcher, tracker, load_domain())
    assert events == []
    return responses(dispatcher)


async def test_first_fallback_asks_to_rephrase() -> None:
    assert await fallback([user("greet")]) == ["utter_default"]


async def test_second_consecutive_fallback_offers_a_human() -> None:
    assert await fallback([user("greet"), user("nlu_fallback")]) == ["utter_offer_human"]


async def test_fallbacks_separated_by_an_understood_message_start_over() -> None:
    assert await fallback([user("nlu_fallback"), user("greet")]) == ["utter_default"]


async def test_core_fallback_asks_to_rephrase_and_reverts_the_message() -> None:
    from rasa_sdk.events import UserUtteranceReverted

    from actions.dialogue import ActionDefaultFallback
    from tests.actions.factories import run

    events, dispatcher = await run(ActionDefaultFallback(), text="purple monkey", intent="greet")
    assert responses(dispatcher) == ["utter_default"]
    assert events == [UserUtteranceReverted()]


@pytest.mark.parametrize(
    "before",
    [
        [],  # nothing was asked in this conversation
        [said("utter_troubleshoot_mobile")],  # "one sec" during troubleshooting
        [said("utter_ask_rating"), user("affirm"), said("utter_how_can_i_help")],  # moved on
    ],
)
async def test_a_number_typed_when_no_rating_was_asked_is_not_stored(before: list) -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await rate(backend, "3", before=before)
    assert backend.called("store_feedback") == []
    assert responses(dispatcher) == ["utter_rating_not_asked"]
    assert events == []


async def test_after_an_invalid_rating_the_next_answer_still_counts() -> None:
    backend = FakeBackend(verified=True)
    before = [*ASKED, user("rate"), said("utter_rating_invalid")]
    await rate(backend, "4", before=before)
    assert [call[2] for call in backend.called("store_feedback")] == [4]
