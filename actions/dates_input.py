"""Reading dates typed by customers: ISO, "Dec 12", "12/5", "in 10 days", "the 20th"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

MONTHS = {
    name: index
    for index, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}
# What customers type for a weekday: the full name or a texting short form ("thurs", "weds").
WEEKDAY_FORMS = (
    ("monday", "mon"),
    ("tuesday", "tue", "tues"),
    ("wednesday", "wed", "weds"),
    ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)
# One pattern per weekday, Monday first. No letter or apostrophe before the form ("c'mon"
# is not Monday), a word boundary after it ("month" is not, "monday's" still is).
WEEKDAY_PATTERNS = tuple(
    re.compile(rf"(?<![\w'])({'|'.join(forms)})\b") for forms in WEEKDAY_FORMS
)


def _future(month: int, day: int, today: date) -> Optional[date]:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


def parse_date(text: str, today: date) -> Optional[date]:
    lowered = text.lower().strip()
    iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", lowered)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    if "tomorrow" in lowered:
        return today + timedelta(days=1)
    words = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "ten": 10}
    relative = re.search(
        r"\b(\d{1,3}|a|an|one|two|three|four|ten) (day|days|week|weeks)\b", lowered
    )
    if relative:
        amount = relative.group(1)
        count = int(amount) if amount.isdigit() else words[amount]
        return today + timedelta(days=count * (7 if "week" in relative.group(2) else 1))
    if "next week" in lowered:
        return today + timedelta(days=7)
    for index, pattern in enumerate(WEEKDAY_PATTERNS):
        if pattern.search(lowered):
            ahead = (index - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    named = re.search(r"\b([a-z]{3,9})\.? (\d{1,2})(st|nd|rd|th)?\b", lowered)
    if named and named.group(1) in MONTHS:
        return _future(MONTHS[named.group(1)], int(named.group(2)), today)
    named = re.search(r"\b(\d{1,2})(st|nd|rd|th)? (of )?([a-z]{3,9})\b", lowered)
    if named and named.group(4) in MONTHS:
        return _future(MONTHS[named.group(4)], int(named.group(1)), today)
    slash = re.search(r"\b(\d{1,2})/(\d{1,2})\b", lowered)
    if slash:
        return _future(int(slash.group(1)), int(slash.group(2)), today)
    if re.search(r"\bend of (the |this )?month\b", lowered):
        return _month_day(today, 31)
    ordinal = re.search(r"\b(\d{1,2})(st|nd|rd|th)\b", lowered)
    if ordinal:
        return _month_day(today, int(ordinal.group(1)))
    return None


def _month_day(today: date, day: int) -> Optional[date]:
    """"the 20th": that day this month, or next month once it has passed; 31 = month end."""
    if not 1 <= day <= 31:
        return None
    for ahead in (0, 1):
        year, month = divmod(today.month - 1 + ahead, 12)
        first = date(today.year + year, month + 1, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        candidate = first.replace(day=min(day, last.day))
        if candidate >= today:
            return candidate
    return None
