"""Request a service (SIM, relocation, new line, installation) and the shared ticket helpers."""

from __future__ import annotations

import re
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction, ask_rating
from actions.choices import position
from actions.contact import valid_address
from actions.conversation import entity_value, idempotency_key, latest_intent, latest_text
from actions.errors import BackendError, BackendUnavailable
from actions.faults import service_from_text
from actions.formatting import day
from actions.forms import TaskForm, accepted, clear_task_slots, not_an_answer, reject
from actions.messages import say
from actions.models import ServiceRequest, Session
from actions.postcode import PostcodeSlot

REQUEST_TYPES = {
    "sim_replacement": ("sim", "sim card", "replacement sim", "new sim", "lost my phone"),
    "relocation": ("move", "moving", "relocat", "new address", "new home"),
    "new_line": ("new line", "extra line", "another line", "add a line", "second line"),
    "installation": ("install", "set up", "setup", "hook up", "connect"),
}
REQUEST_LABELS = {
    "sim_replacement": "a replacement SIM card",
    "relocation": "moving your service to a new address",
    "new_line": "a new line",
    "installation": "an installation",
    "fault": "a repair",
    "human_handoff": "a call from our team",
}
OPEN_STATUSES = frozenset({"open", "in_progress"})
# How much of a ticket's description its line shows, so the customer knows which it is.
TICKET_ABOUT_CHARS = 60
TICKET_RE = re.compile(r"\bSR-?(\d{6})\b", re.IGNORECASE)


def request_type_from_text(text: str) -> Optional[str]:
    lowered = text.lower()
    for kind, words in REQUEST_TYPES.items():
        if kind.replace("_", " ") in lowered or any(word in lowered for word in words):
            return kind
    index = position(lowered, len(REQUEST_TYPES))
    if index is not None and len(lowered.split()) <= 3:
        return list(REQUEST_TYPES)[index]
    return None



def ticket_ref_from_text(text: str) -> Optional[str]:
    match = TICKET_RE.search(text)
    return f"SR-{match.group(1)}" if match else None



def ticket_line(ticket: ServiceRequest) -> str:
    label = REQUEST_LABELS.get(ticket.category, ticket.category.replace("_", " ") or "request")
    when = f", opened {day(ticket.created_at.date())}" if ticket.created_at else ""
    visit = (
        f", visit {day(ticket.appointment_start.date())}" if ticket.appointment_start else ""
    )
    about = ticket.description.strip()
    if len(about) > TICKET_ABOUT_CHARS:
        about = about[: TICKET_ABOUT_CHARS - 1].rstrip() + "…"
    about = f' ("{about}")' if about else ""
    status = ticket.status.replace("_", " ")
    return f"- {ticket.reference}: {label}{about}, {status}{when}{visit}"



class ValidateRequestServiceForm(PostcodeSlot, TaskForm):
    def name(self) -> str:
        return "validate_request_service_form"

    async def task_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        kind = tracker.get_slot("request_type")
        extra = {"relocation": ["contact_value", "postcode"], "installation": ["service"]}
        return ["request_type", *extra.get(str(kind), []), "confirm"]

    async def extract_request_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("request_type"):
            return {}
        requested = tracker.get_slot("requested_slot")
        intent = latest_intent(tracker)
        if requested != "request_type" and intent != "request_service":
            return {}
        found = entity_value(tracker, "request_type") or request_type_from_text(
            latest_text(tracker)
        )
        if found:
            return {"request_type": found}
        if requested == "request_type" and not not_an_answer(tracker):
            return {"request_type": latest_text(tracker)}
        return {}

    async def validate_request_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        kind = str(value) if value in REQUEST_TYPES else request_type_from_text(str(value))
        if kind is None:
            return reject("request_type", dispatcher, tracker, "utter_request_type_invalid")
        return accepted("request_type", kind)

    async def extract_contact_value(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "contact_value":
            return {}
        if not_an_answer(tracker):
            return {}
        return {"contact_value": latest_text(tracker)}

    async def validate_contact_value(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        address = valid_address(str(value))
        if address is None:
            return reject("contact_value", dispatcher, tracker, "utter_contact_address_invalid")
        return accepted("contact_value", address)

    async def extract_service(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "service":
            return {}
        found = entity_value(tracker, "service") or service_from_text(latest_text(tracker))
        if found:
            return {"service": found}
        if not_an_answer(tracker):
            return {}
        return {"service": latest_text(tracker)}

    async def validate_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        service = service_from_text(str(value))
        if service is None:
            return reject("service", dispatcher, tracker, "utter_service_invalid")
        return accepted("service", service)


def service_request_body(tracker: Tracker) -> dict[str, str]:
    kind = str(tracker.get_slot("request_type"))
    details = [f"{REQUEST_LABELS.get(kind, kind)} requested in chat"]
    if kind == "relocation":
        details.append(f"new address: {tracker.get_slot('contact_value')}, "
                       f"{tracker.get_slot('postcode')}")
    if kind == "installation":
        details.append(f"service: {tracker.get_slot('service')}")
    return {"category": kind, "description": "; ".join(details)}


class ActionAskRequestServiceConfirm(CustomerAction):
    def name(self) -> str:
        return "action_ask_request_service_form_confirm"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        say(
            dispatcher, tracker, "utter_confirm_service_request",
            details=service_request_body(tracker)["description"],
        )
        return []


async def create_ticket(
    action: CustomerAction, dispatcher: CollectingDispatcher, tracker: Tracker,
    session: Session, body: dict[str, str], purpose: str,
) -> Optional[ServiceRequest]:
    """POST one service request per confirmed turn; friendly answers on failure."""
    key = idempotency_key(tracker, purpose)
    try:
        return await action.client.create_service_request(session.token, body, key)
    except BackendUnavailable:
        say(dispatcher, tracker, "utter_change_unknown")
    except BackendError:
        say(dispatcher, tracker, "utter_ticket_refused")
    return None


class ActionRequestService(CustomerAction):
    task = "request_service"

    def name(self) -> str:
        return "action_request_service"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("confirm") is not True or not tracker.get_slot("request_type"):
            say(dispatcher, tracker, "utter_task_stopped")
            return clear_task_slots()
        body = service_request_body(tracker)
        ticket = await create_ticket(self, dispatcher, tracker, session, body, "service_request")
        if ticket is None:
            return clear_task_slots()
        say(
            dispatcher, tracker, "utter_service_request_created",
            reference=ticket.reference,
            what=REQUEST_LABELS.get(body["category"], body["category"]),
        )
        return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)


