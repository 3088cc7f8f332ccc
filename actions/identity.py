"""Identity verification inside every task form.

Each task form's validation action derives from :class:`VerifiedTaskForm`: while
the backend says the conversation is not verified, ``identifier`` and then
``otp_code`` are prepended to the form's own slots. ``validate_identifier`` starts
a verification (the code goes to the phone on file), ``validate_otp_code``
confirms it; the verified token stays in the backend, bound to the conversation.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.card_details import CARD_WARNING, typed_card_details
from actions.client import BackendClient
from actions.conversation import conversation_of, entity_value, latest_intent, latest_text
from actions.errors import BackendError, BackendUnavailable
from actions.formatting import plural
from actions.messages import say
from actions.models import Session
from actions.retries import accepted, reject

logger = logging.getLogger(__name__)

IDENTITY_SLOTS = ["identifier", "otp_code"]
RESET_IDENTITY: dict[str, Any] = {"identifier": None, "otp_code": None, "verification_id": None}

ACCOUNT_RE = re.compile(r"^AC\d{8}$", re.IGNORECASE)
PHONE_CHARS_RE = re.compile(r"^\+?[\d\s().\-]{7,20}$")
OTP_LIKE_RE = re.compile(r"^[\d\s\-]{4,12}$")
OTP_RE = re.compile(r"^\d{6}$")
OTP_IN_TEXT_RE = re.compile(r"(?<!\d)(\d{3}[ \-]?\d{3})(?!\d)")

IDENTIFIER_ERRORS = {
    "invalid_identifier": "utter_identifier_invalid",
    "customer_not_found": "utter_identifier_not_found",
    "account_closed": "utter_account_closed",
    "resend_too_soon": "utter_code_resend_too_soon",
    "not_in_rollout": "utter_not_in_rollout",
}
# Outside the controlled rollout: where to go instead (the portal, or a person by phone).
ROLLOUT_MESSAGES = {"channel_disabled": "utter_channel_not_in_rollout"}


class NotServed(Exception):
    """The controlled rollout does not serve this customer here: the task ends."""
RESTART_ERRORS = {
    "code_expired": "utter_otp_expired",
    "verification_locked": "utter_otp_locked",
    "code_already_used": "utter_verification_restart",
    "verification_not_found": "utter_verification_restart",
}


def normalise_identifier(text: str) -> Optional[str]:
    """A plausible phone or account number, tidied, or ``None`` (no backend call)."""
    compact = re.sub(r"\s+", "", text)
    if ACCOUNT_RE.match(compact):
        return compact.upper()
    if PHONE_CHARS_RE.match(text.strip()):
        digits = re.sub(r"\D", "", text)
        if 7 <= len(digits) <= 15:
            return text.strip()
    return None


def normalise_otp(text: str) -> Optional[str]:
    compact = re.sub(r"[\s\-]", "", text)
    return compact if OTP_RE.match(compact) else None


class VerifiedTaskForm(FormValidationAction, ABC):
    """Base of every task form: identity first, then the form's own slots."""

    def __init__(self, client: Optional[BackendClient] = None) -> None:
        self.client = client or BackendClient()

    @abstractmethod
    def name(self) -> str:
        """``validate_<form name>``."""

    async def verified_session(self, tracker: Tracker) -> Optional[Session]:
        """The conversation's session, ``None`` when not verified.

        Raises :class:`BackendUnavailable` when the backend cannot tell (down, stalled,
        circuit open): a verified customer must not be asked to identify again because
        the backend is slow. :meth:`run` turns it into "can't reach our systems".
        Only while the form is asking for identity (so the customer was not verified a
        moment ago) is an outage read as "not verified": ``validate_identifier`` and
        ``validate_otp_code`` then report it and keep the question.
        """
        channel, conversation_id = conversation_of(tracker)
        try:
            return await self.client.get_session(channel, conversation_id)
        except BackendUnavailable:
            if tracker.get_slot("requested_slot") in IDENTITY_SLOTS:
                return None
            raise
        except BackendError:
            return None  # cannot tell: never skip identity

    async def is_verified(self, tracker: Tracker) -> bool:
        return await self.verified_session(tracker) is not None

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Every backend call of this run (session checks, the step's own calls, retries)
        # shares one time budget: the customer's reply stays within the 5-second promise.
        try:
            with self.client.run_budget():
                if tracker.get_slot("requested_slot") is None and await self.channel_closed(
                    dispatcher, tracker
                ):
                    return self.backend_unavailable_events(domain)
                return await super().run(dispatcher, tracker, domain)
        except BackendUnavailable as exc:
            logger.warning("%s: backend unavailable (%s): task ended", self.name(), exc.message)
            say(dispatcher, tracker, "utter_backend_unavailable")
            return self.backend_unavailable_events(domain)
        except NotServed:
            return self.backend_unavailable_events(domain)  # told where to go; task ended

    async def channel_closed(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """At a task's start: has the controlled rollout switched this channel off?"""
        channel, _ = conversation_of(tracker)
        try:
            status = await self.client.rollout_channel(channel)
        except BackendError:
            return False  # cannot tell: start_verification enforces the rollout anyway
        if status.enabled:
            return False
        say(dispatcher, tracker, "utter_channel_not_in_rollout",
            portal_url=status.portal_url, support_phone=status.support_phone)
        return True

    def backend_unavailable_events(self, domain: DomainDict) -> list[EventType]:
        """End the task, nothing changed: its answers (a "yes" above all) are forgotten.

        The verified session lives in the backend and is kept, so once the backend is
        back the customer asks again without a new code. The follow-up ``action_listen``
        stops Rasa from running the form's submit action, which would only fail again
        (and say so a second time).
        """
        own = [slot for slot in self.domain_slots(domain) if slot not in IDENTITY_SLOTS]
        return [
            *(SlotSet(slot, None) for slot in own),
            SlotSet("requested_slot", None),
            ActiveLoop(None),
            FollowupAction("action_listen"),
        ]

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        own = await self.task_slots(domain_slots, dispatcher, tracker, domain)
        if await self.is_verified(tracker):
            return own
        return IDENTITY_SLOTS + [slot for slot in own if slot not in IDENTITY_SLOTS]

    async def task_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The form's own slots once verified; subclasses may make them dynamic."""
        return [slot for slot in domain_slots if slot not in IDENTITY_SLOTS]

    # ------------------------------------------------------------ identifier
    async def extract_identifier(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "identifier":
            return {}
        for entity in ("account_number", "phone_number"):
            value = entity_value(tracker, entity)
            if value:
                return {"identifier": value}
        text = latest_text(tracker)
        if normalise_identifier(text) or latest_intent(tracker) == "inform":
            return {"identifier": text}
        return {}

    async def validate_identifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        if typed_card_details(tracker):
            return reject("identifier", dispatcher, tracker, CARD_WARNING)
        identifier = normalise_identifier(str(value))
        if identifier is None:
            return reject("identifier", dispatcher, tracker, "utter_identifier_invalid")
        channel, conversation_id = conversation_of(tracker)
        try:
            verification = await self.client.start_verification(
                identifier, channel, conversation_id
            )
        except BackendUnavailable:
            say(dispatcher, tracker, "utter_backend_unavailable")
            return {"identifier": None}
        except BackendError as exc:
            response = IDENTIFIER_ERRORS.get(exc.code, "utter_backend_error")
            if exc.code in ("invalid_identifier", "customer_not_found"):
                return reject("identifier", dispatcher, tracker, response)
            if exc.code == "resend_too_soon":
                seconds = exc.detail_int("retry_after_seconds") or 30
                say(dispatcher, tracker, response, seconds=seconds)
            elif exc.code == "not_in_rollout":
                say(dispatcher, tracker, ROLLOUT_MESSAGES.get(str(exc.details.get("reason")),
                                                              response),
                    portal_url=str(exc.details.get("portal_url") or "our website"),
                    support_phone=str(exc.details.get("support_phone") or "customer service"))
                raise NotServed() from exc
            else:
                say(dispatcher, tracker, response)
            return {"identifier": None}
        say(
            dispatcher, tracker, "utter_code_sent", destination=verification.masked_destination
        )
        return {
            **accepted("identifier", identifier),
            "verification_id": verification.verification_id,
            "otp_code": None,
        }

    # ------------------------------------------------------------ otp_code
    async def extract_otp_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "otp_code":
            return {}
        text = latest_text(tracker)
        # Six digits and no others in the message ("276 190", "my code is 276-190") are
        # the code, whatever part of it an entity extractor tagged.
        typed = OTP_IN_TEXT_RE.search(text)
        if typed and len(re.sub(r"\D", "", text)) == 6:
            return {"otp_code": typed.group(1)}
        value = entity_value(tracker, "otp_code")
        if value:
            return {"otp_code": value}
        if OTP_LIKE_RE.match(text) or latest_intent(tracker) in ("inform", "rate"):
            return {"otp_code": text}
        return {}

    async def validate_otp_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        code = normalise_otp(str(value))
        if code is None:
            return reject("otp_code", dispatcher, tracker, "utter_otp_malformed")
        verification_id = tracker.get_slot("verification_id")
        if not verification_id:
            say(dispatcher, tracker, "utter_verification_restart")
            return dict(RESET_IDENTITY)
        channel, conversation_id = conversation_of(tracker)
        try:
            session = await self.client.confirm_verification(str(verification_id), code)
        except BackendUnavailable:
            # No answer: the backend may have opened the session all the same.
            self.client.forget_session(channel, conversation_id)
            say(dispatcher, tracker, "utter_backend_unavailable")
            return {"otp_code": None}
        except BackendError as exc:
            return self._code_refused(exc, dispatcher, tracker)
        # The identity changed: the remembered "not verified" must not outlive this turn.
        self.client.forget_session(channel, conversation_id)
        say(dispatcher, tracker, "utter_verified", first_name=session.customer.first_name)
        return {**RESET_IDENTITY, "verified": True}

    @staticmethod
    def _code_refused(
        exc: BackendError, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if exc.code == "code_incorrect":
            left = exc.detail_int("attempts_left")
            if left is None:
                say(dispatcher, tracker, "utter_otp_incorrect_generic")
                return {"otp_code": None}
            if left > 0:
                say(
                    dispatcher, tracker, "utter_otp_incorrect", tries=plural(left, "try", "tries")
                )
                return {"otp_code": None}
            say(dispatcher, tracker, "utter_otp_locked")
            return dict(RESET_IDENTITY)
        if exc.code == "invalid_code_format":
            say(dispatcher, tracker, "utter_otp_malformed")
            return {"otp_code": None}
        say(dispatcher, tracker, RESTART_ERRORS.get(exc.code, "utter_backend_error"))
        return dict(RESET_IDENTITY)
