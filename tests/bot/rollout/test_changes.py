"""Audited changes: every change writes one audit row; a refused or empty change none."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Customer
from bot.rollout import changes, config, refusals
from bot.rollout.models import RolloutChange, RolloutChannel, RolloutRefusal
from bot.services.errors import DomainError
from bot.settings import Settings
from tests.bot.rollout.conftest import NOW, make_settings, non_pilot_accounts


def audit_rows(db: Session) -> list[RolloutChange]:
    return list(db.execute(select(RolloutChange).order_by(RolloutChange.id)).scalars())


def test_unset_channels_are_enabled_at_the_default_percentage(
    db: Session, rollout_settings: Settings
) -> None:
    channels = config.all_channels(db, rollout_settings)
    assert [c.channel for c in channels] == ["web", "twilio_sms", "twilio_whatsapp", "telegram"]
    assert all(c.enabled and c.default and c.percentage == Decimal("0.00") for c in channels)
    other = make_settings(rollout_settings.database_url, rollout_default_percentage="7.5")
    assert config.channel_config(db, other, "web").percentage == Decimal("7.50")


def test_setting_a_channel_is_stored_and_audited(db: Session, rollout_settings: Settings) -> None:
    after = changes.set_channel(db, rollout_settings, channel="twilio_sms", actor="ana",
                                now=NOW, percentage="12.5", enabled=True)
    db.commit()
    assert (after.enabled, after.percentage) == (True, Decimal("12.50"))
    stored = config.channel_config(db, rollout_settings, "twilio_sms")
    assert (stored.percentage, stored.default) == (Decimal("12.50"), False)
    changes.set_channel(db, rollout_settings, channel="twilio_sms", actor="bob", now=NOW,
                        enabled=False)
    db.commit()
    rows = audit_rows(db)
    assert [(r.actor, r.action, r.target) for r in rows] == [
        ("ana", "channel_set", "twilio_sms"), ("bob", "channel_set", "twilio_sms")]
    assert json.loads(rows[0].before) == {"enabled": True, "percentage": "0.00"}
    assert json.loads(rows[0].after) == {"enabled": True, "percentage": "12.50"}
    assert json.loads(rows[1].after) == {"enabled": False, "percentage": "12.50"}
    assert rows[0].created_at == NOW


def test_a_change_that_changes_nothing_is_not_audited(
    db: Session, rollout_settings: Settings
) -> None:
    changes.set_channel(db, rollout_settings, channel="web", actor="a", now=NOW, percentage="5")
    db.commit()
    changes.set_channel(db, rollout_settings, channel="web", actor="a", now=NOW,
                        percentage="5.00", enabled=True)
    db.commit()
    assert len(audit_rows(db)) == 1


@pytest.mark.parametrize(
    ("channel", "percentage", "code"),
    [
        ("web", "101", "invalid_percentage"),
        ("web", "-1", "invalid_percentage"),
        ("web", "12.345", "invalid_percentage"),
        ("web", "NaN", "invalid_percentage"),
        ("web", "lots", "invalid_percentage"),
        ("fax", "10", "invalid_channel"),
        ("socketio", "10", "invalid_channel"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    db: Session, rollout_settings: Settings, channel: str, percentage: str, code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        changes.set_channel(db, rollout_settings, channel=channel, actor="a", now=NOW,
                            percentage=percentage, enabled=False)
    assert refused.value.code == code
    db.commit()
    assert audit_rows(db) == []
    assert db.execute(select(func.count()).select_from(RolloutChannel)).scalar() == 0


def test_allow_and_disallow_change_the_pilot_flag_with_an_audit_row(db: Session) -> None:
    account = non_pilot_accounts(db)[0]
    assert changes.set_allowed(db, account_number=account.lower(), allowed=True, actor="cli:x",
                               now=NOW)
    db.commit()
    customer = db.execute(select(Customer).where(Customer.account_number == account)).scalar_one()
    assert customer.pilot is True
    assert not changes.set_allowed(db, account_number=account, allowed=True, actor="x", now=NOW)
    assert changes.set_allowed(db, account_number=account, allowed=False, actor="y", now=NOW)
    db.commit()
    rows = audit_rows(db)
    assert [(r.action, r.target, r.actor) for r in rows] == [
        ("allow", account, "cli:x"), ("disallow", account, "y")]
    assert json.loads(rows[1].before) == {"allow_list": True}
    assert json.loads(rows[1].after) == {"allow_list": False}


@pytest.mark.parametrize(("account", "code"), [("AC99999999", "customer_not_found"),
                                               ("12345", "invalid_account_number")])
def test_unknown_or_malformed_accounts_are_refused(db: Session, account: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        changes.set_allowed(db, account_number=account, allowed=True, actor="a", now=NOW)
    assert refused.value.code == code
    assert audit_rows(db) == []


def test_refusals_are_counted_per_day_channel_and_reason(db: Session) -> None:
    for _ in range(3):
        refusals.record(db, day=NOW.date(), channel="web", reason="not_selected")
    refusals.record(db, day=NOW.date(), channel="telegram", reason="channel_disabled")
    db.commit()
    assert db.execute(select(func.count()).select_from(RolloutRefusal)).scalar() == 2
    assert refusals.counts(db, start=NOW.date(), end=NOW.date().replace(day=26)) == [
        (NOW.date(), "telegram", "channel_disabled", 1),
        (NOW.date(), "web", "not_selected", 3),
    ]
