"""The HTTP surfaces of issue 6, on the real processes.

* Rasa's HTTP API is off: the tracker, parse, model and status routes answer 404,
  not data, on the running Rasa server.
* CORS allows the portal's origin only, on the backend, on Rasa and on the action
  server: a preflight (or a socket.io poll) from another origin gets no
  ``Access-Control-Allow-Origin``.
* Outside demo mode each service (backend, action server, launcher) refuses to start
  with a missing or placeholder secret: the real process is started with such an
  environment; it must exit non-zero, name the variable, and never listen.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from bot.settings import ROOT
from bot.stack import process_env, processes
from tests.e2e.stack import RunningStack, stack_settings

pytestmark = pytest.mark.stack

EVIL_ORIGIN = "http://evil.example"
GOOD_SECRET = "s" * 40
START_TIMEOUT = 120.0


def portal_origin(stack: RunningStack) -> str:
    return stack.settings.backend_url


def rasa_url(stack: RunningStack) -> str:
    return f"http://127.0.0.1:{stack.settings.rasa_port}"


# ---------------------------------------------------------------- Rasa HTTP API off


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/{sender}/tracker"),
        ("POST", "/conversations/{sender}/messages"),
        ("POST", "/conversations/{sender}/trigger_intent"),
        ("POST", "/conversations/{sender}/execute"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
        ("GET", "/status"),
        ("GET", "/domain"),
    ],
)
def test_the_rasa_http_api_answers_no_data(stack: RunningStack, method: str, path: str) -> None:
    sender = f"api-{uuid.uuid4().hex}"
    stack.say(sender, "hello")  # the conversation exists: a tracker could be read
    body = {"text": "how much is my bill?", "name": "check_bill", "sender": "user"}
    response = httpx.request(
        method, rasa_url(stack) + path.format(sender=sender), json=body, timeout=30
    )
    assert response.status_code in (401, 403, 404, 405), (path, response.status_code)
    # Sanic's "not found" names the URL; nothing else comes back (no events, slots, intent).
    answer = response.json()
    assert set(answer) <= {"description", "status", "message"}, answer
    assert response.status_code != 404 or "not found" in str(answer.get("message")), answer


def test_the_rasa_server_itself_answers(stack: RunningStack) -> None:
    """Guards the test above: the port is Rasa's and it is up (404s are not a dead port)."""
    response = httpx.get(rasa_url(stack) + "/", timeout=10)
    assert response.status_code == 200 and "Rasa" in response.text


# ---------------------------------------------------------------- CORS


def preflight(url: str, origin: str, method: str = "POST") -> httpx.Response:
    return httpx.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )


def allowed_origin(response: httpx.Response) -> str | None:
    return response.headers.get("access-control-allow-origin")


def test_backend_cors_allows_the_portal_origin_only(stack: RunningStack) -> None:
    url = stack.settings.backend_url + "/api/v1/identity/verifications"
    assert allowed_origin(preflight(url, portal_origin(stack))) == portal_origin(stack)
    other = preflight(url, EVIL_ORIGIN)
    assert allowed_origin(other) is None, other.headers
    simple = httpx.get(
        stack.settings.backend_url + "/health", headers={"Origin": EVIL_ORIGIN}, timeout=30
    )
    assert allowed_origin(simple) is None, simple.headers


def test_rasa_cors_allows_the_portal_origin_only(stack: RunningStack) -> None:
    rest = rasa_url(stack) + "/webhooks/rest/webhook"
    assert allowed_origin(preflight(rest, portal_origin(stack))) == portal_origin(stack)
    assert allowed_origin(preflight(rest, EVIL_ORIGIN)) is None
    poll = rasa_url(stack) + "/socket.io/?EIO=4&transport=polling"
    mine = httpx.get(poll, headers={"Origin": portal_origin(stack)}, timeout=10)
    assert allowed_origin(mine) == portal_origin(stack)
    other = httpx.get(poll, headers={"Origin": EVIL_ORIGIN}, timeout=10)
    assert allowed_origin(other) is None, other.headers
    posted = httpx.post(
        rest,
        json={"sender": f"cors-{uuid.uuid4().hex}", "message": "hi"},
        headers={"Origin": EVIL_ORIGIN},
        timeout=60,
    )
    assert allowed_origin(posted) is None, posted.headers


def test_the_action_server_allows_no_browser_origin(stack: RunningStack) -> None:
    """No page needs the action server: a browser on any origin must not read from it."""
    url = f"http://127.0.0.1:{stack.settings.actions_port}/webhook"
    for origin in (EVIL_ORIGIN, portal_origin(stack)):
        answer = preflight(url, origin)
        assert allowed_origin(answer) in (None, ""), (origin, answer.headers)
    health = httpx.get(
        f"http://127.0.0.1:{stack.settings.actions_port}/health",
        headers={"Origin": EVIL_ORIGIN},
        timeout=10,
    )
    assert health.status_code == 200
    assert allowed_origin(health) in (None, ""), health.headers


# ---------------------------------------------------------------- secrets at start-up


def listening(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
    except httpx.TransportError:
        return False
    return True


def start_service(name: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    if name == "launcher":
        argv = [sys.executable, "-m", "bot", "run"]
    else:
        spec = next(s for s in processes(stack_settings_for(env)) if s.name == name)
        argv = spec.argv
    return subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stack_settings_for(env: dict[str, str]):  # type: ignore[no-untyped-def]
    from bot.settings import Settings

    return Settings(
        var_dir=Path(env["TCN_VAR_DIR"]),
        backend_port=int(env["TCN_BACKEND_PORT"]),
        rasa_port=int(env["TCN_RASA_PORT"]),
        actions_port=int(env["TCN_ACTIONS_PORT"]),
    )


def stop_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run_until_exit_or_listening(
    proc: subprocess.Popen, ports: list[int], timeout: float = START_TIMEOUT
) -> tuple[int | None, list[int]]:
    """The exit code (None if still running) and the ports it listened on meanwhile."""
    heard: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        heard |= {port for port in ports if listening(port)}
        if proc.poll() is not None:
            return proc.returncode, sorted(heard)
        if heard:
            return None, sorted(heard)
        time.sleep(0.3)
    return proc.poll(), sorted(heard)


# The action server holds only the service key (it never signs or reads tokens).
SECRETS_OF = [
    ("backend", "TCN_SERVICE_KEY"),
    ("backend", "TCN_TOKEN_SECRET"),
    ("actions", "TCN_SERVICE_KEY"),
    ("launcher", "TCN_SERVICE_KEY"),
    ("launcher", "TCN_TOKEN_SECRET"),
]
BAD_SECRETS = {
    "missing": None,
    "empty": "",
    "placeholder": "demo-service-key-change-me",
    "short": "changeme",
}


@pytest.fixture()
def production_env(tmp_path: Path) -> dict[str, str]:
    """The environment `make run` gives its children, outside demo mode, real secrets."""
    settings = stack_settings(tmp_path)
    env = process_env(settings)
    env["TCN_DEMO_MODE"] = "false"
    env["TCN_SERVICE_KEY"] = GOOD_SECRET
    env["TCN_TOKEN_SECRET"] = "t" * 40
    return env


def service_ports(env: dict[str, str]) -> list[int]:
    return [int(env[name]) for name in ("TCN_BACKEND_PORT", "TCN_ACTIONS_PORT", "TCN_RASA_PORT")]


@pytest.mark.parametrize("case", list(BAD_SECRETS))
@pytest.mark.parametrize(("service", "variable"), SECRETS_OF)
def test_outside_demo_mode_a_bad_secret_stops_the_service(
    production_env: dict[str, str], tmp_path: Path, service: str, case: str, variable: str
) -> None:
    env = dict(production_env)
    bad = BAD_SECRETS[case]
    if bad is None:
        env.pop(variable)
    else:
        env[variable] = bad
    log = tmp_path / f"{service}.log"
    proc = start_service(service, env, log)
    try:
        code, heard = run_until_exit_or_listening(proc, service_ports(env))
    finally:
        stop_group(proc)
    output = log.read_text(errors="replace")
    assert not heard, f"{service} listened on {heard} with a {case} {variable}:\n{output[-2000:]}"
    assert code not in (None, 0), f"{service} did not exit non-zero ({code}):\n{output[-2000:]}"
    assert variable in output, f"the message names the variable:\n{output[-2000:]}"
    assert "Traceback" not in output, f"a clear message, not a traceback:\n{output[-2000:]}"
    if bad and not bad.startswith("demo-"):
        assert bad not in output, "the secret itself is not printed"


@pytest.mark.parametrize("service", ["backend", "actions"])
def test_outside_demo_mode_real_secrets_start_the_service(
    production_env: dict[str, str], tmp_path: Path, service: str
) -> None:
    """Guards the test above: the same start with real secrets listens."""
    port = int(production_env["TCN_BACKEND_PORT" if service == "backend" else "TCN_ACTIONS_PORT"])
    log = tmp_path / f"{service}.log"
    proc = start_service(service, production_env, log)
    try:
        code, heard = run_until_exit_or_listening(proc, [port])
    finally:
        stop_group(proc)
    assert heard == [port], f"exit {code}:\n{log.read_text(errors='replace')[-2000:]}"
    assert GOOD_SECRET not in log.read_text(errors="replace")


# ---------------------------------------------------------------- bound to this host


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a LISTEN socket on ``port`` (from /proc/net/tcp and tcp6)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}


@pytest.mark.parametrize("service", ["backend", "actions", "rasa"])
def test_every_service_listens_on_this_host_only(stack: RunningStack, service: str) -> None:
    """The action server trusts the tracker it is sent and Rasa's REST channel the sender
    it is told: none may be reachable from another machine (rasa-sdk binds 0.0.0.0
    unless told otherwise)."""
    port = {
        "backend": stack.settings.backend_port,
        "actions": stack.settings.actions_port,
        "rasa": stack.settings.rasa_port,
    }[service]
    addresses = listening_addresses(port)
    assert addresses, f"nothing listens on {port}"
    assert addresses <= LOOPBACK, f"{service} listens on {addresses} (hex, /proc/net/tcp)"
