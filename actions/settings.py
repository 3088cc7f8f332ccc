"""Settings of the action server process (env prefix ``TCN_``), read once.

Outside demo mode (``TCN_DEMO_MODE=false``) a missing or placeholder service key
stops the action server at start-up (:mod:`actions.startup`).
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseSettings, Field, SecretStr

PLACEHOLDER_PREFIX = "demo-"
MIN_SECRET_LENGTH = 24


class ActionSettings(BaseSettings):
    demo_mode: bool = True
    backend_url: str = "http://127.0.0.1:8000"
    service_key: SecretStr = SecretStr("demo-service-key-change-me")
    # A customer's reply is due within 5 s even with the backend stalled: one read
    # timeout per turn (the circuit breaker fails every later call of the turn fast)
    # plus Rasa's own work. See docs/reliability.md.
    backend_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    backend_connect_timeout_seconds: float = Field(default=1.0, gt=0, le=60)
    # Circuit breaker: open after this many consecutive failures (timeouts, no
    # connection, 5xx), fail fast for the cool-down, then let one probe through.
    backend_breaker_failures: int = Field(default=1, ge=1, le=100)
    backend_breaker_cooldown_seconds: float = Field(default=5.0, ge=0, le=600)
    # Retries with backoff, only for idempotent calls (GET/DELETE, or a write carrying
    # an Idempotency-Key) and only on connection failures or 502/503/504 answers; a
    # timeout is never retried (it has used the turn's time already).
    backend_retry_attempts: int = Field(default=2, ge=1, le=5)
    backend_retry_backoff_seconds: float = Field(default=0.2, ge=0, le=5)
    locale: str = "en_US"
    currency: str = "USD"

    class Config:
        env_prefix = "TCN_"
        env_file = ".env"
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
