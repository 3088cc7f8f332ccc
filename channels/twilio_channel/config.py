"""Settings of a Twilio messaging channel, read from its credentials.yml entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

DEFAULT_API_BASE_URL = "https://api.twilio.com"
REPLY_WITHIN_SECONDS = 12.0  # Twilio gives up on a webhook after 15 s
SMS_MAX_CHARS = 320  # two GSM-7 segments: short enough to arrive in order and readable
WHATSAPP_MAX_CHARS = 1600  # Twilio's limit for one WhatsApp message body


def _text(credentials: Mapping[str, Any], key: str) -> str:
    value = credentials.get(key)
    return "" if value is None else str(value).strip()


def _seconds(raw: str) -> float:
    try:
        value = float(raw) if raw else REPLY_WITHIN_SECONDS
    except ValueError:
        return REPLY_WITHIN_SECONDS
    return min(max(value, 0.05), 14.0)


@dataclass(frozen=True)
class TwilioConfig:
    """``account_sid``, ``auth_token`` and ``webhook_url`` (the public URL configured in
    Twilio's console for this number, exactly as Twilio calls it) enable the channel;
    if any is empty the channel is disabled and its webhook answers 503."""

    account_sid: str = ""
    auth_token: str = ""
    webhook_url: str = ""
    max_chars: Optional[int] = None  # None: the channel's own default
    # An answer not ready within this time is sent later through the REST API.
    reply_within_seconds: float = REPLY_WITHIN_SECONDS
    api_base_url: str = DEFAULT_API_BASE_URL
    # Redis URL for the channel's memory (seen ids, offered options, opt-outs); empty:
    # kept in the process.
    state_url: str = ""

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> TwilioConfig:
        credentials = credentials or {}
        raw_max = _text(credentials, "max_chars")
        return cls(
            account_sid=_text(credentials, "account_sid"),
            auth_token=_text(credentials, "auth_token"),
            webhook_url=_text(credentials, "webhook_url"),
            max_chars=max(40, min(int(raw_max), WHATSAPP_MAX_CHARS)) if raw_max.isdigit() else None,
            reply_within_seconds=_seconds(_text(credentials, "reply_within_seconds")),
            api_base_url=_text(credentials, "api_base_url") or DEFAULT_API_BASE_URL,
            state_url=_text(credentials, "state_url"),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.webhook_url)

    def __repr__(self) -> str:  # never print the auth token
        return (
            f"TwilioConfig(account_sid={self.account_sid!r}, webhook_url={self.webhook_url!r}, "
            f"state={'redis' if self.state_url else 'memory'}, enabled={self.enabled})"
        )
