"""The suite runs on the embedded defaults: no developer's environment or .env reaches it.

tests/conftest.py removes every ``TCN_`` variable but the suite's own ``TCN_TEST_*`` and
points ``TCN_ENV_FILE`` at nothing before any settings class is imported (the e2e
processes inherit that environment). Tests of .env handling itself call
:func:`read_dotenv_in` to read a working folder's .env again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def clean_environment() -> None:
    for name in [n for n in os.environ if n.startswith("TCN_") and not n.startswith("TCN_TEST_")]:
        del os.environ[name]
    os.environ["TCN_ENV_FILE"] = os.devnull


def read_dotenv_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in ``folder`` with no TCN_ variables, every settings class reading its .env."""
    from actions.settings import ActionSettings
    from bot import settings as bot_settings
    from channels.rest_config import RestSettings

    for name in [n for n in os.environ if n.upper().startswith("TCN_")]:
        monkeypatch.delenv(name)
    for cls in (bot_settings.Settings, ActionSettings, RestSettings):
        monkeypatch.setattr(cls.__config__, "env_file", ".env")
    monkeypatch.setattr(bot_settings, "ENV_FILE", ".env")
    monkeypatch.chdir(folder)
    return folder
