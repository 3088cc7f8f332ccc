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


async def rate(backend: FakeBackend, text: str, entities: list | None = None) -> tuple:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text=text,
        intent="rate",
        entities=entities,
        slots={"last_task": "check_bill", "awaiting_rating": True},
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


@pytest.mark.parametrize("text", ["9", "0", "great"])
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
