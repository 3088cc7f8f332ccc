""".env files: README promises "the environment (or a git-ignored .env)".

pydantic 1.10's BaseSettings reads ``env_file`` only with python-dotenv installed and
raises ImportError on every construction while a .env exists without it; these tests
write a .env in a temporary working folder and read settings through the project's
settings classes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from actions.settings import ActionSettings
from bot.settings import ROOT, Settings
from channels.rest_config import RestSettings
from tests.isolation import read_dotenv_in


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder whose .env the settings read, with no TCN_ variables set."""
    return read_dotenv_in(tmp_path, monkeypatch)


def test_a_setting_comes_from_the_dotenv_file(workdir: Path) -> None:
    (workdir / ".env").write_text("TCN_BACKEND_PORT=9321\nTCN_DEMO_MODE=false\n")
    settings = Settings()
    assert settings.backend_port == 9321
    assert settings.backend_url == "http://127.0.0.1:9321"
    assert settings.demo_mode is False


def test_the_environment_wins_over_the_dotenv_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / ".env").write_text("TCN_BACKEND_PORT=9321\n")
    monkeypatch.setenv("TCN_BACKEND_PORT", "9322")
    assert Settings().backend_port == 9322


def test_a_copy_of_env_example_loads_with_the_embedded_defaults(workdir: Path) -> None:
    """The documented first step, `cp .env.example .env`, must not break any process."""
    shutil.copyfile(ROOT / ".env.example", workdir / ".env")
    launcher = Settings()
    assert launcher.demo_mode is True
    assert launcher.backend_port == 8000
    assert launcher.database_url.startswith("sqlite:///")
    actions = ActionSettings()
    assert actions.backend_turn_budget_seconds == 2.5
    assert actions.backend_session_memo_seconds == 2
    rest = RestSettings()  # TCN_REST_JWT_SECRET= is empty there: the open demo channel
    assert rest.rest_jwt_secret.get_secret_value() == ""
    assert rest.rest_reply_deadline_seconds == 10
