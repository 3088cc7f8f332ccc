from __future__ import annotations

from collections.abc import Callable
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

    settings = Settings(demo_mode=True, rest_jwt_secret=SecretStr(""))
    open_rest = "rest (open: demo mode, no TCN_REST_JWT_SECRET)"
    assert _live_channels({}, settings) == [open_rest, "socketio (web widget)"]
    live = _live_channels(
        {"TCN_TELEGRAM_BOT_TOKEN": "123:abc", "TCN_TELEGRAM_MODE": "polling"}, settings
    )
    assert live == [open_rest, "socketio (web widget)", "telegram"]


REAL_REST_SECRET = "r" * 32


@pytest.mark.parametrize(
    "secret", ["", "   ", "demo-rest-jwt-secret-change-me-0123456789", "r" * 31]
)
def test_outside_demo_mode_a_missing_or_weak_rest_secret_refuses_to_start(secret: str) -> None:
    settings = Settings(
        demo_mode=False,
        service_key=SecretStr("k" * 32),
        token_secret=SecretStr("t" * 32),
        rest_jwt_secret=SecretStr(secret),
    )
    with pytest.raises(ValueError, match="TCN_REST_JWT_SECRET must be set") as refused:
        settings.check_rasa_secrets()
    if secret.strip():
        assert secret not in str(refused.value)


def test_the_rest_secret_is_accepted_when_real_and_optional_in_demo_mode() -> None:
    Settings(demo_mode=False, rest_jwt_secret=SecretStr(REAL_REST_SECRET)).check_rasa_secrets()
    Settings(demo_mode=True).check_rasa_secrets()  # the open channel of a local demo


def test_the_backend_does_not_need_the_rest_secret() -> None:
    """Only Rasa uses it: `serve`, `seed`, `operator add` ... start without it."""
    Settings(
        demo_mode=False, service_key=SecretStr("k" * 32), token_secret=SecretStr("t" * 32)
    ).check_secrets()


@pytest.mark.parametrize(
    "secret", ["", "demo-rest-jwt-secret-change-me-0123456789", "r" * 31, "r" * 32, "r" * 64]
)
@pytest.mark.parametrize("demo_mode", [True, False])
def test_the_launcher_refuses_exactly_what_the_rasa_channel_refuses(
    secret: str, demo_mode: bool
) -> None:
    from channels.rest_config import RestConfig, RestSettings

    def refused(check: Callable[[], object]) -> bool:
        try:
            check()
        except ValueError:
            return True
        return False

    rasa = refused(lambda: RestConfig.from_credentials(
        {}, RestSettings(demo_mode=demo_mode, rest_jwt_secret=SecretStr(secret))
    ))
    settings = Settings(demo_mode=demo_mode, rest_jwt_secret=SecretStr(secret))
    assert refused(settings.check_rasa_secrets) == rasa
    assert settings.rest_authenticated == bool(secret)


def test_the_rest_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TCN_REST_JWT_SECRET", REAL_REST_SECRET)
    settings = Settings()
    assert settings.rest_authenticated
    assert REAL_REST_SECRET not in repr(settings)


def test_rasa_reads_the_rest_secret_the_launcher_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The launcher exports its settings object's secret (what check_rasa_secrets
    accepted), and credentials.yml hands it to the REST channel, whatever else the
    environment held."""
    import re

    import yaml

    from bot.settings import ROOT
    from channels.rest_config import RestConfig, RestSettings

    def rest_entry(env: dict[str, str]) -> dict[str, str]:
        """credentials.yml's REST entry with its ${VAR}s filled as Rasa fills them."""
        entry = yaml.safe_load((ROOT / "credentials.yml").read_text())[
            "channels.rest_input.AnsweringRestInput"]
        return {k: re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], v)
                for k, v in entry.items()}

    monkeypatch.setenv("TCN_REST_JWT_SECRET", "s" * 40)
    monkeypatch.delenv("TCN_REST_REPLY_DEADLINE_SECONDS", raising=False)
    settings = Settings(
        var_dir=tmp_path, demo_mode=False, rest_jwt_secret=SecretStr(REAL_REST_SECRET)
    )
    settings.check_rasa_secrets()
    env = process_env(settings, extra={})
    assert env["TCN_REST_JWT_SECRET"] == REAL_REST_SECRET
    config = RestConfig.from_credentials(rest_entry(env), RestSettings(demo_mode=False))
    assert config.jwt_secret == REAL_REST_SECRET
    assert config.reply_deadline_seconds == 10  # exported empty: the default

    open_demo = process_env(
        Settings(var_dir=tmp_path, demo_mode=True, rest_jwt_secret=SecretStr("")), extra={}
    )
    assert open_demo["TCN_REST_JWT_SECRET"] == ""
