"""Service requests: create (idempotent), list, get, cancel, ownership."""

from __future__ import annotations

import pytest

from tests.bot.api.helpers import ApiClient, bearer, verify

pytestmark = pytest.mark.usefixtures("seeded")
TOM = ("AC10000004", "+12025550104")


def create(client: ApiClient, token: str, key: str = "sr-1", **body: object):  # type: ignore[no-untyped-def]
    payload = {"category": "fault", "description": "No internet", **body}
    return client.post(
        "/api/v1/me/service-requests",
        json=payload,
        headers={**bearer(token), "Idempotency-Key": key},
    )


def test_create_get_list_cancel(client: ApiClient) -> None:
    token = verify(client)
    created = create(client, token, appointment_start="2026-11-27T09:00:00Z")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["reference"].startswith("SR-") and len(body["reference"]) == 9
    assert body["status"] == "open" and body["channel"] == "rest"
    assert body["appointment_start"].startswith("2026-11-27T09:00")
    ref = body["reference"]
    got = client.get(f"/api/v1/me/service-requests/{ref.lower()}", headers=bearer(token))
    assert got.status_code == 200 and got.json()["reference"] == ref
    listed = client.get("/api/v1/me/service-requests", headers=bearer(token)).json()
    assert [r["reference"] for r in listed["service_requests"]] == [ref]
    cancelled = client.post(f"/api/v1/me/service-requests/{ref}/cancel", headers=bearer(token))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/me/service-requests/{ref}/cancel", headers=bearer(token))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "cannot_cancel"
    open_only = client.get(
        "/api/v1/me/service-requests", params={"status": "open"}, headers=bearer(token)
    ).json()
    assert open_only["service_requests"] == []


def test_create_is_idempotent(client: ApiClient) -> None:
    token = verify(client)
    first = create(client, token, key="same")
    second = create(client, token, key="same")
    assert first.status_code == second.status_code == 201
    assert first.json()["reference"] == second.json()["reference"]
    listed = client.get("/api/v1/me/service-requests", headers=bearer(token)).json()
    assert len(listed["service_requests"]) == 1


def test_another_customers_reference_is_not_found(client: ApiClient) -> None:
    tom = verify(client, *TOM, conversation_id="t")
    (ticket,) = client.get("/api/v1/me/service-requests", headers=bearer(tom)).json()[
        "service_requests"
    ]
    maria = verify(client, conversation_id="m")
    for response in (
        client.get(f"/api/v1/me/service-requests/{ticket['reference']}", headers=bearer(maria)),
        client.post(
            f"/api/v1/me/service-requests/{ticket['reference']}/cancel", headers=bearer(maria)
        ),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "service_request_not_found"
    still = client.get(f"/api/v1/me/service-requests/{ticket['reference']}", headers=bearer(tom))
    assert still.json()["status"] == "open"


def test_handoff_keeps_the_transcript_and_estimates_a_wait(client: ApiClient) -> None:
    token = verify(client)
    response = create(
        client,
        token,
        category="human_handoff",
        description="Wants a person",
        transcript="user: agent please\nbot: connecting you",
        conversation_id="conv-1",
    )
    assert response.status_code == 201
    assert response.json()["expected_wait_minutes"] >= 2


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"category": "teleport"}, "invalid_category"),
        ({"description": ""}, "invalid_description"),
        ({"appointment_start": "2026-11-20T09:00:00Z"}, "invalid_appointment"),
        ({"appointment_start": "2027-06-01T09:00:00Z"}, "invalid_appointment"),
        ({"appointment_start": "2026-11-27T09:00:00"}, "invalid_appointment_start"),
        (
            {"category": "plan_issue", "appointment_start": "2026-11-27T09:00:00Z"},
            "appointment_not_allowed",
        ),
        ({"surprise": 1}, "invalid_surprise"),
    ],
)
def test_bad_requests_write_nothing(client: ApiClient, body: dict, code: str) -> None:
    token = verify(client)
    response = create(client, token, **body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    listed = client.get("/api/v1/me/service-requests", headers=bearer(token)).json()
    assert listed["service_requests"] == []
