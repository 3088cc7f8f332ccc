"""The circuit breaker's states, fail-fast and recovery, on an injected clock."""

from __future__ import annotations

import asyncio

import pytest

from actions.breaker import CircuitBreaker, State, counts_as_failure
from actions.errors import BackendError, BackendUnavailable, CircuitOpen, NotVerified
from tests.actions.backend_double import Clock, CountingOperation


def breaker(clock: Clock, failures: int = 2, cooldown: float = 10.0) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=failures, cooldown_seconds=cooldown, clock=clock)


async def fails(cb: CircuitBreaker, backend: CountingOperation) -> type[BaseException]:
    with pytest.raises(BackendError) as caught:
        await cb.call(backend)
    return type(caught.value)


async def test_closed_until_n_consecutive_failures_then_fails_fast_without_calling() -> None:
    clock, backend = Clock(), CountingOperation()
    cb = breaker(clock, failures=2)
    backend.fail_with = BackendUnavailable("timeout")
    assert await fails(cb, backend) is BackendUnavailable
    assert cb.state is State.CLOSED
    assert await fails(cb, backend) is BackendUnavailable
    assert cb.state is State.OPEN
    # Open: refused at once, the backend is not called at all.
    for _ in range(5):
        assert await fails(cb, backend) is CircuitOpen
    assert backend.calls == 2


async def test_a_success_resets_the_count_of_consecutive_failures() -> None:
    clock, backend = Clock(), CountingOperation()
    cb = breaker(clock, failures=2)
    backend.fail_with = BackendUnavailable("unreachable")
    await fails(cb, backend)
    backend.fail_with = None
    assert await cb.call(backend) == "answer"
    backend.fail_with = BackendUnavailable("unreachable")
    await fails(cb, backend)
    assert cb.state is State.CLOSED
    assert cb.consecutive_failures == 1


async def test_after_the_cooldown_one_probe_goes_out_and_its_success_closes() -> None:
    clock, backend = Clock(), CountingOperation()
    cb = breaker(clock, failures=1, cooldown=10)
    backend.fail_with = BackendUnavailable("timeout")
    await fails(cb, backend)
    assert cb.state is State.OPEN
    clock.advance(9.9)
    assert await fails(cb, backend) is CircuitOpen
    assert backend.calls == 1
    clock.advance(0.1)
    backend.fail_with = None
    assert await cb.call(backend) == "answer"
    assert cb.state is State.CLOSED
    assert backend.calls == 2
    assert await cb.call(backend) == "answer"


async def test_a_failed_probe_opens_again_for_a_whole_cooldown() -> None:
    clock, backend = Clock(), CountingOperation()
    cb = breaker(clock, failures=3, cooldown=10)
    backend.fail_with = BackendUnavailable("timeout")
    for _ in range(3):
        await fails(cb, backend)
    clock.advance(10)
    # The probe fails: open again at once (one failure in half-open is enough).
    assert await fails(cb, backend) is BackendUnavailable
    assert cb.state is State.OPEN
    assert backend.calls == 4
    clock.advance(5)
    assert await fails(cb, backend) is CircuitOpen
    assert cb.seconds_until_probe() == pytest.approx(5)
    clock.advance(5)
    backend.fail_with = None
    assert await cb.call(backend) == "answer"
    assert cb.state is State.CLOSED


async def test_only_one_probe_at_a_time_while_half_open() -> None:
    clock = Clock()
    cb = breaker(clock, failures=1, cooldown=1)
    cb.record_failure()
    clock.advance(1)
    release = asyncio.Event()
    probes = 0

    async def slow_probe() -> str:
        nonlocal probes
        probes += 1
        await release.wait()
        return "answer"

    probe = asyncio.ensure_future(cb.call(slow_probe))
    await asyncio.sleep(0)
    assert cb.state is State.HALF_OPEN
    with pytest.raises(CircuitOpen):
        await cb.call(slow_probe)
    release.set()
    assert await probe == "answer"
    assert probes == 1
    assert cb.state is State.CLOSED


async def test_a_cancelled_probe_lets_the_next_call_probe() -> None:
    clock = Clock()
    cb = breaker(clock, failures=1, cooldown=1)
    cb.record_failure()
    clock.advance(1)

    async def hangs() -> str:
        await asyncio.Event().wait()
        return "never"

    probe = asyncio.ensure_future(cb.call(hangs))
    await asyncio.sleep(0)
    probe.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probe
    backend = CountingOperation()
    assert await cb.call(backend) == "answer"
    assert cb.state is State.CLOSED


async def test_answers_of_a_working_backend_never_open_it() -> None:
    clock, backend = Clock(), CountingOperation()
    cb = breaker(clock, failures=1)
    for refusal in (
        NotVerified(),
        BackendError(404, "no_bill"),
        BackendError(401, "code_incorrect"),
        BackendUnavailable("malformed answer", transient=False),
    ):
        backend.fail_with = refusal
        with pytest.raises(BackendError):
            await cb.call(backend)
        assert cb.state is State.CLOSED, refusal


@pytest.mark.parametrize(
    ("exc", "counted"),
    [
        (BackendUnavailable("timeout"), True),
        (BackendUnavailable("unreachable"), True),
        (BackendUnavailable("status 500", status=500), True),
        (BackendUnavailable("unreadable answer", transient=False), False),
        (CircuitOpen(), False),
        (BackendError(409, "conflict"), False),
        (ValueError("not a backend error"), False),
    ],
)
def test_what_counts_as_a_failure(exc: BaseException, counted: bool) -> None:
    assert counts_as_failure(exc) is counted


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=0)
    with pytest.raises(ValueError):
        CircuitBreaker(cooldown_seconds=-1)
