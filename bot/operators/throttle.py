"""Login throttling per client address (in the backend process).

Per-account lockout (``accounts.authenticate``) stops guessing one password; this stops
one address from trying many usernames: after ``limit`` failed logins within
``window`` the address gets 429 until the oldest failure leaves the window. Kept in
memory: with several backend processes each counts its own (the lockout is shared,
in the database).
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta
from typing import Optional


class LoginThrottle:
    def __init__(self, limit: int = 20, window: timedelta = timedelta(minutes=15),
                 max_addresses: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_addresses = max_addresses
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: datetime) -> deque[datetime]:
        failures = self._failures.setdefault(address, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, address: str, now: datetime) -> Optional[int]:
        """Seconds until this address may try again, or None when it may try now."""
        with self._lock:
            failures = self._recent(address, now)
            if len(failures) < self.limit:
                return None
            return max(int((failures[0] + self.window - now).total_seconds()) + 1, 1)

    def failed(self, address: str, now: datetime) -> None:
        with self._lock:
            if len(self._failures) >= self.max_addresses and address not in self._failures:
                self._failures.clear()  # bounded memory; the per-account lockout remains
            self._recent(address, now).append(now)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)
