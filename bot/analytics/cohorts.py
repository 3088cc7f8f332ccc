"""Copy who-is-behind-each-conversation from the backend into the conversation store.

The backend binds a verified session to ``(channel, conversation_id)``, and Rasa's
``sender_id`` is that conversation id. Copying the mapping (customer account and
pilot flag) next to the events lets every metric split pilot from non-pilot in SQL,
even when the backend and the conversation store are different databases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.engine import Engine, make_url

from bot.analytics.schema import cohorts, ensure_schema
from bot.db.engine import make_engine
from bot.db.models import Customer, IdentitySession

BATCH = 1000


def backend_exists(database_url: str) -> bool:
    """False for a SQLite backend file that was never created (nothing to copy)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return True
    return bool(url.database) and Path(str(url.database)).exists()


def read_backend_cohorts(backend: Engine) -> dict[str, dict[str, Any]]:
    if not inspect(backend).has_table(IdentitySession.__tablename__):
        return {}
    query = (
        select(IdentitySession.channel, IdentitySession.conversation_id,
               Customer.account_number, Customer.pilot)
        .join(Customer, Customer.id == IdentitySession.customer_id)
        .order_by(IdentitySession.created_at)
    )
    found: dict[str, dict[str, Any]] = {}
    with backend.connect() as conn:
        for channel, conversation_id, account, pilot in conn.execute(query):
            # The latest session wins when one conversation verified several times.
            found[conversation_id] = {"sender_id": conversation_id, "channel": channel,
                                      "customer_key": account, "pilot": bool(pilot)}
    return found


def write_cohorts(store: Engine, rows: dict[str, dict[str, Any]]) -> int:
    ensure_schema(store)
    senders = list(rows)
    with store.begin() as conn:
        for i in range(0, len(senders), BATCH):
            chunk = senders[i:i + BATCH]
            conn.execute(delete(cohorts).where(cohorts.c.sender_id.in_(chunk)))
            conn.execute(insert(cohorts), [rows[s] for s in chunk])
    return len(senders)


def sync_cohorts(backend_url: str, store: Engine) -> int:
    """Refresh the cohort map from the backend; returns the conversations mapped."""
    if not backend_exists(backend_url):
        return 0
    backend = make_engine(backend_url)
    try:
        rows = read_backend_cohorts(backend)
    finally:
        backend.dispose()
    return write_cohorts(store, rows) if rows else 0
