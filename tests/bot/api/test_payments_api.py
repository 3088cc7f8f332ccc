"""Payments: saved cards, gateway outcomes, idempotency (repeat and concurrent), links."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, func, select

from bot.db.models import AuditRecord, Payment
from tests.bot.api.helpers import ApiClient, bearer, verify

pytestmark = pytest.mark.usefixtures("seeded")
ELENA = {"identifier": "AC10000005", "phone": "+12025550105"}


def card(client: ApiClient, token: str, brand: str | None = None) -> int:
    methods = client.get("/api/v1/me/payment-methods", headers=bearer(token)).json()
    chosen = [m for m in methods["payment_methods"] if brand is None or m["last4"] == brand]
    return int(chosen[0]["id"])


def pay(client: ApiClient, token: str, amount: object, method: int, key: str | None = "k-1"):  # type: ignore[no-untyped-def]
    headers = bearer(token)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        "/api/v1/me/payments", json={"amount": amount, "payment_method_id": method}, headers=headers
    )


def due(client: ApiClient, token: str) -> Decimal:
    return Decimal(
        client.get("/api/v1/me/bills/current", headers=bearer(token)).json()["amount_due"]
    )


def count_payments(url: str) -> int:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Payment)).scalar_one())
    finally:
        engine.dispose()


def test_saved_cards_show_brand_and_last_four_only(client: ApiClient) -> None:
    body = client.get("/api/v1/me/payment-methods", headers=bearer(verify(client))).json()
    (method,) = body["payment_methods"]
    assert method["label"] == "Visa ending 4242"
    assert "gateway_token" not in method and "tok_" not in str(body)


def test_payment_succeeds_and_reduces_the_balance(client: ApiClient, app: FastAPI) -> None:
    token = verify(client)
    before = due(client, token)
    response = pay(client, token, "10.00", card(client, token))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "succeeded"
    assert body["amount"] == "10.00"
    assert Decimal(body["remaining_balance"]) == before - Decimal("10.00")
    assert due(client, token) == before - Decimal("10.00")
    listed = client.get("/api/v1/me/payments", headers=bearer(token)).json()["payments"]
    assert [p["reference"] for p in listed] == [body["reference"]]
    assert app.state.gateway.calls == 1


def test_paying_the_whole_bill_marks_it_paid(client: ApiClient) -> None:
    token = verify(client)
    amount = due(client, token)
    assert pay(client, token, str(amount), card(client, token)).status_code == 201
    bill = client.get("/api/v1/me/bills/current", headers=bearer(token)).json()
    assert bill["status"] == "paid" and bill["amount_due"] == "0.00"
    again = pay(client, token, "1.00", card(client, token), key="k-2")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "no_balance_due"


def test_repeat_with_the_same_key_charges_once(
    client: ApiClient, app: FastAPI, database_url: str
) -> None:
    token = verify(client)
    before = due(client, token)
    first = pay(client, token, "5.00", card(client, token), key="same")
    second = pay(client, token, "5.00", card(client, token), key="same")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert due(client, token) == before - Decimal("5.00")
    assert app.state.gateway.calls == 1
    assert count_payments(database_url) == 1


def test_same_key_different_request_is_refused(client: ApiClient) -> None:
    token = verify(client)
    assert pay(client, token, "5.00", card(client, token), key="k").status_code == 201
    other = pay(client, token, "6.00", card(client, token), key="k")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_key_is_required(client: ApiClient) -> None:
    token = verify(client)
    response = pay(client, token, "5.00", card(client, token), key=None)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_required"


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "invalid_amount"),
        ("-5.00", "invalid_amount"),
        ("1.005", "invalid_amount"),
        ("abc", "invalid_amount"),
        (True, "invalid_amount"),
        ("NaN", "invalid_amount"),
        ("99999.00", "amount_exceeds_balance"),
    ],
)
def test_bad_amounts(
    client: ApiClient, app: FastAPI, database_url: str, amount: object, code: str
) -> None:
    token = verify(client)
    response = pay(client, token, amount, card(client, token))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert app.state.gateway.calls == 0
    assert count_payments(database_url) == 0


def test_another_customers_card_is_not_found(client: ApiClient) -> None:
    elena = verify(client, ELENA["identifier"], ELENA["phone"], conversation_id="e")
    her_card = card(client, elena)
    maria = verify(client, conversation_id="m")
    response = pay(client, maria, "5.00", her_card)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "payment_method_not_found"


@pytest.mark.parametrize(
    ("last4", "status", "code"),
    [("0002", 402, "card_declined"), ("9995", 402, "insufficient_funds")],
)
def test_declines_are_recorded_and_replayed(
    client: ApiClient, app: FastAPI, last4: str, status: int, code: str
) -> None:
    token = verify(client, ELENA["identifier"], ELENA["phone"])
    before = due(client, token)
    response = pay(client, token, "5.00", card(client, token, last4))
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["payment"]["status"] == "declined"
    assert due(client, token) == before
    assert pay(client, token, "5.00", card(client, token, last4)).json() == response.json()
    assert app.state.gateway.calls == 1


def test_gateway_timeout_is_pending_and_not_retried(
    client: ApiClient, app: FastAPI, database_url: str
) -> None:
    engine = create_engine(database_url, future=True)
    with engine.begin() as conn:
        conn.execute(Payment.__table__.delete())
        from bot.db.models import PaymentMethod

        conn.execute(
            PaymentMethod.__table__.update()
            .where(PaymentMethod.customer_id == 1)
            .values(gateway_token="tok_demo_timeout")
        )
    engine.dispose()
    token = verify(client)
    before = due(client, token)
    response = pay(client, token, "5.00", card(client, token))
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert response.json()["failure_code"] == "gateway_timeout"
    assert pay(client, token, "5.00", card(client, token)).json() == response.json()
    assert app.state.gateway.calls == 1
    assert due(client, token) == before


def test_concurrent_duplicates_charge_once(
    app: FastAPI, client: ApiClient, database_url: str
) -> None:
    token = verify(client)
    method = card(client, token)
    before = due(client, token)
    barrier = threading.Barrier(6)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def worker() -> None:
        with ApiClient(app) as own:
            barrier.wait()
            response = pay(own, token, "7.00", method, key="race")
            with lock:
                results.append((response.status_code, response.json()))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(s for s, _ in results)
    assert len(results) == 6
    assert set(statuses) <= {201, 409}, results
    succeeded = [body for status, body in results if status == 201]
    assert succeeded and all(b["payment_id"] == succeeded[0]["payment_id"] for b in succeeded)
    for status, body in results:
        if status == 409:
            assert body["error"]["code"] == "request_in_progress"
    assert app.state.gateway.calls == 1
    assert count_payments(database_url) == 1
    assert due(client, token) == before - Decimal("7.00")


def test_payment_link(client: ApiClient) -> None:
    token = verify(client, ELENA["identifier"], ELENA["phone"])
    response = client.post(
        "/api/v1/me/payment-links", json={"amount": "12.00"}, headers=bearer(token)
    )
    assert response.status_code == 201
    body = response.json()
    assert body["url"].startswith("http://127.0.0.1:8000/pay/")
    assert len(body["url"].rsplit("/", 1)[1]) >= 32
    assert body["amount"] == "12.00"
    too_much = client.post(
        "/api/v1/me/payment-links", json={"amount": "5000.00"}, headers=bearer(token)
    )
    assert too_much.status_code == 422
    assert too_much.json()["error"]["code"] == "amount_exceeds_balance"


def test_payments_are_audited(client: ApiClient, database_url: str) -> None:
    token = verify(client)
    pay(client, token, "3.00", card(client, token))
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(AuditRecord.action, AuditRecord.channel, AuditRecord.customer_id).where(
                    AuditRecord.entity == "payment"
                )
            ).all()
    finally:
        engine.dispose()
    assert rows == [("payment_succeeded", "rest", 1)]


def test_unknown_gateway_token_fails_without_charging(
    client: ApiClient, app: FastAPI, database_url: str
) -> None:
    from bot.db.models import PaymentMethod

    engine = create_engine(database_url, future=True)
    with engine.begin() as conn:
        conn.execute(
            PaymentMethod.__table__.update()
            .where(PaymentMethod.customer_id == 1)
            .values(gateway_token="tok_from_an_old_provider")
        )
    engine.dispose()
    token = verify(client)
    before = due(client, token)
    response = pay(client, token, "5.00", card(client, token))
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "payment_failed"
    assert response.json()["error"]["payment"]["status"] == "failed"
    assert due(client, token) == before


def test_concurrent_payments_with_different_keys_never_overpay(
    app: FastAPI, client: ApiClient
) -> None:
    token = verify(client)
    method = card(client, token)
    whole = str(due(client, token))
    barrier = threading.Barrier(4)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        with ApiClient(app) as own:
            barrier.wait()
            response = pay(own, token, whole, method, key=f"whole-{n}")
            with lock:
                statuses.append(response.status_code)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201, 409, 409, 409], statuses
    assert due(client, token) == Decimal("0.00")
    assert app.state.gateway.succeeded == 1
