"""Typed failures of the backend client.

Actions catch these and answer with a friendly message; the ``message`` of a
backend error is for logs only and never reaches a customer.
"""

from __future__ import annotations

from typing import Any, Optional


class BackendError(Exception):
    """The backend answered with an error envelope (4xx) the caller may handle."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str = "",
        details: Optional[dict[str, Any]] = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details: dict[str, Any] = details or {}

    def detail_int(self, name: str) -> Optional[int]:
        value = self.details.get(name)
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
        return None


class BackendUnavailable(BackendError):
    """Timeout, connection failure, 5xx or an unreadable answer: try again later.

    ``transient`` failures (timeouts, no connection, 5xx) count towards opening the
    circuit breaker; a malformed answer or a refused service key does not.
    """

    def __init__(
        self,
        reason: str,
        code: str = "backend_unavailable",
        status: int = 503,
        *,
        transient: bool = True,
    ) -> None:
        super().__init__(status, code, reason)
        self.transient = transient


class CircuitOpen(BackendUnavailable):
    """Not even tried: the circuit breaker is open after recent backend failures."""

    def __init__(self) -> None:
        super().__init__("circuit open", transient=False)


class NotVerified(BackendError):
    """The conversation has no valid verified session (never verified or expired)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(401, "not_verified", message)
