"""Current outages in a postcode."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Outage


def in_postcode(db: Session, postcode: str, now: datetime) -> list[dict[str, Any]]:
    rows = db.execute(
        select(Outage)
        .where(Outage.postcode == postcode, Outage.resolved_at.is_(None), Outage.started_at <= now)
        .order_by(Outage.started_at)
    ).scalars()
    items = []
    for outage in rows:
        for service in outage.services.split(","):
            items.append(
                {
                    "outage_id": outage.id,
                    "postcode": outage.postcode,
                    "service": service.strip(),
                    "status": "ongoing",
                    "description": outage.description,
                    "started_at": outage.started_at,
                    "estimated_resolution": outage.expected_fix_at,
                }
            )
    return items
