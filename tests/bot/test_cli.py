from __future__ import annotations

import pytest

from bot.cli import COMMANDS, build_parser, main


def test_every_command_has_help() -> None:
    parser = build_parser()
    extra = {"seed": ["--customers", "5"], "report": ["--quarter", "2025Q1"],
             "demo-conversations": ["--quarter", "2025Q1"],
             "operator": ["add", "--username", "ops", "--role", "agent"]}
    for name in COMMANDS:
        assert parser.parse_args([name, *extra.get(name, [])])


def test_quarter_must_look_like_a_quarter(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "--quarter", "2025-Q5"])
    assert "is not a quarter like 2025Q1" in capsys.readouterr().err


def test_unknown_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_seed_customers_must_be_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["seed", "--customers", "many"])
    assert "invalid int value" in capsys.readouterr().err


def test_bad_settings_give_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.settings import get_settings

    get_settings.cache_clear()
    monkeypatch.setenv("TCN_DEMO_MODE", "false")
    monkeypatch.setenv("TCN_SERVICE_KEY", "demo-service-key-change-me")
    try:
        assert main(["migrate"]) == 2
    finally:
        get_settings.cache_clear()
    assert "TCN_SERVICE_KEY" in capsys.readouterr().err
