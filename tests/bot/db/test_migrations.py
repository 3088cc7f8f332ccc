"""Migrations go up to head, match the models, and come all the way down again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.db.base import metadata
from bot.db.migrate import downgrade, upgrade


def _tables(url: str) -> set[str]:
    engine = create_engine(url, future=True)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(blank_database_url: str) -> None:
    upgrade(blank_database_url)
    assert _tables(blank_database_url) == set(metadata.tables)
    downgrade(blank_database_url, "base")
    assert _tables(blank_database_url) == set()
    upgrade(blank_database_url)
    assert "customers" in _tables(blank_database_url)


def test_head_matches_the_models(blank_database_url: str) -> None:
    upgrade(blank_database_url)
    engine = create_engine(blank_database_url, future=True)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_sqlite_folder_is_created(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'backend.db'}"
    upgrade(url)
    assert (tmp_path / "deep" / "er" / "backend.db").exists()


def test_each_revision_steps_down_and_up(blank_database_url: str) -> None:
    upgrade(blank_database_url)
    downgrade(blank_database_url, "0001")
    engine = create_engine(blank_database_url, future=True)
    try:
        indexes = {i["name"] for i in inspect(engine).get_indexes("service_requests")}
    finally:
        engine.dispose()
    assert "ix_service_requests_category_status" not in indexes
    upgrade(blank_database_url, "0002")
    engine = create_engine(blank_database_url, future=True)
    try:
        indexes = {i["name"] for i in inspect(engine).get_indexes("service_requests")}
    finally:
        engine.dispose()
    assert "ix_service_requests_category_status" in indexes
