"""Settings of the REST channel: its token secret, its reply deadline, the demo mode.

Read once, when Rasa builds the channel from its ``credentials.yml`` entry
(:meth:`RestConfig.from_credentials`). A key of the entry wins when it is not empty;
otherwise the value comes from the environment (or ``.env``) through
:class:`RestSettings`, the same ``TCN_`` variables and defaults as ``bot/settings.py``:

- ``TCN_REST_JWT_SECRET`` (entry key ``jwt_secret``): the HS256 key of the bearer tokens
  the channel accepts. Set, every POST needs ``Authorization: Bearer <JWT>`` whose
  ``sub`` is the body's ``sender`` and which carries ``exp``. Empty: no authentication,
  allowed in demo mode only (Rasa binds 127.0.0.1 there, the data is demo data).
  Outside demo mode (``TCN_DEMO_MODE=false``) a missing, ``demo-`` placeholder or short
  secret stops the Rasa server at start-up.
- ``TCN_REST_REPLY_DEADLINE_SECONDS`` (entry key ``reply_deadline_seconds``, default
  10): past it the HTTP request is answered that the message takes longer
  (``channels/rest_input.py``) while Rasa goes on handling it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

from pydantic import BaseSettings, Field, SecretStr, validator
from pydantic.fields import ModelField

from bot.settings import ENV_FILE, PLACEHOLDER_PREFIX

SECRET_ENV = "TCN_REST_JWT_SECRET"  # noqa: S105 (the variable's name)
DEADLINE_ENV = "TCN_REST_REPLY_DEADLINE_SECONDS"
DEFAULT_DEADLINE_SECONDS = 10.0
MAX_DEADLINE_SECONDS = 290.0  # below Rasa's own 5 minutes for an action
MIN_SECRET_CHARS = 32  # HS256 wants a key at least as long as its 256-bit hash


class RestSettings(BaseSettings):
    """The channel's variables in the environment (prefix ``TCN_``) or ``.env``."""

    demo_mode: bool = True
    rest_jwt_secret: SecretStr = SecretStr("")
    rest_reply_deadline_seconds: float = Field(
        default=DEFAULT_DEADLINE_SECONDS, gt=0, le=MAX_DEADLINE_SECONDS
    )

    class Config:
        env_prefix = "TCN_"
        env_file = ENV_FILE
        env_file_encoding = "utf-8"

    @validator("rest_jwt_secret", "rest_reply_deadline_seconds", pre=True)
    def _empty_is_unset(cls, value: Any, field: ModelField) -> Any:
        """An empty (or blank) value is the default: the launcher exports every variable
        credentials.yml names, empty when unset, and ``KEY=`` in ``.env`` means unset too."""
        if isinstance(value, str) and not value.strip():
            return field.default
        return value


def _text(credentials: Mapping[str, Any], key: str) -> str:
    value = credentials.get(key)
    return "" if value is None else str(value).strip()


def _deadline(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{DEADLINE_ENV} must be a number of seconds, not {raw!r}") from None
    if not 0 < value <= MAX_DEADLINE_SECONDS:
        raise ValueError(f"{DEADLINE_ENV} must be above 0 and at most {MAX_DEADLINE_SECONDS:g}")
    return value


@dataclass(frozen=True)
class RestConfig:
    """The REST channel's settings. The defaults (no secret, demo mode) are the open
    channel of a local demo; Rasa always builds it through :meth:`from_credentials`."""

    jwt_secret: str = ""
    demo_mode: bool = True
    reply_deadline_seconds: float = DEFAULT_DEADLINE_SECONDS

    @classmethod
    def from_credentials(
        cls,
        credentials: Optional[Mapping[str, Any]],
        settings: Optional[RestSettings] = None,
    ) -> RestConfig:
        """The entry's values, else the environment's; checked (:meth:`check`)."""
        credentials = credentials or {}
        settings = settings if settings is not None else RestSettings()
        raw_deadline = _text(credentials, "reply_deadline_seconds")
        config = cls(
            jwt_secret=_text(credentials, "jwt_secret")
            or settings.rest_jwt_secret.get_secret_value().strip(),
            demo_mode=settings.demo_mode,
            reply_deadline_seconds=_deadline(raw_deadline)
            if raw_deadline
            else settings.rest_reply_deadline_seconds,
        )
        config.check()
        return config

    @property
    def authenticated(self) -> bool:
        """Whether every message needs a valid bearer token."""
        return bool(self.jwt_secret)

    def check(self) -> None:
        """Outside demo mode, refuse a missing, placeholder or short secret."""
        if self.demo_mode:
            return
        secret = self.jwt_secret
        if not secret or secret.startswith(PLACEHOLDER_PREFIX) or len(secret) < MIN_SECRET_CHARS:
            raise ValueError(
                f"{SECRET_ENV} must be set to a real secret of at least {MIN_SECRET_CHARS} "
                "characters outside demo mode"
            )

    def __repr__(self) -> str:  # never print the secret
        return (
            f"RestConfig(authenticated={self.authenticated}, demo_mode={self.demo_mode}, "
            f"reply_deadline_seconds={self.reply_deadline_seconds})"
        )
