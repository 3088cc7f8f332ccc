"""The operators' app fixtures, plus a conversation store holding the analytics scenario."""

from __future__ import annotations

from tests.bot.operators.conftest import app, client, clock, settings

__all__ = ["app", "client", "clock", "settings"]
