"""The backend client over a mocked HTTP transport (no network)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from pydantic import SecretStr

from actions.breaker import CircuitBreaker
from actions.client import BackendClient, SessionMemo
from actions.errors import BackendError, BackendUnavailable, CircuitOpen, NotVerified
from actions.settings import ActionSettings

SETTINGS = ActionSettings(
    backend_url="http://backend.test", service_key=SecretStr("svc-key"), backend_timeout_seconds=2
)

Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler) -> tuple[BackendClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    # Each test its own breaker and session memo: the process-wide ones would carry one
    # test's faults and sessions into the next.
    api = BackendClient(
        SETTINGS,
        transport=httpx.MockTransport(record),
        breaker=CircuitBreaker(),
        sessions=SessionMemo(SETTINGS.backend_session_memo_seconds),
    )
    return api, seen


def error(status: int, code: str, **extra: object) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": "m", **extra}})


BILL = {
    "bill_id": "b-7",
    "reference": "INV-7",
    "period_start": "2026-10-01",
    "period_end": "2026-10-31",
    "issue_date": "2026-11-01",
    "due_date": "2026-12-05",
    "total": "42.50",
    "amount_due": "42.50",
    "status": "open",
    "currency": "USD",
    "lines": [{"description": "Plus 20GB", "amount": "40.00"}],
}


async def test_start_verification_posts_the_contract_body_with_the_service_key() -> None:
    api, seen = client(
        lambda r: httpx.Response(
            201, json={"verification_id": "v-9", "masked_destination": "+1 ••• ••• 0101"}
        )
    )
    verification = await api.start_verification("2025550101", "rest", "c-1")
    assert verification.verification_id == "v-9"
    request = seen[0]
    assert request.method == "POST"
    assert str(request.url) == "http://backend.test/api/v1/identity/verifications"
    assert request.headers["X-Service-Key"] == "svc-key"
    assert "Authorization" not in request.headers
    assert json.loads(request.content) == {
        "identifier": "2025550101",
        "channel": "rest",
        "conversation_id": "c-1",
    }


async def test_wrong_code_becomes_a_typed_error_with_attempts_left() -> None:
    api, _ = client(lambda r: error(401, "code_incorrect", attempts_left=3))
    with pytest.raises(BackendError) as caught:
        await api.confirm_verification("v-1", "111111")
    assert caught.value.code == "code_incorrect"
    assert caught.value.detail_int("attempts_left") == 3
    assert not isinstance(caught.value, (NotVerified, BackendUnavailable))


async def test_session_lookup_escapes_the_conversation_id() -> None:
    api, seen = client(lambda r: error(404, "not_verified"))
    assert await api.get_session("rest", "a/b c") is None
    assert seen[0].url.raw_path == b"/api/v1/identity/sessions/rest/a%2Fb%20c"


async def test_session_is_parsed() -> None:
    api, _ = client(
        lambda r: httpx.Response(
            200,
            json={
                "token": "t",
                "expires_at": "2100-01-01T00:00:00Z",
                "customer": {"account_number": "AC10000001", "first_name": "Ada"},
            },
        )
    )
    session = await api.get_session("rest", "c")
    assert session is not None
    assert session.token == "t"
    assert session.customer.first_name == "Ada"


async def test_bill_money_is_decimal_and_the_bearer_token_is_sent() -> None:
    api, seen = client(lambda r: httpx.Response(200, json=BILL))
    bill = await api.current_bill("tok")
    assert bill is not None
    assert bill.amount_due == Decimal("42.50")
    assert isinstance(bill.lines[0].amount, Decimal)
    assert seen[0].headers["Authorization"] == "Bearer tok"


async def test_no_bill_is_none() -> None:
    api, _ = client(lambda r: error(404, "no_bill"))
    assert await api.current_bill("tok") is None


async def test_customer_call_refused_with_401_means_not_verified() -> None:
    api, _ = client(lambda r: error(401, "token_expired"))
    with pytest.raises(NotVerified):
        await api.current_bill("tok")


async def test_refused_service_key_is_a_deployment_fault_not_a_customer_error() -> None:
    api, _ = client(lambda r: error(401, "unauthorized"))
    with pytest.raises(BackendUnavailable):
        await api.start_verification("2025550101", "rest", "c")


@pytest.mark.parametrize(
    "handler",
    [
        lambda r: httpx.Response(500, text="boom"),
        lambda r: httpx.Response(502, json={"error": {"code": "x"}}),
        lambda r: httpx.Response(200, text="not json"),
        lambda r: httpx.Response(200, json={"unexpected": True}),
    ],
)
async def test_server_faults_and_malformed_answers_are_unavailable(handler: Handler) -> None:
    api, _ = client(handler)
    with pytest.raises(BackendUnavailable):
        await api.current_bill("tok")


@pytest.mark.parametrize(
    "exc",
    [httpx.ReadTimeout("slow"), httpx.ConnectError("refused")],
)
async def test_transport_failures_are_unavailable(exc: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    api, _ = client(handler)
    with pytest.raises(BackendUnavailable):
        await api.get_session("rest", "c")


async def test_feedback_is_posted_with_the_token() -> None:
    api, seen = client(lambda r: httpx.Response(201, json={"id": "f-1"}))
    await api.store_feedback("tok", 4, "check_bill", "rest")
    assert seen[0].url.path == "/api/v1/me/feedback"
    assert json.loads(seen[0].content) == {"rating": 4, "task": "check_bill", "channel": "rest"}


def test_explicit_timeout_comes_from_settings() -> None:
    api = BackendClient(SETTINGS)
    http = api._http()
    assert http.timeout.read == 2


async def test_server_error_keeps_the_backend_code_for_the_caller() -> None:
    api, _ = client(lambda r: error(504, "payment_gateway_timeout"))
    with pytest.raises(BackendUnavailable) as caught:
        await api.pay("tok", Decimal("10.00"), "7", "key-1")
    assert caught.value.code == "payment_gateway_timeout"


async def test_payment_sends_the_idempotency_key_and_an_integer_method_id() -> None:
    api, seen = client(lambda r: httpx.Response(201, json={
        "payment_id": 1, "reference": "PAY-1", "amount": "10.00", "currency": "USD",
        "status": "succeeded", "method": "Visa ending 4242", "created_at": "2026-11-25T10:00:00Z",
    }))
    payment = await api.pay("tok", Decimal("10"), "7", "key-1")
    assert payment.reference == "PAY-1"
    assert seen[0].headers["Idempotency-Key"] == "key-1"
    assert json.loads(seen[0].content) == {"amount": "10.00", "payment_method_id": 7}


async def test_lists_are_read_from_their_envelope() -> None:
    api, _ = client(lambda r: httpx.Response(200, json={"postcode": "20001", "outages": [
        {"outage_id": 1, "postcode": "20001", "service": "internet", "status": "ongoing",
         "description": "Fibre cut", "started_at": "2026-11-25T08:00:00Z",
         "estimated_resolution": "2026-11-26T18:00:00Z"}]}))
    (outage,) = await api.outages("20001")
    assert outage.services == ["internet"]
    assert outage.expected_fix_at is not None


# ---------------------------------------------------------------- retries and the breaker

FAST = ActionSettings(
    backend_url="http://backend.test",
    service_key=SecretStr("svc-key"),
    backend_retry_attempts=3,
    backend_retry_backoff_seconds=0,
)


def counting(
    failures: list[Exception | httpx.Response], then: httpx.Response
) -> tuple[BackendClient, list[httpx.Request]]:
    """A client whose backend fails as listed, then answers ``then``."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) <= len(failures):
            outcome = failures[len(seen) - 1]
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        return then

    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=60)
    api = BackendClient(
        FAST, transport=httpx.MockTransport(handler), breaker=breaker, sessions=SessionMemo(0)
    )
    return api, seen


async def test_idempotent_reads_are_retried_on_connection_failures_and_gateway_errors() -> None:
    api, seen = counting(
        [httpx.ConnectError("refused"), httpx.Response(503, text="busy")],
        httpx.Response(200, json=BILL),
    )
    bill = await api.current_bill("tok")
    assert bill is not None and bill.amount_due == Decimal("42.50")
    assert len(seen) == 3
    assert api.breaker.state.value == "closed"


async def test_a_timeout_is_not_retried_and_opens_the_breaker() -> None:
    api, seen = counting([httpx.ReadTimeout("stalled")], httpx.Response(200, json=BILL))
    with pytest.raises(BackendUnavailable) as caught:
        await api.current_bill("tok")
    assert caught.value.message == "timeout"
    assert len(seen) == 1
    # Every later call fails fast: no request goes out while the breaker is open.
    with pytest.raises(CircuitOpen):
        await api.get_session("rest", "c")
    with pytest.raises(CircuitOpen):
        await api.pay("tok", Decimal("5"), "7", "key-1")
    assert len(seen) == 1


async def test_a_write_without_an_idempotency_key_is_never_retried() -> None:
    api, seen = counting([httpx.ConnectError("refused")], httpx.Response(201, json={
        "verification_id": "v-9", "masked_destination": "+1 ••• ••• 0101"}))
    with pytest.raises(BackendUnavailable):
        await api.start_verification("2025550101", "rest", "c-1")
    assert len(seen) == 1


async def test_a_payment_with_its_key_is_retried_with_the_same_key() -> None:
    api, seen = counting([httpx.Response(502, text="bad gateway")], httpx.Response(201, json={
        "payment_id": 1, "reference": "PAY-1", "amount": "10.00", "currency": "USD",
        "status": "succeeded"}))
    payment = await api.pay("tok", Decimal("10"), "7", "key-1")
    assert payment.reference == "PAY-1"
    assert [r.headers["Idempotency-Key"] for r in seen] == ["key-1", "key-1"]


async def test_a_plain_server_error_is_not_retried() -> None:
    api, seen = counting([httpx.Response(500, text="boom")], httpx.Response(200, json=BILL))
    with pytest.raises(BackendUnavailable):
        await api.current_bill("tok")
    assert len(seen) == 1


async def test_clients_of_one_backend_share_the_process_breaker() -> None:
    settings = ActionSettings(backend_url="http://shared.test", service_key=SecretStr("k"))
    first, second = BackendClient(settings), BackendClient(settings)
    assert first.breaker is second.breaker
    assert first.sessions is second.sessions  # one action's lookup serves the next
    other = BackendClient(ActionSettings(backend_url="http://other.test"))
    assert other.breaker is not first.breaker
    assert other.sessions is not first.sessions


def test_timeouts_come_from_settings() -> None:
    http = BackendClient(FAST)._http()
    assert http.timeout.read == FAST.backend_timeout_seconds
    assert http.timeout.connect == FAST.backend_connect_timeout_seconds


def raising(exc_type: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("no answer", request=request)

    return handler


@pytest.mark.parametrize(
    "fault",
    [raising(httpx.ReadTimeout), raising(httpx.ConnectError),
     lambda r: httpx.Response(503, text="busy")],
)
async def test_backend_failure_logs_leave_the_conversation_id_out(
    fault: Handler, caplog: pytest.LogCaptureFixture
) -> None:
    """For SMS and WhatsApp the conversation id in the session URL is the customer's phone."""
    api, seen = client(fault)
    with caplog.at_level("WARNING"), pytest.raises(BackendUnavailable):
        await api.get_session("twilio_sms", "+12025550101")
    assert seen, "the request was made"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/identity/sessions/twilio_sms/<conversation>" in logged
    assert "2025550101" not in logged
