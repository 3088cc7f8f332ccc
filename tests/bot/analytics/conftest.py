"""Tracker-store databases for analytics tests: a SQLite file, and a throwaway
PostgreSQL database per test session (created and dropped here)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import Engine, make_url

from bot.analytics.schema import cohorts, events, open_store


def _admin(server_url: str) -> Engine:
    return create_engine(server_url, future=True, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def analytics_postgres_url(postgres_server_url: str) -> Iterator[str]:
    name = f"tcn_analytics_{secrets.token_hex(6)}"
    admin = _admin(postgres_server_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        admin = _admin(postgres_server_url)
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty tracker store (Rasa's events table and the cohort map)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'conversations.db'}"
    else:
        url = request.getfixturevalue("analytics_postgres_url")
    engine = open_store(url)
    with engine.begin() as conn:
        conn.execute(delete(cohorts))
        conn.execute(delete(events))
    try:
        yield engine
    finally:
        engine.dispose()
