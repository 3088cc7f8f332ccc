"""Each action run spends at most ``backend_turn_budget_seconds`` on the backend (issue 6).

Two kinds of test. On an injected clock, the backend double makes time pass per request
and the test reads the timeouts each request was sent with (httpx puts them in the
request): no request may be allowed to end after the run's deadline, retries included.
Against a real stalled server on 127.0.0.1 (accepts, never answers), the customer's
"can't reach" comes within the budget, measured on the monotonic clock with a generous
margin for a loaded machine (never a tight timing).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from rasa_sdk.executor import CollectingDispatcher

from actions.breaker import CircuitBreaker, State
from actions.budget import MIN_ATTEMPT_SECONDS
from actions.client import BackendClient
from actions.errors import BackendUnavailable
from actions.payments import ActionPayBill, ValidatePayBillForm
from actions.session_memo import SessionMemo
from actions.settings import ActionSettings
from tests.actions.backend_double import BackendDouble, Clock, client_for
from tests.actions.factories import load_domain, make_tracker

BUDGET = ActionSettings().backend_turn_budget_seconds
# The real-server tests below stall the backend with a read timeout of 30 s, so only
# the budget can end the wait early; the bound (budget + 7.5 s) stays far below those
# 30 s and far above what a loaded 2-core machine adds to a timer, so the tests tell
# the two apart on any machine of this kind. The exact arithmetic is what the
# injected-clock tests above check.
READ_TIMEOUT = 30.0
SCHEDULING_MARGIN = 7.5


def read_timeouts(backend: BackendDouble) -> list[float]:
    return [float(r.extensions["timeout"]["read"]) for r in backend.requests]


def test_the_defaults_keep_one_action_within_the_budget() -> None:
    """The arithmetic of docs/reliability.md on the shipped defaults."""
    defaults = ActionSettings()
    assert defaults.backend_turn_budget_seconds <= 2.5
    assert defaults.backend_timeout_seconds <= defaults.backend_turn_budget_seconds
    # A refused connection, retried: both attempts and the backoff fit (no timeout).
    refused_twice = defaults.backend_retry_backoff_seconds + 2 * 0.05
    assert refused_twice < defaults.backend_turn_budget_seconds


async def test_a_retry_is_cut_to_what_is_left_of_the_budget() -> None:
    """A 503 after 1.5 s: the retry may wait only the 1.0 s left, not a whole timeout."""
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    backend.seconds_per_request = 1.5
    backend.fault = lambda request: httpx.Response(503, text="busy")
    client = client_for(backend, clock=clock)
    start = clock()
    with pytest.raises(BackendUnavailable):
        await client.current_bill("tok-1")
    assert len(backend.requests) == 2, "one retry: it still fits"
    first, second = read_timeouts(backend)
    assert first == pytest.approx(min(BUDGET, client._settings.backend_timeout_seconds))
    assert second == pytest.approx(BUDGET - 1.5)
    # The last request could not have ended after the deadline.
    assert 1.5 + second <= BUDGET + 1e-9
    assert clock() - start <= BUDGET + 0.5  # the double ignores timeouts; the cut is above


async def test_no_retry_when_the_backoff_and_another_attempt_do_not_fit() -> None:
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    backend.seconds_per_request = BUDGET - MIN_ATTEMPT_SECONDS
    backend.fault = lambda request: httpx.Response(503, text="busy")
    client = client_for(backend, clock=clock)
    with pytest.raises(BackendUnavailable):
        await client.current_bill("tok-1")
    assert len(backend.requests) == 1


async def test_calls_of_one_run_share_one_budget_and_stop_when_it_is_spent() -> None:
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    backend.seconds_per_request = 1.0  # slow but answering
    client = client_for(backend, clock=clock)
    with client.run_budget():
        assert await client.get_session("rest", "c") is not None  # 1.0 s
        await client.current_bill("tok-1")  # 1.0 s, sent with 1.5 s left
        await client.payment_methods("tok-1")  # sent with the 0.5 s left (the double is late)
        with pytest.raises(BackendUnavailable) as caught:
            await client.payments("tok-1")  # nothing left: not sent
        assert caught.value.message == "time budget spent"
    assert len(backend.requests) == 3
    assert read_timeouts(backend) == pytest.approx([BUDGET, BUDGET - 1.0, BUDGET - 2.0])
    # Outside the run, a call has a budget of its own again.
    await client.payment_methods("tok-1")
    assert read_timeouts(backend)[-1] == pytest.approx(min(BUDGET, 2.5))


async def test_a_spent_budget_sends_nothing_and_leaves_the_breaker_alone() -> None:
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    client = client_for(backend, clock=clock)
    with client.run_budget():
        clock.advance(BUDGET)
        with pytest.raises(BackendUnavailable) as caught:
            await client.current_bill("tok-1")
    assert caught.value.message == "time budget spent"
    assert backend.requests == []
    assert client.breaker.state is State.CLOSED


async def test_a_task_form_run_keeps_every_request_inside_its_budget() -> None:
    """A slow backend (1 s a request): no request of the form's run may end after its deadline.

    The run asks the rollout, the session, then the bill (cut to the 0.5 s left); its later
    bill lookups are not sent (the form treats them as "cannot tell", as before).
    """
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    backend.seconds_per_request = 1.0
    client = client_for(backend, clock=clock)
    start = clock()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="I want to pay my bill", intent="pay_bill")
    await ValidatePayBillForm(client=client).run(dispatcher, tracker, load_domain())
    sent_at = [start + i * 1.0 for i in range(len(backend.requests))]
    for at, read in zip(sent_at, read_timeouts(backend)):
        assert at + read <= start + BUDGET + 1e-9
    assert len(backend.requests) == 3
    assert read_timeouts(backend)[-1] == pytest.approx(BUDGET - 2.0)


# ---------------------------------------------------------------- a real stalled server


@pytest.fixture
async def stalled_backend() -> AsyncIterator[str]:
    """Accepts connections and reads requests, never answers (a SIGSTOPped backend)."""
    hold = asyncio.Event()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await hold.wait()
        finally:
            writer.close()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        hold.set()
        server.close()
        await server.wait_closed()


async def test_stalled_at_the_payment_confirmation_the_customer_is_told_within_the_budget(
    stalled_backend: str,
) -> None:
    """The "yes" turn of a stalled payment confirmation, on the shipped budget (a read
    timeout far above it, so the budget alone must end the wait)."""
    settings = ActionSettings(
        backend_url=stalled_backend, service_key=SecretStr("k"),
        backend_timeout_seconds=READ_TIMEOUT,
    )
    breaker = CircuitBreaker(
        settings.backend_breaker_failures,
        settings.backend_breaker_cooldown_seconds,
        fast_cooldown_seconds=settings.backend_breaker_fast_cooldown_seconds,
    )
    client = BackendClient(
        settings, breaker=breaker, sessions=SessionMemo(settings.backend_session_memo_seconds)
    )
    tracker = make_tracker(
        text="yes", intent="affirm", requested_slot="confirm", active_loop="pay_bill_form",
        slots={"payment_amount": "5.00", "payment_method": "7"},
    )
    dispatcher = CollectingDispatcher()
    started = time.monotonic()
    await ValidatePayBillForm(client=client).run(dispatcher, tracker, load_domain())
    validated = time.monotonic()
    await ActionPayBill(client=client).run(dispatcher, tracker, load_domain())
    elapsed = time.monotonic() - started
    replies = [m.get("response") or m.get("utter_action") for m in dispatcher.messages]
    print(f"[budget figures] stalled confirmation: validation {validated - started:.2f}s, "
          f"turn {elapsed:.2f}s (budget {settings.backend_turn_budget_seconds}s)")
    assert replies[0] == "utter_backend_unavailable"
    assert "utter_payment_done" not in replies
    assert elapsed <= settings.backend_turn_budget_seconds + SCHEDULING_MARGIN
    assert breaker.state is State.OPEN


async def test_a_stalled_backend_cannot_stretch_a_run_beyond_its_budget(
    stalled_backend: str,
) -> None:
    """Read timeout set far above the budget: the budget still ends the wait."""
    settings = ActionSettings(
        backend_url=stalled_backend, service_key=SecretStr("k"),
        backend_turn_budget_seconds=0.6, backend_timeout_seconds=READ_TIMEOUT,
    )
    client = BackendClient(settings, breaker=CircuitBreaker(), sessions=SessionMemo(0))
    started = time.monotonic()
    with pytest.raises(BackendUnavailable), client.run_budget():
        await client.get_session("rest", "c")
    elapsed = time.monotonic() - started
    print(f"[budget figures] budget 0.6s, read timeout 30s: gave up after {elapsed:.2f}s")
    assert elapsed <= 0.6 + SCHEDULING_MARGIN
