"""A conversation paused for a person is silent on purpose: no apology (issue 7)."""

from __future__ import annotations

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    UserUttered,
)

from channels.common.no_answer import (
    NO_ANSWER_TEXT,
    PAUSED_TEXT,
    handle_or_apologise,
    paused_turns,
)


async def _store(*events: object) -> InMemoryTrackerStore:
    store = InMemoryTrackerStore(Domain.empty())
    tracker = await store.get_or_create_tracker("+12025550101")
    for event in events:
        tracker.update(event)  # type: ignore[arg-type]
    await store.save(tracker)
    return store


async def test_paused_turns_counts_the_messages_since_the_pause() -> None:
    paused = await _store(UserUttered("agent"), BotUttered("ok"), ConversationPaused(),
                          UserUttered("hello?"), UserUttered("anyone?"))
    assert await paused_turns(paused, "+12025550101") == 2
    resumed = await _store(ConversationPaused(), UserUttered("hi"), ConversationResumed(),
                           UserUttered("bill"))
    assert await paused_turns(resumed, "+12025550101") == 0
    assert await paused_turns(resumed, "someone-else") == 0


async def _silent_turn(turns: int) -> tuple[bool, list[str]]:
    output = CollectingOutputChannel()
    message = UserMessage("hello?", output, "+12025550101", input_channel="twilio_sms")

    async def silent(_: UserMessage) -> None:
        return None

    async def paused(_: str) -> int:
        return turns

    apologised = await handle_or_apologise(silent, message, "short sorry", paused=paused)
    return apologised, [str(m.get("text")) for m in output.messages]


async def test_first_paused_message_gets_the_note_later_ones_nothing() -> None:
    assert await _silent_turn(1) == (False, [PAUSED_TEXT])
    assert await _silent_turn(2) == (False, [])


async def test_a_silent_turn_that_is_not_paused_gets_the_apology() -> None:
    assert await _silent_turn(0) == (True, ["short sorry"])
    assert NO_ANSWER_TEXT != PAUSED_TEXT
