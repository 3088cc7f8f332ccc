"""The REST channel: bearer tokens, no message text in the logs, a deadline (issue 6).

Through Rasa's real app harness (``tests/channels/rasa_harness.py``: ``configure_app`` with
the channels of a credentials file, a scripted agent that echoes and records). Its agent
never fails or stalls, so the failure and deadline tests register :class:`FaultyRestInput`,
the project's channel with a fault injected between Rasa's ``on_new_message`` and the
channel's handler (``fail ...`` raises an error quoting the message, ``stall N`` makes
Rasa take N seconds before the agent answers); :class:`FaultyRasaRestInput` is Rasa's own
channel with the same faults, the control that shows the log check can fail.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from channels.common.no_answer import NO_ANSWER_TEXT, SLOW_TEXT
from channels.rest_config import DEFAULT_DEADLINE_SECONDS, RestConfig, RestSettings
from channels.rest_input import REST_SLOW_TEXT, AnsweringRestInput
from channels.status import ENV
from tests.channels.rasa_harness import ROOT, rasa_harness
from tests.channels.sanic_server import free_port, serve_channel
from tests.e2e.rest_auth import rest_headers, rest_token

SECRET = "rest-test-secret-" + "k" * 32
OTHER_SECRET = "rest-test-other-" + "z" * 32
WEBHOOK = "/webhooks/rest/webhook"


# ------------------------------------------------------- faults, inside the harness


def _faults(on_new_message: Any) -> Any:
    async def handle(message: UserMessage) -> None:
        text = message.text or ""
        if text.startswith("fail"):
            raise RuntimeError(f"could not handle the user message {text!r}")
        if text.startswith("stall"):
            await asyncio.sleep(float(text.split()[1]))
        await on_new_message(message)

    return handle


def _log_like_rasa_run() -> None:
    """The logging ``rasa run`` sets up at its default level (INFO)."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)


class FaultyRestInput(AnsweringRestInput):
    """The project's REST channel, Rasa failing or stalling on request."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> Any:
        _log_like_rasa_run()
        return super().from_credentials(credentials)

    def blueprint(self, on_new_message: Any) -> Blueprint:
        return super().blueprint(_faults(on_new_message))


class FaultyRasaRestInput(RestInput):
    """Rasa's own REST channel with the same faults: the control."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> Any:
        _log_like_rasa_run()
        return cls()

    def blueprint(self, on_new_message: Any) -> Blueprint:
        return super().blueprint(_faults(on_new_message))


# ---------------------------------------------------------------- harness helpers


def harness_env(**values: str) -> dict[str, str]:
    """The process environment without the developer's TCN_ variables, as the launcher
    exports it for credentials.yml (channel variables empty), plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TCN_")}
    env.update(dict.fromkeys(ENV.values(), ""))
    env.update(values)
    return env


def handled(record: Path) -> list[dict[str, Any]]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text().splitlines()]


def bearer(sender: str, secret: str = SECRET, **kwargs: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {rest_token(secret, sender, **kwargs)}"}


def post(url: str, sender: str, text: str, headers: dict[str, str] | None = None,
         timeout: float = 60) -> httpx.Response:
    return httpx.post(f"{url}{WEBHOOK}", json={"sender": sender, "message": text},
                      headers=headers or {}, timeout=timeout)


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The project's credentials.yml as ``rasa run`` loads it, outside demo mode."""
    folder = tmp_path_factory.mktemp("rest-secured")
    credentials = folder / "credentials.yml"
    shutil.copyfile(ROOT / "credentials.yml", credentials)
    record = folder / "handled.jsonl"
    env = harness_env(TCN_DEMO_MODE="false", TCN_REST_JWT_SECRET=SECRET)
    with rasa_harness(credentials, free_port(), env=env, record=record) as url:
        yield url, record


# ---------------------------------------------------------------- authentication


def test_the_sender_own_token_is_answered(secured: tuple[str, Path]) -> None:
    url, record = secured
    sender = f"own-{uuid.uuid4().hex}"
    reply = post(url, sender, "hello", bearer(sender))
    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": sender, "text": "echo: hello"}]
    assert [h["sender_id"] for h in handled(record)][-1] == sender


def test_a_forged_sender_with_another_customer_token_is_refused(secured: tuple[str, Path]) -> None:
    url, record = secured
    before = handled(record)
    victim, attacker = f"victim-{uuid.uuid4().hex}", f"attacker-{uuid.uuid4().hex}"
    reply = post(url, victim, "pay my bill", bearer(attacker))
    assert reply.status_code == 403
    assert "echo" not in reply.text
    assert handled(record) == before  # nothing reached Rasa: no conversation event
    # the same token still works for its own sender: the refusal is about the sender
    assert post(url, attacker, "hi", bearer(attacker)).status_code == 200


@pytest.mark.parametrize(
    "case",
    ["no header", "not bearer", "empty bearer", "garbage", "other secret", "expired",
     "no exp", "no sub", "alg none"],
)
def test_no_valid_token_is_refused_outside_demo_mode(secured: tuple[str, Path], case: str) -> None:
    url, record = secured
    before = handled(record)
    sender = f"nt-{uuid.uuid4().hex}"
    headers = {
        "no header": {},
        "not bearer": {"Authorization": f"Basic {SECRET}"},
        "empty bearer": {"Authorization": "Bearer"},
        "garbage": {"Authorization": "Bearer not.a.token"},
        "other secret": bearer(sender, OTHER_SECRET),
        "expired": bearer(sender, ttl_seconds=-120),
        "no exp": {"Authorization": "Bearer " + _jwt({"sub": sender})},
        "no sub": {"Authorization": "Bearer " + _jwt({"exp": int(time.time()) + 60})},
        "alg none": {"Authorization": "Bearer " + _jwt_none({"sub": sender,
                                                             "exp": int(time.time()) + 60})},
    }[case]
    reply = post(url, sender, "how much is my bill?", headers)
    assert reply.status_code == 401, (case, reply.text)
    assert reply.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert handled(record) == before, case


def test_a_refused_request_says_nothing_about_the_body(secured: tuple[str, Path]) -> None:
    """Without a token even a malformed body gets 401, not 400."""
    url, _ = secured
    assert httpx.post(f"{url}{WEBHOOK}", content=b"{", timeout=60).status_code == 401
    sender = "bad-body"
    reply = httpx.post(f"{url}{WEBHOOK}", json={"sender": sender, "message": 3},
                       headers=bearer(sender), timeout=60)
    assert reply.status_code == 400


def test_the_health_route_stays_open(secured: tuple[str, Path]) -> None:
    url, _ = secured
    assert httpx.get(f"{url}/webhooks/rest/", timeout=60).json() == {"status": "ok"}


def _jwt(claims: dict[str, Any]) -> str:
    import jwt

    return jwt.encode(claims, SECRET, algorithm="HS256")


def _jwt_none(claims: dict[str, Any]) -> str:
    import base64

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.parametrize("secret", ["", "demo-rest-jwt-secret-change-me-0123456789", "too-short"])
def test_outside_demo_mode_rasa_refuses_to_start_without_a_real_secret(
    tmp_path: Path, secret: str
) -> None:
    credentials = tmp_path / "credentials.yml"
    shutil.copyfile(ROOT / "credentials.yml", credentials)
    env = harness_env(TCN_DEMO_MODE="false", TCN_REST_JWT_SECRET=secret)
    with pytest.raises(RuntimeError, match="exited") as refused, \
            rasa_harness(credentials, free_port(), env=env):
        pass
    log = str(refused.value)
    assert "error: TCN_REST_JWT_SECRET must be set to a real secret" in log
    assert "Traceback" not in log
    if secret:
        assert secret not in log


def test_rest_config_reads_the_environment_and_the_entry_wins() -> None:
    from_env = RestConfig.from_credentials(
        None, RestSettings(demo_mode=False, rest_jwt_secret=SECRET,
                           rest_reply_deadline_seconds=7)
    )
    assert (from_env.jwt_secret, from_env.demo_mode, from_env.reply_deadline_seconds) == (
        SECRET, False, 7)
    entry = RestConfig.from_credentials(
        {"jwt_secret": OTHER_SECRET, "reply_deadline_seconds": "2.5"},
        RestSettings(demo_mode=False, rest_jwt_secret=SECRET),
    )
    assert (entry.jwt_secret, entry.reply_deadline_seconds) == (OTHER_SECRET, 2.5)
    assert SECRET not in repr(from_env) and OTHER_SECRET not in repr(entry)
    # the launcher exports unset variables as empty: an empty entry falls back
    empty = RestConfig.from_credentials({"jwt_secret": ""}, RestSettings(rest_jwt_secret=SECRET))
    assert empty.jwt_secret == SECRET
    with pytest.raises(ValueError, match="TCN_REST_REPLY_DEADLINE_SECONDS"):
        RestConfig.from_credentials({"reply_deadline_seconds": "soon"}, RestSettings())
    with pytest.raises(ValueError, match="TCN_REST_REPLY_DEADLINE_SECONDS"):
        RestConfig.from_credentials({"reply_deadline_seconds": "0"}, RestSettings())


def test_empty_variables_are_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """credentials.yml names both variables, so the launcher exports them empty when unset
    (channels/status.py ENV): empty or blank means the default, not "not a number"."""
    monkeypatch.setenv("TCN_REST_REPLY_DEADLINE_SECONDS", "")
    monkeypatch.setenv("TCN_REST_JWT_SECRET", "  ")
    settings = RestSettings()
    assert settings.rest_reply_deadline_seconds == DEFAULT_DEADLINE_SECONDS
    assert settings.rest_jwt_secret.get_secret_value() == ""
    config = RestConfig.from_credentials(
        {"jwt_secret": "", "reply_deadline_seconds": ""}, settings
    )
    assert (config.authenticated, config.reply_deadline_seconds) == (
        False, DEFAULT_DEADLINE_SECONDS)
    # A value is still read, and a bad one still refused.
    monkeypatch.setenv("TCN_REST_REPLY_DEADLINE_SECONDS", "4")
    monkeypatch.setenv("TCN_REST_JWT_SECRET", SECRET)
    settings = RestSettings()
    assert settings.rest_reply_deadline_seconds == 4
    assert settings.rest_jwt_secret.get_secret_value() == SECRET
    monkeypatch.setenv("TCN_REST_REPLY_DEADLINE_SECONDS", "soon")
    with pytest.raises(ValidationError, match="rest_reply_deadline_seconds"):
        RestSettings()


def test_demo_mode_without_a_secret_stays_open_and_a_demo_secret_is_enforced() -> None:
    """The documented demo choice: no secret, no check (local demo); any secret, checked."""
    open_config = RestConfig.from_credentials(None, RestSettings(demo_mode=True))
    assert not open_config.authenticated
    demo_secret = RestConfig.from_credentials(
        None, RestSettings(demo_mode=True, rest_jwt_secret="demo-short")
    )
    assert demo_secret.authenticated


async def test_in_demo_mode_the_open_channel_answers_and_a_secret_closes_it() -> None:
    async def echo(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "echo")

    async with serve_channel(AnsweringRestInput(RestConfig()), echo) as base, \
            httpx.AsyncClient() as client:
        reply = await client.post(f"{base}{WEBHOOK}", json={"sender": "a", "message": "hi"})
    assert reply.status_code == 200
    closed = AnsweringRestInput(RestConfig(jwt_secret=SECRET, demo_mode=True))
    async with serve_channel(closed, echo) as base, httpx.AsyncClient() as client:
        refused = await client.post(f"{base}{WEBHOOK}", json={"sender": "a", "message": "hi"})
        ok = await client.post(f"{base}{WEBHOOK}", json={"sender": "a", "message": "hi"},
                               headers=bearer("a"))
    assert (refused.status_code, ok.status_code) == (401, 200)


def test_the_e2e_helper_signs_for_the_stack_secret_only() -> None:
    assert rest_headers({"TCN_REST_JWT_SECRET": ""}, "s") == {}
    header = rest_headers({"TCN_REST_JWT_SECRET": SECRET}, "s")["Authorization"]
    import jwt

    claims = jwt.decode(header.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
    assert claims["sub"] == "s" and claims["exp"] > time.time()


# ------------------------------------------------- failures and deadline, harness

FAULTY = """\
tests.channels.test_rest_auth.{cls}:
  jwt_secret: {secret}
  reply_deadline_seconds: 1
"""


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    folder = tmp_path_factory.mktemp("rest-faulty")
    credentials = folder / "credentials.yml"
    credentials.write_text(FAULTY.format(cls="FaultyRestInput", secret=SECRET))
    record = folder / "handled.jsonl"
    env = harness_env(TCN_DEMO_MODE="false")
    with rasa_harness(credentials, free_port(), env=env, record=record) as url:
        yield url, record, credentials.with_suffix(".log")


def _log_once(log: Path, logged: Callable[[str], bool], timeout: float = 30.0) -> str:
    """The harness log (written by another process) once ``logged`` holds for it, or as
    it is after ``timeout`` seconds; polled, so a slow machine waits longer, not fails."""
    deadline = time.monotonic() + timeout
    while True:
        text = log.read_text(errors="replace")
        if logged(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.1)


FAILURE_LINE = "HandlingFailed: RuntimeError"


def test_a_failure_is_answered_and_logged_without_the_message_text(
    faulty: tuple[str, Path, Path],
) -> None:
    url, _, log = faulty
    marker = f"zebra{uuid.uuid4().hex[:10]}"
    sender = f"f-{uuid.uuid4().hex}"
    failures_before = log.read_text(errors="replace").count(FAILURE_LINE)
    reply = post(url, sender, f"fail {marker}", bearer(sender))
    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": sender, "text": NO_ANSWER_TEXT}]
    text = _log_once(log, lambda t: t.count(FAILURE_LINE) > failures_before)
    assert text.count(FAILURE_LINE) > failures_before  # the failure is logged, by type
    assert marker not in text


def test_control_rasa_own_channel_logs_the_message_text(tmp_path: Path) -> None:
    """The log check above can fail: Rasa's ``RestInput`` writes the text on a failure."""
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("tests.channels.test_rest_auth.FaultyRasaRestInput:\n")
    marker = f"zebra{uuid.uuid4().hex[:10]}"
    with rasa_harness(credentials, free_port(), env=harness_env()) as url:
        reply = post(url, "c", f"fail {marker}")
        assert reply.status_code == 200 and reply.json() == []
        text = _log_once(credentials.with_suffix(".log"), lambda t: marker in t)
    assert marker in text


def test_past_the_deadline_the_request_is_answered_and_rasa_finishes_the_turn(
    faulty: tuple[str, Path, Path],
) -> None:
    url, record, _ = faulty
    sender = f"slow-{uuid.uuid4().hex}"
    started = time.monotonic()
    reply = post(url, sender, "stall 20", bearer(sender))
    elapsed = time.monotonic() - started
    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": sender, "text": REST_SLOW_TEXT}]
    # The deadline is 1 s and Rasa takes 20: only the deadline can answer this early,
    # however slow the machine (the note itself already shows it was not Rasa's answer).
    assert elapsed < 15, elapsed
    assert sender not in [h["sender_id"] for h in handled(record)]
    # Rasa was not cancelled: the turn reaches the agent after the answer went out
    deadline = time.monotonic() + 60
    while sender not in [h["sender_id"] for h in handled(record)]:
        assert time.monotonic() < deadline, "the late turn never reached the agent"
        time.sleep(0.2)
    # a quick message on the same channel is answered normally
    assert post(url, sender, "hi", bearer(sender)).json() == [
        {"recipient_id": sender, "text": "echo: hi"}
    ]


def test_with_stream_the_late_answer_follows_the_note(faulty: tuple[str, Path, Path]) -> None:
    url, _, _ = faulty
    sender = f"stream-{uuid.uuid4().hex}"
    reply = httpx.post(f"{url}{WEBHOOK}?stream=true",
                       json={"sender": sender, "message": "stall 2"},
                       headers=bearer(sender), timeout=60)
    assert reply.status_code == 200
    lines = [json.loads(line) for line in reply.text.splitlines() if line.strip()]
    assert [line["text"] for line in lines] == [SLOW_TEXT, "echo: stall 2"]


def test_a_caller_hanging_up_does_not_cancel_the_turn(faulty: tuple[str, Path, Path]) -> None:
    url, record, _ = faulty
    sender = f"gone-{uuid.uuid4().hex}"
    with pytest.raises(httpx.TimeoutException):
        post(url, sender, "stall 2", bearer(sender), timeout=0.3)
    deadline = time.monotonic() + 30
    while sender not in [h["sender_id"] for h in handled(record)]:
        assert time.monotonic() < deadline, "hanging up cancelled Rasa's handling of the turn"
        time.sleep(0.2)
