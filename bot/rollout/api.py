"""HTTP: the channel status for the action server (service key) and the operators' JSON
API under ``/dashboard/api/rollout`` (operator login, role ``analyst``).

The operators' API is not under ``/api/v1``: every ``/api/v1`` call needs the service
credential (docs/design.md), which a browser never holds; operator routes live with the
dashboard, behind its login cookie."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.orm import Session

from bot.api.deps import get_db, get_now, get_settings
from bot.api.schemas.common import errors
from bot.operators.auth import (
    CurrentOperator,
    NotLoggedIn,
    WrongRole,
    require_operator,
    same_origin,
)
from bot.rollout import changes, config, refusals
from bot.rollout.channels import rollout_channel
from bot.rollout.models import RolloutChange
from bot.rollout.schemas import (
    AllowListAdd,
    AllowListChange,
    ChangeOut,
    ChannelChange,
    ChannelOut,
    ChannelStatus,
    RefusalOut,
    RolloutOut,
)
from bot.services.errors import DomainError
from bot.settings import Settings

ROLE = "analyst"
OPERATOR_PREFIX = "/dashboard/api/rollout"
CHANNEL = Path(..., min_length=1, max_length=32, regex=r"^[A-Za-z0-9_.-]+$")

# Included in the service-key protected /api/v1 router.
service_router = APIRouter(prefix="/rollout", tags=["rollout"])
# Included at the application root: browsers send the operator cookie, not a service key.
operator_router = APIRouter(prefix=OPERATOR_PREFIX, tags=["rollout operators"])


def channel_out(c: config.ChannelConfig) -> ChannelOut:
    return ChannelOut(
        channel=c.channel, enabled=c.enabled, percentage=str(c.percentage), default=c.default
    )


def change_out(row: RolloutChange) -> ChangeOut:
    return ChangeOut(
        created_at=row.created_at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        before=json.loads(row.before),
        after=json.loads(row.after),
    )


@service_router.get("/channels/{channel}", response_model=ChannelStatus, responses=errors())
def channel_status(
    channel: str = CHANNEL,
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> ChannelStatus:
    """Whether the assistant serves this input channel at all (read from the database now)."""
    governed = rollout_channel(channel)
    current = config.channel_config(db, settings, governed)
    return ChannelStatus(
        channel=channel,
        rollout_channel=governed,
        enabled=current.enabled,
        portal_url=str(settings.rollout_portal_url),
        support_phone=settings.rollout_support_phone,
    )


_analyst = require_operator(ROLE)


def analyst(
    request: Request, db: Session = Depends(get_db), now: datetime = Depends(get_now)
) -> CurrentOperator:
    """The logged-in analyst; a JSON 401/403 (not the pages' redirect) otherwise."""
    try:
        return _analyst(request, db, now)
    except NotLoggedIn:
        raise DomainError(401, "not_logged_in", "Log in as an operator first.") from None
    except WrongRole:
        raise DomainError(403, "wrong_role", "The rollout is for the analyst role.") from None


def changing_operator(
    request: Request, operator: CurrentOperator = Depends(analyst)
) -> CurrentOperator:
    """An analyst, sending JSON from this server's own pages (no cross-site writes)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method in ("POST", "PATCH") and content_type != "application/json":
        raise DomainError(415, "unsupported_media_type", "Send the body as JSON.")
    if not same_origin(request):
        raise DomainError(403, "cross_origin", "Changes must come from this server's pages.")
    return operator


def overview(db: Session, settings: Settings, now: datetime, days: int = 30) -> RolloutOut:
    today = now.date()
    return RolloutOut(
        channels=[channel_out(c) for c in config.all_channels(db, settings)],
        changes=[change_out(r) for r in changes.recent_changes(db)],
        refusals=[
            RefusalOut(day=d, channel=c, reason=r, count=n)
            for d, c, r, n in refusals.counts(
                db, start=today - timedelta(days=days - 1), end=today + timedelta(days=1)
            )
        ],
    )


@operator_router.get("", response_model=RolloutOut, responses=errors(401, 403))
def show(
    days: int = Query(30, ge=1, le=366),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
    _operator: CurrentOperator = Depends(analyst),
) -> RolloutOut:
    """Channels, the latest 50 changes and the refusals of the last ``days`` days."""
    return overview(db, settings, now, days)


@operator_router.patch(
    "/channels/{channel}", response_model=ChannelOut, responses=errors(401, 403, 415, 422)
)
def change_channel(
    body: ChannelChange,
    channel: str = CHANNEL,
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
    operator: CurrentOperator = Depends(changing_operator),
) -> ChannelOut:
    """Enable or disable a channel and/or set its percentage (audited)."""
    after = changes.set_channel(
        db, settings, channel=channel, actor=operator.username, now=now,
        enabled=body.enabled, percentage=body.percentage,
    )
    db.commit()
    return channel_out(after)


@operator_router.post(
    "/allow-list", response_model=AllowListChange, responses=errors(401, 403, 404, 415, 422)
)
def allow(
    body: AllowListAdd,
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
    operator: CurrentOperator = Depends(changing_operator),
) -> AllowListChange:
    """Put a customer on the allow-list (the pilot group)."""
    changed = changes.set_allowed(
        db, account_number=body.account_number, allowed=True, actor=operator.username, now=now
    )
    db.commit()
    return AllowListChange(
        account_number=body.account_number.upper(), allow_list=True, changed=changed
    )


@operator_router.delete(
    "/allow-list/{account_number}",
    response_model=AllowListChange,
    responses=errors(401, 403, 404, 422),
)
def disallow(
    account_number: str = Path(..., min_length=1, max_length=20),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
    operator: CurrentOperator = Depends(changing_operator),
) -> AllowListChange:
    """Take a customer off the allow-list."""
    changed = changes.set_allowed(
        db, account_number=account_number, allowed=False, actor=operator.username, now=now
    )
    db.commit()
    return AllowListChange(
        account_number=account_number.upper(), allow_list=False, changed=changed
    )
