"""A slow or down backend is "can't reach our systems", never "who are you?" (issue 6).

Task forms run through ``run()`` with a real Tracker: with a fake backend that fails,
and with the real client over a mocked transport that times out, behind a real circuit
breaker, to count the backend requests one turn makes.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ActionCheckBill, ValidateCheckBillForm
from actions.breaker import CircuitBreaker, State
from actions.client import BackendClient, SessionMemo
from actions.errors import CircuitOpen
from actions.payments import ActionAskPayBillConfirm, ValidatePayBillForm
from actions.settings import ActionSettings
from tests.actions.factories import FakeBackend, load_domain, make_tracker, unavailable

CONFIRMING = {"payment_amount": "5.00", "payment_method": "7"}


def keys(dispatcher: CollectingDispatcher) -> list[str]:
    """The message keys sent (a domain response or a catalogue message)."""
    return [str(m.get("response") or m.get("utter_action")) for m in dispatcher.messages]


def ends_the_task(events: list[dict[str, Any]]) -> bool:
    return (
        ActiveLoop(None) in events
        and SlotSet("requested_slot", None) in events
        and FollowupAction("action_listen") in events
    )


async def test_stalled_backend_at_the_confirmation_says_so_once_and_changes_nothing() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["get_session"] = unavailable()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text="yes", intent="affirm", requested_slot="confirm", active_loop="pay_bill_form",
        slots=CONFIRMING,
    )
    events = await ValidatePayBillForm(client=backend).run(dispatcher, tracker, load_domain())
    assert keys(dispatcher) == ["utter_backend_unavailable"]
    assert ends_the_task(events)
    # The "yes" is forgotten with the rest of the task: no later turn can pay on it.
    for slot in ("confirm", "payment_amount", "payment_method"):
        assert SlotSet(slot, None) in events
    assert SlotSet("requested_slot", "identifier") not in events
    assert backend.called("pay") == []
    assert len(backend.called("get_session")) == 1


async def test_verified_customer_starting_a_task_is_not_asked_to_identify() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["get_session"] = CircuitOpen()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="what's my bill?", intent="check_bill")
    events = await ValidateCheckBillForm(client=backend).run(dispatcher, tracker, load_domain())
    assert keys(dispatcher) == ["utter_backend_unavailable"]
    assert ends_the_task(events)
    assert not any(e.get("name") == "requested_slot" and e.get("value") for e in events)


async def test_while_asking_for_identity_an_outage_keeps_the_question() -> None:
    """The customer was not verified a moment ago: the identity step goes on after it."""
    backend = FakeBackend()
    backend.fail["get_session"] = unavailable()
    backend.fail["start_verification"] = unavailable()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text="+1 202 555 0101", requested_slot="identifier", active_loop="check_bill_form"
    )
    events = await ValidateCheckBillForm(client=backend).run(dispatcher, tracker, load_domain())
    assert keys(dispatcher) == ["utter_backend_unavailable"]
    assert SlotSet("requested_slot", "identifier") in events
    assert ActiveLoop(None) not in events


async def test_the_backend_answering_again_lets_the_same_turn_through() -> None:
    backend = FakeBackend(verified=True)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="what's my bill?", intent="check_bill")
    events = await ValidateCheckBillForm(client=backend).run(dispatcher, tracker, load_domain())
    assert dispatcher.messages == []
    assert not ends_the_task(events)


# ---------------------------------------------------------------- one timeout per turn


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def stalled_client(clock: Clock) -> tuple[BackendClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def stalled(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ReadTimeout("stalled", request=request)

    settings = ActionSettings(backend_url="http://stalled.test", service_key=SecretStr("k"))
    breaker = CircuitBreaker(
        settings.backend_breaker_failures, settings.backend_breaker_cooldown_seconds, clock
    )
    sessions = SessionMemo(settings.backend_session_memo_seconds, clock)
    client = BackendClient(
        settings, transport=httpx.MockTransport(stalled), breaker=breaker, sessions=sessions,
        clock=clock,
    )
    return client, seen


async def test_a_turn_with_the_backend_stalled_waits_for_one_timeout_at_most() -> None:
    """Validation, then the ask and submit actions of the same turn: one request in all."""
    clock = Clock()
    client, seen = stalled_client(clock)
    domain = load_domain()
    tracker = make_tracker(
        text="yes", intent="affirm", requested_slot="confirm", active_loop="pay_bill_form",
        slots=CONFIRMING,
    )
    dispatcher = CollectingDispatcher()
    await ValidatePayBillForm(client=client).run(dispatcher, tracker, domain)
    await ActionAskPayBillConfirm(client=client).run(dispatcher, tracker, domain)
    await ActionCheckBill(client=client).run(dispatcher, tracker, domain)
    assert len(seen) == 1, [str(r.url) for r in seen]
    assert client.breaker.state is State.OPEN
    assert set(keys(dispatcher)) == {"utter_backend_unavailable"}
    # After the cool-down one probe goes out again.
    clock.now += client.breaker.cooldown_seconds
    await ActionCheckBill(client=client).run(CollectingDispatcher(), tracker, domain)
    assert len(seen) == 2
