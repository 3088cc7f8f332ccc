"""The processes that make up the assistant, and the environment they share.

Used by ``python -m bot run`` (through honcho) and by the end-to-end tests, which
start the very same commands on free ports.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.settings import ROOT, Settings, env_file_values

VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    health_url: str


def rasa_env(settings: Settings) -> dict[str, str]:
    """The variables that endpoints.yml, credentials.yml and the action server read."""
    return {
        # Rasa's yml placeholders.
        "TCN_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{settings.actions_port}/webhook",
        "TCN_TRACKER_STORE_DIALECT": settings.tracker_store_dialect,
        "TCN_TRACKER_STORE_URL": settings.tracker_store_url.get_secret_value(),
        "TCN_TRACKER_STORE_DB": settings.tracker_store_db,
        "TCN_LOCK_STORE_TYPE": settings.lock_store_type,
        "TCN_LOCK_STORE_URL": settings.lock_store_url,
        "TCN_LOCK_STORE_PORT": str(settings.lock_store_port),
        # The REST channel's token secret: the value check_rasa_secrets accepted.
        "TCN_REST_JWT_SECRET": settings.rest_jwt_secret.get_secret_value(),
        # The action server's settings (actions/settings.py).
        "TCN_BACKEND_URL": settings.backend_url,
        "TCN_SERVICE_KEY": settings.service_key.get_secret_value(),
        # Rasa must never try to phone home: there is no internet here.
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONUNBUFFERED": "1",
        # rasa-sdk binds the action server to $SANIC_HOST, 0.0.0.0 when unset: the action
        # server trusts the tracker it is sent, so it must be reachable from this host only.
        "SANIC_HOST": "127.0.0.1",
    }


def settings_env(settings: Settings) -> dict[str, str]:
    """The launcher's own settings, handed down so every child process agrees."""
    return {
        "TCN_DEMO_MODE": str(settings.demo_mode).lower(),
        "TCN_VAR_DIR": str(settings.var_dir),
        "TCN_DATABASE_URL": settings.database_url,
        "TCN_BACKEND_HOST": settings.backend_host,
        "TCN_BACKEND_PORT": str(settings.backend_port),
        "TCN_RASA_PORT": str(settings.rasa_port),
        "TCN_ACTIONS_PORT": str(settings.actions_port),
        "TCN_MODEL_PATH": str(settings.model_path),
        "TCN_TOKEN_SECRET": settings.token_secret.get_secret_value(),
        "TCN_CORS_ORIGINS": json.dumps(list(settings.cors_origins)),
    }


def process_env(settings: Settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(settings_env(settings))
    env.update(rasa_env(settings))
    env.update(extra or {})
    # Rasa reads credentials.yml's ${VAR}s from its environment only, and refuses to
    # start while one is unset: each channel variable the environment lacks comes from
    # .env (the settings objects' precedence), else empty (that channel stays disabled).
    from channels.status import channel_defaults

    env.update(channel_defaults(env, env_file_values()))
    return env


def cors_origins(settings: Settings) -> list[str]:
    return list(settings.cors_origins)


def processes(settings: Settings) -> list[ProcessSpec]:
    rasa = str(VENV_BIN / "rasa")
    rasa_cmd = [
        rasa, "run",
        "--model", str(settings.model_path),
        "--interface", settings.rasa_host,
        "--port", str(settings.rasa_port),
        "--credentials", str(ROOT / "credentials.yml"),
        "--endpoints", str(ROOT / "endpoints.yml"),
    ]
    # All origins after one --cors: a repeated --cors keeps only the last one.
    rasa_cmd += ["--cors", *cors_origins(settings)]
    return [
        ProcessSpec(
            "backend",
            [sys.executable, "-m", "bot", "serve"],
            f"{settings.backend_url}/health",
        ),
        ProcessSpec(
            "actions",
            [rasa, "run", "actions", "--actions", "actions",
             "--port", str(settings.actions_port)],
            f"http://127.0.0.1:{settings.actions_port}/health",
        ),
        ProcessSpec(
            "rasa",
            rasa_cmd,
            f"http://{settings.rasa_host}:{settings.rasa_port}/",
        ),
    ]
