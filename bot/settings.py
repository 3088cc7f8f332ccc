"""The one typed settings object of a backend or launcher process.

Every value comes from the environment (prefix ``TCN_``) or a ``.env`` file and is
read once, through :func:`get_settings`. Secrets are ``SecretStr``; outside demo
mode a missing or placeholder secret stops the process at start-up.
"""

from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Optional

from pydantic import AnyHttpUrl, BaseSettings, Field, SecretStr, validator

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_PREFIX = "demo-"
# The .env file every settings object reads: relative to the working folder, as pydantic
# resolves it (``make`` runs from the repository root). TCN_ENV_FILE names another one;
# the test suite points it at nothing, so a developer's .env never changes a test.
ENV_FILE = os.environ.get("TCN_ENV_FILE") or ".env"
ENV_FILE_ENCODING = "utf-8"


class Settings(BaseSettings):
    # Demo mode: embedded defaults, demo payment gateway, demo outbox endpoint.
    demo_mode: bool = True
    var_dir: Path = ROOT / "var"

    # Backend of record.
    database_url: str = ""
    backend_host: str = "127.0.0.1"
    backend_port: int = 8000
    service_key: SecretStr = SecretStr("demo-service-key-change-me")
    token_secret: SecretStr = SecretStr("demo-token-secret-change-me")
    session_ttl_minutes: int = Field(default=15, ge=1, le=120)
    otp_ttl_minutes: int = Field(default=10, ge=1, le=10)
    otp_max_attempts: int = Field(default=5, ge=1, le=10)
    otp_resend_seconds: int = Field(default=30, ge=0)
    cors_origins: list[str] = ["http://127.0.0.1:8000", "http://localhost:8000"]
    currency: str = "USD"
    locale: str = "en_US"

    # Controlled rollout (bot/rollout, docs/rollout.md). The configuration itself lives in
    # the database and changes at run time; these are the salt and the defaults.
    rollout_salt: SecretStr = SecretStr("demo-rollout-salt-change-me")
    rollout_default_percentage: Decimal = Field(default=Decimal("0"), ge=0, le=100)
    rollout_portal_url: AnyHttpUrl = "http://127.0.0.1:8000/"  # type: ignore[assignment]
    rollout_support_phone: str = "+1 800 555 0100"

    # Messaging transport for one-time codes and notifications: "demo" or "twilio".
    sms_transport: str = "demo"
    twilio_account_sid: Optional[str] = None
    twilio_auth_token: Optional[SecretStr] = None
    twilio_from_number: Optional[str] = None
    # Email (contact-change notices): "demo" (stored, nothing sent) or "smtp".
    email_transport: str = "demo"
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: str = "starttls"  # starttls | ssl (implicit TLS, port 465) | none
    smtp_username: Optional[str] = None
    smtp_password: Optional[SecretStr] = None
    smtp_from: str = "TeleComNet <no-reply@telecomnet.example>"
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    smtp_ca_file: Optional[Path] = None  # a private CA for the SMTP server's certificate

    # Payment gateway: "demo" (documented test tokens) or a real provider.
    payment_gateway: str = "demo"
    payment_link_base_url: AnyHttpUrl = "http://127.0.0.1:8000/pay"  # type: ignore[assignment]

    # Conversation side (used by the launcher to start Rasa and the action server).
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    model_path: Path = ROOT / "models" / "telecomnet.tar.gz"
    # Rasa's conversation store: SQLite file by default, PostgreSQL in production.
    tracker_store_dialect: str = "sqlite"
    tracker_store_db: str = ""
    # Empty for SQLite; a full SQLAlchemy URL (with credentials) for PostgreSQL.
    tracker_store_url: SecretStr = SecretStr("")
    # Rasa's lock store: "in_memory" (one Rasa server) or "redis" (several).
    lock_store_type: str = "in_memory"
    lock_store_url: str = "127.0.0.1"
    lock_store_port: int = 6379

    # Operator dashboard (bot/operators, bot/dashboard): sessions, lockout, reply delivery.
    operator_session_minutes: int = Field(default=30, ge=1, le=24 * 60)  # idle expiry
    operator_session_max_hours: int = Field(default=12, ge=1, le=72)  # absolute expiry
    operator_max_failed_logins: int = Field(default=5, ge=1, le=50)
    operator_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    operator_max_logins_per_address: int = Field(default=20, ge=1)  # failures / 15 min
    dashboard_cache_seconds: int = Field(default=60, ge=0, le=3600)  # charts page staleness
    operator_cookie_secure: bool = False  # True behind HTTPS
    # Shared secret the backend presents to the Rasa socket.io channel's agent route.
    agent_relay_secret: SecretStr = SecretStr("demo-agent-relay-secret-change-me")
    # Telegram Bot API, for agent replies to Telegram customers (same bot as the channel).
    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    # `python -m bot operator add` reads the new password from here when set (else prompts).
    operator_password: Optional[SecretStr] = None
    # HS256 key of the REST channel's bearer tokens. The Rasa process reads it itself
    # (channels/rest_config.py); here the launcher checks it before starting anything
    # and says in its banner whether the channel needs a token.
    rest_jwt_secret: SecretStr = SecretStr("")

    class Config:
        env_prefix = "TCN_"
        env_file = ENV_FILE
        env_file_encoding = ENV_FILE_ENCODING

    @validator("database_url", always=True)
    def _default_database(cls, value: str, values: dict) -> str:
        if value:
            return value
        var_dir = values.get("var_dir") or ROOT / "var"
        return f"sqlite:///{Path(var_dir) / 'backend.db'}"

    @validator("tracker_store_db", always=True)
    def _default_tracker_db(cls, value: str, values: dict) -> str:
        if value:
            return value
        var_dir = values.get("var_dir") or ROOT / "var"
        return str(Path(var_dir) / "conversations.db")

    @property
    def backend_url(self) -> str:
        return f"http://{self.backend_host}:{self.backend_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    def check_secrets(self) -> None:
        """Outside demo mode, refuse to start with a missing or placeholder secret."""
        if self.demo_mode:
            return
        for name in ("service_key", "token_secret"):
            secret: SecretStr = getattr(self, name)
            raw = secret.get_secret_value()
            if not raw or raw.startswith(PLACEHOLDER_PREFIX) or len(raw) < 24:
                raise ValueError(
                    f"TCN_{name.upper()} must be set to a real secret of at least 24 "
                    "characters outside demo mode"
                )

    @property
    def rest_authenticated(self) -> bool:
        """Whether the Rasa REST channel will require a bearer token (a secret is set)."""
        return bool(self.rest_jwt_secret.get_secret_value().strip())

    def check_rasa_secrets(self) -> None:
        """Outside demo mode, refuse to start Rasa without a real REST token secret.

        The rule is the Rasa server's own (``channels.rest_config.RestConfig.check``), so
        the launcher refuses exactly what Rasa would, but before starting any process.
        Not part of :meth:`check_secrets`: the backend and the other commands do not use
        this secret and must not need it.
        """
        from channels.rest_config import RestConfig  # it imports this module

        RestConfig(
            jwt_secret=self.rest_jwt_secret.get_secret_value().strip(),
            demo_mode=self.demo_mode,
        ).check()


def env_file_values() -> dict[str, str]:
    """The variables of the ``.env`` file :class:`Settings` reads, read the way it does.

    For the processes that take their settings from the environment only (Rasa fills
    credentials.yml's ``${...}`` from it): the launcher exports each such variable from
    the environment when set there, else from here (:func:`bot.stack.process_env`), the
    precedence of ``BaseSettings``. Names are upper-cased, as pydantic matches them
    regardless of case; a bare ``NAME`` line (no ``=``) sets nothing, as for pydantic.
    """
    path = Path(ENV_FILE).expanduser()
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # pydantic's own reader of env_file

    values = dotenv_values(path, encoding=ENV_FILE_ENCODING)
    return {name.upper(): value for name, value in values.items() if value is not None}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    settings.check_secrets()
    return settings
