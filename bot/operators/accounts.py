"""Operator accounts: create, change a password, log in with lockout after failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.operators import ROLES
from bot.operators.models import Operator
from bot.operators.passwords import burn_time, hash_password, verify_password
from bot.services import audit

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
AUDIT_CHANNEL = "dashboard"


class LoginRefused(Exception):
    """Wrong username or password, or the account is locked or disabled.

    ``message`` is safe to show: it never says which of username and password was wrong.
    """

    def __init__(self, message: str, locked_until: Optional[datetime] = None) -> None:
        super().__init__(message)
        self.message = message
        self.locked_until = locked_until


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_RE.fullmatch(name):
        raise ValueError("a username is 2-64 characters: letters, digits, '.', '_' or '-'")
    return name


def find(db: Session, username: str) -> Optional[Operator]:
    return db.execute(
        select(Operator).where(Operator.username == username.strip().lower())
    ).scalar_one_or_none()


def create_or_update(
    db: Session, *, username: str, role: str, password: str, now: datetime
) -> tuple[Operator, bool]:
    """Create the operator, or set the role and password of an existing one.

    Returns ``(operator, created)``. Raises ``ValueError`` for a bad name, role or
    password (``WeakPassword`` is a ``ValueError``).
    """
    name = normalise_username(username)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    password_hash = hash_password(password)
    operator = find(db, name)
    created = operator is None
    if operator is None:
        operator = Operator(username=name, created_at=now, failed_logins=0, disabled=False)
        db.add(operator)
    operator.role = role
    operator.password_hash = password_hash
    operator.failed_logins = 0
    operator.locked_until = None
    db.flush()
    audit.record(
        db, now=now, action="operator_created" if created else "operator_updated",
        entity="operator", entity_id=name, channel=AUDIT_CHANNEL, customer_id=None,
        details={"role": role},
    )
    return operator, created


def authenticate(
    db: Session, *, username: str, password: str, now: datetime, policy: LoginPolicy
) -> Operator:
    """The operator whose password this is; raises ``LoginRefused`` otherwise.

    After ``policy.max_failures`` wrong passwords in a row the account is locked for
    ``policy.lockout`` (even the right password is refused meanwhile). Every attempt
    on an existing account is audited.
    """
    wrong = LoginRefused("Wrong username or password.")
    operator = find(db, username) if USERNAME_RE.fullmatch(username.strip().lower()) else None
    if operator is None:
        burn_time(password)
        raise wrong
    if operator.locked_until is not None and operator.locked_until > now:
        burn_time(password)
        _audit(db, now, operator, "operator_login_locked")
        raise LoginRefused(
            "Too many failed attempts: this account is locked for a while. "
            "Try again later or ask an administrator.",
            operator.locked_until,
        )
    if operator.disabled or not verify_password(password, operator.password_hash):
        operator.failed_logins = (operator.failed_logins or 0) + 1
        if operator.failed_logins >= policy.max_failures:
            operator.locked_until = now + policy.lockout
            operator.failed_logins = 0
            _audit(db, now, operator, "operator_locked")
        else:
            _audit(db, now, operator, "operator_login_failed")
        raise wrong
    operator.failed_logins = 0
    operator.locked_until = None
    operator.last_login_at = now
    _audit(db, now, operator, "operator_login")
    return operator


def _audit(db: Session, now: datetime, operator: Operator, action: str) -> None:
    audit.record(
        db, now=now, action=action, entity="operator", entity_id=operator.username,
        channel=AUDIT_CHANNEL, customer_id=None,
    )
