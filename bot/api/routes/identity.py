"""Identity: start and confirm a verification; the conversation's session."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Path, Response
from sqlalchemy.orm import Session

from bot.api.deps import get_db, get_now, get_settings, get_transport
from bot.api.schemas.common import errors
from bot.api.schemas.identity import (
    SessionOut,
    VerificationConfirm,
    VerificationStart,
    VerificationStarted,
)
from bot.services import identity
from bot.services.outbox import SmsTransport
from bot.settings import Settings

router = APIRouter(prefix="/identity", tags=["identity"])

CHANNEL = Path(..., min_length=1, max_length=32, regex=r"^[A-Za-z0-9_.-]+$")
CONVERSATION = Path(..., min_length=1, max_length=128)


def _session_out(grant: identity.SessionGrant) -> SessionOut:
    return SessionOut.parse_obj(
        {
            "token": grant.token,
            "expires_at": grant.expires_at,
            "customer": {
                "account_number": grant.customer.account_number,
                "first_name": grant.customer.first_name,
            },
        }
    )


@router.post(
    "/verifications",
    status_code=201,
    response_model=VerificationStarted,
    responses=errors(403, 404, 409, 422, 429),
)
def start_verification(
    body: VerificationStart,
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    transport: SmsTransport = Depends(get_transport),
    now: datetime = Depends(get_now),
) -> VerificationStarted:
    """Send a one-time code to the phone on file (never back to the caller)."""
    started = identity.start_verification(
        db,
        settings,
        transport,
        identifier=body.identifier,
        channel=body.channel,
        conversation_id=body.conversation_id,
        now=now,
    )
    db.commit()
    return VerificationStarted(
        verification_id=started.verification_id,
        masked_destination=started.masked_destination,
        expires_at=started.expires_at,
    )


@router.post(
    "/verifications/{verification_id}/confirm",
    response_model=SessionOut,
    responses=errors(401, 404, 409, 410, 422, 423),
)
def confirm_verification(
    body: VerificationConfirm,
    verification_id: str = Path(..., min_length=1, max_length=40),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> SessionOut:
    """Check the code; on success the token is bound to the verification's conversation."""
    grant = identity.confirm_verification(
        db, settings, verification_id=verification_id, code=body.code, now=now
    )
    db.commit()
    return _session_out(grant)


@router.get(
    "/sessions/{channel}/{conversation_id}",
    response_model=SessionOut,
    responses=errors(404),
)
def get_session(
    channel: str = CHANNEL,
    conversation_id: str = CONVERSATION,
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> SessionOut:
    """The verified session of a conversation, if there is a live one."""
    grant = identity.conversation_session(
        db, settings, channel=channel, conversation_id=conversation_id, now=now
    )
    return _session_out(grant)


@router.delete("/sessions/{channel}/{conversation_id}", status_code=204, response_class=Response)
def delete_session(
    channel: str = CHANNEL,
    conversation_id: str = CONVERSATION,
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> Response:
    """Sign the conversation out."""
    identity.sign_out(db, channel=channel, conversation_id=conversation_id, now=now)
    db.commit()
    return Response(status_code=204)
