"""A circuit breaker in front of the backend: fail fast while it is down or stalled.

One breaker per backend (shared by every action of the process). It counts consecutive
failed calls (timeouts, connection failures, 5xx: see :func:`counts_as_failure`):

* **closed**: calls go through; ``failure_threshold`` consecutive failures open it;
* **open**: calls fail at once with :class:`~actions.errors.CircuitOpen`, no request is
  sent; after the cool-down the next call is let through as a probe;
* **half-open**: one probe in flight, every other call fails fast; the probe's success
  closes the breaker, its failure opens it for another cool-down.

The cool-down depends on what the failure that opened the breaker says a probe would
cost a customer (:func:`is_slow_failure`):

* after a **timeout** (the backend is stalled: a probe waits a whole timeout)
  ``cooldown_seconds``;
* after a **fast failure** (connection refused or reset, a 5xx answer: the backend is
  down or restarting, a probe costs milliseconds) ``fast_cooldown_seconds``, 0 by the
  action server's default: the next call probes, so the first message after the backend
  is back gets through instead of meeting a cool-down. No background task: a probe is
  always a customer's own call.

With a stalled backend a customer's turn therefore costs at most one timeout: the
first call of the turn waits for it, every later call of the turn (and of every other
conversation) fails fast until the cool-down is over. The clock is injectable for tests.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Optional, TypeVar

from actions.errors import BackendError, BackendUnavailable, CircuitOpen

logger = logging.getLogger(__name__)

T = TypeVar("T")


class State(str, enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


def counts_as_failure(exc: BaseException) -> bool:
    """Failures that say the backend is unavailable: timeouts, no connection, 5xx.

    A 4xx answer (wrong code, no bill, ...) is the backend working; an unreadable
    answer or a refused service key is a deployment fault a pause does not cure.
    """
    return (
        isinstance(exc, BackendUnavailable)
        and not isinstance(exc, CircuitOpen)
        and exc.transient
    )


def is_slow_failure(exc: BaseException) -> bool:
    """A timeout: the backend holds requests, so a probe would cost a customer a timeout."""
    return isinstance(exc, BackendUnavailable) and exc.message == "timeout"


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 1,
        cooldown_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        name: str = "backend",
        fast_cooldown_seconds: Optional[float] = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if cooldown_seconds < 0:
            raise ValueError("cooldown_seconds must not be negative")
        if fast_cooldown_seconds is None:
            fast_cooldown_seconds = cooldown_seconds
        if fast_cooldown_seconds < 0:
            raise ValueError("fast_cooldown_seconds must not be negative")
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self.fast_cooldown_seconds = fast_cooldown_seconds
        self._cooldown = cooldown_seconds  # the one in force since the breaker last opened
        self.name = name
        self._clock = clock
        self._state = State.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> State:
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def seconds_until_probe(self) -> float:
        if self._state is not State.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self._cooldown - self._clock())

    # ------------------------------------------------------------ the state machine
    def allow(self) -> bool:
        """May a call go out now? (Moves an expired open breaker to half-open.)"""
        if self._state is State.CLOSED:
            return True
        if self._state is State.OPEN:
            if self._clock() - self._opened_at < self._cooldown:
                return False
            self._state = State.HALF_OPEN
            self._probe_in_flight = False
            logger.info("%s circuit half-open: sending one probe", self.name)
        if self._probe_in_flight:
            return False
        self._probe_in_flight = True
        return True

    def record_success(self) -> None:
        if self._state is not State.CLOSED:
            logger.info("%s circuit closed: the backend answers again", self.name)
        self._state = State.CLOSED
        self._failures = 0
        self._probe_in_flight = False

    def record_failure(self, slow: bool = True) -> None:
        """One more consecutive failure; ``slow``: a timeout (the long cool-down)."""
        self._failures += 1
        self._probe_in_flight = False
        if self._state is State.HALF_OPEN or self._failures >= self.failure_threshold:
            self._cooldown = self.cooldown_seconds if slow else self.fast_cooldown_seconds
            if self._state is not State.OPEN:
                logger.warning(
                    "%s circuit open after %d failure(s) (%s): failing fast for %.1fs",
                    self.name, self._failures, "timeout" if slow else "fast failure",
                    self._cooldown,
                )
            self._state = State.OPEN
            self._opened_at = self._clock()

    def _release_probe(self) -> None:
        """The probe ended without a verdict (cancelled): let the next call probe."""
        self._probe_in_flight = False

    # ------------------------------------------------------------ guarded calls
    async def call(
        self,
        operation: Callable[[], Awaitable[T]],
        is_failure: Callable[[BaseException], bool] = counts_as_failure,
    ) -> T:
        """Run ``operation`` through the breaker; :class:`CircuitOpen` when refused."""
        if not self.allow():
            raise CircuitOpen()
        try:
            result = await operation()
        except BackendError as exc:
            if is_failure(exc):
                self.record_failure(slow=is_slow_failure(exc))
            else:
                self.record_success()  # the backend answered (4xx): it is up
            raise
        except BaseException:
            self._release_probe()
            raise
        self.record_success()
        return result


_shared: dict[str, CircuitBreaker] = {}


def shared_breaker(
    key: str,
    failure_threshold: int,
    cooldown_seconds: float,
    fast_cooldown_seconds: Optional[float] = None,
) -> CircuitBreaker:
    """The process's breaker for one backend URL (every action's client shares it)."""
    breaker = _shared.get(key)
    if breaker is None:
        breaker = CircuitBreaker(
            failure_threshold,
            cooldown_seconds,
            name=f"backend {key}",
            fast_cooldown_seconds=fast_cooldown_seconds,
        )
        _shared[key] = breaker
    return breaker
