"""Plan catalogue, quote and idempotent plan change."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from bot.services.clock import FrozenClock
from tests.bot.api.helpers import ApiClient, bearer, verify

pytestmark = pytest.mark.usefixtures("seeded")


def test_catalogue_needs_only_the_service_key(client: ApiClient) -> None:
    plans = client.get("/api/v1/plans").json()["plans"]
    codes = {p["code"]: p for p in plans}
    assert {"BASIC5", "PLUS20", "MAX", "INTL"} <= set(codes)
    assert codes["MAX"]["monthly_price"] == "65.00" and codes["MAX"]["data_gb"] is None


def test_quote(client: ApiClient) -> None:
    token = verify(client)
    response = client.post(
        "/api/v1/me/plan-quote", json={"plan_code": "max"}, headers=bearer(token)
    )
    assert response.status_code == 200
    quote = response.json()
    assert quote["current_plan"]["code"] == "PLUS20"
    assert quote["difference"] == "25.00"
    assert quote["effective_date"] > "2026-11-25"


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("PLUS20", 409, "same_plan"),
        ("NOPE", 404, "plan_not_found"),
        ("INTL", 404, "plan_not_found"),
    ],
)
def test_quote_errors(client: ApiClient, code: str, status: int, error: str) -> None:
    token = verify(client)
    response = client.post("/api/v1/me/plan-quote", json={"plan_code": code}, headers=bearer(token))
    assert response.status_code == status
    assert response.json()["error"]["code"] == error


def test_change_is_idempotent(client: ApiClient) -> None:
    token = verify(client)
    headers = {**bearer(token), "Idempotency-Key": "plan-1"}
    first = client.post("/api/v1/me/plan-changes", json={"plan_code": "BASIC5"}, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["to_plan"]["code"] == "BASIC5"
    assert first.json()["price_difference"] == "-15.00"
    again = client.post("/api/v1/me/plan-changes", json={"plan_code": "BASIC5"}, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert me["plan"]["code"] == "PLUS20"  # until the effective date
    assert me["pending_plan_change"]["plan"]["code"] == "BASIC5"
    other = client.post(
        "/api/v1/me/plan-changes",
        json={"plan_code": "BASIC5"},
        headers={**bearer(token), "Idempotency-Key": "plan-2"},
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "already_scheduled"


def schedule(client: ApiClient, token: str, code: str, key: str) -> dict:
    made = client.post(
        "/api/v1/me/plan-changes", json={"plan_code": code},
        headers={**bearer(token), "Idempotency-Key": key},
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_a_change_takes_effect_on_its_date_not_before(
    client: ApiClient, clock: FrozenClock
) -> None:
    """A change quoted "from January 1" changed the plan at once (and the usage was
    measured against the new allowance): it waits for its date."""
    token = verify(client)
    change = schedule(client, token, "MAX", "k1")
    effective = date.fromisoformat(change["effective_date"])
    assert effective > clock.now.date()
    clock.now = datetime.combine(effective, time(0, 30), tzinfo=timezone.utc) - timedelta(days=1)
    token = verify(client, conversation_id="day-before")
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert (me["plan"]["code"], me["pending_plan_change"]["effective_date"]) == (
        "PLUS20", effective.isoformat()
    )
    clock.advance(days=1)
    token = verify(client, conversation_id="on-the-day")
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert me["plan"]["code"] == "MAX" and me["pending_plan_change"] is None


def test_a_scheduled_change_can_be_cancelled_or_replaced(
    client: ApiClient, clock: FrozenClock
) -> None:
    token = verify(client)
    schedule(client, token, "MAX", "k1")
    schedule(client, token, "BASIC5", "k2")  # replaces the change to MAX
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert me["pending_plan_change"]["plan"]["code"] == "BASIC5"
    cancelled = client.delete("/api/v1/me/plan-changes/pending", headers=bearer(token))
    assert cancelled.status_code == 204
    again = client.delete("/api/v1/me/plan-changes/pending", headers=bearer(token))
    assert again.status_code == 404
    clock.advance(days=40)
    token = verify(client, conversation_id="later")
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert me["plan"]["code"] == "PLUS20" and me["pending_plan_change"] is None


def test_suspended_account_cannot_change_plan(client: ApiClient) -> None:
    token = verify(client, "AC10000003", "+12025550103")
    response = client.post(
        "/api/v1/me/plan-changes",
        json={"plan_code": "BASIC5"},
        headers={**bearer(token), "Idempotency-Key": "p"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "account_not_active"
