"""Rasa's real HTTP server and input channels, with a scripted agent instead of a model.

``python -m tests.channels.rasa_harness --credentials FILE --port N [--cors ORIGIN]
[--record FILE]`` builds the app exactly as ``rasa run`` does (``configure_app`` with the
channels from the credentials file, API disabled, the given ``--cors``), then replaces
the agent by :class:`ScriptedAgent`, which answers through the message's own output
channel and appends every handled message to ``--record`` as one JSON line.

Tests use it to check what a page on another origin needs to reach the socket.io
channel, and that the custom channels load from credentials.yml as Rasa loads them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]

BUTTONS = [
    {"title": "Check my bill", "payload": "/check_bill"},
    {"title": "Pay my bill", "payload": '/pay_bill{"amount": "42.50"}'},
]


class ScriptedAgent:
    """Answers like a tiny bot: ``buttons`` offers two buttons, anything else echoes."""

    def __init__(self, record: Path | None) -> None:
        self.record = record

    async def handle_message(self, message: Any) -> None:
        if self.record is not None:
            line = {
                "text": message.text,
                "sender_id": message.sender_id,
                "input_channel": message.input_channel,
                "metadata": message.metadata,
            }
            with self.record.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(line) + "\n")
        output = message.output_channel
        if message.text == "buttons":
            await output.send_text_with_buttons(message.sender_id, "What would you like?", BUTTONS)
        elif message.text == "long":
            await output.send_text_message(message.sender_id, long_text())
        else:
            await output.send_text_message(message.sender_id, f"echo: {message.text}")


def long_text() -> str:
    sentence = "Your bill for November is 42.50 dollars and it is due on December 1. "
    return sentence * 12


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--credentials", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cors", nargs="*", default=None)
    parser.add_argument("--record", default=None)
    args = parser.parse_args(argv)

    from rasa.core import run

    input_channels = run.create_http_input_channels(None, args.credentials)
    cors: Any = args.cors[0] if args.cors and len(args.cors) == 1 else args.cors
    app = run.configure_app(input_channels, cors=cors, enable_api=False, port=args.port)
    app.ctx.agent = ScriptedAgent(Path(args.record) if args.record else None)
    app.run(host="127.0.0.1", port=args.port, workers=1, access_log=False, motd=False)


def harness_log(credentials: Path) -> Path:
    """Where :func:`rasa_harness` writes the server's output (tracebacks included)."""
    return credentials.with_suffix(".log")


@contextmanager
def rasa_harness(
    credentials: Path,
    port: int,
    *,
    cors: list[str] | None = None,
    record: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Run the harness in a subprocess; yields its base URL once it answers."""
    command = [sys.executable, "-m", "tests.channels.rasa_harness"]
    command += ["--credentials", str(credentials), "--port", str(port)]
    if cors is not None:
        command += ["--cors", *cors]
    if record is not None:
        command += ["--record", str(record)]
    log = harness_log(credentials)
    with log.open("w") as log_handle:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log_handle, stderr=subprocess.STDOUT, env=env
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the Rasa harness exited:\n{log.read_text()[-3000:]}")
                try:
                    httpx.get(url + "/", timeout=1)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the Rasa harness did not start") from None
                    time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


if __name__ == "__main__":
    main()
