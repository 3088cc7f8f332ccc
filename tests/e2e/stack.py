"""Start the real backend, action server and Rasa server on free ports, for tests.

The processes are exactly those `make run` starts (bot.stack.processes), each with
its own temporary var/ folder, so the tests never touch the developer's data.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.settings import ROOT, Settings
from bot.stack import ProcessSpec, process_env, processes
from tests.ports import free_port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 500
    except OSError:
        return False


@dataclass
class RunningStack:
    settings: Settings
    env: dict[str, str]
    logs: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}/webhooks/rest/webhook"

    def say(self, sender: str, text: str) -> list[dict]:
        response = httpx.post(self.rest_url, json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return list(response.json())

    def backend(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.settings.backend_url,
            headers={"X-Service-Key": self.settings.service_key.get_secret_value()},
            timeout=10,
        )

    def fresh_customer(self, account_number: str) -> dict[str, str]:
        """A new copy of a demo identity (README's table) in its original state, with its
        own account number and phone: a test never depends on what others did first
        (a code's resend cooldown, a paid bill)."""
        with self.backend() as api:
            made = api.post(f"/api/v1/demo/personas/{account_number}/copies")
        made.raise_for_status()
        customer = dict(made.json())
        phone = customer["phone"]
        customer["phone_typed"] = f"{phone[:2]} {phone[2:5]} {phone[5:8]} {phone[8:]}"
        return customer

    def log_tail(self, lines: int = 60) -> str:
        out = []
        for path in sorted(self.logs.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(out)


# Under the e2e suites' load (several Rasa, action server and backend processes on a
# shared 2-core machine, often beside a training) a turn can take well over the REST
# channel's default reply deadline of 10 s (channels/rest_input.py); past it the request
# is answered with the "taking longer" note instead of the answer, and the test would
# fail on the load, not on the assistant. 60 s matches the clients' 60 s timeouts, so a
# turn that slow fails either way. A caller's ``extra_env`` can still set its own value.
E2E_ENV = {"TCN_REST_REPLY_DEADLINE_SECONDS": "60"}


def stack_settings(var_dir: Path) -> Settings:
    backend_port = free_port()
    return Settings(
        var_dir=var_dir,
        database_url=f"sqlite:///{var_dir / 'backend.db'}",
        tracker_store_db=str(var_dir / "conversations.db"),
        backend_port=backend_port,
        rasa_port=free_port(),
        actions_port=free_port(),
        # the portal page is served by the backend: its origin is the one CORS allows
        cors_origins=[f"http://127.0.0.1:{backend_port}"],
    )


def _start(spec: ProcessSpec, env: dict[str, str], logs: Path) -> subprocess.Popen:
    log = (logs / f"{spec.name}.log").open("wb")
    return subprocess.Popen(
        spec.argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


@contextmanager
def running_stack(
    var_dir: Path, timeout: float = 600.0, extra_env: dict[str, str] | None = None
) -> Iterator[RunningStack]:
    """``extra_env`` overrides the shared environment (e.g. the action server's
    ``TCN_BACKEND_URL`` pointed at a fault-injecting proxy)."""
    settings = stack_settings(var_dir)
    env = process_env(settings, {**E2E_ENV, **(extra_env or {})})
    logs = var_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "bot", "seed"], cwd=ROOT, env=env, check=True,
        stdout=(logs / "seed.log").open("wb"), stderr=subprocess.STDOUT,
    )
    stack = RunningStack(settings=settings, env=env, logs=logs)
    specs = processes(settings)
    try:
        for spec in specs:
            stack.procs[spec.name] = _start(spec, env, logs)
        deadline = time.monotonic() + timeout
        pending = {spec.name: spec.health_url for spec in specs}
        while pending:
            for name, url in list(pending.items()):
                if stack.procs[name].poll() is not None:
                    raise RuntimeError(f"{name} exited early:\n{stack.log_tail()}")
                if _answers(url):
                    del pending[name]
            if time.monotonic() > deadline:
                raise RuntimeError(f"not up in {timeout}s: {sorted(pending)}\n{stack.log_tail()}")
            time.sleep(0.5)
        # The first turn of a new Rasa server loads what its pipeline loads lazily and can
        # take many seconds on a loaded machine, past a channel's reply deadline: one
        # answered turn first, so no test depends on meeting a cold server.
        stack.say("stack-warm-up", "hello")
        yield stack
    finally:
        for proc in stack.procs.values():
            proc.terminate()
        for proc in stack.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
