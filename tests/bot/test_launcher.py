"""``python -m bot run`` (bot/launcher.py): what it refuses and what its banner says."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot import launcher
from bot.settings import Settings

REAL = {"service_key": SecretStr("k" * 32), "token_secret": SecretStr("t" * 32)}


def _production(tmp_path: Path, rest_secret: str) -> Settings:
    return Settings(
        var_dir=tmp_path, demo_mode=False, rest_jwt_secret=SecretStr(rest_secret), **REAL
    )


class Started(Exception):
    """The launcher got as far as building its processes."""


def _no_start(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(settings: Settings) -> list:
        raise Started

    monkeypatch.setattr(launcher, "processes", refuse)


@pytest.mark.parametrize("secret", ["", "demo-rest-jwt-secret-change-me-0123456789", "short"])
def test_outside_demo_mode_run_refuses_before_starting_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    secret: str,
) -> None:
    _no_start(monkeypatch)
    assert launcher.run(_production(tmp_path, secret)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: TCN_REST_JWT_SECRET must be set to a real secret")
    if secret:
        assert secret not in err


def test_outside_demo_mode_a_real_rest_secret_goes_on_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guards the test above: the same run with a real secret reaches the processes."""
    _no_start(monkeypatch)
    with pytest.raises(Started):
        launcher.run(_production(tmp_path, "r" * 40))


def _rest_line(settings: Settings) -> str:
    text = launcher.banner(settings, {})
    return next(line for line in text.splitlines() if "live channels:" in line)


def test_the_banner_says_the_rest_channel_is_open_in_demo_mode_without_a_secret(
    tmp_path: Path,
) -> None:
    line = _rest_line(Settings(var_dir=tmp_path, demo_mode=True, rest_jwt_secret=SecretStr("")))
    assert "rest (open: demo mode, no TCN_REST_JWT_SECRET)" in line
    assert "token required" not in line


def test_the_banner_says_the_rest_channel_requires_a_token(tmp_path: Path) -> None:
    secret = "r" * 40
    for settings in (
        _production(tmp_path, secret),
        Settings(var_dir=tmp_path, rest_jwt_secret=SecretStr(secret)),  # demo, secret set
    ):
        text = launcher.banner(settings, {})
        assert "rest (bearer token required)" in _rest_line(settings)
        assert "open" not in _rest_line(settings)
        assert secret not in text
