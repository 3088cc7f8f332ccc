"""Follow up on tickets: open ones listed, one by reference; cancel with confirmation."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction, ask_rating
from actions.choices import Choice, resolve, spoken_list
from actions.conversation import entity_value, latest_intent, latest_text
from actions.errors import BackendError, BackendUnavailable
from actions.forms import TaskForm, accepted, clear_task_slots, not_an_answer, reject
from actions.messages import say
from actions.models import ServiceRequest, Session
from actions.service_requests import (
    OPEN_STATUSES,
    REQUEST_LABELS,
    ticket_line,
    ticket_ref_from_text,
)


def ticket_choice(ticket: ServiceRequest) -> Choice[ServiceRequest]:
    """An open ticket as a listed option: its reference, its kind ("the repair", "the
    sim one") and its number without the prefix name it."""
    kind = ticket.category.replace("_", " ")
    label = REQUEST_LABELS.get(ticket.category, kind)
    return Choice(
        ticket, (ticket.reference, ticket.reference.split("-")[-1], kind, label, *kind.split())
    )


class ValidateCheckTicketStatusForm(TaskForm):
    def name(self) -> str:
        return "validate_check_ticket_status_form"


def ticket_ref_asked(tracker: Tracker) -> Optional[str]:
    """A ticket reference the customer gave since asking about their tickets."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        for found in (event.get("parse_data") or {}).get("entities", []):
            if found.get("entity") == "ticket_ref":
                return ticket_ref_from_text(str(found.get("value")))
        ref = ticket_ref_from_text(str(event.get("text") or ""))
        if ref:
            return ref
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in ("check_ticket_status", "cancel_ticket"):
            return None
    return None


class ActionCheckTicketStatus(CustomerAction):
    task = "check_ticket_status"

    def name(self) -> str:
        return "action_check_ticket_status"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        ref = ticket_ref_asked(tracker)
        if ref:
            ticket = await self.client.service_request(session.token, ref)
            if ticket is None:
                say(dispatcher, tracker, "utter_ticket_not_found", reference=ref)
                return clear_task_slots()
            say(dispatcher, tracker, "utter_ticket_status", tickets=ticket_line(ticket))
            return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)
        tickets = [t for t in await self.client.service_requests(session.token)
                   if t.status in OPEN_STATUSES]
        if not tickets:
            say(dispatcher, tracker, "utter_no_open_tickets")
        else:
            say(
                dispatcher, tracker, "utter_open_tickets",
                tickets="\n".join(map(ticket_line, tickets))
            )
        return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)


class ValidateCancelTicketForm(TaskForm):
    def name(self) -> str:
        return "validate_cancel_ticket_form"

    async def open_tickets(self, tracker: Tracker) -> list[ServiceRequest]:
        session = await self.verified_session(tracker)
        if session is None:
            return []
        try:
            tickets = await self.client.service_requests(session.token)
        except BackendError:
            return []
        return [t for t in tickets if t.status in OPEN_STATUSES]

    async def task_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if (
            not tracker.get_slot("ticket_ref")
            and await self.is_verified(tracker)
            and not await self.open_tickets(tracker)
        ):
            return []  # nothing to cancel: the submit action says so
        return ["ticket_ref", "confirm"]

    async def extract_ticket_ref(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        intent = latest_intent(tracker)
        if requested != "ticket_ref" and intent != "cancel_ticket":
            return {}
        found = entity_value(tracker, "ticket_ref") or ticket_ref_from_text(latest_text(tracker))
        if found:
            return {"ticket_ref": found}
        if requested == "ticket_ref" and not not_an_answer(tracker):
            return {"ticket_ref": latest_text(tracker)}
        return {}

    async def validate_ticket_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        if not await self.is_verified(tracker):
            ref = ticket_ref_from_text(str(value))
            return {"ticket_ref": ref}  # checked against the account once verified
        tickets = await self.open_tickets(tracker)
        ref = ticket_ref_from_text(str(value))
        if ref is None:
            found = resolve(str(value), [ticket_choice(t) for t in tickets])
            if found.ambiguous:
                return reject(
                    "ticket_ref", dispatcher, tracker, "utter_choice_ambiguous",
                    options=spoken_list([ticket_line(t) for t in found.candidates]),
                )
            ref = found.chosen.reference if found.chosen else None
        if ref is None:
            return reject("ticket_ref", dispatcher, tracker, "utter_ticket_ref_invalid")
        if ref not in {t.reference for t in tickets}:
            return reject("ticket_ref", dispatcher, tracker, "utter_ticket_not_open",
                          reference=ref)
        return accepted("ticket_ref", ref)


class ActionAskTicketRef(CustomerAction):
    def name(self) -> str:
        return "action_ask_ticket_ref"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        tickets = [t for t in await self.client.service_requests(session.token)
                   if t.status in OPEN_STATUSES]
        options = [{"title": ticket_line(t)[2:], "payload": t.reference} for t in tickets]
        say(dispatcher, tracker, "utter_ask_ticket_ref", buttons=options)
        return []


class ActionAskCancelTicketConfirm(CustomerAction):
    def name(self) -> str:
        return "action_ask_cancel_ticket_form_confirm"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        ref = str(tracker.get_slot("ticket_ref"))
        ticket = await self.client.service_request(session.token, ref)
        what = ticket_line(ticket)[2:] if ticket else ref
        say(dispatcher, tracker, "utter_confirm_cancel_ticket", ticket=what)
        return []


class ActionCancelTicket(CustomerAction):
    task = "cancel_ticket"

    def name(self) -> str:
        return "action_cancel_ticket"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        ref = tracker.get_slot("ticket_ref")
        if not ref:
            say(dispatcher, tracker, "utter_no_open_tickets")
            return clear_task_slots()
        if tracker.get_slot("confirm") is not True:
            say(dispatcher, tracker, "utter_task_stopped")
            return clear_task_slots()
        try:
            await self.client.cancel_service_request(session.token, str(ref))
        except BackendUnavailable:
            say(dispatcher, tracker, "utter_change_unknown")
            return clear_task_slots()
        except BackendError:
            say(dispatcher, tracker, "utter_ticket_cancel_refused", reference=ref)
            return clear_task_slots()
        say(dispatcher, tracker, "utter_ticket_cancelled", reference=ref)
        return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)


