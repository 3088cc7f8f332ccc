"""The ZIP code question, shared by every form that asks it."""

from __future__ import annotations

import re
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import entity_value, latest_text
from actions.forms import accepted, not_an_answer, reject

ZIP_RE = re.compile(r"\d{5}")
# A 5-digit group standing alone (ZIP+4 allowed): not part of a longer number or a phone.
_ZIP_CANDIDATE = re.compile(r"(?<![\d-])(\d{5})(?:-\d{4})?(?![\d-])")
# Words after a number that make it a house number: "12345 Main Street", "10001 N Oak Ave".
_STREET_AFTER = re.compile(
    r"\s+(?:[a-z0-9'.-]+\s+){0,3}?(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln"
    r"|drive|dr|way|court|ct|place|pl|terrace|circle|cir|highway|hwy|parkway|pkwy|square"
    r"|sq|trail|trl|apt|apartment|suite)\b",
    re.IGNORECASE,
)


def zip_codes_in(text: str) -> list[str]:
    """Every 5-digit ZIP code in ``text``; a street number ("12345 Main St") is not one."""
    return [
        match.group(1)
        for match in _ZIP_CANDIDATE.finditer(text)
        if not _STREET_AFTER.match(text, match.end())
    ]


def postcode_from(tracker: Tracker) -> Optional[str]:
    """The ZIP code in the latest message, or None.

    The NLU's ``postcode`` entity is trusted only when it is a ZIP code of the text: the
    entity extractor sometimes tags a house number ("12 Main Street" -> "12").
    """
    candidates = zip_codes_in(latest_text(tracker))
    found = entity_value(tracker, "postcode")
    if found in candidates:
        return found
    return candidates[0] if candidates else None


class PostcodeSlot:
    """``extract_postcode`` and ``validate_postcode`` for a form that asks for a ZIP code."""

    async def extract_postcode(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "postcode":
            return {}
        found = postcode_from(tracker)
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
