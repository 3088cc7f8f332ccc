"""Service requests, ticket status, cancellation and human handoff."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.forms import TASK_SLOTS
from actions.handoff import ActionHumanHandoff, transcript
from actions.service_requests import (
    ActionRequestService,
    ValidateRequestServiceForm,
    request_type_from_text,
)
from actions.tickets import (
    ActionAskTicketRef,
    ActionCancelTicket,
    ActionCheckTicketStatus,
    ValidateCancelTicketForm,
)
from tests.actions.factories import (
    FakeBackend,
    buttons,
    entity,
    make_tracker,
    refused,
    responses,
    run,
    slot_events,
    text,
    ticket,
)

CLEARED = [SlotSet(slot, None) for slot in TASK_SLOTS]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("I need a new SIM card", "sim_replacement"), ("I'm moving house", "relocation"),
     ("add a new line", "new_line"), ("install internet", "installation"), ("2", "relocation"),
     ("pizza", None)],
)
def test_request_type_from_text(text: str, kind: str | None) -> None:
    assert request_type_from_text(text) == kind


async def test_relocation_asks_for_the_new_address_then_zip() -> None:
    events, _ = await run(
        ValidateRequestServiceForm(client=FakeBackend(verified=True)), text="moving",
        intent="inform", entities=[entity("request_type", "relocation")],
        requested_slot="request_type", active_loop="request_service_form",
    )
    assert slot_events(events)["request_type"] == "relocation"
    assert events[-1] == SlotSet("requested_slot", "contact_value")


async def test_confirmed_request_creates_one_ticket() -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(
        ActionRequestService(client=backend), text="yes", intent="affirm",
        slots={"request_type": "relocation", "contact_value": "742 Evergreen Terrace",
               "postcode": "20500", "confirm": True},
    )
    (call,) = backend.called("create_service_request")
    assert call[2] == {
        "category": "relocation",
        "description": "moving your service to a new address requested in chat; "
        "new address: 742 Evergreen Terrace, 20500",
    }
    assert responses(dispatcher) == ["utter_service_request_created", "utter_ask_rating"]
    assert "SR-100999" in text(dispatcher)
    assert events[: len(CLEARED)] == CLEARED


async def test_ticket_status_lists_open_tickets() -> None:
    backend = FakeBackend(verified=True)
    backend.answers["service_requests"] = [ticket(), ticket("SR-100235", status="resolved")]
    _, dispatcher = await run(ActionCheckTicketStatus(client=backend),
                              text="any update on my repair ticket", intent="check_ticket_status")
    assert responses(dispatcher) == ["utter_open_tickets", "utter_ask_rating"]
    assert '- SR-100234: a repair ("x"), open, opened November 20, 2026' in text(dispatcher)


async def test_ticket_status_by_reference() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(ActionCheckTicketStatus(client=backend),
                              text="check ticket SR-100234", intent="check_ticket_status",
                              entities=[entity("ticket_ref", "SR-100234")])
    assert backend.called("service_request") == [("service_request", "tok-1", "SR-100234")]
    assert responses(dispatcher)[0] == "utter_ticket_status"


async def test_unknown_reference() -> None:
    backend = FakeBackend(verified=True)
    backend.answers["service_request"] = None
    _, dispatcher = await run(ActionCheckTicketStatus(client=backend),
                              text="status of SR-999999", intent="check_ticket_status")
    assert responses(dispatcher) == ["utter_ticket_not_found"]


async def test_cancel_form_ends_at_once_when_nothing_is_open() -> None:
    backend = FakeBackend(verified=True)
    backend.answers["service_requests"] = []
    events, _ = await run(ValidateCancelTicketForm(client=backend), text="cancel my request",
                          intent="cancel_ticket", active_loop="cancel_ticket_form")
    assert events == [SlotSet("requested_slot", None)]


async def test_cancel_choice_by_number_and_closed_ticket_refused() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(ValidateCancelTicketForm(client=backend), text="1", intent="rate",
                          requested_slot="ticket_ref", active_loop="cancel_ticket_form")
    assert slot_events(events)["ticket_ref"] == "SR-100234"
    events, dispatcher = await run(ValidateCancelTicketForm(client=backend), text="SR-100777",
                                   intent="inform", requested_slot="ticket_ref",
                                   active_loop="cancel_ticket_form")
    assert slot_events(events)["ticket_ref"] is None
    assert responses(dispatcher) == ["utter_ticket_not_open"]


async def test_ask_ticket_ref_lists_open_tickets() -> None:
    _, dispatcher = await run(ActionAskTicketRef(client=FakeBackend(verified=True)))
    assert buttons(dispatcher) == [
        ('SR-100234: a repair ("x"), open, opened November 20, 2026', "SR-100234")
    ]


async def test_confirmed_cancellation() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(ActionCancelTicket(client=backend),
                              slots={"ticket_ref": "SR-100234", "confirm": True})
    assert backend.called("cancel_service_request") == [
        ("cancel_service_request", "tok-1", "SR-100234")
    ]
    assert responses(dispatcher) == ["utter_ticket_cancelled", "utter_ask_rating"]


async def test_cancellation_refused_by_backend() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["cancel_service_request"] = refused(409, "not_cancellable")
    _, dispatcher = await run(ActionCancelTicket(client=backend),
                              slots={"ticket_ref": "SR-100234", "confirm": True})
    assert responses(dispatcher) == ["utter_ticket_cancel_refused"]


async def test_handoff_carries_a_masked_transcript_and_gives_reference_and_wait() -> None:
    backend = FakeBackend(verified=True)
    created = ticket("SR-100500", category="human_handoff")
    created.expected_wait_minutes = 12
    backend.answers["create_service_request"] = created
    earlier = [
        {"event": "user", "text": "how much is my bill", "parse_data": {}},
        {"event": "bot", "text": "Please type the 6-digit code."},
        {"event": "user", "text": "482913", "parse_data": {}},
    ]
    _, dispatcher = await run(ActionHumanHandoff(client=backend), text="agent please",
                              intent="human_handoff", earlier_events=earlier)
    (call,) = backend.called("create_service_request")
    body = call[2]
    assert body["category"] == "human_handoff"
    assert "Customer: how much is my bill" in body["transcript"]
    assert "482913" not in body["transcript"]
    assert responses(dispatcher) == ["utter_handoff_created"]
    assert "in about 12 minutes" in text(dispatcher)


def test_transcript_is_bounded() -> None:
    earlier = [{"event": "user", "text": "x" * 500, "parse_data": {}} for _ in range(20)]
    assert len(transcript(make_tracker(earlier_events=earlier))) == 4000
