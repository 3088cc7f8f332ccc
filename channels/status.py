"""Which channels are live, from the same environment credentials.yml reads.

``make run`` prints this. The environment names here are the ones the
credentials.yml snippet in docs/channels.md uses; a channel whose credentials are
empty stays mounted but answers 503.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from channels.telegram_channel.config import TelegramConfig
from channels.twilio_channel.config import TwilioConfig

SNIPPET = Path(__file__).resolve().parent / "credentials.snippet.yml"

# Every variable credentials.yml reads (the snippet's and the REST channel's); the
# launcher must export each (from the environment, else .env, else empty), because Rasa
# reads them from its environment only and refuses a credentials.yml that names an
# unset variable.
ENV = {
    "twilio_account_sid": "TCN_TWILIO_ACCOUNT_SID",
    "twilio_auth_token": "TCN_TWILIO_AUTH_TOKEN",
    "twilio_sms_webhook_url": "TCN_TWILIO_SMS_WEBHOOK_URL",
    "twilio_whatsapp_webhook_url": "TCN_TWILIO_WHATSAPP_WEBHOOK_URL",
    "telegram_bot_token": "TCN_TELEGRAM_BOT_TOKEN",
    "telegram_webhook_secret": "TCN_TELEGRAM_WEBHOOK_SECRET",
    "telegram_mode": "TCN_TELEGRAM_MODE",
    "telegram_api_base_url": "TCN_TELEGRAM_API_BASE_URL",
    "telegram_webhook_url": "TCN_TELEGRAM_WEBHOOK_URL",
    "channels_state_url": "TCN_CHANNELS_STATE_URL",
    # The REST channel's entry in credentials.yml (channels/rest_config.py treats an
    # empty value as unset); not in the snippet, which is for Twilio and Telegram.
    "rest_jwt_secret": "TCN_REST_JWT_SECRET",
    "rest_reply_deadline_seconds": "TCN_REST_REPLY_DEADLINE_SECONDS",
}


def channel_defaults(env: Mapping[str, str], env_file: Mapping[str, str]) -> dict[str, str]:
    """The channel variables missing from ``env``, for the launcher: each with its value
    in ``env_file`` (the ``.env`` file's variables) when there, else empty. A variable
    set in ``env``, even empty, is left alone: the environment wins, as for settings."""
    return {name: env_file.get(name, "") for name in ENV.values() if name not in env}


def _twilio(env: Mapping[str, str], url_key: str) -> TwilioConfig:
    return TwilioConfig.from_credentials(
        {
            "account_sid": env.get(ENV["twilio_account_sid"], ""),
            "auth_token": env.get(ENV["twilio_auth_token"], ""),
            "webhook_url": env.get(ENV[url_key], ""),
        }
    )


def live_channels(env: Mapping[str, str]) -> list[str]:
    """Names of the channels that will answer, e.g. ``["socketio", "twilio_sms"]``.

    The web widget (``socketio``) needs no credentials and is always live.
    """
    live = ["socketio"]
    if _twilio(env, "twilio_sms_webhook_url").enabled:
        live.append("twilio_sms")
    if _twilio(env, "twilio_whatsapp_webhook_url").enabled:
        live.append("twilio_whatsapp")
    try:
        telegram = TelegramConfig.from_credentials(
            {
                "token": env.get(ENV["telegram_bot_token"], ""),
                "webhook_secret": env.get(ENV["telegram_webhook_secret"], ""),
                "mode": env.get(ENV["telegram_mode"], ""),
            }
        )
    except ValueError:  # a bad mode: Rasa will refuse to start and say why
        telegram = TelegramConfig()
    if telegram.enabled:
        live.append("telegram")
    return live
