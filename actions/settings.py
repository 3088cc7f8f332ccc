"""Settings of the action server process (env prefix ``TCN_``), read once."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseSettings, Field, SecretStr


class ActionSettings(BaseSettings):
    backend_url: str = "http://127.0.0.1:8000"
    service_key: SecretStr = SecretStr("demo-service-key-change-me")
    backend_timeout_seconds: float = Field(default=4.0, gt=0, le=60)
    locale: str = "en_US"
    currency: str = "USD"

    class Config:
        env_prefix = "TCN_"
        env_file = ".env"
        env_file_encoding = "utf-8"
        extra = "ignore"


@lru_cache(maxsize=1)
def get_settings() -> ActionSettings:
    return ActionSettings()
