"""How the tests look for a secret in what was stored or logged."""

from __future__ import annotations

import re


def needle_pattern(needle: str) -> str:
    """``needle`` as a regex that a longer run of digits does not match.

    A secret that starts or ends with a digit counts only where no other digit
    touches it: a one-time code such as 967419 also occurs inside an NLU confidence
    stored with the conversation (0.0009674192557235144), and a CVV such as 737 inside
    an event's timestamp (1764203456.7371234); neither is a leak. Nor does a secret
    that begins right after a decimal point or a dash: a stored time's six-digit
    fraction (02:03:04.123456) or a ticket reference (SR-100042) can equal a random
    code. The secret typed or stored on its own (text, entity value, slot) still is.
    """
    before = r"(?<![0-9.\-])" if needle[:1].isdigit() else ""
    after = r"(?![0-9])" if needle[-1:].isdigit() else ""
    return before + re.escape(needle) + after
