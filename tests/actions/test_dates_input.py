"""Dates answered inside the payment-arrangement form, through the form's run()."""

from __future__ import annotations

from datetime import date

import pytest

from actions.arrangements import ValidatePaymentArrangementForm
from tests.actions.factories import (
    FakeBackend,
    entity,
    requests_checked,
    responses,
    run,
    slot_events,
)

FORM = "payment_arrangement_form"


def form(backend: FakeBackend) -> ValidatePaymentArrangementForm:
    validator = ValidatePaymentArrangementForm(client=backend)
    validator.today = lambda: date(2026, 11, 25)  # type: ignore[method-assign]
    return validator


@pytest.mark.parametrize(
    ("text", "entities", "intent", "extend_to"),
    [
        ("December 20", [entity("date", "December 20")], "inform", "2026-12-20"),
        # The NLU misreading the answer must not lose it: the text still reads as a date.
        ("December 20", [], "out_of_scope", "2026-12-20"),
        ("on the 20th please", [entity("date", "20th")], "inform", "2026-12-20"),
        ("end of the month", [entity("date", "end of the month")], "inform", "2026-11-30"),
        # Weekdays, full or in texting short forms; 2026-11-25 is a Wednesday.
        ("friday", [entity("date", "friday")], "inform", "2026-11-27"),
        ("thurs pls", [], "inform", "2026-11-26"),
        ("weds works", [], "inform", "2026-12-02"),
        ("how about sat", [], "inform", "2026-11-28"),
        ("monday's fine", [], "inform", "2026-11-30"),
    ],
)
async def test_extension_date_answer(
    text: str, entities: list[dict[str, str]], intent: str, extend_to: str
) -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(
        form(backend), text=text, intent=intent, entities=entities,
        requested_slot="arrangement_detail", active_loop=FORM,
        slots={"arrangement_kind": "extension"},
    )
    assert slot_events(events)["arrangement_detail"] == extend_to
    assert requests_checked(backend) == [
        {"kind": "extension", "extend_to": extend_to}
    ]
    assert responses(dispatcher) == []


async def test_unreadable_date_is_asked_again_without_a_backend_call() -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(
        form(backend), text="sometime soon", intent="inform",
        requested_slot="arrangement_detail", active_loop=FORM,
        slots={"arrangement_kind": "extension"},
    )
    assert slot_events(events)["arrangement_detail"] is None
    assert responses(dispatcher) == ["utter_date_invalid"]
    assert requests_checked(backend) == []


@pytest.mark.parametrize("text", ["sometime this month", "c'mon, whenever"])
async def test_weekday_short_forms_match_whole_words_only(text: str) -> None:
    """"mon" must not be found inside "month" or "c'mon": such an answer is asked again."""
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(
        form(backend), text=text, intent="inform",
        requested_slot="arrangement_detail", active_loop=FORM,
        slots={"arrangement_kind": "extension"},
    )
    assert slot_events(events)["arrangement_detail"] is None
    assert responses(dispatcher) == ["utter_date_invalid"]
