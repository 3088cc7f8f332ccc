"""Payment arrangement: more time or instalments, eligibility explained, confirmation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction, ask_rating
from actions.conversation import entity_value, idempotency_key, latest_intent, latest_text
from actions.dates_input import parse_date
from actions.errors import BackendError, BackendUnavailable
from actions.formatting import day
from actions.forms import TaskForm, accepted, clear_task_slots, not_an_answer, reject
from actions.messages import say
from actions.models import Session

MIN_INSTALMENTS, MAX_INSTALMENTS = 2, 6
# The backend's eligibility rules (bot/services/arrangements.py), explained in plain words.
REFUSAL_RESPONSES = {
    "balance_due": "utter_nothing_to_pay",
    "one_active_arrangement": "utter_arrangement_refused_existing",
    "overdue_at_most_30_days": "utter_arrangement_refused_overdue",
    "extension_at_most_14_days": "utter_arrangement_refused_too_far",
    "instalments_2_to_6": "utter_instalments_invalid",
}


# Rules about the account, not the request: when one fails, no date or number of
# instalments can help, so the form asks nothing (the backend checks them first).
ACCOUNT_RULES = ("balance_due", "one_active_arrangement", "overdue_at_most_30_days")
PROBE = {"kind": "instalments", "instalments": MIN_INSTALMENTS}


async def account_refusal(client: Any, token: str) -> Optional[str]:
    """The account-level rule that rules out any arrangement now, or None (also when the
    backend cannot tell: the questions are asked and the answer checked then)."""
    try:
        eligibility = await client.arrangement_eligibility(token, PROBE)
    except BackendError:
        return None
    if not eligibility.eligible and eligibility.rule in ACCOUNT_RULES:
        return str(eligibility.rule)
    return None


def kind_named(text: str) -> Optional[str]:
    """The kind of arrangement named in words (never from a number)."""
    lowered = text.lower()
    if re.search(r"instal|split|parts|monthly payments|spread", lowered):
        return "instalments"
    if re.search(r"extension|more time|later|extend|next week|delay|postpone", lowered):
        return "extension"
    return None


def kind_from_text(text: str) -> Optional[str]:
    lowered = text.lower()
    named = kind_named(lowered)
    if named:
        return named
    if re.search(r"\b1\b|first", lowered):
        return "extension"
    if re.search(r"\b2\b|second", lowered):
        return "instalments"
    return None


def instalments_from_text(text: str) -> Optional[int]:
    words = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
    match = re.search(r"\b(\d{1,2})\b", text)
    if match:
        return int(match.group(1))
    return next((n for w, n in words.items() if re.search(rf"\b{w}\b", text.lower())), None)


def arrangement_request(tracker: Tracker) -> dict[str, Any]:
    kind = str(tracker.get_slot("arrangement_kind"))
    detail = str(tracker.get_slot("arrangement_detail"))
    if kind == "extension":
        return {"kind": "extension", "extend_to": detail}
    return {"kind": "instalments", "instalments": int(detail)}


def describe(request: dict[str, Any]) -> str:
    if request["kind"] == "extension":
        return f"more time to pay, until {day(date.fromisoformat(request['extend_to']))}"
    return f"your balance split into {request['instalments']} monthly instalments"


class ValidatePaymentArrangementForm(TaskForm):
    today: Callable[[], date] = staticmethod(date.today)

    def name(self) -> str:
        return "validate_payment_arrangement_form"

    async def task_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        own = await super().task_slots(domain_slots, dispatcher, tracker, domain)
        if tracker.get_slot("arrangement_detail"):
            return own
        session = await self.verified_session(tracker)
        if session is not None and await account_refusal(self.client, session.token):
            return []  # nothing to ask: the submit action explains why, once
        return own

    async def extract_arrangement_kind(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("arrangement_kind"):
            return {}
        requested = tracker.get_slot("requested_slot")
        intent = latest_intent(tracker)
        text = latest_text(tracker)
        if intent == "payment_arrangement" and requested != "arrangement_kind":
            found = kind_from_text(text) if re.search(r"[a-z]", text.lower()) else None
            return {"arrangement_kind": found} if found else {}
        if requested == "arrangement_kind" and (
            kind_from_text(text) or not not_an_answer(tracker)
        ):
            return {"arrangement_kind": text}
        return {}

    async def _kind_switch(self, tracker: Tracker) -> dict[str, Any]:
        """"can i do the instalments instead" while asked for a date: the other kind."""
        named = kind_named(latest_text(tracker))
        current = tracker.get_slot("arrangement_kind")
        if named and current and named != current:
            return {"arrangement_kind": named, "arrangement_detail": None}
        return {}

    async def validate_arrangement_kind(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        kind = value if value in ("extension", "instalments") else kind_from_text(str(value))
        if kind is None:
            return reject("arrangement_kind", dispatcher, tracker, "utter_arrangement_kind_invalid")
        return accepted("arrangement_kind", kind)

    async def extract_arrangement_detail(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "arrangement_detail":
            return {}
        switched = await self._kind_switch(tracker)
        if switched:
            return switched
        # The date entity when it reads as a date, else the whole message: an entity
        # can hold part of a date ("dec" of "dec 20th").
        found = entity_value(tracker, "date")
        from_entity = parse_date(found, self.today()) if found else None
        text = found if found and from_entity else latest_text(tracker)
        readable = from_entity or parse_date(text, self.today()) or instalments_from_text(text)
        if readable is None and not_an_answer(tracker):
            return {}
        return {"arrangement_detail": text}

    async def validate_arrangement_detail(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        kind = tracker.get_slot("arrangement_kind")
        request: dict[str, Any]
        if kind == "extension":
            when = parse_date(str(value), self.today())
            if when is None or when <= self.today():
                return reject("arrangement_detail", dispatcher, tracker, "utter_date_invalid")
            request = {"kind": "extension", "extend_to": when.isoformat()}
            stored = when.isoformat()
        else:
            count = instalments_from_text(str(value))
            if count is None or not MIN_INSTALMENTS <= count <= MAX_INSTALMENTS:
                return reject(
                    "arrangement_detail", dispatcher, tracker, "utter_instalments_invalid"
                )
            request = {"kind": "instalments", "instalments": count}
            stored = str(count)
        session = await self.verified_session(tracker)
        try:
            if session is None:
                raise BackendUnavailable("no session")
            eligibility = await self.client.arrangement_eligibility(session.token, request)
        except BackendUnavailable:
            say(dispatcher, tracker, "utter_backend_unavailable")
            return {"arrangement_detail": None}
        except BackendError as exc:
            rule = str(exc.details.get("rule") or exc.code)
            say(
                dispatcher, tracker, REFUSAL_RESPONSES.get(rule, "utter_arrangement_refused")
            )
            return {"arrangement_detail": None}
        if not eligibility.eligible:
            refusal = REFUSAL_RESPONSES.get(eligibility.rule, "utter_arrangement_refused")
            say(dispatcher, tracker, refusal)
            return {"arrangement_detail": None}
        return accepted("arrangement_detail", stored)


class ActionAskArrangementDetail(Action):
    def name(self) -> str:
        return "action_ask_arrangement_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("arrangement_kind") == "extension":
            say(dispatcher, tracker, "utter_ask_extension_date")
        else:
            say(dispatcher, tracker, "utter_ask_instalments")
        return []


class ActionAskPaymentArrangementConfirm(Action):
    def name(self) -> str:
        return "action_ask_payment_arrangement_form_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(
            dispatcher, tracker, "utter_confirm_arrangement",
            arrangement=describe(arrangement_request(tracker))
        )
        return []


class ActionPaymentArrangement(CustomerAction):
    task = "payment_arrangement"

    def name(self) -> str:
        return "action_payment_arrangement"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("confirm") is not True or not tracker.get_slot("arrangement_detail"):
            rule = None
            if not tracker.get_slot("arrangement_detail"):
                rule = await account_refusal(self.client, session.token)
            if rule is not None:
                say(dispatcher, tracker, REFUSAL_RESPONSES.get(rule, "utter_arrangement_refused"))
            else:
                say(dispatcher, tracker, "utter_task_stopped")
            return clear_task_slots()
        request = arrangement_request(tracker)
        key = idempotency_key(tracker, f"arrangement:{request}")
        try:
            arrangement = await self.client.create_arrangement(session.token, request, key)
        except BackendUnavailable:
            say(dispatcher, tracker, "utter_change_unknown")
            return clear_task_slots()
        except BackendError as exc:
            rule = str(exc.details.get("rule") or exc.code)
            say(
                dispatcher, tracker, REFUSAL_RESPONSES.get(rule, "utter_arrangement_refused")
            )
            return clear_task_slots()
        say(
            dispatcher, tracker, "utter_arrangement_created",
            arrangement=describe(request),
            reference=arrangement.reference or "-",
        )
        return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)
