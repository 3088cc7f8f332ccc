"""Add-ons: quote, idempotent purchase (repeat and concurrent), audit, list, refusals."""

from __future__ import annotations

import threading

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, func, select

from bot.db.models import AuditRecord, CustomerAddon
from tests.bot.api.helpers import ApiClient, bearer, verify

pytestmark = pytest.mark.usefixtures("seeded")


def buy(client: ApiClient, token: str, code: str, key: str = "addon-1"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/me/addons",
        json={"addon_code": code},
        headers={**bearer(token), "Idempotency-Key": key},
    )


def count(database_url: str, query) -> int:  # type: ignore[no-untyped-def]
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def test_quote(client: ApiClient) -> None:
    token = verify(client)
    response = client.post(
        "/api/v1/me/addon-quote", json={"addon_code": "data5"}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    quote = response.json()
    assert quote["addon"]["code"] == "DATA5" and quote["addon"]["kind"] == "addon"
    assert quote["monthly_price"] == "10.00" and quote["currency"] == "USD"
    assert quote["effective_date"] > "2026-11-25"


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [("NOPE", 404, "addon_not_found"), ("MAX", 404, "addon_not_found")],
)
def test_quote_errors(client: ApiClient, code: str, status: int, error: str) -> None:
    token = verify(client)
    response = client.post(
        "/api/v1/me/addon-quote", json={"addon_code": code}, headers=bearer(token)
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == error


def test_purchase_is_idempotent_audited_and_listed(client: ApiClient, database_url: str) -> None:
    token = verify(client)
    first = buy(client, token, "DATA5")
    assert first.status_code == 201, first.text
    assert first.json()["reference"].startswith("AO-")
    assert first.json()["addon"]["code"] == "DATA5" and first.json()["monthly_price"] == "10.00"
    again = buy(client, token, "DATA5")
    assert again.status_code == 201 and again.json() == first.json()
    assert count(database_url, select(func.count()).select_from(CustomerAddon)) == 1
    audited = select(func.count()).where(AuditRecord.action == "addon_added")
    assert count(database_url, audited) == 1
    listed = client.get("/api/v1/me/addons", headers=bearer(token)).json()["addons"]
    assert [a["reference"] for a in listed] == [first.json()["reference"]]
    other_key = buy(client, token, "DATA5", key="addon-2")
    assert other_key.status_code == 409
    assert other_key.json()["error"]["code"] == "addon_already_active"
    reused = buy(client, token, "INTL")  # same key, different body
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_purchase_needs_a_key_and_an_active_account(client: ApiClient) -> None:
    token = verify(client)
    missing = client.post("/api/v1/me/addons", json={"addon_code": "INTL"}, headers=bearer(token))
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "idempotency_key_required"
    suspended = verify(client, "AC10000003", "+12025550103", conversation_id="conv-2")
    refused = buy(client, suspended, "INTL")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "account_not_active"


def test_another_customer_sees_none_of_it(client: ApiClient) -> None:
    maria = verify(client)
    assert buy(client, maria, "INTL").status_code == 201
    james = verify(client, "AC10000002", "+12025550102", conversation_id="conv-2")
    assert client.get("/api/v1/me/addons", headers=bearer(james)).json() == {"addons": []}
    assert buy(client, james, "INTL").status_code == 201  # one each, independently


def test_concurrent_duplicates_add_once(app: FastAPI, client: ApiClient, database_url: str) -> None:
    token = verify(client)
    barrier = threading.Barrier(5)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def worker() -> None:
        with ApiClient(app) as own:
            barrier.wait()
            response = buy(own, token, "INTL", key="race")
            with lock:
                results.append((response.status_code, response.json()))

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 5
    created = [body for status, body in results if status == 201]
    assert created and all(body == created[0] for body in created)
    assert all(
        status == 201 or body["error"]["code"] == "request_in_progress" for status, body in results
    ), results
    assert count(database_url, select(func.count()).select_from(CustomerAddon)) == 1
