"""The audit trail: every change, with the customer, the channel and the time."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.db.models import AuditRecord


def record(
    db: Session,
    *,
    now: datetime,
    action: str,
    entity: str,
    channel: str,
    customer_id: Optional[int],
    entity_id: Optional[object] = None,
    details: Optional[dict[str, Any]] = None,
) -> None:
    db.add(
        AuditRecord(
            customer_id=customer_id,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            channel=channel,
            details=json.dumps(details or {}, default=str, sort_keys=True),
            created_at=now,
        )
    )
