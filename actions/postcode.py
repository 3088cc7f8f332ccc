"""The ZIP code question, shared by every form that asks it."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import entity_value, latest_text
from actions.forms import accepted, not_an_answer, reject

ZIP_RE = re.compile(r"\d{5}")


class PostcodeSlot:
    """``extract_postcode`` and ``validate_postcode`` for a form that asks for a ZIP code."""

    async def extract_postcode(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "postcode":
            return {}
        found = entity_value(tracker, "postcode")
        if found:
            return {"postcode": found}
        if not_an_answer(tracker):
            return {}
        return {"postcode": latest_text(tracker)}

    async def validate_postcode(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        code = str(value).strip()
        if not ZIP_RE.fullmatch(code):
            return reject("postcode", dispatcher, tracker, "utter_postcode_invalid")
        return accepted("postcode", code)
