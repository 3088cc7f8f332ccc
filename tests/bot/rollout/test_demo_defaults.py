"""Demo defaults: every README demo identity is served on every channel out of the box
(the e2e tests and the demo depend on it), and generated customers mostly are not."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Customer
from bot.rollout.channels import INPUT_CHANNELS
from bot.rollout.enforce import decision_for
from bot.seed import DEMO_IDENTITIES
from bot.settings import Settings


def test_demo_identities_are_served_on_every_channel(
    db: Session, rollout_settings: Settings
) -> None:
    accounts = [identity["account_number"] for identity in DEMO_IDENTITIES]
    assert len(accounts) >= 6
    customers = db.execute(select(Customer).where(Customer.account_number.in_(accounts)))
    found = list(customers.scalars())
    assert len(found) == len(accounts)
    for customer in found:
        for channel in [*INPUT_CHANNELS, "cmdline"]:
            decision = decision_for(db, rollout_settings, customer, channel)
            assert decision.served, (customer.account_number, channel, decision)
            assert decision.reason == "allow_list"


def test_by_default_only_the_pilot_group_is_served(db: Session, rollout_settings: Settings) -> None:
    customers = list(db.execute(select(Customer)).scalars())
    served = [c for c in customers if decision_for(db, rollout_settings, c, "socketio").served]
    assert served and all(c.pilot for c in served)
    assert len(served) < len(customers)


def test_an_empty_salt_means_the_demo_salt(rollout_settings: Settings) -> None:
    from bot.rollout.enforce import DEMO_SALT, salt
    from tests.bot.rollout.conftest import SALT, make_settings

    assert salt(rollout_settings) == SALT
    assert salt(make_settings(rollout_settings.database_url, rollout_salt="")) == DEMO_SALT
