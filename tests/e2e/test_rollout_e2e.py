"""The controlled rollout through real processes: a customer outside it is told where to
go before any code is sent; an operator change applies without a restart."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.settings import ROOT
from tests.e2e.stack import RunningStack

pytestmark = pytest.mark.stack

OUTSIDER = ("AC10000008", "+12015550100")  # a generated, non-pilot customer (seed 7)


def texts(replies: list[dict]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def rollout(stack: RunningStack, *argv: str) -> None:
    subprocess.run([sys.executable, "-m", "bot", "rollout", *argv], cwd=ROOT, env=stack.env,
                   check=True, capture_output=True)


@contextmanager
def web(stack: RunningStack, *argv: str) -> Iterator[None]:
    rollout(stack, "set", "--channel", "web", *argv)
    try:
        yield
    finally:
        rollout(stack, "set", "--channel", "web", "--percentage", "0", "--enabled", "yes")


def outbox(stack: RunningStack, phone: str) -> list[dict]:
    with stack.backend() as api:
        response = api.get("/api/v1/demo/outbox", params={"to": phone})
    response.raise_for_status()
    return list(response.json()["messages"])


def test_outsider_is_told_where_to_go_and_then_let_in_without_a_restart(
    stack: RunningStack,
) -> None:
    account, phone = OUTSIDER
    sender = f"e2e-rollout-{uuid.uuid4().hex}"
    stack.say(sender, "how much is my bill?")
    refused = texts(stack.say(sender, account))
    assert re.search(r"portal", refused, re.I) and "555 0100" in refused, refused
    assert outbox(stack, phone) == []
    with web(stack, "--percentage", "100"):
        other = f"e2e-rollout-{uuid.uuid4().hex}"
        stack.say(other, "how much is my bill?")
        sent = texts(stack.say(other, account))
        assert re.search(r"code", sent, re.I), sent
        assert len(outbox(stack, phone)) == 1


def test_switched_off_channel_is_said_at_the_first_task(stack: RunningStack) -> None:
    with web(stack, "--enabled", "no"):
        sender = f"e2e-rollout-{uuid.uuid4().hex}"
        reply = texts(stack.say(sender, "how much is my bill?"))
        assert re.search(r"not available on this channel", reply, re.I), reply
