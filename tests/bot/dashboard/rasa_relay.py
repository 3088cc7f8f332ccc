"""A Rasa web channel with a real agent's stores, for the handoff pause and the relay.

``agent()`` is Rasa's own ``Agent`` without a model: a real ``InMemoryTrackerStore`` and
``InMemoryLockStore`` (what the relay route and the no-answer guard use). Messages are
handled by :class:`PausingBot`, which stands in for Rasa's processor the way it treats a
paused conversation (``MessageProcessor._should_handle_message``): the message is stored,
and only an unpaused conversation is answered (and paused by "agent please").
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, ConversationPaused, UserUttered
from sanic import Sanic

from channels.webchat.rasa_socketio import PersistentSocketIOInput
from tests.bot.dashboard.factories import RELAY_SECRET
from tests.channels.sanic_server import free_port


def agent() -> Agent:
    domain = Domain.empty()
    return Agent(domain=domain, tracker_store=InMemoryTrackerStore(domain),
                 lock_store=InMemoryLockStore())


@dataclass
class PausingBot:
    """Answers "echo: <text>" unless the conversation is paused; "agent please" pauses."""

    agent: Agent
    silent: bool = False  # a failure: says nothing even when not paused

    async def __call__(self, message: UserMessage) -> None:
        store = self.agent.tracker_store
        async with self.agent.lock_store.lock(message.sender_id):
            tracker = await store.get_or_create_tracker(message.sender_id)
            tracker.update(UserUttered(message.text, {"name": "x"}))
            answer = None
            if not tracker.is_paused() and not self.silent:
                answer = ("A person will contact you." if message.text == "agent please"
                          else f"echo: {message.text}")
                tracker.update(BotUttered(answer, metadata={"utter_action": "utter_x"}))
                if message.text == "agent please":
                    tracker.update(ConversationPaused())
            await store.save(tracker)
        if answer is not None:
            await message.output_channel.send_text_message(message.sender_id, answer)


def web_channel() -> PersistentSocketIOInput:
    return PersistentSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
         "session_persistence": True}
    )


@asynccontextmanager
async def rasa_web(bot: PausingBot, secret: str = RELAY_SECRET) -> AsyncIterator[str]:
    """The socket.io channel and its agent route on a Sanic app named as Rasa names it."""
    import channels.webchat.agent_relay as relay

    # Rasa's server app name (the no-answer guard finds the agent through it); in test
    # mode Sanic lets a new app take the name over.
    Sanic.test_mode = True
    app = Sanic("rasa_server", configure_logging=False)
    app.ctx.agent = bot.agent
    app.blueprint(web_channel().blueprint(bot), url_prefix="/webhooks/socketio")
    original = relay.configured_secret
    relay.configured_secret = lambda: secret  # type: ignore[assignment]
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True,
                                     access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    serving = asyncio.ensure_future(server.serve_forever())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        relay.configured_secret = original  # type: ignore[assignment]
        await server.before_stop()
        server.close()
        await server.wait_closed()
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
        await server.after_stop()


@contextmanager
def rasa_web_in_thread(bot: PausingBot, secret: str = RELAY_SECRET) -> Iterator[str]:
    """:func:`rasa_web` on its own event loop in a thread (for synchronous tests)."""
    started: list[str] = []
    ready, stop = threading.Event(), threading.Event()

    async def serve() -> None:
        async with rasa_web(bot, secret) as url:
            started.append(url)
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    ready.wait(30)
    try:
        assert started, "the Rasa web app did not start"
        yield started[0]
    finally:
        stop.set()
        thread.join(30)


def new_sender() -> str:
    return uuid.uuid4().hex
