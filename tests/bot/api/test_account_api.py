"""Account overview and the current bill, seen only by the verified customer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.bot.api.helpers import ApiClient, bearer, verify

pytestmark = pytest.mark.usefixtures("seeded")


def test_overview(client: ApiClient) -> None:
    response = client.get("/api/v1/me", headers=bearer(verify(client)))
    assert response.status_code == 200
    me = response.json()
    assert me["account_number"] == "AC10000001"
    assert me["name"] == "Maria Lopez"
    assert me["phone"] == "+12025550101"
    assert me["status"] == "active"
    assert me["plan"]["code"] == "PLUS20"
    assert me["plan"]["monthly_price"] == "40.00"
    assert me["plan"]["minutes"] is None


def test_current_bill_has_lines_that_add_up(client: ApiClient) -> None:
    response = client.get("/api/v1/me/bills/current", headers=bearer(verify(client)))
    assert response.status_code == 200
    bill = response.json()
    assert bill["status"] == "open"
    assert bill["currency"] == "USD"
    assert isinstance(bill["total"], str) and bill["total"].count(".") == 1
    assert Decimal(bill["amount_due"]) == Decimal(bill["total"]) > 0
    assert sum(Decimal(line["amount"]) for line in bill["lines"]) == Decimal(bill["total"])
    assert bill["lines"][0]["code"] == "plan"
    assert bill["due_date"] > bill["issue_date"]


def test_overdue_bill(client: ApiClient) -> None:
    token = verify(client, identifier="AC10000002", phone="+12025550102")
    bill = client.get("/api/v1/me/bills/current", headers=bearer(token)).json()
    assert bill["status"] == "overdue"


def test_bills_history_and_comparison(client: ApiClient) -> None:
    token = verify(client)
    history = client.get("/api/v1/me/bills", headers=bearer(token)).json()["bills"]
    assert len(history) == 2
    assert history[0]["issue_date"] > history[1]["issue_date"]
    comparison = client.get(
        f"/api/v1/me/bills/{history[0]['bill_id']}/comparison", headers=bearer(token)
    )
    assert comparison.status_code == 200
    body = comparison.json()
    assert body["previous_bill"]["bill_id"] == history[1]["bill_id"]
    assert Decimal(body["total_difference"]) == Decimal(history[0]["total"]) - Decimal(
        history[1]["total"]
    )
    first = client.get(
        f"/api/v1/me/bills/{history[1]['bill_id']}/comparison", headers=bearer(token)
    )
    assert first.status_code == 404
    assert first.json()["error"]["code"] == "no_previous_bill"


def test_another_customers_bill_is_not_found(client: ApiClient) -> None:
    other = verify(client, identifier="AC10000002", phone="+12025550102", conversation_id="b")
    their_bill = client.get("/api/v1/me/bills/current", headers=bearer(other)).json()["bill_id"]
    mine = verify(client, conversation_id="a")
    response = client.get(f"/api/v1/me/bills/{their_bill}/comparison", headers=bearer(mine))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "bill_not_found"
