"""A small socket.io server that answers like Rasa 3.6's socketio channel.

It runs python-socketio's AsyncServer on aiohttp in a background thread (its own event
loop) on a free localhost port, with the same CORS setting Rasa uses
(``cors_allowed_origins=[]``), and a static file server for the widget's page on
another port, so the page talks to the socket server cross-origin as in production.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import socketio
from aiohttp import web

Reply = list[dict[str, Any]]


def default_script(message: str) -> Reply:
    """The fake assistant's answers, by what the widget sent."""
    if message in {"hi", "hello", "/greet"}:
        return [
            {"text": "Hello! I'm the TeleComNet assistant."},
            {
                "text": "What can I help you with?",
                "quick_replies": [
                    {"content_type": "text", "title": "Check my bill", "payload": "/check_bill"},
                    {"content_type": "text", "title": "Pay my bill", "payload": "/pay_bill"},
                ],
            },
        ]
    if message == "/check_bill":
        return [
            {
                "text": "Your bill is **$42.50**, due on December 1. "
                "Details: [your bill](https://portal.example.test/bills/current)"
            }
        ]
    if message == "html please":
        return [{"text": '<img src=x onerror="window.__xss=1">not html'}]
    return [{"text": f"You said: {message}"}]


@dataclass
class FakeRasaSocketIO:
    static_dir: Path
    script: Callable[[str], Reply] = default_script
    host: str = "127.0.0.1"
    session_requests: list[dict[str, Any]] = field(default_factory=list)
    user_messages: list[dict[str, Any]] = field(default_factory=list)
    hold: set[str] = field(default_factory=set)  # messages whose answer waits for release()

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runners: list[web.AppRunner] = []
        self._released: asyncio.Event | None = None
        self.socket_port = 0
        self.page_port = 0

    # --- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> FakeRasaSocketIO:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()

    @property
    def socket_url(self) -> str:
        return f"http://{self.host}:{self.socket_port}"

    @property
    def page_url(self) -> str:
        return f"http://{self.host}:{self.page_port}/"

    def release(self) -> None:
        """Let held answers go."""
        assert self._released is not None
        self._loop.call_soon_threadsafe(self._released.set)

    async def _start(self) -> None:
        self._released = asyncio.Event()
        sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[])
        self._sio = sio
        self._register(sio)
        socket_app = web.Application()
        sio.attach(socket_app, socketio_path="/socket.io")
        page_app = web.Application()
        page_app.router.add_get("/", self._index)
        page_app.router.add_static("/", self.static_dir)
        self.socket_port = await self._serve(socket_app)
        self.page_port = await self._serve(page_app)

    async def _index(self, _: web.Request) -> web.FileResponse:
        return web.FileResponse(self.static_dir / "index.html")

    async def _serve(self, app: web.Application) -> int:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self._runners.append(runner)
        server = site._server
        assert server is not None
        return int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]

    async def _stop(self) -> None:
        await self._sio.shutdown()
        for runner in self._runners:
            await runner.cleanup()
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    # --- Rasa's socketio protocol --------------------------------------------------
    def _register(self, sio: socketio.AsyncServer) -> None:
        @sio.on("session_request")
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            data = dict(data or {})
            self.session_requests.append(dict(data))
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            await sio.enter_room(sid, data["session_id"])
            await sio.emit("session_confirm", data["session_id"], room=sid)

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: dict[str, Any]) -> None:
            self.user_messages.append(dict(data))
            session_id = data.get("session_id")
            if not session_id:
                return  # Rasa ignores messages without a session id under persistence
            message = str(data.get("message", ""))
            if message in self.hold and self._released is not None:
                await self._released.wait()
            for reply in self.script(message):
                await sio.emit("bot_uttered", reply, room=session_id)
