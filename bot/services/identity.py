"""Identity: one-time codes to the phone on file, and conversation-bound sessions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Customer, IdentitySession, Verification
from bot.rollout import enforce as rollout
from bot.services import audit
from bot.services.errors import DomainError
from bot.services.outbox import SmsTransport, send_sms
from bot.services.phones import mask, to_e164
from bot.services.secrets_util import (
    derive_token,
    keyed_hash,
    random_id,
    same,
    sha256_hex,
    six_digit_code,
)
from bot.settings import Settings

ACCOUNT_RE = re.compile(r"^AC\d{8}$")
CODE_RE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class StartedVerification:
    verification_id: str
    masked_destination: str
    expires_at: datetime


@dataclass(frozen=True)
class SessionGrant:
    token: str
    expires_at: datetime
    customer: Customer


def _normalise_account(raw: str) -> Optional[str]:
    compact = re.sub(r"[\s-]", "", raw or "").upper()
    return compact if ACCOUNT_RE.match(compact) else None


def find_customer(db: Session, identifier: str) -> Customer:
    """The customer an identifier (account number or phone) names, or a DomainError."""
    account = _normalise_account(identifier)
    if account:
        customer = db.execute(
            select(Customer).where(Customer.account_number == account)
        ).scalar_one_or_none()
    else:
        phone = to_e164(identifier)
        if phone is None:
            raise DomainError(
                422,
                "invalid_identifier",
                "That is neither a valid phone number nor an account number "
                "(AC followed by 8 digits).",
            )
        matches = db.execute(select(Customer).where(Customer.phone == phone).limit(2)).scalars()
        found = list(matches)
        if len(found) > 1:
            raise DomainError(
                409,
                "ambiguous_identifier",
                "Several accounts use this phone number; please give your account number.",
            )
        customer = found[0] if found else None
    if customer is None:
        raise DomainError(404, "customer_not_found", "We could not find an account for that.")
    return customer


def start_verification(
    db: Session,
    settings: Settings,
    transport: SmsTransport,
    *,
    identifier: str,
    channel: str,
    conversation_id: str,
    now: datetime,
) -> StartedVerification:
    customer = find_customer(db, identifier)
    if customer.status == "closed":
        raise DomainError(403, "account_closed", "This account is closed.")
    # Controlled rollout: refused (403 not_in_rollout) before any code is sent.
    rollout.check_served(db, settings, customer, channel=channel, now=now)
    latest = db.execute(
        select(Verification)
        .where(Verification.customer_id == customer.id)
        .order_by(Verification.created_at.desc(), Verification.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is not None:
        wait = (latest.created_at + timedelta(seconds=settings.otp_resend_seconds)) - now
        if wait.total_seconds() > 0:
            seconds = int(wait.total_seconds()) + (0 if wait.total_seconds().is_integer() else 1)
            raise DomainError(
                429,
                "resend_too_soon",
                f"A code was just sent. Please wait {seconds} seconds before asking again.",
                retry_after_seconds=seconds,
            )
    db.execute(
        update(Verification)
        .where(Verification.customer_id == customer.id, Verification.status == "pending")
        .values(status="superseded")
    )
    secret = settings.token_secret.get_secret_value()
    public_id = random_id("vf_")
    code = six_digit_code()
    expires_at = now + timedelta(minutes=settings.otp_ttl_minutes)
    db.add(
        Verification(
            public_id=public_id,
            customer_id=customer.id,
            code_hash=keyed_hash(secret, f"otp:{public_id}:{code}"),
            channel=channel,
            conversation_id=conversation_id,
            destination=customer.phone,
            status="pending",
            attempts=0,
            created_at=now,
            expires_at=expires_at,
        )
    )
    body = (
        f"Your TeleComNet code is {code}. It expires in {settings.otp_ttl_minutes} minutes. "
        "Never share it: TeleComNet will never ask you for it."
    )
    send_sms(
        db,
        transport,
        to=customer.phone,
        body=body,
        now=now,
        customer_id=customer.id,
        secrets=(code,),
    )
    audit.record(
        db,
        now=now,
        action="verification_started",
        entity="verification",
        entity_id=public_id,
        channel=channel,
        customer_id=customer.id,
    )
    return StartedVerification(public_id, mask(customer.phone), expires_at)


def confirm_verification(
    db: Session, settings: Settings, *, verification_id: str, code: str, now: datetime
) -> SessionGrant:
    """Check a code. Wrong tries are counted and committed even though the call fails."""
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise DomainError(422, "invalid_code_format", "The code is the 6 digits we sent you.")
    verification = db.execute(
        select(Verification).where(Verification.public_id == verification_id).with_for_update()
    ).scalar_one_or_none()
    if verification is None:
        raise DomainError(404, "verification_not_found", "That verification does not exist.")
    if verification.status == "used":
        raise DomainError(409, "code_already_used", "This code was already used.")
    if verification.status == "locked":
        raise DomainError(
            423, "verification_locked", "Too many wrong codes. Please ask for a new code."
        )
    if verification.status == "superseded" or now >= verification.expires_at:
        raise DomainError(410, "code_expired", "This code has expired. Please ask for a new one.")
    secret = settings.token_secret.get_secret_value()
    expected = keyed_hash(secret, f"otp:{verification.public_id}:{code}")
    if not same(expected, verification.code_hash):
        verification.attempts += 1
        left = settings.otp_max_attempts - verification.attempts
        if left <= 0:
            verification.status = "locked"
            audit.record(
                db,
                now=now,
                action="verification_locked",
                entity="verification",
                entity_id=verification.public_id,
                channel=verification.channel,
                customer_id=verification.customer_id,
            )
            db.commit()
            raise DomainError(
                423, "verification_locked", "Too many wrong codes. Please ask for a new code."
            )
        db.commit()
        raise DomainError(401, "code_incorrect", "That code is not right.", attempts_left=left)
    verification.status = "used"
    verification.used_at = now
    grant = _open_session(
        db,
        settings,
        customer_id=verification.customer_id,
        channel=verification.channel,
        conversation_id=verification.conversation_id,
        now=now,
    )
    audit.record(
        db,
        now=now,
        action="verification_confirmed",
        entity="identity_session",
        entity_id=verification.public_id,
        channel=verification.channel,
        customer_id=verification.customer_id,
    )
    return grant


def _open_session(
    db: Session,
    settings: Settings,
    *,
    customer_id: int,
    channel: str,
    conversation_id: str,
    now: datetime,
) -> SessionGrant:
    _revoke(db, channel, conversation_id, now)
    secret = settings.token_secret.get_secret_value()
    secret_id = random_id("", 32)
    token = derive_token(secret, secret_id)
    expires_at = now + timedelta(minutes=settings.session_ttl_minutes)
    db.add(
        IdentitySession(
            secret_id=secret_id,
            token_hash=sha256_hex(token),
            customer_id=customer_id,
            channel=channel,
            conversation_id=conversation_id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    customer = db.get(Customer, customer_id)
    assert customer is not None
    return SessionGrant(token, expires_at, customer)


def _revoke(db: Session, channel: str, conversation_id: str, now: datetime) -> int:
    result = db.execute(
        update(IdentitySession)
        .where(
            IdentitySession.channel == channel,
            IdentitySession.conversation_id == conversation_id,
            IdentitySession.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def conversation_session(
    db: Session, settings: Settings, *, channel: str, conversation_id: str, now: datetime
) -> SessionGrant:
    row = db.execute(
        select(IdentitySession)
        .where(
            IdentitySession.channel == channel,
            IdentitySession.conversation_id == conversation_id,
            IdentitySession.revoked_at.is_(None),
            IdentitySession.expires_at > now,
        )
        .order_by(IdentitySession.created_at.desc(), IdentitySession.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise DomainError(404, "not_verified", "This conversation is not verified.")
    customer = db.get(Customer, row.customer_id)
    assert customer is not None
    token = derive_token(settings.token_secret.get_secret_value(), row.secret_id)
    return SessionGrant(token, row.expires_at, customer)


def sign_out(db: Session, *, channel: str, conversation_id: str, now: datetime) -> None:
    customer_ids = set(
        db.execute(
            select(IdentitySession.customer_id).where(
                IdentitySession.channel == channel,
                IdentitySession.conversation_id == conversation_id,
                IdentitySession.revoked_at.is_(None),
            )
        ).scalars()
    )
    _revoke(db, channel, conversation_id, now)
    for customer_id in sorted(customer_ids):
        audit.record(
            db,
            now=now,
            action="signed_out",
            entity="identity_session",
            entity_id=None,
            channel=channel,
            customer_id=customer_id,
            details={"conversation_id": conversation_id},
        )


def authenticate(db: Session, *, token: str, now: datetime) -> tuple[Customer, IdentitySession]:
    """The customer a bearer token belongs to; 401 when unknown, revoked or expired."""
    if not token or len(token) > 128:
        raise DomainError(401, "invalid_token", "Please verify your identity first.")
    row = db.execute(
        select(IdentitySession).where(IdentitySession.token_hash == sha256_hex(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise DomainError(401, "invalid_token", "Please verify your identity first.")
    if now >= row.expires_at:
        raise DomainError(
            401, "token_expired", "Your verified session has ended. Please verify again."
        )
    customer = db.get(Customer, row.customer_id)
    if customer is None:
        raise DomainError(401, "invalid_token", "Please verify your identity first.")
    if customer.status == "closed":
        raise DomainError(403, "account_closed", "This account is closed.")
    return customer, row
