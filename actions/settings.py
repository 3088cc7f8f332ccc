"""Settings of the action server process (env prefix ``TCN_``), read once.

Outside demo mode (``TCN_DEMO_MODE=false``) a missing or placeholder service key
stops the action server at start-up (:mod:`actions.startup`).
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseSettings, Field, SecretStr

PLACEHOLDER_PREFIX = "demo-"
MIN_SECRET_LENGTH = 24


class ActionSettings(BaseSettings):
    demo_mode: bool = True
    backend_url: str = "http://127.0.0.1:8000"
    service_key: SecretStr = SecretStr("demo-service-key-change-me")
    # A customer's reply is due within 5 s even with the backend stalled. Every action run
    # (one step of a turn: a form's validation, an ask action, a submit action) spends at
    # most ``backend_turn_budget_seconds`` waiting for the backend, timeouts and retries
    # included; Rasa's own work comes on top (0.5-2.0 s measured under load). A stalled
    # backend costs one action of the turn the budget, then the breaker fails the others
    # fast. The arithmetic is in docs/reliability.md ("Time budget of a turn").
    backend_turn_budget_seconds: float = Field(default=2.5, gt=0, le=60)
    # Per request (httpx): the read timeout, cut to what is left of the run's budget.
    backend_timeout_seconds: float = Field(default=2.5, gt=0, le=60)
    backend_connect_timeout_seconds: float = Field(default=1.0, gt=0, le=60)
    # Circuit breaker: open after this many consecutive failures (timeouts, no
    # connection, 5xx), fail fast for a cool-down, then let one probe through. The
    # cool-down depends on what a probe would cost a customer: after a timeout (a probe
    # against a stalled backend waits a whole timeout) the long one; after a fast
    # failure (connection refused, a 5xx answer) the short one (0: the next call probes).
    backend_breaker_failures: int = Field(default=1, ge=1, le=100)
    backend_breaker_cooldown_seconds: float = Field(default=2.0, ge=0, le=600)
    backend_breaker_fast_cooldown_seconds: float = Field(default=0.0, ge=0, le=600)
    # Retries with backoff, only for idempotent calls (GET/DELETE, or a write carrying
    # an Idempotency-Key) and only on connection failures or 502/503/504 answers, and
    # only while the run's budget leaves room for the wait and another attempt; a
    # timeout is never retried (it has used the turn's time already).
    backend_retry_attempts: int = Field(default=2, ge=1, le=5)
    backend_retry_backoff_seconds: float = Field(default=0.2, ge=0, le=5)
    # The conversation's verified session is remembered this long per process (every
    # action of a turn asks for it); 0 turns the memo off. Forgotten at once when this
    # process sees the identity change (code confirmed, sign-out, a refused token).
    backend_session_memo_seconds: float = Field(default=2.0, ge=0, le=30)
    locale: str = "en_US"
    currency: str = "USD"

    class Config:
        env_prefix = "TCN_"
        # As bot/settings.py's ENV_FILE (this process does not import the backend's).
        env_file = os.environ.get("TCN_ENV_FILE") or ".env"
        env_file_encoding = "utf-8"
        extra = "ignore"

    def check_secrets(self) -> None:
        """Outside demo mode, refuse a missing, placeholder or short service key."""
        if self.demo_mode:
            return
        raw = self.service_key.get_secret_value()
        if not raw or raw.startswith(PLACEHOLDER_PREFIX) or len(raw) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"TCN_SERVICE_KEY must be set to a real secret of at least {MIN_SECRET_LENGTH} "
                "characters outside demo mode"
            )


@lru_cache(maxsize=1)
def get_settings() -> ActionSettings:
    return ActionSettings()
