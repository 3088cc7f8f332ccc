"""A local fake of Telegram's Bot API over real HTTP (aiohttp on a free port).

python-telegram-bot talks to it through ``base_url``; it records every call and answers
with the minimal objects the library parses.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "TeleComNet", "username": "tcn_help_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@dataclass
class FakeBotAPI:
    token: str
    calls: list[Call] = field(default_factory=list)
    pending_updates: list[dict[str, Any]] = field(default_factory=list)
    fail_methods: set[str] = field(default_factory=set)
    port: int = 0
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1000))

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)``: the token is appended by the library."""
        return f"http://127.0.0.1:{self.port}/bot"

    def called(self, method: str) -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    def sent_texts(self, chat_id: int) -> list[str]:
        return [
            str(params["text"])
            for params in self.called("sendMessage")
            if int(params["chat_id"]) == chat_id
        ]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.called(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} was called {len(self.called(method))} times")
            await asyncio.sleep(0.05)

    async def handle(self, request: web.Request) -> web.Response:
        token, _, method = request.match_info["tail"].partition("/")
        if token != f"bot{self.token}":
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if request.content_type == "application/json":
            raw = await request.json()
        else:
            raw = dict(await request.post())
        params = {key: _decode(value) for key, value in raw.items()}
        self.calls.append(Call(method, params))
        if method in self.fail_methods:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: test"}, status=400
            )
        return web.json_response({"ok": True, "result": await self._result(method, params)})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "sendPhoto", "editMessageReplyMarkup"}:
            message: dict[str, Any] = {
                "message_id": params.get("message_id") or next(self._ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = str(params["text"])
            return message
        if method == "getUpdates":
            if not self.pending_updates:
                await asyncio.sleep(min(float(params.get("timeout") or 0), 0.2))
            offset = int(params.get("offset") or 0)
            updates = [u for u in self.pending_updates if u["update_id"] >= offset]
            self.pending_updates = []
            return updates
        return True


@asynccontextmanager
async def fake_bot_api(token: str) -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI(token=token)
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", api.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    api.port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
    try:
        yield api
    finally:
        await runner.cleanup()
