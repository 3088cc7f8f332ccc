"""Validators for customer input: amounts, e-mail addresses, postcodes, addresses."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.db.types import CENT

EMAIL_LOCAL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$"
)
DOMAIN_LABEL_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")
MAX_AMOUNT = Decimal("99999999.99")


def parse_amount(value: Any) -> Decimal:
    """A positive amount with at most two decimals; raises ValueError with a clear text."""
    if isinstance(value, bool) or value is None:
        raise ValueError('amount must be a decimal string such as "42.50"')
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError('amount must be a decimal string such as "42.50"') from None
    if not amount.is_finite():
        raise ValueError("amount must be a finite number")
    if amount > MAX_AMOUNT or amount < -MAX_AMOUNT:
        raise ValueError("amount is too large")
    if amount != amount.quantize(CENT):
        raise ValueError("amount can have at most two decimals")
    if amount <= 0:
        raise ValueError("amount must be greater than zero")
    if amount > MAX_AMOUNT:
        raise ValueError("amount is too large")
    return amount.quantize(CENT)


def normalise_email(value: str) -> str:
    """A lower-cased domain, a syntactically valid address; ValueError otherwise."""
    text = (value or "").strip()
    if len(text) > 254 or text.count("@") != 1:
        raise ValueError("not a valid e-mail address")
    local, domain = text.split("@")
    if not local or len(local) > 64 or not EMAIL_LOCAL_RE.match(local):
        raise ValueError("not a valid e-mail address")
    labels = domain.lower().split(".")
    if len(labels) < 2 or not all(DOMAIN_LABEL_RE.match(label) for label in labels):
        raise ValueError("not a valid e-mail address")
    if not labels[-1].isalpha() or len(labels[-1]) < 2:
        raise ValueError("not a valid e-mail address")
    return f"{local}@{'.'.join(labels)}"


def normalise_postcode(value: str) -> str:
    text = (value or "").strip()
    if not ZIP_RE.match(text):
        raise ValueError("a US ZIP code has 5 digits (or ZIP+4, 12345-6789)")
    return text[:5]


def normalise_address(value: str) -> str:
    text = " ".join((value or "").split())
    if not 5 <= len(text) <= 200 or not any(ch.isalpha() for ch in text):
        raise ValueError("an address is 5 to 200 characters with a street name")
    return text
