"""Outage check and fault reports."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from rasa_sdk.events import SlotSet

from actions.faults import (
    ActionAskReportProblemConfirm,
    ActionAskTroubleshoot,
    ActionCheckOutage,
    ActionReportProblem,
    ValidateCheckOutageForm,
    ValidateReportProblemForm,
    service_from_text,
)
from actions.forms import TASK_SLOTS
from actions.models import Outage
from tests.actions.factories import (
    FakeBackend,
    account,
    entity,
    responses,
    run,
    slot_events,
    text,
    ticket,
    unavailable,
)

CLEARED = [SlotSet(slot, None) for slot in TASK_SLOTS]
OUTAGE = Outage.parse_obj({"services": "internet,tv", "description": "Fibre cut",
                           "expected_fix_at": "2026-11-26T18:00:00Z"})


async def test_zip_code_in_the_question_fills_the_form_without_verification() -> None:
    backend = FakeBackend(verified=False)
    events, _ = await run(ValidateCheckOutageForm(client=backend),
                          text="is there an outage in 20001", intent="check_outage",
                          entities=[entity("postcode", "20001")], active_loop="check_outage_form")
    assert slot_events(events)["postcode"] == "20001"
    assert backend.called("get_session") == []


async def test_bad_zip_code_is_asked_again() -> None:
    events, dispatcher = await run(ValidateCheckOutageForm(client=FakeBackend()), text="2000",
                                   intent="inform", requested_slot="postcode",
                                   active_loop="check_outage_form")
    assert slot_events(events)["postcode"] is None
    assert responses(dispatcher) == ["utter_postcode_invalid"]


async def test_outage_found_is_described() -> None:
    backend = FakeBackend()
    backend.answers["outages"] = [OUTAGE]
    events, dispatcher = await run(ActionCheckOutage(client=backend), slots={"postcode": "20001"})
    assert backend.called("outages") == [("outages", "20001")]
    assert responses(dispatcher) == ["utter_outage_found", "utter_ask_rating"]
    assert (
        "- internet, tv: Fibre cut, expected to be fixed by November 26, 2026"
    ) in text(dispatcher)
    assert events[: len(CLEARED)] == CLEARED


async def test_no_outage() -> None:
    _, dispatcher = await run(ActionCheckOutage(client=FakeBackend()), slots={"postcode": "20001"})
    assert responses(dispatcher) == ["utter_no_outage", "utter_ask_rating"]


async def test_outage_check_backend_down() -> None:
    backend = FakeBackend()
    backend.fail["outages"] = unavailable()
    _, dispatcher = await run(ActionCheckOutage(client=backend), slots={"postcode": "20001"})
    assert responses(dispatcher) == ["utter_backend_unavailable"]


@pytest.mark.parametrize(
    ("text", "service"),
    [("my wifi is down", "internet"), ("no signal on my phone", "mobile"),
     ("the TV has no picture", "tv"), ("no dial tone on the landline", "landline"),
     ("hello", None)],
)
def test_service_from_text(text: str, service: str | None) -> None:
    assert service_from_text(text) == service


async def test_service_named_when_verified_runs_the_outage_check_for_the_customer_area() -> None:
    backend = FakeBackend(verified=True)
    backend.answers["outages"] = [OUTAGE]
    events, dispatcher = await run(
        ValidateReportProblemForm(client=backend), text="my internet is down",
        intent="report_problem", entities=[entity("service", "internet")],
        active_loop="report_problem_form",
    )
    assert backend.called("outages") == [("outages", "20500")]
    assert responses(dispatcher) == ["utter_outage_explains_problem"]
    slots = slot_events(events)
    assert (slots["service"], slots["troubleshoot"]) == ("internet", "outage")
    assert events[-1] == SlotSet("requested_slot", None)  # no ticket needed


async def test_service_without_outage_goes_to_troubleshooting() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidateReportProblemForm(client=backend), text="my internet is down",
        intent="report_problem", entities=[entity("service", "internet")],
        active_loop="report_problem_form",
    )
    assert slot_events(events)["service"] == "internet"
    assert "troubleshoot" not in slot_events(events)


async def test_service_outage_check_runs_after_verification() -> None:
    backend = FakeBackend(verified=False)
    backend.answers["outages"] = [OUTAGE]
    events, dispatcher = await run(
        ValidateReportProblemForm(client=backend), text="482913", intent="inform",
        requested_slot="otp_code", active_loop="report_problem_form",
        slots={"service": "internet", "identifier": "2025550101", "verification_id": "v-1"},
    )
    assert responses(dispatcher) == ["utter_verified", "utter_outage_explains_problem"]
    assert slot_events(events)["troubleshoot"] == "outage"


@pytest.mark.parametrize(
    ("text", "intent", "outcome"),
    [("yes", "affirm", "fixed"), ("it works now", "affirm", "fixed"),
     ("still not working", "deny", "not_fixed"), ("no", "deny", "not_fixed")],
)
async def test_troubleshooting_answer(text: str, intent: str, outcome: str) -> None:
    events, _ = await run(
        ValidateReportProblemForm(client=FakeBackend(verified=True)), text=text, intent=intent,
        requested_slot="troubleshoot", active_loop="report_problem_form",
        slots={"service": "internet"},
    )
    assert slot_events(events)["troubleshoot"] == outcome


async def test_troubleshooting_steps_depend_on_the_service() -> None:
    _, dispatcher = await run(ActionAskTroubleshoot(), slots={"service": "tv"})
    assert responses(dispatcher) == ["utter_troubleshoot_tv"]


async def test_visit_services_mention_the_technician_in_the_confirmation() -> None:
    _, dispatcher = await run(ActionAskReportProblemConfirm(), slots={"service": "internet"})
    assert responses(dispatcher) == ["utter_confirm_fault_ticket_visit"]
    _, dispatcher = await run(ActionAskReportProblemConfirm(), slots={"service": "mobile"})
    assert responses(dispatcher) == ["utter_confirm_fault_ticket"]


async def test_confirmed_fault_opens_one_ticket_with_appointment() -> None:
    backend = FakeBackend(verified=True)
    created = ticket("SR-100999")
    created.appointment_start = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
    backend.answers["create_service_request"] = created
    _, dispatcher = await run(ActionReportProblem(client=backend), text="yes", intent="affirm",
                              slots={"service": "internet", "troubleshoot": "not_fixed",
                                     "confirm": True})
    (call,) = backend.called("create_service_request")
    assert call[2]["category"] == "fault"
    assert responses(dispatcher) == ["utter_fault_ticket_visit", "utter_ask_rating"]
    assert "November 27, 2026, 09:00 UTC" in text(dispatcher)


@pytest.mark.parametrize(
    ("outcome", "response"), [("fixed", "utter_glad_fixed"), ("outage", "utter_outage_no_ticket")]
)
async def test_no_ticket_when_fixed_or_outage(outcome: str, response: str) -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(ActionReportProblem(client=backend),
                              slots={"service": "internet", "troubleshoot": outcome})
    assert backend.called("create_service_request") == []
    assert responses(dispatcher) == [response, "utter_ask_rating"]


async def test_visit_fault_asks_for_the_next_weekday_morning_and_mobile_does_not() -> None:
    backend = FakeBackend(verified=True)
    action = ActionReportProblem(client=backend)
    action.now = lambda: datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)  # type: ignore[method-assign]  # a Friday
    slots = {"troubleshoot": "not_fixed", "confirm": True}
    await run(action, slots={**slots, "service": "internet"})
    await run(action, slots={**slots, "service": "mobile"})
    internet, mobile = (call[2] for call in backend.called("create_service_request"))
    assert internet["appointment_start"] == "2026-11-30T09:00:00+00:00"  # the Monday
    assert "appointment_start" not in mobile


async def test_a_suspended_line_is_explained_not_troubleshot_and_gets_no_ticket() -> None:
    """A customer suspended for non-payment asked why the phone did not work, was told to
    restart it and got a repair ticket: the account's state is checked first."""
    backend = FakeBackend(verified=True)
    backend.answers["account"] = account().copy(update={"status": "suspended"})
    events, dispatcher = await run(
        ValidateReportProblemForm(client=backend), text="why is my phone not working",
        intent="report_problem", entities=[entity("service", "mobile")],
        active_loop="report_problem_form",
    )
    assert responses(dispatcher) == ["utter_service_suspended"]
    assert slot_events(events)["troubleshoot"] == "suspended"
    assert events[-1] == SlotSet("requested_slot", None)  # no troubleshooting question
    _, dispatcher = await run(
        ActionReportProblem(client=backend), text="why is my phone not working",
        slots={"service": "mobile", "troubleshoot": "suspended"},
    )
    assert responses(dispatcher) == []
    assert backend.called("create_service_request") == []
