"""``python -m bot run``: start every process of the assistant on localhost.

honcho multiplexes their output (so the demo outbox's "[demo SMS]" lines show up
here) and stops all of them on Ctrl-C. A watcher thread prints the URLs and the
demo identities once every process answers.
"""

from __future__ import annotations

import shlex
import sys
import threading
import time
import urllib.request
from collections.abc import Mapping

from honcho.manager import Manager

from bot.settings import Settings
from bot.stack import ProcessSpec, process_env, processes


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (localhost)
            return bool(200 <= response.status < 500)
    except OSError:
        return False


def wait_until_up(specs: list[ProcessSpec], timeout: float = 240.0) -> list[str]:
    """Poll each health URL; returns the names still down when the time is up."""
    deadline = time.monotonic() + timeout
    pending = {spec.name: spec.health_url for spec in specs}
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            if _answers(url):
                del pending[name]
        time.sleep(0.5)
    return sorted(pending)


def banner(settings: Settings, env: Mapping[str, str]) -> str:
    from bot.seed import DEMO_IDENTITIES

    lines = [
        "",
        "=" * 72,
        " TeleComNet assistant is up",
        f"   chat page (portal help page):  {settings.backend_url}/",
        f"   backend API docs:              {settings.backend_url}/docs",
        f"   Rasa REST channel:             http://{settings.rasa_host}:{settings.rasa_port}"
        "/webhooks/rest/webhook",
        f"   live channels:                 {', '.join(_live_channels(env, settings))}",
        "   one-time codes are not sent anywhere in demo mode: watch for",
        "   '[demo SMS]' lines below.",
        "",
        " Demo identities (say 'how much is my bill', then give the phone or account):",
    ]
    for who in DEMO_IDENTITIES:
        lines.append(
            f"   {who['account_number']}  {who['phone']:<16} {who['name']}: {who['story']}"
        )
    if settings.demo_mode:
        from bot.operators.demo import DEMO_OPERATORS

        lines.append(f" Operator dashboard: {settings.backend_url}/dashboard/  (demo logins:")
        lines.append("   " + ", ".join(f"{user} / {password}"
                                        for user, _, password in DEMO_OPERATORS) + ")")
    lines += [" Press Ctrl-C to stop every process.", "=" * 72, ""]
    return "\n".join(lines)


def _rest_channel(settings: Settings) -> str:
    """``rest`` and whether it needs a token; open only in demo mode (:func:`run`)."""
    if settings.rest_authenticated:
        return "rest (bearer token required)"
    return "rest (open: demo mode, no TCN_REST_JWT_SECRET)"


def _live_channels(env: Mapping[str, str], settings: Settings) -> list[str]:
    from channels.status import live_channels

    names = {"socketio": "socketio (web widget)"}
    return [_rest_channel(settings), *(names.get(name, name) for name in live_channels(env))]


def run(settings: Settings) -> int:
    try:  # Rasa would refuse too, but only after the backend and action server started
        settings.check_rasa_secrets()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    specs = processes(settings)
    env = process_env(settings)
    manager = Manager()
    for spec in specs:
        manager.add_process(spec.name, shlex.join(spec.argv), env=env)

    def announce() -> None:
        down = wait_until_up(specs)
        if down:
            print(f"!! these processes did not answer in time: {', '.join(down)}", flush=True)
        else:
            print(banner(settings, env), flush=True)

    threading.Thread(target=announce, daemon=True).start()
    manager.loop()
    return int(manager.returncode or 0)
