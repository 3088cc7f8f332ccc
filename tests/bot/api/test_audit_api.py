"""Every change leaves an audit record: what, which customer, which channel, when."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, select

from bot.db.models import AuditRecord
from tests.bot.api.helpers import ApiClient, bearer, verify

pytestmark = pytest.mark.usefixtures("seeded")
JAMES = ("AC10000002", "+12025550102")


def test_every_change_is_audited(client: ApiClient, database_url: str) -> None:
    token = verify(client, *JAMES, channel="telegram", conversation_id="t-1")
    headers = bearer(token)
    methods = client.get("/api/v1/me/payment-methods", headers=headers).json()
    method = methods["payment_methods"][0]["id"]
    calls = [
        ("PATCH", "/api/v1/me/contact", {"email": "j@example.com"}, None),
        ("POST", "/api/v1/me/plan-changes", {"plan_code": "PLUS20"}, "pc"),
        ("POST", "/api/v1/me/service-requests", {"category": "fault", "description": "x"}, "sr"),
        ("POST", "/api/v1/me/payments", {"amount": "1.00", "payment_method_id": method}, "p"),
        ("POST", "/api/v1/me/payment-links", {"amount": "1.00"}, None),
        ("POST", "/api/v1/me/arrangements", {"kind": "instalments", "instalments": 2}, None),
    ]
    for method_name, path, body, key in calls:
        extra = {"Idempotency-Key": key} if key else {}
        response = client.request(method_name, path, json=body, headers={**headers, **extra})
        assert response.status_code in (200, 201), (path, response.text)
    listed = client.get("/api/v1/me/service-requests", headers=headers).json()
    reference = listed["service_requests"][0]["reference"]
    client.post(f"/api/v1/me/service-requests/{reference}/cancel", headers=headers)
    assert client.delete("/api/v1/identity/sessions/telegram/t-1").status_code == 204

    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    AuditRecord.action,
                    AuditRecord.channel,
                    AuditRecord.customer_id,
                    AuditRecord.created_at,
                    AuditRecord.details,
                ).order_by(AuditRecord.id)
            ).all()
    finally:
        engine.dispose()
    actions = [row.action for row in rows]
    assert actions == [
        "verification_started",
        "verification_confirmed",
        "contact_updated",
        "plan_changed",
        "service_request_created",
        "payment_succeeded",
        "payment_link_created",
        "arrangement_created",
        "service_request_cancelled",
        "signed_out",
    ]
    assert {row.channel for row in rows} == {"telegram"}
    assert {row.customer_id for row in rows} == {2}
    assert all(row.created_at is not None for row in rows)
    assert all(isinstance(json.loads(row.details), dict) for row in rows)
    assert "@" not in " ".join(row.details for row in rows)  # field names, not values
