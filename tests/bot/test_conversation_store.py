"""The conversation store writes every event masked, and Rasa loads it from endpoints.yml."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.conversation_store import RedactingSQLTrackerStore
from bot.settings import ROOT, Settings
from bot.stack import process_env
from tests.leaks import needle_pattern

CARD = "4111 1111 1111 1111"
CODE = "482913"
PASSWORD = "Tr0ub4dor&3"


def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def store(path: Path) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(domain=domain(), dialect="sqlite", db=str(path))


def user(text: str, intent: str = "inform", entities: list[dict] | None = None) -> UserUttered:
    return UserUttered(
        text, intent={"name": intent, "confidence": 0.99}, entities=entities or []
    )


def stored_rows(path: Path) -> list[tuple[str, str | None, str]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute("SELECT type_name, intent_name, data FROM events ORDER BY id"))


async def test_saved_events_hold_no_card_code_or_password_and_keep_intents(
    tmp_path: Path,
) -> None:
    path = tmp_path / "conversations.db"
    conversations = store(path)
    tracker = DialogueStateTracker("c1", domain().slots)
    for event in (
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        user(f"my card is {CARD} and the cvv is 737", "out_of_scope"),
        BotUttered("For your security, please never type card numbers in this chat."),
        ActionExecuted("action_listen"),
        user(f"my password is {PASSWORD}", "faq"),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    await conversations.save(tracker)
    added = len(tracker.events)

    # Later turns, as Rasa runs them: read the tracker back, add the turn, save.
    tracker = await conversations.retrieve("c1")
    assert tracker is not None
    tracker.update(SlotSet("requested_slot", "otp_code"))
    tracker.update(ActionExecuted("action_listen"))
    await conversations.save(tracker)
    added += 2
    tracker = await conversations.retrieve("c1")
    assert tracker is not None
    tracker.update(user(CODE, "inform", [{"entity": "otp_code", "value": CODE}]))
    tracker.update(SlotSet("otp_code", CODE))
    await conversations.save(tracker)
    added += 2
    assert tracker.latest_message is not None and tracker.latest_message.text == CODE, (
        "the in-memory tracker (what the action server gets this turn) is untouched"
    )

    raw = path.read_bytes()
    for secret in (CARD, CARD.replace(" ", ""), "737", PASSWORD, CODE):
        assert re.search(needle_pattern(secret).encode(), raw) is None, secret
    rows = stored_rows(path)
    assert len(rows) == added, "every event stored once, none lost or repeated"
    intents = [intent for kind, intent, _ in rows if kind == "user"]
    assert intents == ["out_of_scope", "faq", "inform"]

    # What Rasa reads back is the masked conversation, with the same shape.
    restored = await conversations.retrieve("c1")
    assert restored is not None
    assert [e.as_dict()["event"] for e in restored.events] == [
        e.as_dict()["event"] for e in tracker.events
    ]
    assert restored.get_slot("otp_code") not in (None, CODE)
    assert restored.get_slot("requested_slot") == "otp_code"

async def test_a_six_digit_number_outside_the_code_question_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "conversations.db"
    conversations = store(path)
    tracker = DialogueStateTracker("c2", domain().slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(user("ticket SR-100234 for 100234", "check_ticket_status"))
    await conversations.save(tracker)
    assert b"SR-100234 for 100234" in path.read_bytes()


def test_rasa_loads_the_redacting_store_from_endpoints_yml(tmp_path: Path, monkeypatch) -> None:
    env = process_env(Settings(var_dir=tmp_path), extra={})
    for name, value in env.items():
        if name.startswith("TCN_"):
            monkeypatch.setenv(name, value)
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    created = TrackerStore.create(config, domain=domain())
    inner = getattr(created, "_tracker_store", created)
    assert isinstance(inner, RedactingSQLTrackerStore)
    assert str(inner.engine.url).endswith(str(tmp_path / "conversations.db"))
