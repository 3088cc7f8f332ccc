"""Recently fetched verified sessions, remembered per process for a moment (issue 6).

The actions of one turn each ask for the conversation's verified session; the memo
(``backend_session_memo_seconds``) answers all but the first. An entry is forgotten at
once when this process sees the identity change: a code confirmed, a sign-out, a
customer token refused, a session past its ``expires_at``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Optional

from actions.models import Session

SESSION_MEMO_MAX_ENTRIES = 10_000

SessionKey = tuple[str, str]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SessionMemo:
    """Recently fetched verified sessions (or "not verified"), by (channel, conversation).

    An entry is used for ``ttl_seconds`` at most, and never once its session's
    ``expires_at`` has passed. ``forget`` drops a conversation's entry when its identity
    changes; a fetch that started before a ``forget`` is not remembered (it may hold the
    identity from before the change).
    """

    def __init__(
        self,
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utcnow,
        max_entries: int = SESSION_MEMO_MAX_ENTRIES,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._now = now
        self._max_entries = max_entries
        self._entries: OrderedDict[SessionKey, tuple[float, Optional[Session]]] = OrderedDict()
        self.generation = 0  # bumped by every forget

    def recall(self, key: SessionKey) -> tuple[bool, Optional[Session]]:
        """``(True, session or None)`` for a fresh entry, ``(False, None)`` otherwise."""
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        stored_at, session = entry
        if self._clock() - stored_at >= self.ttl_seconds or self._expired(session):
            del self._entries[key]
            return False, None
        return True, session

    def remember(self, key: SessionKey, session: Optional[Session], generation: int) -> None:
        if self.ttl_seconds <= 0 or generation != self.generation:
            return
        self._entries[key] = (self._clock(), session)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def forget(self, key: SessionKey) -> None:
        self.generation += 1
        self._entries.pop(key, None)

    def forget_token(self, token: str) -> None:
        """A customer token was refused (expired, revoked): drop every entry holding it."""
        self.generation += 1
        for key in [k for k, (_, s) in self._entries.items() if s and s.token == token]:
            del self._entries[key]

    def _expired(self, session: Optional[Session]) -> bool:
        if session is None or session.expires_at is None:
            return False
        expires_at = session.expires_at
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=timezone.utc)
        return expires_at <= self._now()


_shared_memos: dict[str, SessionMemo] = {}


def shared_session_memo(key: str, ttl_seconds: float) -> SessionMemo:
    """The process's session memo for one backend URL (every action's client shares it)."""
    memo = _shared_memos.get(key)
    if memo is None:
        memo = SessionMemo(ttl_seconds)
        _shared_memos[key] = memo
    return memo
