"""The controlled rollout on the action side: a refused customer (or a switched-off
channel) is told politely where to go instead, and the task ends, through ``run()``."""

from __future__ import annotations

import httpx
from pydantic import SecretStr
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ValidateCheckBillForm
from actions.breaker import CircuitBreaker
from actions.client import BackendClient
from actions.errors import BackendUnavailable
from actions.models import ChannelStatus
from actions.settings import ActionSettings
from tests.actions.factories import (
    FakeBackend,
    load_domain,
    make_tracker,
    refused,
    responses,
    text,
    unavailable,
)

FORM = "check_bill_form"
PORTAL = "https://portal.example/"


async def run_form(
    backend: FakeBackend, **tracker_args: object
) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(active_loop=FORM, **tracker_args)  # type: ignore[arg-type]
    events = await ValidateCheckBillForm(client=backend).run(dispatcher, tracker, load_domain())
    return events, dispatcher


def not_in_rollout(reason: str) -> Exception:
    return refused(403, "not_in_rollout", reason=reason, portal_url=PORTAL,
                   support_phone="+1 800 555 0100")


async def test_customer_outside_the_rollout_is_pointed_to_the_portal_or_a_person() -> None:
    backend = FakeBackend()
    backend.fail["start_verification"] = not_in_rollout("not_selected")
    events, dispatcher = await run_form(backend, text="AC10000099", requested_slot="identifier")
    assert responses(dispatcher) == ["utter_not_in_rollout"]
    said = text(dispatcher)
    assert PORTAL in said and "+1 800 555 0100" in said and "person" in said
    assert "internal detail" not in said
    assert ActiveLoop(None) in events  # the task ends instead of asking again
    assert not any(e.get("name") == "requested_slot" and e.get("value") for e in events)


async def test_refused_because_the_channel_is_off_says_so() -> None:
    backend = FakeBackend()
    backend.fail["start_verification"] = not_in_rollout("channel_disabled")
    events, dispatcher = await run_form(backend, text="AC10000001", requested_slot="identifier",
                                        channel="telegram")
    assert responses(dispatcher) == ["utter_channel_not_in_rollout"]
    assert "not available on this channel" in text(dispatcher)
    assert ActiveLoop(None) in events


async def test_switched_off_channel_is_told_at_the_start_of_a_task() -> None:
    backend = FakeBackend()
    backend.channel_status = ChannelStatus(channel="twilio_sms", enabled=False,
                                           portal_url=PORTAL, support_phone="+1 800 555 0100")
    events, dispatcher = await run_form(backend, text="what's my bill", intent="check_bill",
                                        channel="twilio_sms")
    assert responses(dispatcher) == ["utter_channel_not_in_rollout"]
    assert PORTAL in text(dispatcher)
    assert ActiveLoop(None) in events
    assert backend.called("get_session") == []  # no identity question at all
    assert backend.called("start_verification") == []


async def test_open_channel_starts_the_task_as_before() -> None:
    backend = FakeBackend()
    events, dispatcher = await run_form(backend, text="what's my bill", intent="check_bill")
    assert ActiveLoop(None) not in events
    assert "utter_channel_not_in_rollout" not in responses(dispatcher)


async def test_a_rollout_check_that_fails_does_not_block_the_task() -> None:
    backend = FakeBackend()
    backend.fail["rollout_channel"] = unavailable()
    events, dispatcher = await run_form(backend, text="what's my bill", intent="check_bill")
    assert ActiveLoop(None) not in events
    assert responses(dispatcher) == []


async def test_client_reads_the_channel_status() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"channel": "twilio_whatsapp",
                                         "rollout_channel": "twilio_whatsapp", "enabled": False,
                                         "portal_url": PORTAL, "support_phone": "+1 800"})

    settings = ActionSettings(backend_url="http://backend.test", service_key=SecretStr("k"))
    api = BackendClient(settings, transport=httpx.MockTransport(answer),
                        breaker=CircuitBreaker())
    status = await api.rollout_channel("twilio_whatsapp")
    assert (status.enabled, status.portal_url) == (False, PORTAL)
    assert seen[0].url.path == "/api/v1/rollout/channels/twilio_whatsapp"
    assert seen[0].headers["X-Service-Key"] == "k"


async def test_client_reports_a_malformed_status_as_unavailable() -> None:
    api = BackendClient(ActionSettings(backend_url="http://b.test"),
                        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})),
                        breaker=CircuitBreaker())
    try:
        await api.rollout_channel("rest")
    except BackendUnavailable:
        return
    raise AssertionError("a malformed answer must raise BackendUnavailable")
