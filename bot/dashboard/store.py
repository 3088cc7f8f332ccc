"""The conversation store (Rasa's events table) as the dashboard reads it.

Found the way ``python -m bot report`` finds it: ``settings.tracker_store_url`` or the
SQLite file ``settings.tracker_store_db``. One engine per app, opened on first use.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timezone

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.analytics.schema import events, open_store, tracker_store_url

_lock = threading.Lock()


def store_engine(app: FastAPI) -> Engine:
    with _lock:
        engine: Engine | None = getattr(app.state, "conversation_store", None)
        if engine is None:
            engine = open_store(tracker_store_url(app.state.settings))
            app.state.conversation_store = engine

            @app.on_event("shutdown")
            def _dispose() -> None:
                engine_ = getattr(app.state, "conversation_store", None)
                if engine_ is not None:
                    engine_.dispose()

        return engine


def latest_day(engine: Engine, today: date) -> date:
    """The UTC day of the newest event (``today`` when the store is empty)."""
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(events.c.timestamp))).scalar()
    if newest is None:
        return today
    return datetime.fromtimestamp(float(newest), tz=timezone.utc).date()
