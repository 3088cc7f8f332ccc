"""Check bill: the answer after the form, with a fake backend."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ActionCheckBill
from actions.errors import NotVerified
from actions.forms import TASK_SLOTS
from tests.actions.factories import (
    FakeBackend,
    bill,
    load_domain,
    make_tracker,
    message,
    refused,
    responses,
    text,
    unavailable,
)

RATING_EVENTS = [
    SlotSet("last_task", "check_bill"), SlotSet("awaiting_rating", True),
    SlotSet("rating_asked", True),
]
ENDED = [SlotSet(slot, None) for slot in TASK_SLOTS]


async def run_action(backend: FakeBackend) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="how much is my bill", intent="check_bill")
    events = await ActionCheckBill(client=backend).run(dispatcher, tracker, load_domain())
    return events, dispatcher


async def test_amount_due_and_due_date_are_answered_then_the_rating_asked() -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run_action(backend)
    assert events == RATING_EVENTS
    assert responses(dispatcher) == ["utter_bill_summary", "utter_ask_rating"]
    answer = message(dispatcher)
    assert "$42.50" in answer["text"]
    assert "December 5, 2026" in answer["text"]
    assert "$42.50" in answer["text"]
    assert "not paid yet" in answer["text"]
    assert backend.called("current_bill") == [("current_bill", "tok-1")]


async def test_large_amounts_are_grouped_and_exact() -> None:
    backend = FakeBackend(verified=True)
    backend.bill = bill(amount_due="1234.05", total="1300.10", status="partially_paid")
    _, dispatcher = await run_action(backend)
    assert "$1,234.05" in text(dispatcher)
    assert "partly paid" in text(dispatcher)


async def test_paid_bill_says_nothing_is_due() -> None:
    backend = FakeBackend(verified=True)
    backend.bill = bill(amount_due="0.00", status="paid")
    events, dispatcher = await run_action(backend)
    assert responses(dispatcher) == ["utter_bill_nothing_due", "utter_ask_rating"]
    assert "October 31, 2026" in text(dispatcher)
    assert events == RATING_EVENTS


async def test_no_bill_yet() -> None:
    backend = FakeBackend(verified=True)
    backend.bill = None
    _, dispatcher = await run_action(backend)
    assert responses(dispatcher) == ["utter_no_bill", "utter_ask_rating"]


async def test_not_verified_conversation_gets_no_account_data() -> None:
    backend = FakeBackend(verified=False)
    events, dispatcher = await run_action(backend)
    assert events == [SlotSet("verified", False), *ENDED]
    assert responses(dispatcher) == ["utter_session_expired"]
    assert backend.called("current_bill") == []


async def test_token_expired_between_calls_is_treated_as_not_verified() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["current_bill"] = NotVerified()
    events, dispatcher = await run_action(backend)
    assert events == [SlotSet("verified", False), *ENDED]
    assert responses(dispatcher) == ["utter_session_expired"]


async def test_backend_down_gets_a_friendly_answer_and_no_rating_question() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["current_bill"] = unavailable()
    events, dispatcher = await run_action(backend)
    assert events == ENDED
    assert responses(dispatcher) == ["utter_backend_unavailable"]


async def test_unexpected_backend_error_is_not_shown_raw() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["current_bill"] = refused(400, "weird")
    events, dispatcher = await run_action(backend)
    assert events == ENDED
    assert responses(dispatcher) == ["utter_backend_error"]
    assert "internal detail" not in str(dispatcher.messages)


def comparison(lines: list[dict], total_difference: str) -> object:
    from actions.models import BillComparison

    summary = {"bill_id": "b-1", "total": "47.50", "amount_due": "47.50"}
    return BillComparison.parse_obj({
        "bill": summary,
        "previous_bill": {**summary, "bill_id": "b-0", "total": "35.00"},
        "total_difference": total_difference,
        "currency": "USD",
        "lines": lines,
    })


async def test_explain_bill_lists_what_changed_in_plain_words() -> None:
    from actions.billing import ActionExplainBill

    backend = FakeBackend(verified=True)
    backend.answers["bill_comparison"] = comparison([
        {"description": "Plus 20GB plan", "previous_amount": "35.00", "current_amount": "35.00",
         "difference": "0.00", "change": "unchanged"},
        {"description": "International calls", "previous_amount": "0.00",
         "current_amount": "12.50", "difference": "12.50", "change": "added"},
        {"description": "Late fee", "previous_amount": "5.00", "current_amount": "0.00",
         "difference": "-5.00", "change": "removed"},
        {"description": "Taxes", "previous_amount": "3.00", "current_amount": "8.00",
         "difference": "5.00", "change": "changed"},
    ], "12.50")
    dispatcher = CollectingDispatcher()
    events = await ActionExplainBill(client=backend).run(
        dispatcher, make_tracker(text="why is my bill higher", intent="explain_bill"),
        load_domain(),
    )
    assert backend.called("bill_comparison") == [("bill_comparison", "tok-1", "b-1")]
    assert responses(dispatcher) == ["utter_bill_explained", "utter_ask_rating"]
    answer = message(dispatcher)
    assert "$12.50 more than the previous one ($35.00)" in answer["text"]
    assert (
        "- New: International calls, $12.50\n"
        "- No longer charged: Late fee (was $5.00)\n"
        "- Taxes: $3.00 → $8.00 (up $5.00)"
    ) in answer["text"]
    assert events == [
        SlotSet("last_task", "explain_bill"), SlotSet("awaiting_rating", True),
        SlotSet("rating_asked", True),
    ]


async def test_first_bill_is_listed_line_by_line() -> None:
    from actions.billing import ActionExplainBill
    from actions.models import BillLine

    backend = FakeBackend(verified=True)
    backend.answers["bill_comparison"] = None
    backend.bill = bill()
    backend.bill.lines = [BillLine(description="Plus 20GB plan", amount="35.00")]
    dispatcher = CollectingDispatcher()
    await ActionExplainBill(client=backend).run(
        dispatcher, make_tracker(text="explain my bill", intent="explain_bill"), load_domain()
    )
    assert responses(dispatcher) == ["utter_first_bill_lines", "utter_ask_rating"]
    assert "- Plus 20GB plan: $35.00" in text(dispatcher)


async def test_unchanged_bill() -> None:
    from actions.billing import ActionExplainBill

    backend = FakeBackend(verified=True)
    backend.answers["bill_comparison"] = comparison([], "0.00")
    dispatcher = CollectingDispatcher()
    await ActionExplainBill(client=backend).run(
        dispatcher, make_tracker(text="explain my bill", intent="explain_bill"), load_domain()
    )
    assert responses(dispatcher) == ["utter_bill_unchanged", "utter_ask_rating"]


async def test_the_rating_question_is_asked_once_a_conversation() -> None:
    """It was asked after every task, five times in one conversation: the second task
    is marked complete (last_task) without asking again."""
    backend = FakeBackend(verified=True)
    events, dispatcher = await run_action(backend)
    assert responses(dispatcher) == ["utter_bill_summary", "utter_ask_rating"]
    assert SlotSet("rating_asked", True) in events
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="my bill", intent="check_bill", slots={"rating_asked": True})
    events = await ActionCheckBill(client=backend).run(dispatcher, tracker, load_domain())
    assert responses(dispatcher) == ["utter_bill_summary"]
    assert events == [SlotSet("last_task", "check_bill")]
