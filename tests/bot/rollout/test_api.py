"""Enforcement at verification, the operators' API, the channel status, run-time changes."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.rollout.models import RolloutChange, RolloutRefusal
from tests.bot.api.helpers import MARIA, ApiClient, start, verify
from tests.bot.operators.factories import AGENT, ANALYST, login_as
from tests.bot.rollout.conftest import outsider

BASE = "/dashboard/api/rollout"


def outbox(client: ApiClient, phone: str) -> list[dict[str, str]]:
    response = client.get("/api/v1/demo/outbox", params={"to": phone})
    assert response.status_code == 200
    return list(response.json()["messages"])


def refusals(app: FastAPI) -> list[tuple[str, str, int]]:
    with app.state.session_factory() as db:
        rows = db.execute(select(RolloutRefusal.channel, RolloutRefusal.reason,
                                 RolloutRefusal.count).order_by(RolloutRefusal.channel))
        return [(str(c), str(r), int(n)) for c, r, n in rows]


def test_outsider_is_refused_before_any_code_is_sent(app: FastAPI, client: ApiClient) -> None:
    account, phone = outsider(app)
    response = start(client, account, channel="twilio_sms", conversation_id=phone)
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "not_in_rollout"
    assert error["reason"] == "not_selected"
    assert error["portal_url"] == "http://127.0.0.1:8000/"
    assert error["support_phone"]
    assert outbox(client, phone) == []
    assert refusals(app) == [("twilio_sms", "not_selected", 1)]
    start(client, phone, channel="socketio", conversation_id="web-1")
    assert refusals(app) == [("twilio_sms", "not_selected", 1), ("web", "not_selected", 1)]


def test_pilot_customer_is_unaffected(client: ApiClient, app: FastAPI) -> None:
    assert verify(client)  # Maria, on the allow-list, at 0 %
    assert refusals(app) == []


def test_run_time_change_applies_to_the_next_verification(
    app: FastAPI, client: ApiClient
) -> None:
    account, phone = outsider(app)
    assert start(client, account).status_code == 403
    login_as(client, ANALYST)
    changed = client.patch(f"{BASE}/channels/web", json={"percentage": "100"})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"channel": "web", "enabled": True, "percentage": "100.00",
                              "default": False}
    assert start(client, account).status_code == 201
    assert len(outbox(client, phone)) == 1
    off = client.patch(f"{BASE}/channels/web", json={"enabled": False})
    assert off.status_code == 200
    refused = start(client, MARIA["account"], conversation_id="conv-2")
    assert refused.status_code == 403
    assert refused.json()["error"]["reason"] == "channel_disabled"
    assert start(client, MARIA["account"], channel="telegram").status_code == 201


def test_allow_list_through_the_api(app: FastAPI, client: ApiClient) -> None:
    account, _ = outsider(app)
    login_as(client, ANALYST)
    added = client.post(f"{BASE}/allow-list", json={"account_number": account})
    assert added.status_code == 200, added.text
    assert added.json() == {"account_number": account, "allow_list": True, "changed": True}
    assert start(client, account).status_code == 201
    removed = client.delete(f"{BASE}/allow-list/{account}")
    assert removed.json()["changed"] is True
    overview = client.get(BASE).json()
    assert [(c["actor"], c["action"]) for c in overview["changes"]] == [
        ("ann", "disallow"), ("ann", "allow")]


def test_operator_api_needs_a_login(client: ApiClient) -> None:
    changed = client.patch(f"{BASE}/channels/web", json={"percentage": "5"})
    assert changed.status_code == 401
    assert changed.json()["error"]["code"] == "not_logged_in"
    shown = client.get(BASE, follow_redirects=False)
    assert shown.status_code == 401
    assert client.get(BASE, headers={"Cookie": "tcn_operator=forged"}).status_code == 401


def test_agents_may_not_change_the_rollout(app: FastAPI, client: ApiClient) -> None:
    login_as(client, AGENT)
    refused = client.patch(f"{BASE}/channels/web", json={"percentage": "5"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "wrong_role"
    assert client.get(BASE).status_code == 403
    with app.state.session_factory() as db:
        assert db.execute(select(RolloutChange)).first() is None


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("PATCH", "/channels/web", {"percentage": "101"}, 422, "invalid_percentage"),
        ("PATCH", "/channels/web", {"percentage": "1.234"}, 422, "invalid_percentage"),
        ("PATCH", "/channels/fax", {"enabled": False}, 422, "invalid_channel"),
        ("PATCH", "/channels/web", {"enabled": "maybe"}, 422, "invalid_enabled"),
        ("PATCH", "/channels/web", {"colour": "red"}, 422, "invalid_colour"),
        ("POST", "/allow-list", {"account_number": "AC99999999"}, 404, "customer_not_found"),
        ("POST", "/allow-list", {"account_number": "bob"}, 422, "invalid_account_number"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    app: FastAPI, client: ApiClient, method: str, path: str, body: dict[str, object],
    status: int, code: str,
) -> None:
    login_as(client, ANALYST)
    response = client.request(method, BASE + path, json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    with app.state.session_factory() as db:
        assert db.execute(select(RolloutChange)).first() is None


def test_cross_site_or_form_writes_are_refused(client: ApiClient) -> None:
    login_as(client, ANALYST)
    cross = client.patch(f"{BASE}/channels/web", json={"percentage": "5"},
                         headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    form = client.post(f"{BASE}/allow-list", data={"account_number": "AC10000002"})
    assert form.status_code == 415


def test_channel_status_for_the_action_server(client: ApiClient) -> None:
    status = client.get("/api/v1/rollout/channels/socketio")
    assert status.status_code == 200
    assert status.json() == {"channel": "socketio", "rollout_channel": "web", "enabled": True,
                             "portal_url": "http://127.0.0.1:8000/",
                             "support_phone": "+1 800 555 0100"}
    assert client.get("/api/v1/rollout/channels/telegram",
                      headers={"X-Service-Key": "wrong"}).status_code == 401
