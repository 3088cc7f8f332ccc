"""A message Rasa leaves unanswered (action server down) still gets an answer (issue 6)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import httpx
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.common.no_answer import (
    NO_ANSWER_TEXT,
    SLOW_TEXT,
    answer_always,
    handle_or_apologise,
)
from channels.rest_input import AnsweringRestInput
from channels.twilio_channel import TwilioSMSInput
from channels.twilio_channel.channel import ERROR_TEXT
from tests.channels.sanic_server import serve_channel
from tests.channels.test_twilio_channel import PHONE, Twilio, config_for


class Rasa:
    """Stands in for Rasa's ``on_new_message``: answers, stays silent, or fails."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.seen_names: list[str] = []
        self.handled: list[str] = []

    async def __call__(self, message: UserMessage) -> None:
        self.handled.append(message.text or "")
        out = message.output_channel
        self.seen_names.append(out.name())
        if self.mode in ("answers", "answers then fails"):
            await out.send_response(message.sender_id, {"text": "Your bill is $42.50."})
        if self.mode in ("fails", "answers then fails"):
            raise RuntimeError("action server: connection refused password=hunter2")


def user_message(text: str = "how much is my bill?") -> tuple[UserMessage, CollectingOutputChannel]:
    output = CollectingOutputChannel()
    return UserMessage(text, output, "c-1", input_channel="rest"), output


def texts(output: CollectingOutputChannel) -> list[str]:
    return [str(m.get("text")) for m in output.messages]


async def test_an_answered_message_gets_no_apology() -> None:
    message, output = user_message()
    assert await handle_or_apologise(Rasa("answers"), message) is False
    assert texts(output) == ["Your bill is $42.50."]


async def test_a_silent_turn_gets_the_apology_with_a_way_forward() -> None:
    message, output = user_message()
    assert await handle_or_apologise(Rasa("silent"), message) is True
    assert texts(output) == [NO_ANSWER_TEXT]
    assert "try again in a few minutes" in NO_ANSWER_TEXT and "agent" in NO_ANSWER_TEXT


async def test_a_failure_gets_the_apology_never_its_text() -> None:
    for mode in ("fails", "answers then fails"):
        message, output = user_message()
        assert await handle_or_apologise(Rasa(mode), message) is True
        assert texts(output)[-1] == NO_ANSWER_TEXT
        assert not any("hunter2" in text for text in texts(output))


async def test_rasa_sees_the_channel_own_output_name_and_gets_it_back() -> None:
    """Rasa picks channel-specific response variants by the output channel's name."""
    message, output = user_message()
    rasa = Rasa("answers")
    await handle_or_apologise(rasa, message)
    assert rasa.seen_names == [output.name()]
    assert message.output_channel is output


async def test_every_send_method_counts_as_an_answer() -> None:
    async def buttons(message: UserMessage) -> None:
        await message.output_channel.send_text_with_buttons(
            message.sender_id, "Pick one", [{"title": "Bill", "payload": "/check_bill"}]
        )

    message, output = user_message()
    assert await handle_or_apologise(buttons, message) is False
    assert len(output.messages) == 1 and output.messages[0]["buttons"]


class Stalled:
    """Rasa waiting on a stalled action server until the test lets it go on."""

    def __init__(self, answers: bool) -> None:
        self.answers = answers
        self.go_on = asyncio.Event()

    async def __call__(self, message: UserMessage) -> None:
        await self.go_on.wait()
        if self.answers:
            await message.output_channel.send_response(message.sender_id, {"text": "late"})


async def test_past_the_deadline_the_customer_hears_it_takes_longer_then_gets_the_answer() -> None:
    message, output = user_message()
    rasa = Stalled(answers=True)
    handling = asyncio.ensure_future(handle_or_apologise(rasa, message, deadline=0.05))
    while not output.messages:
        await asyncio.sleep(0.01)
    assert texts(output) == [SLOW_TEXT]
    assert "nothing was changed" not in SLOW_TEXT  # the action may still complete
    rasa.go_on.set()
    assert await handling is False
    assert texts(output) == [SLOW_TEXT, "late"]


async def test_past_the_deadline_and_then_no_answer_the_apology_follows() -> None:
    message, output = user_message()
    rasa = Stalled(answers=False)
    handling = asyncio.ensure_future(handle_or_apologise(rasa, message, deadline=0.05))
    while not output.messages:  # the deadline passed: the note went out
        await asyncio.sleep(0.01)
    rasa.go_on.set()
    assert await handling is True
    assert texts(output) == [SLOW_TEXT, NO_ANSWER_TEXT]


async def test_an_answer_before_the_deadline_gets_no_note() -> None:
    message, output = user_message()
    assert await handle_or_apologise(Rasa("answers"), message, deadline=5) is False
    assert texts(output) == ["Your bill is $42.50."]


# ---------------------------------------------------------------- the channels


async def rest_say(rasa: Any, text: str) -> list[dict[str, Any]]:
    channel = AnsweringRestInput()
    async with serve_channel(channel, rasa) as base, httpx.AsyncClient() as client:
        reply = await client.post(
            f"{base}/webhooks/rest/webhook", json={"sender": "c-1", "message": text}
        )
    assert reply.status_code == 200
    return list(reply.json())


async def test_rest_channel_keeps_its_name_and_answers_a_silent_turn() -> None:
    assert AnsweringRestInput.name() == "rest"
    rasa = Rasa("silent")
    assert await rest_say(rasa, "how much is my bill?") == [
        {"recipient_id": "c-1", "text": NO_ANSWER_TEXT}
    ]
    assert rasa.handled == ["how much is my bill?"]


async def test_rest_channel_passes_answers_through_unchanged() -> None:
    assert await rest_say(Rasa("answers"), "hi") == [
        {"recipient_id": "c-1", "text": "Your bill is $42.50."}
    ]


async def test_sms_gets_the_short_apology_when_rasa_says_nothing() -> None:
    channel = TwilioSMSInput(config_for("twilio_sms"))
    async with serve_channel(channel, Rasa("silent")) as base:
        url = f"{base}/webhooks/{channel.name()}/"
        async with httpx.AsyncClient(base_url=url) as client:
            sms = Twilio(client, None, channel.config.webhook_url, PHONE)  # type: ignore[arg-type]
            assert await sms.say("how much is my bill?") == [ERROR_TEXT]


async def test_guard_wraps_any_on_new_message() -> None:
    message, output = user_message()
    await answer_always(Rasa("silent"), "custom apology")(message)
    assert texts(output) == ["custom apology"]


def test_rasa_loads_the_rest_channel_from_the_project_credentials(tmp_path: Path) -> None:
    """Rasa's own server code mounts it at the usual REST URL from credentials.yml."""
    from tests.channels.rasa_harness import ROOT, rasa_harness
    from tests.channels.sanic_server import free_port
    from tests.channels.test_credentials_in_rasa import _env

    # A copy, so the harness's log (written beside the file) stays out of the checkout.
    credentials = tmp_path / "credentials.yml"
    shutil.copyfile(ROOT / "credentials.yml", credentials)
    with rasa_harness(credentials, free_port(), env=_env()) as url:
        reply = httpx.post(
            f"{url}/webhooks/rest/webhook", json={"sender": "c", "message": "hi"}, timeout=30
        )
    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": "c", "text": "echo: hi"}]
