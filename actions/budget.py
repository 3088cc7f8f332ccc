"""The time an action run may spend waiting for the backend (issue 6).

Every backend call spends from a :class:`TimeBudget` (``backend_turn_budget_seconds``).
Inside :func:`run_budget` (one action run) all calls share one budget; outside it each
call has its own. A request's timeouts are cut to what is left, a retry is made only when
the backoff and another attempt still fit (:class:`StopWhenOutOfTime`), and a call with
less than :data:`MIN_ATTEMPT_SECONDS` left is not made. docs/reliability.md has the
arithmetic.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Optional

from tenacity import RetryCallState
from tenacity.stop import stop_base

# No request (and no retry) is started with less time than this left in the budget: a
# healthy backend answers in milliseconds, but an attempt cut to almost nothing would
# only turn a slow answer into a timeout.
MIN_ATTEMPT_SECONDS = 0.25


class TimeBudget:
    """What is left of an action run's time for backend calls (monotonic clock)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self.deadline = clock() + seconds

    def remaining(self) -> float:
        return self.deadline - self._clock()


class StopWhenOutOfTime(stop_base):
    """No retry unless the backoff and one more attempt still fit in the budget."""

    def __init__(self, budget: TimeBudget) -> None:
        self.budget = budget

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.budget.remaining() < retry_state.upcoming_sleep + MIN_ATTEMPT_SECONDS


# The budget of the action run in progress (a context variable: concurrent runs of the
# action server each see their own).
_current: ContextVar[Optional[TimeBudget]] = ContextVar("backend_run_budget", default=None)


def current_budget() -> Optional[TimeBudget]:
    """The budget of the action run in progress, or ``None`` outside a run."""
    return _current.get()


@contextmanager
def run_budget(new_budget: Callable[[], TimeBudget]) -> Iterator[TimeBudget]:
    """One budget for every backend call inside the block (nested: the outer one)."""
    current = _current.get()
    if current is not None:
        yield current
        return
    budget = new_budget()
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)
