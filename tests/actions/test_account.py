"""Account overview, usage, change plan and contact details."""

from __future__ import annotations

from datetime import date

import pytest
from rasa_sdk.events import SlotSet

from actions.account import ActionAccountOverview, ActionDataUsage
from actions.contact import (
    ActionAskUpdateContactConfirm,
    ActionUpdateContact,
    ValidateUpdateContactForm,
    valid_address,
    valid_email,
    valid_phone,
)
from actions.forms import TASK_SLOTS
from actions.models import PendingPlanChange, Usage
from actions.plans import (
    KEEP_CURRENT,
    ActionAskChangePlanConfirm,
    ActionAskPlanName,
    ActionChangePlan,
    ValidateChangePlanForm,
    match_plan,
)
from tests.actions.factories import (
    FakeBackend,
    account,
    buttons,
    default_plans,
    entity,
    message,
    refused,
    responses,
    run,
    slot_events,
    text,
    unavailable,
)

CLEARED = [SlotSet(slot, None) for slot in TASK_SLOTS]


async def test_account_overview_shows_plan_and_contact_details() -> None:
    _, dispatcher = await run(ActionAccountOverview(client=FakeBackend(verified=True)))
    assert responses(dispatcher) == ["utter_account_overview", "utter_ask_rating"]
    answer = message(dispatcher)
    assert (
        "Plus 20GB ($35.00/month: 20 GB data, unlimited minutes, unlimited texts)"
    ) in answer["text"]
    assert "June 30, 2027" in answer["text"]
    assert "1 Main St 20500" in answer["text"]


async def test_usage_from_flat_backend_fields() -> None:
    backend = FakeBackend(verified=True)
    backend.answers["usage"] = Usage.parse_obj(
        {"period_start": "2026-11-01", "period_end": "2026-11-30", "data_mb": 3072,
         "data_allowance_gb": 20, "minutes": 120, "texts": 15}
    )
    _, dispatcher = await run(ActionDataUsage(client=backend))
    assert responses(dispatcher) == ["utter_data_usage", "utter_ask_rating"]
    assert (
        "- Data: 3 of 20 GB used, 17 GB left\n"
        "- Minutes: 120 minutes used (unlimited)\n"
        "- Texts: 15 texts used (unlimited)"
    ) in text(dispatcher)
    assert "November 30, 2026" in text(dispatcher)


async def test_usage_from_nested_items() -> None:
    backend = FakeBackend(verified=True)
    backend.answers["usage"] = Usage.parse_obj(
        {"data": {"used": "4.5", "allowance": "5", "unit": "GB"}}
    )
    _, dispatcher = await run(ActionDataUsage(client=backend))
    assert "- Data: 4.5 of 5 GB used, 0.5 GB left" in text(dispatcher)


@pytest.mark.parametrize(
    ("text", "code"),
    [("Unlimited Max", "unlimited_max"), ("unlimited", "unlimited"), ("2", "plus20"),
     ("the basic 5gb one", "basic5"), ("gold", None), ("the unlimited max one", "unlimited_max"),
     ("the cheapest", "basic5"), ("the 20 gig one", "plus20")],
)
def test_match_plan(text: str, code: str | None) -> None:
    found = match_plan(text, default_plans()).chosen
    assert (found.code if found else None) == code


async def test_plan_choice_is_validated_and_stored_as_its_code() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidateChangePlanForm(client=backend), text="Unlimited Max", intent="inform",
        entities=[entity("plan_name", "Unlimited Max")], requested_slot="plan_name",
        active_loop="change_plan_form",
    )
    assert slot_events(events)["plan_name"] == "unlimited_max"


async def test_current_plan_is_refused() -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(
        ValidateChangePlanForm(client=backend), text="Plus 20GB", intent="inform",
        requested_slot="plan_name", active_loop="change_plan_form",
    )
    assert slot_events(events)["plan_name"] is None
    assert responses(dispatcher) == ["utter_plan_same"]


async def test_plan_options_list_prices_and_mark_the_current_plan() -> None:
    _, dispatcher = await run(ActionAskPlanName(client=FakeBackend(verified=True)))
    options = buttons(dispatcher)
    assert options[1] == (
        "Plus 20GB ($35.00/month: 20 GB data, unlimited minutes, unlimited texts)"
        " (your current plan)",
        "2",
    )
    assert len(options) == 4
    assert options[2] == (
        "Unlimited ($50.00/month: unlimited data, unlimited minutes, unlimited texts)", "3"
    )


async def test_plan_confirmation_quotes_the_difference() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(ActionAskChangePlanConfirm(client=backend),
                              slots={"plan_name": "unlimited"})
    assert backend.called("plan_quote") == [("plan_quote", "tok-1", "unlimited")]
    answer = message(dispatcher)
    assert "Switching to Unlimited costs $50.00 a month ($15.00 more a month)" in answer["text"]
    assert "December 1, 2026" in answer["text"]


async def test_confirmed_plan_change_is_made_once() -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(ActionChangePlan(client=backend), text="yes", intent="affirm",
                                   slots={"plan_name": "unlimited", "confirm": True})
    (call,) = backend.called("change_plan")
    assert call[1:3] == ("tok-1", "unlimited")
    assert len(call[3]) == 40
    assert responses(dispatcher) == ["utter_plan_changed", "utter_ask_rating"]
    assert events[: len(CLEARED)] == CLEARED


async def test_plan_change_refused_changes_nothing_visible() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["change_plan"] = refused(409, "plan_change_pending")
    _, dispatcher = await run(ActionChangePlan(client=backend),
                              slots={"plan_name": "unlimited", "confirm": True})
    assert responses(dispatcher) == ["utter_plan_change_refused"]


@pytest.mark.parametrize(
    ("check", "text", "expected"),
    [
        (valid_email, "Jane.Doe@Example.com", "jane.doe@example.com"),
        (valid_email, "jane@", None),
        (valid_phone, "(202) 555-0143", "+12025550143"),
        (valid_phone, "12345", None),
        (valid_address, "742 Evergreen Terrace, Springfield", "742 Evergreen Terrace, Springfield"),
        (valid_address, "the saved card", None),
    ],
)
def test_contact_validators(check, text: str, expected: str | None) -> None:  # type: ignore[no-untyped-def]
    assert check(text) == expected


async def test_field_is_taken_from_the_request_and_email_validated() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(ValidateUpdateContactForm(client=backend),
                          text="change my email address", intent="update_contact_details",
                          active_loop="update_contact_form")
    assert slot_events(events)["contact_field"] == "email"
    events, dispatcher = await run(
        ValidateUpdateContactForm(client=backend), text="not-an-email", intent="inform",
        requested_slot="contact_value", active_loop="update_contact_form",
        slots={"contact_field": "email"},
    )
    assert slot_events(events)["contact_value"] is None
    assert responses(dispatcher) == ["utter_contact_email_invalid"]


async def test_address_needs_a_zip_code_too() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidateUpdateContactForm(client=backend), text="742 Evergreen Terrace, Springfield",
        intent="inform", requested_slot="contact_value", active_loop="update_contact_form",
        slots={"contact_field": "address"},
    )
    assert events[-1] == SlotSet("requested_slot", "postcode")


async def test_contact_change_is_confirmed_then_patched() -> None:
    backend = FakeBackend(verified=True)
    slots = {"contact_field": "address", "contact_value": "742 Evergreen Terrace",
             "postcode": "20500"}
    _, dispatcher = await run(ActionAskUpdateContactConfirm(client=backend), slots=slots)
    assert "742 Evergreen Terrace, 20500" in text(dispatcher)
    _, dispatcher = await run(ActionUpdateContact(client=backend), slots={**slots, "confirm": True})
    assert backend.called("update_contact") == [
        ("update_contact", "tok-1", {"address": "742 Evergreen Terrace", "postcode": "20500"})
    ]
    assert responses(dispatcher) == ["utter_contact_changed", "utter_ask_rating"]


async def test_contact_change_backend_down() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["update_contact"] = unavailable()
    _, dispatcher = await run(ActionUpdateContact(client=backend), slots={
        "contact_field": "email", "contact_value": "a@b.co", "confirm": True})
    assert responses(dispatcher) == ["utter_change_unknown"]


async def test_another_task_asked_instead_of_an_email_is_left_to_the_switch_rule() -> None:
    events, dispatcher = await run(
        ValidateUpdateContactForm(client=FakeBackend(verified=True)),
        text="how much is my bill", intent="check_bill",
        requested_slot="contact_value", active_loop="update_contact_form",
        slots={"contact_field": "email"},
    )
    assert "contact_value" not in slot_events(events)
    assert dispatcher.messages == []


async def test_a_valid_answer_wins_over_a_task_intent() -> None:
    events, _ = await run(
        ValidateUpdateContactForm(client=FakeBackend(verified=True)),
        text="jane.doe@example.com", intent="update_contact_details",
        requested_slot="contact_value", active_loop="update_contact_form",
        slots={"contact_field": "email"},
    )
    assert slot_events(events)["contact_value"] == "jane.doe@example.com"


def with_pending_change(backend: FakeBackend) -> FakeBackend:
    pending = PendingPlanChange(plan=default_plans()[3], effective_date=date(2027, 1, 1))
    backend.answers["account"] = account().copy(update={"pending_plan_change": pending})
    return backend


async def test_a_waiting_plan_change_is_shown_with_its_date() -> None:
    backend = with_pending_change(FakeBackend(verified=True))
    _, dispatcher = await run(ActionAccountOverview(client=backend))
    assert "changing to Unlimited Max on January 1, 2027" in text(dispatcher)
    _, dispatcher = await run(ActionAskPlanName(client=backend))
    assert responses(dispatcher) == ["utter_plan_change_pending", "utter_ask_plan_name"]


async def test_choosing_the_current_plan_while_a_change_waits_cancels_it_after_a_yes() -> None:
    backend = with_pending_change(FakeBackend(verified=True))
    events, _ = await run(
        ValidateChangePlanForm(client=backend), text="keep plus 20", intent="inform",
        requested_slot="plan_name", active_loop="change_plan_form",
    )
    assert slot_events(events)["plan_name"] == KEEP_CURRENT
    _, dispatcher = await run(ActionAskChangePlanConfirm(client=backend),
                              slots={"plan_name": KEEP_CURRENT})
    assert responses(dispatcher) == ["utter_confirm_cancel_plan_change"]
    assert "cancel your scheduled change to Unlimited Max" in text(dispatcher)
    _, dispatcher = await run(ActionChangePlan(client=backend), text="yes", intent="affirm",
                              slots={"plan_name": KEEP_CURRENT, "confirm": True})
    assert backend.called("cancel_plan_change") == [("cancel_plan_change", "tok-1")]
    assert backend.called("change_plan") == []
    assert responses(dispatcher)[0] == "utter_plan_change_cancelled"
