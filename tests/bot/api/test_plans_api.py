"""Plan catalogue, quote and idempotent plan change."""

from __future__ import annotations

import pytest

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
    assert client.get("/api/v1/me", headers=bearer(token)).json()["plan"]["code"] == "BASIC5"
    other = client.post(
        "/api/v1/me/plan-changes",
        json={"plan_code": "BASIC5"},
        headers={**bearer(token), "Idempotency-Key": "plan-2"},
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "same_plan"


def test_suspended_account_cannot_change_plan(client: ApiClient) -> None:
    token = verify(client, "AC10000003", "+12025550103")
    response = client.post(
        "/api/v1/me/plan-changes",
        json={"plan_code": "BASIC5"},
        headers={**bearer(token), "Idempotency-Key": "p"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "account_not_active"
