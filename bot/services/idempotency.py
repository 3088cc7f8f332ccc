"""Keyed requests: the first response is stored and replayed for every repeat.

The key row is inserted *before* the work is done, in the request's transaction. On
PostgreSQL a concurrent twin blocks on the unique index until the first commits, then
replays its stored answer; so two identical requests at the same moment charge once.
SQLite serialises writers; a writer that lost the race is retried from the start.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot.db.models import IdempotencyRecord
from bot.services.errors import DomainError
from bot.services.secrets_util import sha256_hex

KEY_RE = re.compile(r"^[A-Za-z0-9_\-:.]{1,128}$")
SQLITE_RETRIES = 8

Outcome = tuple[int, dict[str, Any]]


class _Retry(Exception):
    """The twin that held the key rolled back: start again."""


def check_key(key: Optional[str]) -> str:
    if key is None or not key.strip():
        raise DomainError(
            422, "idempotency_key_required", "Send an Idempotency-Key header with this request."
        )
    key = key.strip()
    if not KEY_RE.match(key):
        raise DomainError(
            422,
            "invalid_idempotency_key",
            "The Idempotency-Key must be 1-128 letters, digits or - _ : . characters.",
        )
    return key


def _replay(record: IdempotencyRecord, request_hash: str) -> Outcome:
    if record.request_hash != request_hash:
        raise DomainError(
            409,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request.",
        )
    if record.status_code == 0:
        raise DomainError(409, "request_in_progress", "The same request is still being processed.")
    body: dict[str, Any] = json.loads(record.response_body)
    return record.status_code, body


def _find(db: Session, customer_id: int, scope: str, key: str) -> Optional[IdempotencyRecord]:
    return db.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.customer_id == customer_id,
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
        )
    ).scalar_one_or_none()


def run_once(
    db: Session,
    *,
    customer_id: int,
    scope: str,
    key: str,
    payload: dict[str, Any],
    now: datetime,
    action: Callable[[], Outcome],
) -> Outcome:
    """Run ``action`` once per (customer, scope, key) and commit; replay it afterwards.

    A DomainError raised by ``action`` (a refusal before anything happened) is not
    stored: the whole transaction is rolled back and a retry is evaluated afresh.
    """
    request_hash = sha256_hex(json.dumps(payload, sort_keys=True, default=str))
    for attempt in range(SQLITE_RETRIES):
        try:
            return _run(db, customer_id, scope, key, request_hash, now, action)
        except (OperationalError, _Retry) as exc:
            db.rollback()
            sqlite = db.get_bind().dialect.name == "sqlite"
            if attempt == SQLITE_RETRIES - 1 or not (sqlite or isinstance(exc, _Retry)):
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def _run(
    db: Session,
    customer_id: int,
    scope: str,
    key: str,
    request_hash: str,
    now: datetime,
    action: Callable[[], Outcome],
) -> Outcome:
    existing = _find(db, customer_id, scope, key)
    if existing is not None:
        return _replay(existing, request_hash)
    record = IdempotencyRecord(
        customer_id=customer_id,
        scope=scope,
        key=key,
        request_hash=request_hash,
        status_code=0,
        response_body="",
        created_at=now,
    )
    db.add(record)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        twin = _find(db, customer_id, scope, key)
        if twin is None:  # the twin rolled back in the meantime: do the work ourselves
            raise _Retry from None
        return _replay(twin, request_hash)
    try:
        status, body = action()
    except Exception:
        db.rollback()
        raise
    record.status_code = status
    record.response_body = json.dumps(body, default=str)
    db.commit()
    return status, body
