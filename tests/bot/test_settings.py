from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import Settings
from bot.stack import process_env, processes


def test_embedded_defaults_need_no_outside_service(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'backend.db'}"
    assert settings.tracker_store_dialect == "sqlite"
    assert settings.tracker_store_db == str(tmp_path / "conversations.db")
    assert settings.lock_store_type == "in_memory"
    settings.check_secrets()  # demo mode accepts the placeholders


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TCN_BACKEND_PORT", "9123")
    monkeypatch.setenv("TCN_DATABASE_URL", "postgresql://u@127.0.0.1/x")
    settings = Settings()
    assert settings.backend_port == 9123
    assert settings.backend_url == "http://127.0.0.1:9123"
    assert settings.database_url == "postgresql://u@127.0.0.1/x"


def test_secrets_are_not_shown_in_repr() -> None:
    settings = Settings(service_key=SecretStr("a-very-long-production-secret-123"))
    assert "a-very-long-production-secret-123" not in repr(settings)


@pytest.mark.parametrize("key", ["", "demo-service-key-change-me", "short"])
def test_outside_demo_mode_placeholder_or_missing_secrets_refuse_to_start(key: str) -> None:
    settings = Settings(
        demo_mode=False,
        service_key=SecretStr(key),
        token_secret=SecretStr("x" * 40),
    )
    with pytest.raises(ValueError, match="TCN_SERVICE_KEY"):
        settings.check_secrets()


def test_outside_demo_mode_real_secrets_are_accepted() -> None:
    Settings(
        demo_mode=False,
        service_key=SecretStr("k" * 32),
        token_secret=SecretStr("t" * 32),
    ).check_secrets()


def test_rasa_yml_placeholders_all_get_a_value(tmp_path: Path) -> None:
    """Every ${VAR} in endpoints.yml and credentials.yml is exported by the launcher."""
    import re

    from bot.settings import ROOT

    env = process_env(Settings(var_dir=tmp_path), extra={})
    for name in ("endpoints.yml", "credentials.yml"):
        for var in re.findall(r"\$\{(\w+)\}", (ROOT / name).read_text()):
            assert var in env, f"{name} uses ${{{var}}} but the launcher does not export it"


def test_every_process_gets_the_same_ports(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, backend_port=8111, rasa_port=5111, actions_port=5155)
    env = process_env(settings)
    assert env["TCN_BACKEND_URL"] == "http://127.0.0.1:8111"
    assert env["TCN_ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5155/webhook"
    names = {spec.name: spec for spec in processes(settings)}
    assert set(names) == {"backend", "actions", "rasa"}
    assert "5111" in names["rasa"].argv and "5155" in names["actions"].argv
    assert "--enable-api" not in names["rasa"].argv  # Rasa's HTTP API stays off


def test_launcher_names_each_live_channel_once() -> None:
    from bot.launcher import _live_channels

    assert _live_channels({}) == ["rest", "socketio (web widget)"]
    live = _live_channels({"TCN_TELEGRAM_BOT_TOKEN": "123:abc", "TCN_TELEGRAM_MODE": "polling"})
    assert live == ["rest", "socketio (web widget)", "telegram"]
