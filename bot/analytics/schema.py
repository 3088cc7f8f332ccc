"""The tables analytics reads: Rasa's ``events`` table (same schema) and the cohort map.

``events`` mirrors ``rasa.core.tracker_store.SQLTrackerStore.SQLEvent`` column for
column, so the demo generator and the tests write exactly what Rasa writes.
``analytics_cohorts`` maps a conversation (Rasa ``sender_id``) to the verified
customer and their pilot flag; it is filled from the backend by
:func:`bot.analytics.cohorts.sync_cohorts` (or by the demo generator).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    Sequence,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Connection, Engine

from bot.db.engine import make_engine
from bot.settings import Settings

metadata = MetaData()

events = Table(
    "events",
    metadata,
    # optional=True as in Rasa: SERIAL on PostgreSQL, the sequence only where nothing else exists
    Column("id", Integer, Sequence("events_seq", optional=True), primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

cohorts = Table(
    "analytics_cohorts",
    metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("customer_key", String(64), nullable=False),
    Column("pilot", Boolean, nullable=False),
)

# Extra indexes for the report's range scans; Rasa ignores indexes it did not create.
ANALYTICS_INDEXES = (
    Index("ix_analytics_events_type_time", events.c.type_name, events.c.timestamp),
    Index("ix_analytics_events_time", events.c.timestamp),
)


def tracker_store_url(settings: Settings) -> str:
    """The SQLAlchemy URL of Rasa's conversation store, as endpoints.yml configures it."""
    if settings.tracker_store_dialect == "sqlite":
        return f"sqlite:///{settings.tracker_store_db}"
    url = settings.tracker_store_url.get_secret_value()
    if not url:
        raise ValueError(
            "TCN_TRACKER_STORE_URL must be set when the tracker store is not SQLite"
        )
    return url


def ensure_schema(engine: Engine | Connection) -> None:
    """Create ``events`` (if Rasa has not yet), the cohort table and the analytics indexes."""
    metadata.create_all(engine, checkfirst=True)
    for index in ANALYTICS_INDEXES:
        index.create(engine, checkfirst=True)


def open_store(url: str) -> Engine:
    engine = make_engine(url)
    ensure_schema(engine)
    return engine
