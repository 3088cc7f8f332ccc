from __future__ import annotations

import re

from channels.status import ENV, SNIPPET, channel_defaults, live_channels

CREDENTIALS = SNIPPET.parents[1] / "credentials.yml"

FULL = {
    "TCN_TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TCN_TWILIO_AUTH_TOKEN": "token",
    "TCN_TWILIO_SMS_WEBHOOK_URL": "https://bot.example/webhooks/twilio_sms/webhook",
    "TCN_TWILIO_WHATSAPP_WEBHOOK_URL": "https://bot.example/webhooks/twilio_whatsapp/webhook",
    "TCN_TELEGRAM_BOT_TOKEN": "123:abc",
    "TCN_TELEGRAM_WEBHOOK_SECRET": "secret",
}


def test_only_the_widget_is_live_without_credentials() -> None:
    assert live_channels({}) == ["socketio"]
    assert live_channels(dict.fromkeys(ENV.values(), "")) == ["socketio"]


def test_every_channel_with_its_credentials() -> None:
    assert live_channels(FULL) == ["socketio", "twilio_sms", "twilio_whatsapp", "telegram"]


def test_each_credential_matters() -> None:
    for name in FULL:
        env = {**FULL, name: ""}
        live = live_channels(env)
        assert len(live) < 4, name
    assert live_channels({**FULL, "TCN_TWILIO_WHATSAPP_WEBHOOK_URL": ""}) == [
        "socketio",
        "twilio_sms",
        "telegram",
    ]


def test_telegram_polling_needs_no_secret() -> None:
    env = {"TCN_TELEGRAM_BOT_TOKEN": "123:abc", "TCN_TELEGRAM_MODE": "polling"}
    assert live_channels(env) == ["socketio", "telegram"]
    assert live_channels({**env, "TCN_TELEGRAM_MODE": "pigeon"}) == ["socketio"]


REST_ENV = {"TCN_REST_JWT_SECRET", "TCN_REST_REPLY_DEADLINE_SECONDS"}


def test_snippet_reads_exactly_the_listed_variables() -> None:
    """The snippet (Twilio and Telegram, what bench/channel_latency.py starts) reads every
    listed variable but the REST channel's, which only credentials.yml names."""
    used = set(re.findall(r"\$\{(TCN_[A-Z_]+)\}", SNIPPET.read_text()))
    assert set(ENV.values()) >= REST_ENV
    assert used == set(ENV.values()) - REST_ENV


def test_credentials_yml_reads_only_listed_variables() -> None:
    """Every ${VAR} of credentials.yml is exported by the launcher, empty when unset."""
    used = set(re.findall(r"\$\{(TCN_[A-Z_]+)\}", CREDENTIALS.read_text()))
    assert used >= REST_ENV
    assert used <= set(ENV.values())
    assert used <= set(channel_defaults({}, {}))


def test_without_a_dotenv_defaults_fill_only_what_is_missing_with_empty() -> None:
    defaults = channel_defaults({"TCN_TELEGRAM_BOT_TOKEN": "x"}, {})
    assert "TCN_TELEGRAM_BOT_TOKEN" not in defaults
    assert set(defaults) == set(ENV.values()) - {"TCN_TELEGRAM_BOT_TOKEN"}
    assert set(defaults.values()) == {""}
