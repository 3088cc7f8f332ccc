"""The event rows are what Rasa's SQLTrackerStore writes and reads."""

from __future__ import annotations

import json

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable

from bot.analytics.schema import events

from .scenario import scenario_rows


def test_events_table_matches_rasa_sql_event_model() -> None:
    rasa_table = SQLTrackerStore.SQLEvent.__table__
    ours = {c.name: (type(c.type).__name__, c.nullable, c.primary_key) for c in events.columns}
    theirs = {
        c.name: (type(c.type).__name__, c.nullable, c.primary_key) for c in rasa_table.columns
    }
    assert ours == theirs
    assert events.name == rasa_table.name


@pytest.mark.parametrize("dialect", [postgresql.dialect(), sqlite.dialect()])
def test_events_table_ddl_is_rasas(dialect) -> None:  # type: ignore[no-untyped-def]
    # Rasa inserts without an id and relies on the database (SERIAL on PostgreSQL).
    rasa_ddl = str(CreateTable(SQLTrackerStore.SQLEvent.__table__).compile(dialect=dialect))
    assert str(CreateTable(events).compile(dialect=dialect)) == rasa_ddl


def test_every_row_round_trips_through_rasa_events() -> None:
    rows = scenario_rows()
    kinds = set()
    for row in rows:
        data = json.loads(row["data"])
        event = Event.from_parameters(data)
        assert event is not None, data
        assert event.as_dict() == data
        assert row["type_name"] == event.type_name
        kinds.add(event.type_name)
        # The columns as SQLTrackerStore.save fills them.
        assert row["intent_name"] == data.get("parse_data", {}).get("intent", {}).get("name")
        assert row["action_name"] == data.get("name")
        assert row["timestamp"] == data["timestamp"]
    assert kinds == {"action", "session_started", "user", "bot", "slot", "active_loop"}


async def test_rasa_tracker_store_reads_the_rows_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rasa.shared.core.domain import Domain

    from bot.analytics.schema import open_store

    from .scenario import load_scenario

    path = tmp_path / "conversations.db"
    engine = open_store(f"sqlite:///{path}")
    load_scenario(engine)
    engine.dispose()
    store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(path))
    tracker = await store.retrieve_full_tracker("+15550001")
    assert tracker is not None
    texts = [e.text for e in tracker.events if e.type_name == "user"]
    assert texts == ["what's my bill", "stop", "is there an outage", "10001", "two"]
    assert tracker.get_latest_input_channel() == "twilio_sms"
