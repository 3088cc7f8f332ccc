"""What a messaging channel remembers between webhook calls, per channel.

- delivery ids already handled (one reply, one action per Twilio ``MessageSid`` or
  Telegram ``update_id``),
- the options last offered to each sender (numbered menus on SMS/WhatsApp),
- who opted out (STOP).

:class:`MemoryState` keeps them in the Rasa process (the default). With a Redis URL in
the channel's credentials (``state_url``), :class:`RedisState` keeps them in Redis, so
they survive a restart and are shared by several Rasa processes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Optional, Protocol

from channels.common.dedupe import SeenKeys
from channels.common.keywords import OptOuts
from channels.common.options import InMemoryOptionsStore, Option

SEEN_TTL_SECONDS = 24 * 3600
OPTIONS_TTL_SECONDS = 3600


class ChannelState(Protocol):
    async def first_time(self, key: str) -> bool: ...

    async def offer(self, sender: str, options: Sequence[Option]) -> None: ...

    async def take(self, sender: str) -> list[Option]: ...

    async def opt_out(self, sender: str) -> None: ...

    async def opt_in(self, sender: str) -> None: ...

    async def opted_out(self, sender: str) -> bool: ...


class MemoryState:
    def __init__(self) -> None:
        self.seen = SeenKeys(ttl_seconds=SEEN_TTL_SECONDS)
        self.options = InMemoryOptionsStore(ttl_seconds=OPTIONS_TTL_SECONDS)
        self.opt_outs = OptOuts()

    async def first_time(self, key: str) -> bool:
        return self.seen.first_time(key)

    async def offer(self, sender: str, options: Sequence[Option]) -> None:
        self.options.offer(sender, options)

    async def take(self, sender: str) -> list[Option]:
        return self.options.take(sender)

    async def opt_out(self, sender: str) -> None:
        self.opt_outs.add(sender)

    async def opt_in(self, sender: str) -> None:
        self.opt_outs.remove(sender)

    async def opted_out(self, sender: str) -> bool:
        return sender in self.opt_outs


class RedisState:
    """The same state in Redis under ``<prefix>:<channel>:...`` keys."""

    def __init__(self, url: str, channel: str, prefix: str = "tcn:channels") -> None:
        from redis.asyncio import Redis

        self.redis: Any = Redis.from_url(url, decode_responses=True)
        self.base = f"{prefix}:{channel}"

    async def first_time(self, key: str) -> bool:
        created = await self.redis.set(f"{self.base}:seen:{key}", "1", nx=True, ex=SEEN_TTL_SECONDS)
        return bool(created)

    async def offer(self, sender: str, options: Sequence[Option]) -> None:
        key = f"{self.base}:options:{sender}"
        if not options:
            await self.redis.delete(key)
            return
        value = json.dumps([[option.title, option.payload] for option in options])
        await self.redis.set(key, value, ex=OPTIONS_TTL_SECONDS)

    async def take(self, sender: str) -> list[Option]:
        key = f"{self.base}:options:{sender}"
        async with self.redis.pipeline(transaction=True) as pipe:
            value, _ = await pipe.get(key).delete(key).execute()
        if not value:
            return []
        try:
            return [Option(title=str(t), payload=str(p)) for t, p in json.loads(value)]
        except (ValueError, TypeError):
            return []

    async def opt_out(self, sender: str) -> None:
        await self.redis.sadd(f"{self.base}:opted_out", sender)

    async def opt_in(self, sender: str) -> None:
        await self.redis.srem(f"{self.base}:opted_out", sender)

    async def opted_out(self, sender: str) -> bool:
        return bool(await self.redis.sismember(f"{self.base}:opted_out", sender))


def channel_state(url: Optional[str], channel: str) -> ChannelState:
    """Redis when a URL is configured, else memory."""
    if url:
        return RedisState(url, channel)
    return MemoryState()
