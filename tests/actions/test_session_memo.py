"""The verified session is fetched once per turn, and never outlives an identity change.

Real actions over the real client and an in-memory backend (MockTransport): the backend
counts the ``GET /identity/sessions/...`` requests each turn sends. With the memo off
(``SessionMemo(0)``, the behaviour before it) the same turns send several.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ActionCheckBill, ValidateCheckBillForm
from actions.errors import BackendUnavailable, NotVerified
from actions.models import CustomerRef, Session
from actions.payments import ActionAskPaymentAmount, ActionPayBill, ValidatePayBillForm
from actions.session_memo import SessionMemo
from tests.actions.backend_double import CODE, BackendDouble, Clock, client_for
from tests.actions.factories import load_domain, make_tracker, slot_events

CONFIRMING: dict[str, Any] = {
    "text": "yes", "intent": "affirm", "requested_slot": "confirm",
    "active_loop": "pay_bill_form", "slots": {"payment_amount": "5.00", "payment_method": "7"},
}
TURNS: dict[str, tuple[list[Any], dict[str, Any]]] = {
    "check bill": (
        [ValidateCheckBillForm, ActionCheckBill],
        {"text": "what's my bill?", "intent": "check_bill"},
    ),
    "start paying": (
        [ValidatePayBillForm, ActionAskPaymentAmount],
        {"text": "I want to pay my bill", "intent": "pay_bill"},
    ),
    "confirm the payment": ([ValidatePayBillForm, ActionPayBill], CONFIRMING),
}


async def session_lookups_of_a_turn(ttl: float, turn: str) -> tuple[int, list[str]]:
    """Run the actions Rasa runs in that turn; the session lookups and the replies."""
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    client = client_for(backend, clock=clock, sessions=SessionMemo(ttl, clock))
    actions, tracker_args = TURNS[turn]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(**tracker_args)
    for action in actions:
        await action(client=client).run(dispatcher, tracker, load_domain())
    replies = [str(m.get("response") or m.get("utter_action")) for m in dispatcher.messages]
    return backend.session_lookups(), replies


@pytest.mark.parametrize("turn", list(TURNS))
async def test_a_turn_asks_the_backend_for_the_session_once(turn: str) -> None:
    before, replies_before = await session_lookups_of_a_turn(0, turn)
    after, replies_after = await session_lookups_of_a_turn(2.0, turn)
    assert before >= 3, f"without the memo the turn looks the session up {before} times"
    assert after == 1
    assert replies_after == replies_before, "the memo changes nothing the customer sees"
    assert "utter_backend_unavailable" not in replies_after


async def test_confirming_the_code_forgets_the_remembered_not_verified() -> None:
    """The run that confirms the code goes on to the task's question, not back to identity."""
    clock = Clock()
    backend = BackendDouble(verified=False, clock=clock)
    client = client_for(backend, clock=clock)
    # Earlier in the turn (same second): asked and remembered "not verified".
    assert await client.get_session("rest", "conv-1") is None
    assert backend.session_lookups() == 1
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text=CODE, requested_slot="otp_code", active_loop="pay_bill_form",
        slots={"identifier": "+1 202 555 0101", "verification_id": "v-1"},
    )
    events = await ValidatePayBillForm(client=client).run(dispatcher, tracker, load_domain())
    replies = [m.get("response") or m.get("utter_action") for m in dispatcher.messages]
    assert "utter_verified" in replies
    # With the stale "not verified" the form would ask for the phone number again
    # (``requested_slot: identifier``); Rasa asks the amount next.
    assert slot_events(events).get("requested_slot") is None, events
    assert slot_events(events)["verified"] is True
    assert backend.session_lookups() >= 2, "asked again after the code was confirmed"
    # And the next action of the turn sees the verified session without asking again.
    lookups = backend.session_lookups()
    session = await client.get_session("rest", "conv-1")
    assert session is not None and session.token == "tok-1"
    assert backend.session_lookups() == lookups


async def test_a_confirmation_without_an_answer_forgets_too() -> None:
    """A timeout on the confirmation: the backend may have opened the session anyway."""
    clock = Clock()
    backend = BackendDouble(verified=False, clock=clock)
    client = client_for(backend, clock=clock)
    assert await client.get_session("rest", "conv-1") is None

    def confirmed_but_unanswered(request: httpx.Request) -> httpx.Response:
        backend.verified = True
        raise httpx.ReadTimeout("stalled", request=request)

    backend.fault = confirmed_but_unanswered
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text=CODE, requested_slot="otp_code", active_loop="pay_bill_form",
        slots={"identifier": "+1 202 555 0101", "verification_id": "v-1"},
    )
    await ValidatePayBillForm(client=client).run(dispatcher, tracker, load_domain())
    backend.fault = None
    client.breaker.record_success()  # the backend answers again
    assert await client.get_session("rest", "conv-1") is not None


async def test_signing_out_forgets_the_remembered_session() -> None:
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    client = client_for(backend, clock=clock)
    assert await client.get_session("rest", "conv-1") is not None
    await client.end_session("rest", "conv-1")
    assert await client.get_session("rest", "conv-1") is None


async def test_a_refused_token_forgets_the_sessions_holding_it() -> None:
    """The session expired or was revoked in the backend: the next lookup asks again."""
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    client = client_for(backend, clock=clock)
    session = await client.get_session("rest", "conv-1")
    assert session is not None
    backend.verified = False  # revoked behind this process's back
    with pytest.raises(NotVerified):
        await client.current_bill(session.token)
    assert await client.get_session("rest", "conv-1") is None
    assert backend.session_lookups() == 2


async def test_entries_last_the_ttl_only() -> None:
    clock = Clock()
    backend = BackendDouble(verified=False, clock=clock)
    client = client_for(backend, clock=clock, backend_session_memo_seconds=2.0)
    assert await client.get_session("rest", "conv-1") is None
    backend.verified = True  # verified through another action-server process
    clock.advance(1.9)
    assert await client.get_session("rest", "conv-1") is None  # remembered
    clock.advance(0.1)
    assert await client.get_session("rest", "conv-1") is not None
    assert backend.session_lookups() == 2


def a_session(expires_at: datetime) -> Session:
    return Session(token="t", expires_at=expires_at,
                   customer=CustomerRef(account_number="AC10000001"))


def test_a_session_past_its_expiry_is_never_served() -> None:
    clock = Clock()
    wall = datetime(2026, 11, 26, 6, 0, 0, tzinfo=timezone.utc)
    memo = SessionMemo(2.0, clock, now=lambda: wall)
    memo.remember(("rest", "c"), a_session(wall + timedelta(seconds=1)), memo.generation)
    assert memo.recall(("rest", "c"))[0]
    wall += timedelta(seconds=1)
    assert memo.recall(("rest", "c")) == (False, None)


def test_a_fetch_that_started_before_a_forget_is_not_remembered() -> None:
    memo = SessionMemo(2.0, Clock())
    started = memo.generation
    memo.forget(("rest", "c"))  # the code was confirmed while the lookup was in flight
    memo.remember(("rest", "c"), None, started)
    assert memo.recall(("rest", "c")) == (False, None)


def test_conversations_and_channels_are_kept_apart_and_the_memo_is_bounded() -> None:
    memo = SessionMemo(2.0, Clock(), max_entries=2)
    far = datetime(2100, 1, 1, tzinfo=timezone.utc)
    memo.remember(("rest", "a"), a_session(far), memo.generation)
    memo.remember(("telegram", "a"), None, memo.generation)
    assert memo.recall(("rest", "a"))[1] is not None
    assert memo.recall(("telegram", "a")) == (True, None)
    memo.remember(("rest", "b"), None, memo.generation)
    assert memo.recall(("rest", "a")) == (False, None)  # the oldest went


async def test_a_backend_failure_is_not_remembered() -> None:
    clock = Clock()
    backend = BackendDouble(verified=True, clock=clock)
    client = client_for(backend, clock=clock)
    backend.fault = lambda request: httpx.Response(503, text="busy")
    with pytest.raises(BackendUnavailable):
        await client.get_session("rest", "conv-1")
    backend.fault = None  # back (a fast failure: the breaker lets the next call probe)
    assert await client.get_session("rest", "conv-1") is not None
