"""``python -m bot rollout``: show, set, allow, disallow; bad input changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli import build_parser
from bot.db.models import Customer
from bot.rollout import config
from bot.rollout.cli import run
from bot.rollout.models import RolloutChange
from bot.settings import Settings
from tests.bot.rollout.conftest import NOW, make_settings, non_pilot_accounts


def cli(settings: Settings, *argv: str) -> int:
    return run(settings, build_parser().parse_args(["rollout", *argv]), now=NOW)


def changes(db: Session) -> list[RolloutChange]:
    db.expire_all()
    return list(db.execute(select(RolloutChange).order_by(RolloutChange.id)).scalars())


def test_plain_rollout_shows(
    rollout_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(rollout_settings) == 0
    out = capsys.readouterr().out
    assert "twilio_sms" in out and "(default)" in out
    assert "allow-list (pilot customers): " in out


def test_set_is_stored_audited_as_the_cli_user_and_shown(
    rollout_settings: Settings, db: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(rollout_settings, "set", "--channel", "twilio_sms", "--percentage", "12.5",
               "--enabled", "yes") == 0
    assert "twilio_sms: enabled=yes, percentage=12.50%" in capsys.readouterr().out
    stored = config.channel_config(db, rollout_settings, "twilio_sms")
    assert (stored.enabled, stored.percentage) == (True, Decimal("12.50"))
    (row,) = changes(db)
    assert row.actor.startswith("cli:")
    assert json.loads(row.after) == {"enabled": True, "percentage": "12.50"}
    assert cli(rollout_settings, "show") == 0
    shown = capsys.readouterr().out
    assert "12.50%" in shown and "channel_set twilio_sms" in shown


def test_allow_and_disallow(rollout_settings: Settings, db: Session,
                            capsys: pytest.CaptureFixture[str]) -> None:
    account = non_pilot_accounts(db)[0]
    assert cli(rollout_settings, "allow", account) == 0
    assert f"{account} is on the allow-list" in capsys.readouterr().out
    assert cli(rollout_settings, "allow", account) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert cli(rollout_settings, "disallow", account) == 0
    db.expire_all()
    pilot = db.execute(select(Customer.pilot).where(Customer.account_number == account))
    assert pilot.scalar_one() is False
    assert [r.action for r in changes(db)] == ["allow", "disallow"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("set", "--channel", "twilio_sms", "--percentage", "101"), "from 0 to 100"),
        (("set", "--channel", "fax", "--percentage", "5"), "Unknown channel 'fax'"),
        (("set", "--channel", "web", "--enabled", "perhaps"), "yes or no"),
        (("set", "--channel", "web"), "Give --percentage and/or --enabled"),
        (("allow", "AC99999999"), "There is no account AC99999999"),
        (("disallow", "not-an-account"), "AC followed by 8 digits"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    rollout_settings: Settings, db: Session, capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...], message: str,
) -> None:
    assert cli(rollout_settings, *argv) == 2
    assert message in capsys.readouterr().err
    assert changes(db) == []
    assert all(c.default for c in config.all_channels(db, rollout_settings))


def test_an_unmigrated_database_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'empty.db'}")
    assert cli(settings, "show") == 1
    assert "is it migrated?" in capsys.readouterr().err
