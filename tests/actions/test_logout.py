"""Sign out: the backend session ends, the task in progress stops, the customer is told."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, SlotSet

from actions.logout import ActionLogOut
from tests.actions.factories import FakeBackend, responses, run, unavailable


async def test_log_me_out_ends_the_backend_session_and_the_task() -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(
        ActionLogOut(client=backend), text="log me out", intent="log_out",
        active_loop="pay_bill_form", slots={"payment_amount": "20.00", "verified": True},
    )
    assert backend.called("end_session") == [("end_session", "rest", "conv-1")]
    assert backend.session is None
    assert responses(dispatcher) == ["utter_logged_out"]
    assert ActiveLoop(None) in events
    assert SlotSet("verified", False) in events
    assert SlotSet("payment_amount", None) in events


async def test_a_failed_sign_out_is_not_claimed() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["end_session"] = unavailable()
    events, dispatcher = await run(ActionLogOut(client=backend), text="sign me out",
                                   intent="log_out")
    assert responses(dispatcher) == ["utter_log_out_failed"]
    assert events == []
