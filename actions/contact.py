"""Update contact details: a validated email, phone or postal address, confirmed first."""

from __future__ import annotations

import re
from typing import Any, Optional

import phonenumbers
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction, ask_rating
from actions.conversation import entity_value, latest_intent, latest_text
from actions.errors import BackendError, BackendUnavailable
from actions.forms import TaskForm, accepted, clear_task_slots, not_an_answer, reject
from actions.messages import say
from actions.models import Session
from actions.postcode import PostcodeSlot

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
FIELD_WORDS = {
    "email": ("email", "e-mail", "mail"),
    "phone": ("phone", "number", "mobile", "cell"),
    "address": ("address", "moved", "move", "street", "home", "postal"),
}
FIELD_LABELS = {"email": "email address", "phone": "contact phone number", "address": "address"}


def field_from_text(text: str) -> Optional[str]:
    lowered = text.lower()
    for field, words in FIELD_WORDS.items():
        if any(word in lowered for word in words):
            return field
    return None


def valid_email(text: str) -> Optional[str]:
    candidate = text.strip().strip(".").lower()
    return candidate if EMAIL_RE.match(candidate) and len(candidate) <= 254 else None


def valid_phone(text: str) -> Optional[str]:
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def valid_address(text: str) -> Optional[str]:
    address = " ".join(text.split())
    if 6 <= len(address) <= 120 and re.search(r"\d", address) and re.search(r"[A-Za-z]", address):
        return address
    return None


class ValidateUpdateContactForm(PostcodeSlot, TaskForm):
    def name(self) -> str:
        return "validate_update_contact_form"

    async def task_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        own = ["contact_field", "contact_value"]
        if tracker.get_slot("contact_field") == "address":
            own.append("postcode")
        return [*own, "confirm"]

    async def extract_contact_field(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        intent = latest_intent(tracker)
        if requested == "contact_field":
            field = field_from_text(latest_text(tracker))
            if field is None and not_an_answer(tracker):
                return {}
            return {"contact_field": field or latest_text(tracker)}
        if intent == "update_contact_details" and not tracker.get_slot("contact_field"):
            field = field_from_text(latest_text(tracker))
            if field:
                return {"contact_field": field}
        return {}

    async def validate_contact_field(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        if value in FIELD_WORDS:
            return accepted("contact_field", value)
        return reject("contact_field", dispatcher, tracker, "utter_contact_field_invalid")

    async def extract_contact_value(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "contact_value":
            return {}
        field = tracker.get_slot("contact_field")
        by_entity = {"email": "email", "phone": "phone_number"}.get(str(field))
        if by_entity:
            found = entity_value(tracker, by_entity)
            if found:
                return {"contact_value": found}
        text = latest_text(tracker)
        checks = {"email": valid_email, "phone": valid_phone, "address": valid_address}
        check = checks.get(str(field))
        if check and check(text):
            return {"contact_value": text}
        if not_an_answer(tracker):
            return {}
        return {"contact_value": text}

    async def validate_contact_value(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        field = tracker.get_slot("contact_field")
        checks = {"email": valid_email, "phone": valid_phone, "address": valid_address}
        check = checks.get(str(field))
        cleaned = check(str(value)) if check else None
        if cleaned is None:
            return reject("contact_value", dispatcher, tracker, f"utter_contact_{field}_invalid")
        return accepted("contact_value", cleaned)


def contact_changes(tracker: Tracker) -> dict[str, str]:
    field = str(tracker.get_slot("contact_field"))
    changes = {field: str(tracker.get_slot("contact_value"))}
    if field == "address" and tracker.get_slot("postcode"):
        changes["postcode"] = str(tracker.get_slot("postcode"))
    return changes


class ActionAskUpdateContactConfirm(CustomerAction):
    def name(self) -> str:
        return "action_ask_update_contact_form_confirm"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        changes = contact_changes(tracker)
        field = str(tracker.get_slot("contact_field"))
        value = ", ".join(changes.values())
        say(
            dispatcher, tracker, "utter_confirm_contact_change",
            field=FIELD_LABELS.get(field, field),
            value=value,
        )
        return []


class ActionUpdateContact(CustomerAction):
    task = "update_contact_details"

    def name(self) -> str:
        return "action_update_contact"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        field = str(tracker.get_slot("contact_field"))
        if tracker.get_slot("confirm") is not True or not tracker.get_slot("contact_value"):
            say(dispatcher, tracker, "utter_task_stopped")
            return clear_task_slots()
        try:
            await self.client.update_contact(session.token, contact_changes(tracker))
        except BackendUnavailable:
            say(dispatcher, tracker, "utter_change_unknown")
            return clear_task_slots()
        except BackendError:
            say(dispatcher, tracker, "utter_contact_change_refused")
            return clear_task_slots()
        say(
            dispatcher, tracker, "utter_contact_changed", field=FIELD_LABELS.get(field, field)
        )
        return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)
