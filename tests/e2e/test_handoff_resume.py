"""The trained assistant is silent while paused for a person and answers after hand-back.

Rasa's own ``Agent`` with the trained model and an in-memory tracker store (no action
server needed: the handoff's events are written as ``action_human_handoff`` returns
them); the hand-back is appended by the agent relay's own ``record`` under the lock.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused

from channels.webchat.agent_relay import agent_events, record

pytestmark = pytest.mark.stack

SENDER = "handoff-resume-1"


async def pause_then_resume(model: Path) -> tuple[list[str], list[str], list[str]]:
    """(answer to "hi", answer while paused, answer to "hi" after hand-back)."""
    agent = Agent.load(str(model))
    store = agent.tracker_store

    async def say(text: str) -> list[str]:
        out = CollectingOutputChannel()
        await agent.handle_message(UserMessage(text, out, SENDER, input_channel="socketio"))
        return [str(m.get("text")) for m in out.messages]

    before = await say("hi")
    tracker = await store.retrieve(SENDER)
    assert tracker is not None
    for event in (ActionExecuted("action_human_handoff"),
                  BotUttered("I've passed our conversation to our customer care team."),
                  ConversationPaused()):
        tracker.update(event)
    await store.save(tracker)
    paused = await say("hello? is anyone there?")
    assert await record(agent, SENDER, agent_events("hand_back", "You're back."))
    after = await say("hi")
    return before, paused, after


def test_paused_assistant_is_silent_and_answers_after_hand_back(trained_model: Path) -> None:
    before, paused, after = asyncio.run(pause_then_resume(trained_model))
    assert before and before[0].startswith("Hi! I'm the TeleComNet assistant")
    assert paused == []
    assert after == before


if __name__ == "__main__":  # check against the model on disk, without retraining
    print(asyncio.run(pause_then_resume(Path("models/telecomnet.tar.gz"))))
