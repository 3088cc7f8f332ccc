"""Payment arrangements: each eligibility rule, and creation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.bot.api.helpers import ApiClient, bearer, verify

pytestmark = pytest.mark.usefixtures("seeded")
TODAY = date(2026, 11, 25)
JAMES = ("AC10000002", "+12025550102")  # 14 days overdue, no arrangement
AISHA = ("AC10000003", "+12025550103")  # 49 days overdue
DAVID = ("AC10000006", "+12025550106")  # active arrangement
TOM = ("AC10000004", "+12025550104")  # nothing due


def check(client: ApiClient, token: str, **body: object) -> dict:
    response = client.post("/api/v1/me/arrangements/eligibility", json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def in_days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def test_extension_eligible_and_created(client: ApiClient) -> None:
    token = verify(client, *JAMES)
    result = check(client, token, kind="extension", extend_to=in_days(10))
    assert result["eligible"] is True and result["rule"] == ""
    created = client.post(
        "/api/v1/me/arrangements",
        json={"kind": "extension", "extend_to": in_days(10)},
        headers=bearer(token),
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "active" and body["extend_to"] == in_days(10)
    assert Decimal(body["amount"]) > 0
    second = check(client, token, kind="extension", extend_to=in_days(5))
    assert second["eligible"] is False and second["rule"] == "one_active_arrangement"


@pytest.mark.parametrize(
    ("who", "body", "rule"),
    [
        (TOM, {"kind": "extension", "extend_to": in_days(5)}, "balance_due"),
        (DAVID, {"kind": "extension", "extend_to": in_days(5)}, "one_active_arrangement"),
        (AISHA, {"kind": "extension", "extend_to": in_days(5)}, "overdue_at_most_30_days"),
        (JAMES, {"kind": "extension", "extend_to": in_days(15)}, "extension_at_most_14_days"),
        (JAMES, {"kind": "extension", "extend_to": in_days(0)}, "extension_at_most_14_days"),
        (JAMES, {"kind": "extension"}, "extension_at_most_14_days"),
        (JAMES, {"kind": "instalments", "instalments": 7}, "instalments_2_to_6"),
        (JAMES, {"kind": "instalments", "instalments": 1}, "instalments_2_to_6"),
    ],
)
def test_each_rule(client: ApiClient, who: tuple[str, str], body: dict, rule: str) -> None:
    token = verify(client, *who)
    result = check(client, token, **body)
    assert result["eligible"] is False
    assert result["rule"] == rule
    assert result["reason"]
    created = client.post("/api/v1/me/arrangements", json=body, headers=bearer(token))
    assert created.status_code == 409
    assert created.json()["error"]["code"] == "arrangement_not_eligible"
    assert created.json()["error"]["rule"] == rule


def test_exactly_14_days_is_allowed(client: ApiClient) -> None:
    token = verify(client, *JAMES)
    assert check(client, token, kind="extension", extend_to=in_days(14))["eligible"] is True


def test_instalments_schedule_adds_up(client: ApiClient) -> None:
    token = verify(client, *JAMES)
    response = client.post(
        "/api/v1/me/arrangements",
        json={"kind": "instalments", "instalments": 3},
        headers={**bearer(token), "Idempotency-Key": "arr-1"},
    )
    assert response.status_code == 201
    body = response.json()
    assert len(body["schedule"]) == 3
    assert sum(Decimal(s["amount"]) for s in body["schedule"]) == Decimal(body["amount"])
    again = client.post(
        "/api/v1/me/arrangements",
        json={"kind": "instalments", "instalments": 3},
        headers={**bearer(token), "Idempotency-Key": "arr-1"},
    )
    assert again.status_code == 201 and again.json() == body


def test_unknown_kind_is_rejected(client: ApiClient) -> None:
    token = verify(client, *JAMES)
    response = client.post(
        "/api/v1/me/arrangements/eligibility", json={"kind": "forgive"}, headers=bearer(token)
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_kind"
