"""A local fake of Twilio's Messages REST endpoint over real HTTP (aiohttp, free port)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import BasicAuth, web


@dataclass
class FakeTwilioAPI:
    account_sid: str
    auth_token: str
    sent: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def messages(self, request: web.Request) -> web.Response:
        if request.match_info["sid"] != self.account_sid:
            return web.json_response({"code": 20404}, status=404)
        try:
            auth = BasicAuth.decode(request.headers.get("Authorization", ""))
        except ValueError:
            return web.json_response({"code": 20003}, status=401)
        if (auth.login, auth.password) != (self.account_sid, self.auth_token):
            return web.json_response({"code": 20003}, status=401)
        form = await request.post()
        self.sent.append({key: str(value) for key, value in form.items()})
        return web.json_response(
            {"sid": f"SM{len(self.sent):032d}", "status": "queued"}, status=201
        )

    async def wait_for(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.sent)} messages were sent")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def fake_twilio_api(account_sid: str, auth_token: str) -> AsyncIterator[FakeTwilioAPI]:
    api = FakeTwilioAPI(account_sid, auth_token)
    app = web.Application()
    app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", api.messages)
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
