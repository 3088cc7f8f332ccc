"""Request dependencies: settings, one database session, the clock, authentication."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from bot.db.models import Customer, IdentitySession
from bot.services import identity, plans
from bot.services.errors import DomainError
from bot.services.gateway import PaymentGateway
from bot.services.outbox import EmailTransport, SmsTransport
from bot.services.secrets_util import same
from bot.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; anything not committed explicitly is rolled back."""
    db: Session = request.app.state.session_factory()
    try:
        yield db
    finally:
        db.close()


def get_now(request: Request) -> datetime:
    now: datetime = request.app.state.clock()
    return now


def get_transport(request: Request) -> SmsTransport:
    transport: SmsTransport = request.app.state.sms_transport
    return transport


def get_email_transport(request: Request) -> EmailTransport:
    transport: EmailTransport = request.app.state.email_transport
    return transport


def get_gateway(request: Request) -> PaymentGateway:
    gateway: PaymentGateway = request.app.state.gateway
    return gateway


def require_service_key(
    request: Request,
    x_service_key: Optional[str] = Header(None, description="The service credential."),
) -> None:
    expected = request.app.state.settings.service_key.get_secret_value()
    if not x_service_key or not same(x_service_key, expected):
        raise DomainError(401, "invalid_service_key", "A valid X-Service-Key header is required.")


@dataclass
class Principal:
    customer: Customer
    session: IdentitySession

    @property
    def channel(self) -> str:
        return self.session.channel


def current_customer(
    authorization: Optional[str] = Header(None, description="Bearer <customer token>"),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> Principal:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise DomainError(401, "invalid_token", "Please verify your identity first.")
    customer, session = identity.authenticate(db, token=token.strip(), now=now)
    if plans.apply_due_changes(db, customer, now):  # a scheduled plan change is due
        db.commit()
    return Principal(customer, session)
