"""Usage, contact updates (validated, audited, old phone notified), outages, feedback."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from bot.db.models import AuditRecord
from tests.bot.api.helpers import ApiClient, bearer, last_code, verify

pytestmark = pytest.mark.usefixtures("seeded")


def test_usage(client: ApiClient) -> None:
    body = client.get("/api/v1/me/usage", headers=bearer(verify(client))).json()
    assert body["plan_code"] == "PLUS20"
    assert body["data"]["unit"] == "GB" and body["data"]["allowance"] == "20"
    assert body["minutes"]["unlimited"] is True
    assert body["period_start"] <= "2026-11-25" <= body["period_end"]


def test_contact_update(client: ApiClient, database_url: str) -> None:
    token = verify(client)
    response = client.patch(
        "/api/v1/me/contact",
        json={"email": "Maria.L@Example.COM", "postcode": "20005", "phone": "202-555-0150"},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["email"] == "Maria.L@example.com"
    assert body["postcode"] == "20005"
    assert body["phone"] == "+12025550150"
    notice = client.get("/api/v1/demo/outbox", params={"to": "+12025550101"}).json()["messages"][0]
    assert "changed" in notice["body"] and "0150" in notice["body"]
    engine = create_engine(database_url, future=True)
    with engine.connect() as conn:
        details = conn.execute(
            select(AuditRecord.details).where(AuditRecord.action == "contact_updated")
        ).scalar_one()
    engine.dispose()
    assert "phone" in details and "Example" not in details


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "not-an-email"}, "invalid_email"),
        ({"email": "a@b"}, "invalid_email"),
        ({"email": "a..b@example.com"}, "invalid_email"),
        ({"phone": "12345"}, "invalid_phone"),
        ({"postcode": "ABCDE"}, "invalid_postcode"),
        ({}, "nothing_to_update"),
        ({"email": "ok@example.com", "postcode": "1"}, "invalid_postcode"),
    ],
)
def test_contact_update_rejects_bad_input_and_writes_nothing(
    client: ApiClient, body: dict, code: str
) -> None:
    token = verify(client)
    response = client.patch("/api/v1/me/contact", json=body, headers=bearer(token))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert me["email"] == "maria.lopez1@example.com"


def test_outages(client: ApiClient) -> None:
    body = client.get("/api/v1/outages", params={"postcode": "20002"}).json()
    services = sorted(o["service"] for o in body["outages"])
    assert services == ["internet", "tv"]
    assert all(o["estimated_resolution"] for o in body["outages"])
    assert client.get("/api/v1/outages", params={"postcode": "20001"}).json()["outages"] == []
    bad = client.get("/api/v1/outages", params={"postcode": "2000"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_postcode"


def test_feedback(client: ApiClient) -> None:
    token = verify(client)
    ok = client.post(
        "/api/v1/me/feedback", json={"rating": 5, "task": "check_bill"}, headers=bearer(token)
    )
    assert ok.status_code == 204
    bad = client.post("/api/v1/me/feedback", json={"rating": 9}, headers=bearer(token))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_rating"


def test_outbox_endpoint_accepts_a_plus_lost_in_the_query(client: ApiClient) -> None:
    verify(client)
    assert last_code(client, " 12025550101")
