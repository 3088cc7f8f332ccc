"""Demo operators for ``make run`` (demo mode only), listed in README and the banner."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.db.engine import make_engine, make_session_factory
from bot.operators.accounts import create_or_update, find

# (username, role, password): documented demo credentials, never used outside demo mode.
DEMO_OPERATORS = (
    ("analyst", "analyst", "demo-analyst-1"),
    ("agent", "agent", "demo-agent-1"),
)


def ensure_demo_operators(database_url: str) -> list[str]:
    """Create the demo operators that do not exist yet; returns the names created."""
    created = []
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            for username, role, password in DEMO_OPERATORS:
                if find(db, username) is None:
                    create_or_update(db, username=username, role=role, password=password,
                                     now=datetime.now(timezone.utc))
                    created.append(username)
            db.commit()
    finally:
        engine.dispose()
    return created
