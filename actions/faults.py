"""Check outage, and report a problem: guided troubleshooting, outage check, repair ticket."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction, ask_rating
from actions.client import BackendClient
from actions.conversation import entity_value, idempotency_key, latest_intent, latest_text
from actions.errors import BackendError, BackendUnavailable
from actions.formatting import day, next_visit_slot
from actions.forms import TaskForm, accepted, clear_task_slots, not_an_answer, reject
from actions.messages import say
from actions.models import Outage, Session
from actions.postcode import PostcodeSlot, postcode_from

SERVICE_WORDS = {
    "internet": ("internet", "wifi", "wi-fi", "broadband", "router", "online", "connection"),
    "tv": ("tv", "television", "channel", "cable box", "set-top", "streaming box"),
    "landline": ("landline", "home phone", "house phone", "dial tone"),
    "mobile": ("mobile", "cell", "signal", "calls", "texts", "sms", "4g", "5g", "phone"),
}
VISIT_SERVICES = frozenset({"internet", "tv", "landline"})


def service_from_text(text: str) -> Optional[str]:
    lowered = text.lower()
    for service, words in SERVICE_WORDS.items():
        if any(re.search(rf"\b{re.escape(word)}\b", lowered) for word in words):
            return service
    return None


def outage_text(outages: list[Outage]) -> str:
    lines = []
    for outage in outages:
        services = ", ".join(outage.services) or "services"
        fix = (
            f", expected to be fixed by {day(outage.expected_fix_at.date())}"
            if outage.expected_fix_at
            else ""
        )
        lines.append(f"- {services}: {outage.description}{fix}")
    return "\n".join(lines)


class ValidateCheckOutageForm(PostcodeSlot, FormValidationAction):
    """Outages are public: only a ZIP code is needed, no verification."""

    def __init__(self, client: Optional[BackendClient] = None) -> None:
        self.client = client or BackendClient()

    def name(self) -> str:
        return "validate_check_outage_form"

    async def extract_postcode(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        found = postcode_from(tracker)
        if found:
            return {"postcode": found}
        if tracker.get_slot("requested_slot") != "postcode":
            return {}
        if latest_intent(tracker) == "inform":
            return {"postcode": latest_text(tracker)}
        return {}


class ActionCheckOutage(Action):
    def __init__(self, client: Optional[BackendClient] = None) -> None:
        self.client = client or BackendClient()

    task = "check_outage"

    def name(self) -> str:
        return "action_check_outage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        postcode = tracker.get_slot("postcode")
        if not postcode:
            say(dispatcher, tracker, "utter_postcode_invalid")
            return clear_task_slots()
        with self.client.run_budget():  # retries included, within the run's budget
            try:
                outages = await self.client.outages(str(postcode))
            except BackendError:
                say(dispatcher, tracker, "utter_backend_unavailable")
                return clear_task_slots()
        if outages:
            say(
                dispatcher, tracker, "utter_outage_found",
                postcode=postcode, outages=outage_text(outages)
            )
        else:
            say(dispatcher, tracker, "utter_no_outage", postcode=postcode)
        return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)


class ValidateReportProblemForm(TaskForm):
    def name(self) -> str:
        return "validate_report_problem_form"

    async def task_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("troubleshoot") in ("fixed", "outage", "suspended"):
            return ["service", "troubleshoot"]
        return ["service", "troubleshoot", "confirm"]

    async def extract_service(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("service"):
            return {}
        requested = tracker.get_slot("requested_slot")
        intent = latest_intent(tracker)
        if requested != "service" and intent != "report_problem":
            return {}
        found = entity_value(tracker, "service") or service_from_text(latest_text(tracker))
        if found:
            return {"service": found}
        if requested == "service" and not not_an_answer(tracker):
            return {"service": latest_text(tracker)}
        return {}

    async def validate_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        service = str(value).lower() if str(value).lower() in SERVICE_WORDS else None
        service = service or service_from_text(str(value))
        if service is None:
            return reject("service", dispatcher, tracker, "utter_service_invalid")
        if not await self.is_verified(tracker):
            # Remember the service; the outage check runs once the customer is verified.
            return {"service": service}
        return await self._with_outage_check(service, dispatcher, tracker)

    async def _with_outage_check(
        self, service: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        session = await self.verified_session(tracker)
        try:
            if session is None:
                raise BackendUnavailable("no session")
            account = await self.client.account(session.token)
            outages = await self.client.outages(account.postcode) if account.postcode else []
        except BackendError:
            # The outage check is a courtesy: go on with troubleshooting without it.
            return accepted("service", service)
        if account.status == "suspended":
            # Not a fault: no troubleshooting and no repair ticket; say why and what
            # restores the service.
            say(dispatcher, tracker, "utter_service_suspended")
            return {**accepted("service", service), "troubleshoot": "suspended"}
        relevant = [o for o in outages if not o.services or service in o.services]
        if relevant:
            say(
                dispatcher, tracker, "utter_outage_explains_problem", outages=outage_text(relevant)
            )
            return {**accepted("service", service), "troubleshoot": "outage"}
        return accepted("service", service)

    async def validate_otp_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        result = await super().validate_otp_code(value, dispatcher, tracker, domain)
        service = tracker.get_slot("service")
        if result.get("verified") and service and not tracker.get_slot("troubleshoot"):
            tracker.slots.update(result)
            result.update(await self._with_outage_check(str(service), dispatcher, tracker))
        return result

    async def extract_troubleshoot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "troubleshoot":
            return {}
        intent = latest_intent(tracker)
        text = latest_text(tracker).lower()
        if intent == "affirm" or (re.search(r"\b(works?|fixed|working)\b", text) and not re.search(
            r"\b(not|n't|still)\b", text
        )):
            return {"troubleshoot": "fixed"}
        if intent in ("deny", "report_problem") or re.search(r"\b(no|not|still|didn't)\b", text):
            return {"troubleshoot": "not_fixed"}
        return {}

    async def validate_troubleshoot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in ("fixed", "not_fixed", "outage", "suspended"):
            return accepted("troubleshoot", value)
        return {"troubleshoot": None}


class ActionAskTroubleshoot(Action):
    def name(self) -> str:
        return "action_ask_troubleshoot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        service = str(tracker.get_slot("service") or "internet")
        say(dispatcher, tracker, f"utter_troubleshoot_{service}")
        return []


class ActionAskReportProblemConfirm(Action):
    def name(self) -> str:
        return "action_ask_report_problem_form_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        service = str(tracker.get_slot("service") or "")
        response = (
            "utter_confirm_fault_ticket_visit"
            if service in VISIT_SERVICES
            else "utter_confirm_fault_ticket"
        )
        say(dispatcher, tracker, response, service=service)
        return []


class ActionReportProblem(CustomerAction):
    task = "report_problem"
    now: Callable[[], datetime] = staticmethod(lambda: datetime.now(timezone.utc))

    def name(self) -> str:
        return "action_report_problem"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        service = str(tracker.get_slot("service") or "")
        outcome = tracker.get_slot("troubleshoot")
        if outcome == "fixed":
            say(dispatcher, tracker, "utter_glad_fixed")
            return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)
        if outcome == "outage":
            say(dispatcher, tracker, "utter_outage_no_ticket")
            return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)
        if outcome == "suspended":
            return clear_task_slots()  # explained when it was found; nothing to open
        if tracker.get_slot("confirm") is not True:
            say(dispatcher, tracker, "utter_task_stopped")
            return clear_task_slots()
        request = {
            "category": "fault",
            "description": f"{service} fault reported in chat; basic troubleshooting did not help",
        }
        if service in VISIT_SERVICES:
            request["appointment_start"] = next_visit_slot(self.now()).isoformat()
        key = idempotency_key(tracker, f"fault:{service}")
        try:
            ticket = await self.client.create_service_request(session.token, request, key)
        except BackendUnavailable:
            say(dispatcher, tracker, "utter_change_unknown")
            return clear_task_slots()
        except BackendError:
            say(dispatcher, tracker, "utter_ticket_refused")
            return clear_task_slots()
        if ticket.appointment_start:
            say(
                dispatcher, tracker, "utter_fault_ticket_visit",
                reference=ticket.reference,
                appointment=f"{day(ticket.appointment_start.date())}, "
                f"{ticket.appointment_start.strftime('%H:%M')} UTC",
            )
        else:
            say(dispatcher, tracker, "utter_fault_ticket", reference=ticket.reference)
        return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)
