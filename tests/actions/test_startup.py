"""The action server refuses placeholder secrets outside demo mode (unit level).

The process-level check (the real ``rasa run actions`` exits non-zero and never
listens) is ``tests/e2e/test_http_surfaces.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from actions.settings import ActionSettings, get_settings
from actions.startup import refuse_bad_secrets


@pytest.fixture()
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("key", ["", "demo-service-key-change-me", "short"])
def test_outside_demo_mode_a_bad_service_key_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="TCN_SERVICE_KEY"):
        ActionSettings(demo_mode=False, service_key=SecretStr(key)).check_secrets()


def test_demo_mode_accepts_the_placeholder_and_real_keys_pass() -> None:
    ActionSettings().check_secrets()
    ActionSettings(demo_mode=False, service_key=SecretStr("k" * 32)).check_secrets()


def test_start_up_exits_with_a_clear_line(
    fresh_settings: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TCN_DEMO_MODE", "false")
    monkeypatch.delenv("TCN_SERVICE_KEY", raising=False)
    with pytest.raises(SystemExit) as stopped:
        refuse_bad_secrets()
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: TCN_SERVICE_KEY") and "demo-service" not in err


def test_start_up_passes_in_demo_mode(
    fresh_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TCN_DEMO_MODE", "true")
    refuse_bad_secrets()


def test_request_urls_with_phone_numbers_stay_out_of_the_default_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    import httpx

    from actions.startup import QUIET_LOGGERS, quiet_request_logs

    url = "http://backend.invalid/api/v1/identity/sessions/twilio_sms/+12025550101"
    transport = httpx.MockTransport(lambda request: httpx.Response(404))
    caplog.set_level(logging.INFO)
    saved = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    try:
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.NOTSET)
        with httpx.Client(transport=transport) as client:
            client.get(url)
        assert "+12025550101" in caplog.text  # what httpx logs at INFO by default
        caplog.clear()
        quiet_request_logs()
        with httpx.Client(transport=transport) as client:
            client.get(url)
        assert "+12025550101" not in caplog.text
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
