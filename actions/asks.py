"""Form questions Rasa would otherwise utter from domain responses.

Rasa's form asks ``action_ask_<slot>`` when the domain lists it; these actions send the
question from the message catalogue, so it has per-channel variants (buttons on the web
and Telegram, a short text on SMS) and no domain response sits unused by any story.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say


class CatalogueAsk(Action, ABC):
    """Asks a form's question: the catalogue message ``key``; sets nothing."""

    key: ClassVar[str]

    @abstractmethod
    def name(self) -> str:
        """``action_ask_<slot>`` or ``action_ask_<form>_<slot>``."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, tracker, self.key)
        return []


class AskIdentifier(CatalogueAsk):
    key = "utter_ask_identifier"

    def name(self) -> str:
        return "action_ask_identifier"


class AskOtpCode(CatalogueAsk):
    key = "utter_ask_otp_code"

    def name(self) -> str:
        return "action_ask_otp_code"


class AskArrangementKind(CatalogueAsk):
    key = "utter_ask_arrangement_kind"

    def name(self) -> str:
        return "action_ask_arrangement_kind"


class AskContactField(CatalogueAsk):
    key = "utter_ask_contact_field"

    def name(self) -> str:
        return "action_ask_contact_field"


class AskContactValue(CatalogueAsk):
    """"What's the new {contact_field}?": the placeholder is filled from the slot."""

    key = "utter_ask_contact_value"

    def name(self) -> str:
        return "action_ask_contact_value"


class AskPostcode(CatalogueAsk):
    key = "utter_ask_postcode"

    def name(self) -> str:
        return "action_ask_postcode"


class AskService(CatalogueAsk):
    key = "utter_ask_service"

    def name(self) -> str:
        return "action_ask_service"


class AskRequestType(CatalogueAsk):
    key = "utter_ask_request_type"

    def name(self) -> str:
        return "action_ask_request_type"


class AskNewAddress(CatalogueAsk):
    """A move's new address (the contact form asks ``contact_value`` differently)."""

    key = "utter_ask_request_service_form_contact_value"

    def name(self) -> str:
        return "action_ask_request_service_form_contact_value"


class AskServiceToInstall(CatalogueAsk):
    key = "utter_ask_request_service_form_service"

    def name(self) -> str:
        return "action_ask_request_service_form_service"


ASK_ACTIONS: tuple[type[CatalogueAsk], ...] = (
    AskIdentifier, AskOtpCode, AskArrangementKind, AskContactField, AskContactValue,
    AskPostcode, AskService, AskRequestType, AskNewAddress, AskServiceToInstall,
)
