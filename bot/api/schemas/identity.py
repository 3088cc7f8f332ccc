"""Identity: verification start / confirm and conversation sessions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from bot.api.schemas.common import Strict


class VerificationStart(Strict):
    identifier: str = Field(
        ..., min_length=1, max_length=40, description="Phone number or account number"
    )
    channel: str = Field(..., min_length=1, max_length=32, regex=r"^[A-Za-z0-9_.-]+$")
    conversation_id: str = Field(..., min_length=1, max_length=128)


class VerificationStarted(BaseModel):
    verification_id: str
    masked_destination: str
    expires_at: datetime


class VerificationConfirm(Strict):
    code: str = Field(..., description="The 6-digit code sent by SMS")


class CustomerRef(BaseModel):
    account_number: str
    first_name: str


class SessionOut(BaseModel):
    token: str
    expires_at: datetime
    customer: CustomerRef
