"""Fuzzing the REST and socket.io channels inside Rasa's real HTTP server.

The server is ``tests/channels/rasa_harness.py``: Rasa's own ``configure_app`` with the
channels of ``credentials.yml`` (the REST channel the project registers, the socket.io
channel of the web widget) and a scripted agent in place of the model. Hypothesis sends
malformed, huge, binary, Unicode and injection payloads; no request may get a 5xx, the
server must stay up, and a normal message must still be answered afterwards. Only
well-formed messages reach the agent (its record holds text strings only).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import engineio
import httpx
import pytest
import socketio
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.channels.rasa_harness import harness_log, rasa_harness
from tests.channels.sanic_server import free_port
from tests.channels.test_fuzz_webhooks import INJECTIONS, json_values, texts
from tests.fuzzing import examples

CREDENTIALS = """\
channels.rest_input.AnsweringRestInput:
channels.webchat.rasa_socketio.PersistentSocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""
FUZZ = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-rasa") / "handled.jsonl"


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-config") / "credentials.yml"
    path.write_text(CREDENTIALS)
    return path


@pytest.fixture(scope="module")
def harness_output(credentials: Path) -> Path:
    return harness_log(credentials)


@pytest.fixture(scope="module")
def rasa_url(credentials: Path, record: Path) -> Iterator[str]:
    with rasa_harness(credentials, free_port(), record=record) as url:
        yield url


def handled(record: Path) -> list[dict[str, Any]]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text().splitlines()]


# ---------------------------------------------------------------- REST

rest_bodies = st.one_of(
    st.binary(max_size=3000),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {},
        optional={
            "sender": st.one_of(texts, json_values),
            "message": st.one_of(texts, json_values),
            "metadata": json_values,
            "input_channel": json_values,
        },
    ).map(lambda value: json.dumps(value).encode()),
    st.sampled_from([b"{", b'{"sender": "a", "message": "' + b"x" * 300_000 + b'"}', b"null"]),
)


@FUZZ
@given(body=rest_bodies, content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_rest_channel_never_fails_on_garbage(rasa_url: str, body: bytes, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    reply = httpx.post(
        f"{rasa_url}/webhooks/rest/webhook", content=body, headers=headers, timeout=60
    )
    assert reply.status_code < 500, (reply.status_code, reply.text[:300], body[:200])


def test_rest_channel_still_answers_and_only_text_reached_the_agent(
    rasa_url: str, record: Path
) -> None:
    reply = httpx.post(
        f"{rasa_url}/webhooks/rest/webhook",
        json={"sender": "after-fuzz", "message": "hello again"},
        timeout=60,
    )
    assert reply.status_code == 200
    assert [m.get("text") for m in reply.json()] == ["echo: hello again"]
    for line in handled(record):
        assert isinstance(line["text"], str) and isinstance(line["sender_id"], str), line


def test_a_rest_caller_cannot_name_the_channel_or_set_metadata(rasa_url: str, record: Path) -> None:
    """Found while fuzzing: Rasa's REST channel takes ``input_channel`` and ``metadata``
    from the body. The backend binds a verified session to (channel, conversation id),
    and an SMS conversation's id is the customer's phone number: claiming
    ``twilio_sms`` with that number would have borrowed the SMS conversation's session."""
    reply = httpx.post(
        f"{rasa_url}/webhooks/rest/webhook",
        json={
            "sender": "+12025550102",
            "message": "claiming sms",
            "input_channel": "twilio_sms",
            "metadata": {"phone_number": "+12025550102", "phone_verified_by": "twilio_signature"},
        },
        timeout=60,
    )
    assert reply.status_code == 200
    last = handled(record)[-1]
    assert (last["text"], last["input_channel"], last["metadata"]) == ("claiming sms", "rest", None)


# ---------------------------------------------------------------- socket.io

events = st.sampled_from(["user_uttered", "session_request", "message", "bot_uttered"])
socket_payloads = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "message": st.one_of(texts, json_values),
            "session_id": st.one_of(texts, json_values, st.just("a" * 32)),
            "metadata": json_values,
            "customData": json_values,
        },
    ),
)


# What a wait may take on a loaded 2-core machine (every step answers in well under a
# second on a quiet one); the test's time limit follows from it. Examples have no
# deadline of their own: a wall-clock limit per example would fail on a slow machine.
WAIT = 20.0
SOCKET_EXAMPLES = 40
# The whole test: 40 examples took 20-30 s at load 3 on 2 cores (docs/security.md); the
# budget allows them ten times slower, and one example at its deadline.
SOCKET_BUDGET_SECONDS = 300
# What the server decodes of one POST (python-engineio; the handshake does not say it).
MAX_PACKETS_PER_POST = engineio.payload.Payload.max_decode_packets


def max_payload(url: str) -> int:
    """The largest body the server takes in one request, as its engine.io handshake says."""
    reply = httpx.get(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                      timeout=WAIT)
    reply.raise_for_status()
    assert reply.text.startswith("0"), reply.text[:200]  # engine.io's "open" packet
    return int(json.loads(reply.text[1:])["maxPayload"])


def polling_size(event: str, payload: Any) -> int:
    """Bytes ``client.emit(event, payload)`` adds to a long-polling POST (one packet)."""
    arguments = [] if payload is None else [payload]  # as AsyncClient.emit sends them
    encoded = socketio.packet.Packet(
        socketio.packet.EVENT, data=[event, *arguments], namespace="/"
    ).encode()
    message = engineio.packet.Packet(engineio.packet.MESSAGE, data=encoded)
    return len(engineio.payload.Payload(packets=[message]).encode().encode())


class PollingClient:
    """A python-socketio client on long-polling that posts as the browser's client does.

    python-engineio's client puts every queued packet into one POST. The server takes at
    most ``maxPayload`` bytes (it closes a connection whose POST is larger) and at most
    ``Payload.max_decode_packets`` (16) packets per POST: it logs a larger one as a "post
    request handler error" and drops all of it, answering 200. A burst of fuzzed events
    (16 or more, or over 1 MB) was lost with the ``session_request`` that followed it,
    and the test waited in vain for its confirmation. The browser's client (engine.io-
    client) splits its POSTs at ``maxPayload``; :meth:`emit` waits until what is queued
    has been posted before a packet would take the POST past either limit.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.queued = 0  # bytes
        self.packets = 0
        # No reconnection: a connection the server closes must show, not be replaced.
        # request_timeout: python-engineio's 5 s default gave up on POSTs a loaded
        # machine was still reading, which closes the connection too.
        self.sio = socketio.AsyncClient(reconnection=False, request_timeout=WAIT)
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.answers: asyncio.Queue[Any] = asyncio.Queue()
        self.dropped = asyncio.Event()
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("bot_uttered", self.answers.put_nowait)
        self.sio.on("disconnect", lambda *_: self.dropped.set())

    async def connect(self, url: str) -> None:
        await self.sio.connect(url, transports=["polling"], wait_timeout=WAIT)

    async def posted(self) -> None:
        """Wait until everything emitted so far has been posted."""
        await asyncio.wait_for(self.sio.eio.queue.join(), WAIT)
        self.queued = self.packets = 0

    async def emit(self, event: str, payload: Any) -> None:
        size = polling_size(event, payload)
        too_long = self.queued + 1 + size > self.limit  # 1: the packet separator
        if self.packets and (too_long or self.packets == MAX_PACKETS_PER_POST):
            await self.posted()
        await self.sio.emit(event, payload)
        self.queued += size + 1
        self.packets += 1

    async def hang_up(self) -> None:
        """Disconnect without waiting out the long-poll GET the server holds.

        ``AsyncClient.disconnect`` posts the close and then waits for the pending GET,
        which the server answers only at its next ping (25 s): every example took 30 s.
        Once the close is posted, closing the HTTP session ends that GET.
        """
        if not self.sio.connected:
            await self.sio.shutdown()
            return
        closing = asyncio.ensure_future(self.sio.disconnect())
        if self.sio.eio.write_loop_task is not None:
            await asyncio.wait_for(asyncio.shield(self.sio.eio.write_loop_task), WAIT)
        if self.sio.eio.http is not None:
            await self.sio.eio.http.close()
        await asyncio.wait_for(closing, WAIT)

    async def talk(self, text: str) -> list[str]:
        """A session as the widget opens it, then ``text``; the answers up to its echo."""
        await self.sio.emit("session_request", {"session_id": None})
        session = await _first(self.confirmed, lambda s: isinstance(s, str) and len(s) == 32)
        await self.sio.emit("user_uttered", {"message": text, "session_id": session})
        # Fuzzed messages in a fuzzed session this socket joined may be answered first.
        got = await _until(self.answers, lambda a: a.get("text") == f"echo: {text}")
        return [str(answer.get("text")) for answer in got]


@asynccontextmanager
async def connected_client(url: str, limit: int) -> AsyncIterator[PollingClient]:
    """A :class:`PollingClient` connected to ``url``, hung up on leaving."""
    client = PollingClient(limit)
    await client.connect(url)
    try:
        yield client
    finally:
        await client.hang_up()


async def _until(queue: asyncio.Queue[Any], last: Callable[[Any], bool]) -> list[Any]:
    """Items of ``queue`` up to the first ``last`` one, within :data:`WAIT` seconds."""
    got: list[Any] = []

    async def collect() -> list[Any]:
        while not got or not last(got[-1]):
            got.append(await queue.get())
        return got

    try:
        return await asyncio.wait_for(collect(), WAIT)
    except asyncio.TimeoutError:
        raise AssertionError(f"nothing matching within {WAIT} s; got {got!r}"[:2000]) from None


async def _first(queue: asyncio.Queue[Any], accept: Callable[[Any], bool]) -> Any:
    return (await _until(queue, accept))[-1]


async def _fuzz_then_talk(url: str, limit: int, sends: list[tuple[str, Any]]) -> list[str]:
    """Send ``sends``, then talk normally: on the same connection, unless one event was
    larger than the server's ``maxPayload`` (the server closes such a connection, as
    engine.io does; the widget never sends that much): then on a new one."""
    async with connected_client(url, limit) as client:
        for event, payload in sends:
            await client.emit(event, payload)
            if polling_size(event, payload) > limit:
                await asyncio.wait_for(client.dropped.wait(), WAIT)
                break
        else:
            await client.posted()
            assert not client.dropped.is_set(), "the server closed the connection"
            return await client.talk("hello again")
    async with connected_client(url, limit) as fresh:
        return await fresh.talk("hello again")


@pytest.fixture(scope="module")
def socket_limit(rasa_url: str) -> int:
    return max_payload(rasa_url)


@pytest.mark.hypothesis  # its @given is inside: make fuzz selects it by this mark
@pytest.mark.timeout(SOCKET_BUDGET_SECONDS)
def test_socketio_garbage_then_a_normal_message_is_answered(
    rasa_url: str, socket_limit: int, harness_output: Path
) -> None:
    """Fuzzed events, then a normal conversation; no handler may raise meanwhile.

    No shrinking: a failing example costs up to a few :data:`WAIT` s, and shrinking
    replays hundreds of them; Hypothesis prints the unshrunk example in full.
    """
    logged_before = harness_output.stat().st_size

    @settings(FUZZ, max_examples=examples(SOCKET_EXAMPLES),
              phases=[Phase.explicit, Phase.generate])
    @given(sends=st.lists(st.tuples(events, socket_payloads), max_size=25))
    # A burst larger than maxPayload in all (each event within it): what the stalled
    # runs sent in one POST. One event larger than maxPayload: the connection closes.
    @example(sends=[("user_uttered", {"message": "x" * 600_000})] * 2)
    @example(sends=[("message", "x" * 1_100_000), ("session_request", {})])
    @example(sends=[("message", "x")] * 16)  # with the session_request, 17 packets
    # Handlers that raised: no argument, a non-string message, non-string session ids.
    @example(sends=[("session_request", None), ("user_uttered", None)])
    @example(sends=[("user_uttered", {"message": ["a"], "session_id": "a" * 32}),
                    ("user_uttered", {"message": "hi", "session_id": {"a": 1}}),
                    ("user_uttered", {"message": "hi", "session_id": ["x", "y"]})])
    def garbage_then_a_normal_message(sends: list[tuple[str, Any]]) -> None:
        answers = asyncio.run(_fuzz_then_talk(rasa_url, socket_limit, sends))
        assert answers[-1] == "echo: hello again", answers
        assert httpx.get(f"{rasa_url}/", timeout=WAIT).status_code == 200

    garbage_then_a_normal_message()
    with harness_output.open(encoding="utf-8", errors="replace") as log:
        log.seek(logged_before)
        logged = log.read()
    assert "Traceback" not in logged, logged[-5000:]


def test_injection_strings_are_echoed_as_plain_text_over_rest(rasa_url: str) -> None:
    for text in INJECTIONS[:8]:
        reply = httpx.post(
            f"{rasa_url}/webhooks/rest/webhook", json={"sender": "inj", "message": text}, timeout=60
        )
        assert reply.status_code == 200, (text, reply.text[:200])
