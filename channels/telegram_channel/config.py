"""Settings of the Telegram channel, read from its credentials.yml entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
MODES = ("webhook", "polling")


def _text(credentials: Mapping[str, Any], key: str) -> str:
    value = credentials.get(key)
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class TelegramConfig:
    """``token`` from @BotFather; in webhook mode (the default) ``webhook_secret`` is the
    ``secret_token`` Telegram echoes in ``X-Telegram-Bot-Api-Secret-Token``; in polling
    mode no public URL is needed. ``api_base_url`` points at the Bot API (a local fake in
    tests). ``webhook_url``, if set, is registered with ``setWebhook`` at start-up."""

    token: str = ""
    webhook_secret: str = ""
    mode: str = "webhook"
    api_base_url: str = DEFAULT_API_BASE_URL
    webhook_url: str = ""
    state_url: str = ""  # Redis URL for seen update ids; empty: kept in the process

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> TelegramConfig:
        credentials = credentials or {}
        mode = _text(credentials, "mode").lower() or "webhook"
        if mode not in MODES:
            raise ValueError(f"telegram mode must be one of {MODES}, not {mode!r}")
        return cls(
            token=_text(credentials, "token"),
            webhook_secret=_text(credentials, "webhook_secret"),
            mode=mode,
            api_base_url=_text(credentials, "api_base_url") or DEFAULT_API_BASE_URL,
            webhook_url=_text(credentials, "webhook_url"),
            state_url=_text(credentials, "state_url"),
        )

    @property
    def enabled(self) -> bool:
        if not self.token:
            return False
        return self.mode == "polling" or bool(self.webhook_secret)

    def __repr__(self) -> str:  # never print the token or the secret
        return (
            f"TelegramConfig(mode={self.mode!r}, api_base_url={self.api_base_url!r}, "
            f"webhook_url={self.webhook_url!r}, enabled={self.enabled})"
        )
