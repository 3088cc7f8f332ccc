"""The fallback used when no PostgreSQL server answers: a private throwaway cluster."""

from __future__ import annotations

import pytest

from bot.db.migrate import upgrade
from tests.conftest import ThrowawayPostgres, _server_answers, create_database, drop_database


@pytest.mark.postgres
def test_throwaway_cluster_starts_migrates_and_stops() -> None:
    server = ThrowawayPostgres()
    url = server.start()
    try:
        assert _server_answers(url)
        database = create_database(url)
        upgrade(database)
        drop_database(url, database)
    finally:
        server.stop()
    assert not _server_answers(url)
    assert not server.dir.exists()
