"""Remember which deliveries were already handled, so a retried webhook acts once."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class SeenKeys:
    """A bounded, time-limited set of delivery ids (Twilio MessageSid, Telegram update_id).

    ``first_time(key)`` is atomic: of two concurrent deliveries of the same id exactly
    one gets ``True``. In memory, per process: Rasa runs one process per channel server.
    """

    def __init__(
        self,
        ttl_seconds: float = 24 * 3600,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            self._expire(now)
            if key in self._seen:
                return False
            self._seen[key] = now
            while len(self._seen) > self._max:
                self._seen.popitem(last=False)
            return True

    def _expire(self, now: float) -> None:
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self._ttl:
                break
            del self._seen[key]

    def __len__(self) -> int:
        return len(self._seen)
