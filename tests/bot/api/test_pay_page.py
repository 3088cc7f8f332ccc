"""The demo hosted-payment page behind a one-time payment link."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.api.app import create_app
from bot.services.clock import FrozenClock
from bot.settings import Settings
from tests.bot.api.helpers import ApiClient, bearer, verify

pytestmark = pytest.mark.usefixtures("seeded")
ELENA = ("AC10000005", "+12025550105")


def new_link(client: ApiClient, token: str, amount: str = "10.00") -> str:
    response = client.post(
        "/api/v1/me/payment-links", json={"amount": amount}, headers=bearer(token)
    )
    assert response.status_code == 201, response.text
    return "/pay/" + response.json()["url"].rsplit("/", 1)[1]


def due(client: ApiClient, token: str) -> Decimal:
    bill = client.get("/api/v1/me/bills/current", headers=bearer(token)).json()
    return Decimal(bill["amount_due"])


def test_declined_card_keeps_the_link_then_a_good_card_pays(client: ApiClient) -> None:
    token = verify(client, *ELENA)
    before = due(client, token)
    path = new_link(client, token)
    page = client.get(path)
    assert page.status_code == 200
    assert "10.00 USD" in page.text and "Elena" in page.text
    declined = client.post(
        path,
        content=b"card=tok_demo_decline",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert declined.status_code == 200 and "declined" in declined.text
    assert due(client, token) == before
    paid = client.post(
        path,
        content=b"card=tok_demo_approve",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert "Thank you" in paid.text
    assert due(client, token) == before - Decimal("10.00")
    reused = client.get(path)
    assert reused.status_code == 409 and "already used" in reused.text
    statuses = [
        p["status"]
        for p in client.get("/api/v1/me/payments", headers=bearer(token)).json()["payments"]
    ]
    assert statuses == ["succeeded", "declined"]


def test_expired_and_unknown_links(client: ApiClient, clock: FrozenClock) -> None:
    token = verify(client, *ELENA)
    path = new_link(client, token)
    clock.advance(minutes=31)
    assert client.get(path).status_code == 410
    assert client.get("/pay/nope").status_code == 404
    bad_card = client.post(
        path,
        content=b"card=4111111111111111",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bad_card.status_code == 422


def test_page_only_exists_in_demo_mode(settings: Settings) -> None:
    app = create_app(settings.copy(update={"demo_mode": False}), static_dir=None)
    with ApiClient(app) as api:
        assert api.get("/pay/anything").status_code == 404
    app.state.engine.dispose()
