"""A short-lived, bounded cache of computed metrics per (range, channel).

Computing a quarter's metrics takes seconds on a large store (docs/dashboard.md);
an analyst flipping between filters or reloading should not pay it each time. Entries
live ``ttl`` (so the page is at most that stale) and the oldest go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")


class TtlCache(Generic[T]):
    def __init__(self, ttl: timedelta = timedelta(seconds=60), size: int = 32) -> None:
        self.ttl = ttl
        self.size = size
        self._items: OrderedDict[Hashable, tuple[datetime, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, now: datetime, compute: Callable[[], T]) -> T:
        with self._lock:
            found = self._items.get(key)
            if found is not None and found[0] > now - self.ttl:
                return found[1]
        value = compute()  # outside the lock: other keys are not held up
        with self._lock:
            self._items[key] = (now, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
