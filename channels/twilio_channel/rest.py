"""Sends a reply that was not ready within the webhook call through Twilio's REST API."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx

from channels.common.text import split_text
from channels.twilio_channel.config import TwilioConfig
from channels.twilio_channel.output import Outgoing

logger = logging.getLogger(__name__)


class TwilioRestSender:
    def __init__(self, config: TwilioConfig, timeout_seconds: float = 15.0) -> None:
        self.config = config
        self.timeout = timeout_seconds

    @property
    def messages_url(self) -> str:
        base = self.config.api_base_url.rstrip("/")
        return f"{base}/2010-04-01/Accounts/{self.config.account_sid}/Messages.json"

    async def send(
        self, from_number: str, to: str, parts: Sequence[Outgoing], max_chars: int
    ) -> int:
        """Send every part as its own message; returns how many Twilio accepted."""
        accepted = 0
        auth = (self.config.account_sid, self.config.auth_token)
        async with httpx.AsyncClient(timeout=self.timeout, auth=auth) as client:
            for part in parts:
                chunks = split_text(part.text, max_chars) if part.text else [""]
                for index, chunk in enumerate(chunks):
                    data = {"From": from_number, "To": to, "Body": chunk}
                    if part.media_url and index == len(chunks) - 1:
                        data["MediaUrl"] = part.media_url
                    try:
                        reply = await client.post(self.messages_url, data=data)
                    except httpx.HTTPError:
                        logger.exception("twilio: sending a late reply failed")
                        return accepted
                    if reply.status_code >= 400:
                        logger.error("twilio: a late reply was refused (%s)", reply.status_code)
                        return accepted
                    accepted += 1
        return accepted
