"""The operators' Rollout page: analyst only, CSRF-checked forms, audited changes."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from bot.db.models import Customer
from bot.rollout.models import RolloutChange
from tests.bot.api.helpers import ApiClient
from tests.bot.operators.factories import AGENT, ANALYST, hidden, login_as
from tests.bot.rollout.conftest import outsider

PAGE = "/dashboard/rollout"


def audit(app: FastAPI) -> list[tuple[str, str, str]]:
    with app.state.session_factory() as db:
        rows = db.execute(select(RolloutChange.actor, RolloutChange.action,
                                 RolloutChange.target).order_by(RolloutChange.id))
        return [(str(a), str(b), str(c)) for a, b, c in rows]


def test_page_needs_an_analyst(client: ApiClient) -> None:
    first = client.get(PAGE, follow_redirects=False)
    assert first.status_code == 303
    login_as(client, AGENT)
    assert client.get(PAGE).status_code == 403


def test_analyst_sets_a_channel_and_the_allow_list(
    app: FastAPI, client: ApiClient
) -> None:
    login_as(client, ANALYST)
    shown = client.get(PAGE)
    assert shown.status_code == 200
    assert "Rollout" in shown.text and "twilio_whatsapp" in shown.text
    token = hidden(shown.text, "csrf_token")
    saved = client.post(f"{PAGE}/channels/telegram", follow_redirects=False,
                        data={"csrf_token": token, "enabled": "no", "percentage": "2.5"})
    assert saved.status_code == 303, saved.text
    account, _ = outsider(app)
    allowed = client.post(f"{PAGE}/allow-list", data={"csrf_token": token,
                                                       "account_number": account,
                                                       "action": "allow"})
    assert allowed.status_code == 200
    assert f"{account} is on the allow-list" in allowed.text
    assert audit(app) == [("ann", "channel_set", "telegram"), ("ann", "allow", account)]
    with app.state.session_factory() as db:
        pilot = db.execute(select(Customer.pilot).where(Customer.account_number == account))
        assert pilot.scalar_one() is True


def test_bad_form_input_shows_the_reason_and_changes_nothing(
    app: FastAPI, client: ApiClient
) -> None:
    login_as(client, ANALYST)
    token = hidden(client.get(PAGE).text, "csrf_token")
    refused = client.post(f"{PAGE}/channels/web", data={"csrf_token": token,
                                                       "enabled": "yes", "percentage": "101"})
    assert refused.status_code == 422
    assert "from 0 to 100" in refused.text
    unknown = client.post(f"{PAGE}/allow-list", data={"csrf_token": token,
                                                      "account_number": "AC99999999"})
    assert unknown.status_code == 404
    forged = client.post(f"{PAGE}/channels/web", data={"csrf_token": "forged",
                                                      "percentage": "50"})
    assert forged.status_code == 403
    assert audit(app) == []
