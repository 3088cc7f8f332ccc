"""Phone numbers: parse any common format to E.164 (default region US), and mask."""

from __future__ import annotations

from typing import Optional

import phonenumbers

DEFAULT_REGION = "US"


def to_e164(raw: str, region: str = DEFAULT_REGION) -> Optional[str]:
    """The E.164 form of ``raw``, or None when it is not a valid phone number."""
    text = (raw or "").strip()
    if not text or len(text) > 32:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask(e164: str) -> str:
    """'+12025550101' -> '+1 ••• ••• 0101' (country code and last four only)."""
    try:
        number = phonenumbers.parse(e164, None)
        country = f"+{number.country_code}"
    except phonenumbers.NumberParseException:
        country = "+"
    return f"{country} ••• ••• {e164[-4:]}"
