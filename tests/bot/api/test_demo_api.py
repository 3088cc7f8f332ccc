"""Demo-only routes: fresh copies of the demo identities."""

from __future__ import annotations

from decimal import Decimal

from tests.bot.api.helpers import ApiClient, bearer, verify


def test_a_copy_of_elena_has_her_cards_and_bill_under_its_own_number(
    client: ApiClient, seeded: str
) -> None:
    first = client.post("/api/v1/demo/personas/AC10000005/copies")
    second = client.post("/api/v1/demo/personas/AC10000005/copies")
    assert first.status_code == second.status_code == 201, first.text
    one, two = first.json(), second.json()
    assert one["account_number"] == "AC20000001" and two["account_number"] == "AC20000002"
    assert one["phone"] == "+12025552001" and two["phone"] == "+12025552002"
    assert one["name"] == "Elena Rossi" and one["email"] != two["email"]

    token = verify(client, identifier=one["account_number"], phone=one["phone"])
    cards = client.get("/api/v1/me/payment-methods", headers=bearer(token))
    assert cards.status_code == 200, cards.text
    assert sorted(c["last4"] for c in cards.json()["payment_methods"]) == ["0002", "9995"]
    bill = client.get("/api/v1/me/bills/current", headers=bearer(token)).json()
    assert Decimal(bill["amount_due"]) > 0


def test_only_demo_identities_can_be_copied(client: ApiClient, seeded: str) -> None:
    assert client.post("/api/v1/demo/personas/AC10000099/copies").status_code == 404
    assert client.post("/api/v1/demo/personas/not-an-account/copies").status_code == 422
