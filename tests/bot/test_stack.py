"""bot/stack.py: the environment the launcher hands Rasa and the action server.

README offers settings from "the environment (or a git-ignored .env)". Rasa reads
credentials.yml's ``${TCN_...}`` placeholders from its process environment only, so the
launcher must export each channel variable with the value pydantic's precedence gives
it: the environment, then ``.env``, then empty. These tests write a ``.env`` in a
temporary working folder, fill credentials.yml with Rasa's own reader, and look at what
the REST, Twilio and Telegram channels would be built from.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import rasa.shared.utils.io

from bot.settings import ROOT, Settings
from bot.stack import process_env
from channels.rest_config import RestConfig, RestSettings
from channels.status import ENV, live_channels
from tests.isolation import read_dotenv_in

REST = "channels.rest_input.AnsweringRestInput"
SMS = "channels.twilio_channel.TwilioSMSInput"
TELEGRAM = "channels.telegram_channel.TelegramInput"

SID = "AC" + "3" * 32
REAL_REST_SECRET = "dotenv-rest-secret-" + "x" * 24


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder whose .env the settings read, with no TCN_ variables set."""
    return read_dotenv_in(tmp_path, monkeypatch)


def _credentials(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """credentials.yml as `rasa run` reads it in a process started with ``env``."""
    for name in [n for n in os.environ if n.upper().startswith("TCN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        if name.startswith("TCN_"):
            monkeypatch.setenv(name, value)
    return dict(rasa.shared.utils.io.read_config_file(ROOT / "credentials.yml"))


def test_channel_credentials_in_dotenv_reach_rasa(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / ".env").write_text(
        f"TCN_TWILIO_ACCOUNT_SID={SID}\n"
        "TCN_TWILIO_AUTH_TOKEN=dotenv-twilio-token\n"
        "TCN_TWILIO_SMS_WEBHOOK_URL=https://bot.example/webhooks/twilio_sms/webhook\n"
        "TCN_TELEGRAM_BOT_TOKEN=123:dotenv\n"
        "TCN_TELEGRAM_MODE=polling\n"
        "TCN_REST_REPLY_DEADLINE_SECONDS=7.5   # a comment, as in .env.example\n"
    )
    env = process_env(Settings(var_dir=workdir))
    assert env["TCN_TWILIO_ACCOUNT_SID"] == SID
    assert env["TCN_TWILIO_AUTH_TOKEN"] == "dotenv-twilio-token"
    assert env["TCN_TELEGRAM_BOT_TOKEN"] == "123:dotenv"
    assert env["TCN_REST_REPLY_DEADLINE_SECONDS"] == "7.5"
    assert env["TCN_TWILIO_WHATSAPP_WEBHOOK_URL"] == ""  # in neither: still empty
    assert live_channels(env) == ["socketio", "twilio_sms", "telegram"]

    credentials = _credentials(env, monkeypatch)
    assert credentials[SMS]["auth_token"] == "dotenv-twilio-token"
    assert credentials[TELEGRAM]["token"] == "123:dotenv"
    rest = RestConfig.from_credentials(credentials[REST], RestSettings())
    assert rest.reply_deadline_seconds == 7.5


def test_the_environment_wins_over_the_dotenv_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pydantic's precedence: a variable set in the environment, even empty, wins."""
    (workdir / ".env").write_text(
        "TCN_TWILIO_AUTH_TOKEN=dotenv-token\n"
        "TCN_TELEGRAM_BOT_TOKEN=123:dotenv\n"
        "TCN_REST_REPLY_DEADLINE_SECONDS=7.5\n"
    )
    monkeypatch.setenv("TCN_TWILIO_AUTH_TOKEN", "environment-token")
    monkeypatch.setenv("TCN_TELEGRAM_BOT_TOKEN", "")
    env = process_env(Settings(var_dir=workdir), extra={"TCN_REST_REPLY_DEADLINE_SECONDS": "3"})
    assert env["TCN_TWILIO_AUTH_TOKEN"] == "environment-token"
    assert env["TCN_TELEGRAM_BOT_TOKEN"] == ""
    assert env["TCN_REST_REPLY_DEADLINE_SECONDS"] == "3"  # the caller's extra wins too


def test_without_a_dotenv_file_every_channel_variable_is_exported_empty(
    workdir: Path,
) -> None:
    env = process_env(Settings(var_dir=workdir))
    for name in ENV.values():
        if name != "TCN_REST_JWT_SECRET":  # from the settings object, empty by default
            assert env[name] == "", name
    assert env["TCN_REST_JWT_SECRET"] == ""
    assert live_channels(env) == ["socketio"]


def test_dotenv_names_match_regardless_of_case_and_a_bare_name_sets_nothing(
    workdir: Path,
) -> None:
    """As for the settings object (pydantic is case-insensitive; ``NAME`` alone is no value)."""
    (workdir / ".env").write_text("tcn_twilio_auth_token=lower-case\nTCN_TELEGRAM_BOT_TOKEN\n")
    env = process_env(Settings(var_dir=workdir))
    assert env["TCN_TWILIO_AUTH_TOKEN"] == "lower-case"
    assert env["TCN_TELEGRAM_BOT_TOKEN"] == ""


def test_a_production_dotenv_gives_rasa_the_rest_secret_the_launcher_checked(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Secret and deadline written only in .env: the launcher's check and Rasa's channel
    see the same values, through the settings object and the exported environment."""
    (workdir / ".env").write_text(
        "TCN_DEMO_MODE=false\n"
        f"TCN_SERVICE_KEY={'k' * 32}\nTCN_TOKEN_SECRET={'t' * 32}\n"
        f"TCN_REST_JWT_SECRET={REAL_REST_SECRET}\n"
        "TCN_REST_REPLY_DEADLINE_SECONDS=12\n"
    )
    settings = Settings(var_dir=workdir)
    settings.check_rasa_secrets()
    env = process_env(settings)
    assert env["TCN_DEMO_MODE"] == "false"
    credentials = _credentials(env, monkeypatch)
    rest = RestConfig.from_credentials(credentials[REST], RestSettings())
    assert rest.demo_mode is False
    assert rest.jwt_secret == REAL_REST_SECRET
    assert rest.reply_deadline_seconds == 12
