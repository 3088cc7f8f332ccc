"""Recovery of the circuit breaker (issue 6): the cool-down follows what a probe would cost.

After a timeout (a stalled backend: a probe costs a customer a whole timeout) the breaker
fails fast for ``backend_breaker_cooldown_seconds``; after a fast failure (connection
refused, a 5xx answer: a probe costs milliseconds) for
``backend_breaker_fast_cooldown_seconds``, 0 by default: the next call probes, so the
first message after the backend is back gets through. Clock injected throughout.
"""

from __future__ import annotations

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ActionCheckBill
from actions.breaker import CircuitBreaker, State, is_slow_failure
from actions.errors import BackendError, BackendUnavailable, CircuitOpen
from actions.settings import ActionSettings
from tests.actions.backend_double import BackendDouble, Clock, CountingOperation, client_for
from tests.actions.factories import load_domain, make_tracker


def replies(dispatcher: CollectingDispatcher) -> list[str]:
    return [str(m.get("response") or m.get("utter_action")) for m in dispatcher.messages]


def breaker(clock: Clock, fast: float = 0.0, slow: float = 2.0) -> CircuitBreaker:
    return CircuitBreaker(1, slow, clock, fast_cooldown_seconds=fast)


async def outcome(cb: CircuitBreaker, op: CountingOperation) -> str:
    try:
        return await cb.call(op)
    except CircuitOpen:
        return "refused at once"
    except BackendError:
        return "failed"


@pytest.mark.parametrize(
    ("exc", "slow"),
    [
        (BackendUnavailable("timeout"), True),
        (BackendUnavailable("unreachable"), False),
        (BackendUnavailable("status 503", status=503), False),
        (CircuitOpen(), False),
    ],
)
def test_only_a_timeout_is_a_slow_failure(exc: BaseException, slow: bool) -> None:
    assert is_slow_failure(exc) is slow


async def test_after_a_refused_connection_the_next_call_probes_at_once() -> None:
    clock, op = Clock(), CountingOperation()
    cb = breaker(clock, fast=0.0)
    op.fail_with = BackendUnavailable("unreachable")
    assert await outcome(cb, op) == "failed"
    assert cb.state is State.OPEN
    op.fail_with = None  # the backend is back
    assert await outcome(cb, op) == "answer"  # same instant: no cool-down to sit out
    assert cb.state is State.CLOSED
    assert op.calls == 2


async def test_a_short_fast_cooldown_is_kept_then_probed() -> None:
    clock, op = Clock(), CountingOperation()
    cb = breaker(clock, fast=0.5, slow=2.0)
    op.fail_with = BackendUnavailable("status 503", status=503)
    assert await outcome(cb, op) == "failed"
    clock.advance(0.4)
    assert await outcome(cb, op) == "refused at once"
    assert cb.seconds_until_probe() == pytest.approx(0.1)
    clock.advance(0.1)
    op.fail_with = None
    assert await outcome(cb, op) == "answer"
    assert op.calls == 2


async def test_after_a_timeout_calls_fail_fast_for_the_whole_cooldown() -> None:
    clock, op = Clock(), CountingOperation()
    cb = breaker(clock, fast=0.0, slow=2.0)
    op.fail_with = BackendUnavailable("timeout")
    assert await outcome(cb, op) == "failed"
    clock.advance(1.9)
    assert await outcome(cb, op) == "refused at once"
    assert op.calls == 1
    clock.advance(0.1)
    op.fail_with = None
    assert await outcome(cb, op) == "answer"


async def test_the_cooldown_follows_the_latest_failure() -> None:
    clock, op = Clock(), CountingOperation()
    cb = breaker(clock, fast=0.0, slow=2.0)
    op.fail_with = BackendUnavailable("unreachable")
    assert await outcome(cb, op) == "failed"
    op.fail_with = BackendUnavailable("timeout")  # the probe meets a stalled backend
    assert await outcome(cb, op) == "failed"
    assert await outcome(cb, op) == "refused at once"
    clock.advance(2.0)
    op.fail_with = BackendUnavailable("unreachable")  # stopped now: refuses at once
    assert await outcome(cb, op) == "failed"
    op.fail_with = None
    assert await outcome(cb, op) == "answer"


async def test_the_first_message_after_the_backend_restarts_gets_its_answer() -> None:
    """Shipped settings, real client and action: no "can't reach" once it answers again."""
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    client = client_for(backend, clock=clock)
    tracker = make_tracker(text="what's my bill?", intent="check_bill")

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    backend.fault = refused
    down = CollectingDispatcher()
    await ActionCheckBill(client=client).run(down, tracker, load_domain())
    assert replies(down) == ["utter_backend_unavailable"]
    assert client.breaker.state is State.OPEN

    backend.fault = None  # restarted; the customer writes again at once
    back = CollectingDispatcher()
    await ActionCheckBill(client=client).run(back, tracker, load_domain())
    assert replies(back)[0] == "utter_bill_summary", replies(back)
    assert client.breaker.state is State.CLOSED


async def test_a_stalled_backend_still_costs_one_timeout_per_cooldown() -> None:
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    client = client_for(backend, clock=clock)

    def stalled(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("stalled", request=request)

    backend.fault = stalled
    tracker = make_tracker(text="what's my bill?", intent="check_bill")
    for _ in range(3):
        await ActionCheckBill(client=client).run(CollectingDispatcher(), tracker, load_domain())
    assert len(backend.requests) == 1
    clock.advance(ActionSettings().backend_breaker_cooldown_seconds)
    await ActionCheckBill(client=client).run(CollectingDispatcher(), tracker, load_domain())
    assert len(backend.requests) == 2


def test_the_fast_cooldown_defaults_to_the_cooldown_for_older_callers() -> None:
    cb = CircuitBreaker(1, 7.0)
    assert cb.fast_cooldown_seconds == 7.0
    with pytest.raises(ValueError):
        CircuitBreaker(1, 1.0, fast_cooldown_seconds=-1)
