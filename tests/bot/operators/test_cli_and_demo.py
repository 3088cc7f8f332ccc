"""`python -m bot operator add`, the demo operators, and their place in README and banner."""

from __future__ import annotations

import argparse

from pydantic import SecretStr
from sqlalchemy import create_engine, select

from bot.launcher import banner
from bot.operators.cli import main
from bot.operators.demo import DEMO_OPERATORS, ensure_demo_operators
from bot.operators.models import Operator
from bot.operators.passwords import verify_password
from bot.settings import ROOT, Settings


def _operators(url: str) -> dict[str, Operator]:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return {row.username: row for row in conn.execute(select(Operator.__table__))}
    finally:
        engine.dispose()


def _args(username: str, role: str) -> argparse.Namespace:
    return argparse.Namespace(action="add", username=username, role=role)


def test_operator_add_prompts_twice_and_stores_a_hash(database_url: str) -> None:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    answers = iter(["a-long-password-1", "a-long-password-1"])
    assert main(settings, _args("Zoe", "agent"), prompt=lambda _: next(answers)) == 0
    zoe = _operators(database_url)["zoe"]
    assert zoe.role == "agent" and verify_password("a-long-password-1", zoe.password_hash)


def test_operator_add_refuses_differing_or_weak_passwords(database_url: str) -> None:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    differ = iter(["a-long-password-1", "a-long-password-2"])
    assert main(settings, _args("zoe", "agent"), prompt=lambda _: next(differ)) == 2
    weak = Settings(_env_file=None, database_url=database_url,  # type: ignore[call-arg]
                    operator_password=SecretStr("short"))
    assert main(weak, _args("zoe", "agent"), prompt=lambda _: "unused") == 2
    assert _operators(database_url) == {}


def test_operator_password_can_come_from_the_settings(database_url: str) -> None:
    settings = Settings(_env_file=None, database_url=database_url,  # type: ignore[call-arg]
                        operator_password=SecretStr("from-the-env-123"))
    assert main(settings, _args("ops", "analyst"), prompt=lambda _: "unused") == 0
    assert verify_password("from-the-env-123", _operators(database_url)["ops"].password_hash)


def test_demo_operators_are_created_once(database_url: str) -> None:
    assert ensure_demo_operators(database_url) == ["analyst", "agent"]
    assert ensure_demo_operators(database_url) == []
    stored = _operators(database_url)
    for username, role, password in DEMO_OPERATORS:
        assert stored[username].role == role
        assert verify_password(password, stored[username].password_hash)


def test_readme_and_banner_list_the_demo_operators() -> None:
    readme = (ROOT / "README.md").read_text()
    text = banner(Settings(_env_file=None), {})  # type: ignore[call-arg]
    for username, _, password in DEMO_OPERATORS:
        assert f"| `{username}` | `{password}` |" in readme
        assert f"{username} / {password}" in text
    assert "/dashboard/" in text


def test_operator_add_without_a_terminal_asks_for_the_setting(database_url: str) -> None:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]

    def no_terminal(_: str) -> str:
        raise EOFError

    assert main(settings, _args("zoe", "agent"), prompt=no_terminal) == 2
    assert _operators(database_url) == {}
