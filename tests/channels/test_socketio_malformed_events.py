"""The socket.io channel ignores malformed events and keeps the connection usable.

Regression tests for what fuzzing found (``test_fuzz_rasa_channels.py``): handlers of
``PersistentSocketIOInput`` raised on events with no argument and on non-string messages,
and any JSON value sent as ``session_id`` became a conversation id (``5``, ``"{'a': 1}"``).
Also pins the server's ``maxPayload`` contract the fuzz client relies on.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from channels.webchat.rasa_socketio import malformed_message
from tests.channels.rasa_harness import harness_log, rasa_harness
from tests.channels.sanic_server import free_port
from tests.channels.test_fuzz_rasa_channels import (
    CREDENTIALS,
    connected_client,
    max_payload,
    polling_size,
)

SESSION = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (None, "the payload is not an object"),
        (["hi"], "the payload is not an object"),
        ({"message": ["hi"], "session_id": SESSION}, "the message is not a string"),
        ({"message": {"text": "hi"}, "session_id": SESSION}, "the message is not a string"),
        ({"message": "hi"}, "no session id this server hands out"),
        ({"message": "hi", "session_id": 5}, "no session id this server hands out"),
        ({"message": "hi", "session_id": {"a": 1}}, "no session id this server hands out"),
        ({"message": "hi", "session_id": "a"}, "no session id this server hands out"),
        ({"message": "hi", "session_id": SESSION.upper()}, "no session id this server hands out"),
    ],
)
def test_malformed_messages_are_named(data: Any, problem: str) -> None:
    assert malformed_message(data, session_persistence=True) == problem


def test_well_formed_messages_pass() -> None:
    assert malformed_message({"message": "hi", "session_id": SESSION},
                             session_persistence=True) is None
    assert malformed_message({"session_id": SESSION}, session_persistence=True) is None
    # Without persistence Rasa uses the socket id: the session id is not read.
    assert malformed_message({"message": "hi", "session_id": 5}, session_persistence=False) is None


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    folder = tmp_path_factory.mktemp("socketio-malformed")
    credentials = folder / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    record = folder / "handled.jsonl"
    with rasa_harness(credentials, free_port(), record=record) as url:
        yield url, record, harness_log(credentials)


def handled_senders(record: Path) -> list[str]:
    if not record.exists():
        return []
    return [json.loads(line)["sender_id"] for line in record.read_text().splitlines()]


MALFORMED = [
    ("session_request", None),
    ("user_uttered", None),
    ("user_uttered", ["hi"]),
    ("user_uttered", {"message": ["a"], "session_id": SESSION}),
    ("user_uttered", {"message": "hi", "session_id": 5}),
    ("user_uttered", {"message": "hi", "session_id": {"a": 1}}),
    ("user_uttered", {"message": "hi", "session_id": "guessable"}),
]


async def _malformed_then_talk(url: str, limit: int) -> tuple[list[str], bool]:
    async with connected_client(url, limit) as client:
        for event, payload in MALFORMED:
            await client.emit(event, payload)
        await client.posted()
        return await client.talk("still here"), client.dropped.is_set()


def test_malformed_events_raise_nothing_reach_no_conversation_and_keep_the_socket(
    served: tuple[str, Path, Path],
) -> None:
    url, record, log = served
    logged_before = log.stat().st_size
    handled_before = len(handled_senders(record))
    answers, dropped = asyncio.run(_malformed_then_talk(url, max_payload(url)))
    assert answers[-1] == "echo: still here"
    assert not dropped
    # Only the normal message reached the agent, under a session id the server gave out.
    senders = handled_senders(record)[handled_before:]
    assert len(senders) == 1 and len(senders[0]) == 32, senders
    with log.open(encoding="utf-8", errors="replace") as output:
        output.seek(logged_before)
        logged = output.read()
    assert "Traceback" not in logged, logged[-5000:]


async def _one_event_of(url: str, limit: int, size: int) -> tuple[bool, list[str]]:
    """Emit one event whose POST is ``size`` bytes; was the connection closed? Then talk
    on the same connection if it is open, on a new one if not."""
    filler = "x" * (size - polling_size("message", ""))
    assert polling_size("message", filler) == size
    async with connected_client(url, limit) as client:
        await client.emit("message", filler)
        await client.posted()
        try:
            await asyncio.wait_for(client.dropped.wait(), 3)
        except asyncio.TimeoutError:
            return False, await client.talk(f"after {size}")
    async with connected_client(url, limit) as fresh:
        return True, await fresh.talk(f"after {size}")


def test_an_event_of_max_payload_bytes_is_taken_one_byte_more_closes_only_that_connection(
    served: tuple[str, Path, Path],
) -> None:
    url, _, _ = served
    limit = max_payload(url)
    assert limit == 1_000_000  # python-engineio's default; Rasa does not change it
    closed, answers = asyncio.run(_one_event_of(url, limit, limit))
    assert (closed, answers[-1]) == (False, f"echo: after {limit}")
    closed, answers = asyncio.run(_one_event_of(url, limit, limit + 1))
    assert (closed, answers[-1]) == (True, f"echo: after {limit + 1}")
