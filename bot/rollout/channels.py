"""Rollout channels and the Rasa input channels each one covers."""

from __future__ import annotations

WEB = "web"
ROLLOUT_CHANNELS: tuple[str, ...] = (WEB, "twilio_sms", "twilio_whatsapp", "telegram")

# Rasa input channel -> rollout channel. The web widget (socketio) and the REST
# channel are both "web"; an input channel not listed here is governed as "web".
INPUT_CHANNELS: dict[str, str] = {
    "socketio": WEB,
    "rest": WEB,
    "twilio_sms": "twilio_sms",
    "twilio_whatsapp": "twilio_whatsapp",
    "telegram": "telegram",
}


def rollout_channel(input_channel: str) -> str:
    """The rollout channel governing a conversation's input channel (or a rollout name)."""
    if input_channel in ROLLOUT_CHANNELS:
        return input_channel
    return INPUT_CHANNELS.get(input_channel, WEB)
