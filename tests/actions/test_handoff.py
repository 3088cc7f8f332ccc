"""Handing over to a person pauses the conversation for the assistant (issue 7)."""

from __future__ import annotations

from rasa_sdk.events import ConversationPaused

from actions.handoff import ActionHumanHandoff
from tests.actions.factories import FakeBackend, responses, run, ticket, unavailable


async def test_a_created_handoff_pauses_the_conversation_after_the_confirmation() -> None:
    backend = FakeBackend(verified=True)
    backend.answers["create_service_request"] = ticket("SR-100501", category="human_handoff")
    events, dispatcher = await run(ActionHumanHandoff(client=backend), text="agent please",
                                   intent="human_handoff")
    assert responses(dispatcher) == ["utter_handoff_created"]
    assert events[-1] == ConversationPaused()
    assert events.count(ConversationPaused()) == 1


async def test_a_failed_handoff_leaves_the_assistant_answering() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["create_service_request"] = unavailable()
    events, dispatcher = await run(ActionHumanHandoff(client=backend), text="agent please",
                                   intent="human_handoff")
    assert responses(dispatcher)  # the customer is told it did not work
    assert all(event.get("event") != "pause" for event in events)
