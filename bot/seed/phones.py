"""Phone numbers of generated customers: unique, valid, and never a real subscriber line.

``generated_phone(k)`` is a pure function of the customer's position ``k`` among the
generated customers (0, 1, 2, ...), so a seed is deterministic and two positions never
share a number up to :data:`CAPACITY`.

Every number is in the North American 555 exchange (``+1 NPA 555 XXXX``), which is
not used for subscriber lines:

* the first 45,000 customers get ``555-0100`` ... ``555-0199``, the range reserved
  for fictional use, 100 per area code (as before, so small demo seeds are unchanged);
* beyond that, ``555-2000`` ... ``555-9999`` in the same 450 area codes, cycling
  through the area codes first. 555 line numbers were only ever assigned for
  information services (``555-1212`` directory assistance), not as subscriber lines;
  ``555-0000`` ... ``555-1999``, where those few services sit, are left out.

Area code 202 is kept for the hand-picked demo identities (``+1 202 555 0101`` ...).
None of these numbers reaches a real transport: the outbox refuses to hand a 555
number to anything but the demo transport (``bot.services.outbox``).
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

FICTIONAL_LINES = range(100, 200)  # 555-0100 ... 555-0199
EXTRA_LINES = range(2000, 10000)  # 555-2000 ... 555-9999


@lru_cache(maxsize=1)
def area_codes() -> tuple[int, ...]:
    """US area codes (not 202) in which 555-0100 and 555-9999 are valid numbers."""
    return tuple(
        code
        for code in range(201, 990)
        if code != 202
        and phonenumbers.is_valid_number(phonenumbers.parse(f"+1{code}5550100"))
        and phonenumbers.is_valid_number(phonenumbers.parse(f"+1{code}5559999"))
    )


def capacity() -> int:
    """How many distinct numbers :func:`generated_phone` can give."""
    return len(area_codes()) * (len(FICTIONAL_LINES) + len(EXTRA_LINES))


def generated_phone(k: int) -> str:
    """The E.164 number of the ``k``-th generated customer (``k`` from 0)."""
    codes = area_codes()
    fictional = len(codes) * len(FICTIONAL_LINES)
    if k < 0 or k >= capacity():
        raise ValueError(f"no generated phone number for position {k} (0..{capacity() - 1})")
    if k < fictional:
        area = codes[k // len(FICTIONAL_LINES)]
        line = FICTIONAL_LINES[k % len(FICTIONAL_LINES)]
    else:
        j = k - fictional
        area = codes[j % len(codes)]
        line = EXTRA_LINES[j // len(codes)]
    return f"+1{area}555{line:04d}"
