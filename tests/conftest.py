"""Shared fixtures: migrated databases on SQLite and on a real PostgreSQL server.

PostgreSQL: ``TCN_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``)
names a server; each test session creates a fresh ``tcn_test_<random>`` database there
and drops it afterwards. When no server answers, a throwaway one is started from the
installed PostgreSQL binaries (initdb + pg_ctl) instead of skipping.
"""

from __future__ import annotations

# Before any settings class is imported: the suite runs on the embedded defaults, never
# on a developer's environment or .env (the e2e processes inherit this environment).
from tests.isolation import clean_environment

clean_environment()

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseSettings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot import training
from bot.db.base import metadata
from bot.db.migrate import upgrade
from bot.settings import get_settings
from tests.e2e.stack import RunningStack, running_stack
from tests.fuzzing import register_profiles
from tests.ports import free_port

register_profiles()


class TestDatabaseSettings(BaseSettings):
    __test__ = False
    postgres_url: str = "postgresql://postgres@127.0.0.1:5432/test"

    class Config:
        env_prefix = "TCN_TEST_"


def _server_answers(url: str) -> bool:
    engine = create_engine(url, future=True, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


class ThrowawayPostgres:
    """A private PostgreSQL cluster in a temporary folder, run as the postgres OS user."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise RuntimeError(
                "no PostgreSQL server answers and no PostgreSQL binaries are installed"
            )
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="tcn_pg_"))
        self.port = free_port()
        self.user = "postgres"

    def _run(self, *args: str) -> None:
        preexec = None
        if os.geteuid() == 0:
            account = pwd.getpwnam(self.user)
            os.chown(self.dir, account.pw_uid, account.pw_gid)

            def preexec() -> None:  # drop root: PostgreSQL refuses to run as root
                os.setgid(account.pw_gid)
                os.setuid(account.pw_uid)

        subprocess.run(args, check=True, capture_output=True, preexec_fn=preexec)

    def start(self) -> str:
        data = self.dir / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust")
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-l",
            str(self.dir / "log"),
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    url = TestDatabaseSettings().postgres_url
    if _server_answers(url):
        yield url
        return
    server = ThrowawayPostgres()
    try:
        yield server.start()
    finally:
        server.stop()


def create_database(server_url: str) -> str:
    name = f"tcn_test_{secrets.token_hex(6)}"
    admin = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    admin = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh database migrated to head, shared by the session's PostgreSQL tests."""
    url = create_database(postgres_server_url)
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(postgres_server_url, url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _empty_all(url: str) -> None:
    """DELETE, children first: ~100x cheaper than TRUNCATE on a handful of rows.

    Ids keep counting; the seed writes explicit ids from max(id) + 1, so seeded rows
    still start at 1.
    """
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
    finally:
        engine.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database at the head revision, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "backend.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_database_url")
    _empty_all(url)
    return url


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (for migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    server: str = request.getfixturevalue("postgres_server_url")
    url = create_database(server)
    try:
        yield url
    finally:
        drop_database(server, url)


# ---------------------------------------------------------------- the running assistant
# One trained model and one stack (backend, action server, Rasa server) for the whole
# run, shared by the end-to-end tests and the customer dialogues.


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model `make test` trained from the current data (trained here if stale)."""
    settings = get_settings()
    assert training.train(settings) == 0, "training the Rasa model failed"
    return settings.model_path


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running
