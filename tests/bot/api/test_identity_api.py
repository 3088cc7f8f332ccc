"""Identity endpoints: codes to the phone on file, confirm, sessions, expiry, lockout."""

from __future__ import annotations

import logging

import pytest

from bot.services.clock import FrozenClock
from tests.bot.api.helpers import MARIA, SERVICE_KEY, ApiClient, bearer, last_code, start, verify

pytestmark = pytest.mark.usefixtures("seeded")


def confirm(client: ApiClient, verification_id: str, code: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/identity/verifications/{verification_id}/confirm", json={"code": code}
    )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_start_sends_the_code_to_the_phone_on_file_not_back(client: ApiClient) -> None:
    response = start(client, "(202) 555-0101")
    assert response.status_code == 201
    body = response.json()
    assert body["masked_destination"] == "+1 ••• ••• 0101"
    code = last_code(client, MARIA["phone"])
    assert code not in response.text
    assert set(body) == {"verification_id", "masked_destination", "expires_at"}


def test_demo_transport_logs_the_sms(client: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bot.outbox"):
        assert start(client, MARIA["account"]).status_code == 201
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.outbox"]
    assert len(lines) == 1
    assert lines[0].startswith("[demo SMS] to +12025550101: Your TeleComNet code is ")


def test_account_number_and_phone_both_identify(client: ApiClient) -> None:
    token = verify(client, identifier="ac 1000 0001")
    me = client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["account_number"] == "AC10000001"


@pytest.mark.parametrize(
    ("identifier", "status", "code"),
    [
        ("hello", 422, "invalid_identifier"),
        ("+1 202 555 0199", 404, "customer_not_found"),
        ("AC99999999", 404, "customer_not_found"),
        ("AC10000007", 403, "account_closed"),
    ],
)
def test_start_errors(client: ApiClient, identifier: str, status: int, code: str) -> None:
    response = start(client, identifier)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_resend_is_rate_limited(client: ApiClient, clock: FrozenClock) -> None:
    assert start(client, MARIA["account"]).status_code == 201
    clock.advance(seconds=10)
    again = start(client, MARIA["account"])
    assert again.status_code == 429
    assert again.json()["error"]["retry_after_seconds"] == 20
    assert again.headers["Retry-After"] == "20"
    clock.advance(seconds=20)
    assert start(client, MARIA["account"]).status_code == 201


def test_confirm_binds_the_token_to_the_conversation(client: ApiClient) -> None:
    started = start(client, MARIA["phone"], channel="telegram", conversation_id="chat-9")
    code = last_code(client, MARIA["phone"])
    confirmed = confirm(client, started.json()["verification_id"], code)
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert body["customer"] == {"account_number": "AC10000001", "first_name": "Maria"}
    session = client.get("/api/v1/identity/sessions/telegram/chat-9")
    assert session.status_code == 200
    assert session.json()["token"] == body["token"]
    other = client.get("/api/v1/identity/sessions/telegram/chat-10")
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "not_verified"


def test_code_is_single_use(client: ApiClient, clock: FrozenClock) -> None:
    started = start(client, MARIA["account"])
    code = last_code(client, MARIA["phone"])
    vid = started.json()["verification_id"]
    assert confirm(client, vid, code).status_code == 200
    again = confirm(client, vid, code)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "code_already_used"


def test_code_expires(client: ApiClient, clock: FrozenClock) -> None:
    started = start(client, MARIA["account"])
    code = last_code(client, MARIA["phone"])
    clock.advance(minutes=10)
    response = confirm(client, started.json()["verification_id"], code)
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "code_expired"


def test_a_new_code_replaces_the_old_one(client: ApiClient, clock: FrozenClock) -> None:
    first = start(client, MARIA["account"]).json()["verification_id"]
    old_code = last_code(client, MARIA["phone"])
    clock.advance(seconds=31)
    assert start(client, MARIA["account"]).status_code == 201
    assert confirm(client, first, old_code).status_code == 410


def test_lockout_after_five_wrong_codes(client: ApiClient) -> None:
    vid = start(client, MARIA["account"]).json()["verification_id"]
    code = last_code(client, MARIA["phone"])
    lefts = []
    for _ in range(4):
        response = confirm(client, vid, wrong(code))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "code_incorrect"
        lefts.append(response.json()["error"]["attempts_left"])
    assert lefts == [4, 3, 2, 1]
    fifth = confirm(client, vid, wrong(code))
    assert fifth.status_code == 423
    assert fifth.json()["error"]["code"] == "verification_locked"
    # even the right code no longer works
    assert confirm(client, vid, code).status_code == 423


@pytest.mark.parametrize("code", ["12345", "abcdef", "1234567", ""])
def test_code_format(client: ApiClient, code: str) -> None:
    vid = start(client, MARIA["account"]).json()["verification_id"]
    response = confirm(client, vid, code)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_code_format"


def test_unknown_verification(client: ApiClient) -> None:
    response = confirm(client, "vf_nope", "123456")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "verification_not_found"


def test_sign_out_revokes_the_token(client: ApiClient) -> None:
    token = verify(client, conversation_id="c-out")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.delete("/api/v1/identity/sessions/rest/c-out").status_code == 204
    assert client.get("/api/v1/identity/sessions/rest/c-out").status_code == 404
    after = client.get("/api/v1/me", headers=bearer(token))
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "invalid_token"


def test_token_expires(client: ApiClient, clock: FrozenClock) -> None:
    token = verify(client, conversation_id="c-exp")
    clock.advance(minutes=15)
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
    assert client.get("/api/v1/identity/sessions/rest/c-exp").status_code == 404


def test_reverifying_a_conversation_replaces_its_session(
    client: ApiClient, clock: FrozenClock
) -> None:
    first = verify(client, conversation_id="c-re")
    clock.advance(seconds=31)
    second = verify(client, identifier="AC10000002", phone="+12025550102", conversation_id="c-re")
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 401
    me = client.get("/api/v1/me", headers=bearer(second)).json()
    assert me["account_number"] == "AC10000002"


def test_every_api_endpoint_needs_the_service_key(client: ApiClient) -> None:
    for headers in ({"X-Service-Key": ""}, {"X-Service-Key": "wrong"}):
        response = client.post(
            "/api/v1/identity/verifications",
            json={"identifier": MARIA["account"], "channel": "rest", "conversation_id": "x"},
            headers=headers,
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_service_key"
    routes = [r for r in client.app.routes if r.path.startswith("/api/v1")]  # type: ignore[attr-defined]
    assert len(routes) >= 20
    for route in routes:
        url = route.path.replace("{channel}", "rest").replace("{conversation_id}", "c")
        url = url.replace("{verification_id}", "v").replace("{bill_id}", "1")
        url = url.replace("{reference}", "SR-100001")
        for method in route.methods:
            response = client.request(method, url, headers={"X-Service-Key": "nope"}, json={})
            assert response.status_code == 401, (method, route.path, response.status_code)
            assert response.json()["error"]["code"] == "invalid_service_key"
    assert SERVICE_KEY


def test_customer_endpoints_need_a_token(client: ApiClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"
