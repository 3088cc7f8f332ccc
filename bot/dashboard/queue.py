"""The handoff queue: open ``human_handoff`` requests, agent replies, handing back.

Picking a conversation up (the first reply) moves the request to ``in_progress``;
handing it back to the assistant resolves it. Replies are stored in
``agent_messages`` with their delivery outcome; every step is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.dashboard.delivery import Delivery, HandBackRefused, ReplyDelivery
from bot.db.models import Customer, ServiceRequest
from bot.operators.models import AgentMessage
from bot.operators.sessions import CurrentOperator
from bot.services import audit

HANDOFF = "human_handoff"
ACTIVE = ("open", "in_progress")
MAX_REPLY_CHARS = 1000
# The customer should know a person is writing, not the assistant (no operator names).
AGENT_PREFIX = "TeleComNet agent: "
HAND_BACK_TEXT = "You're back with the TeleComNet assistant. What else can I help with?"


class QueueError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Waiting:
    request: ServiceRequest
    customer: Customer
    replies: int


def open_handoffs(db: Session) -> list[Waiting]:
    """Open and in-progress handoffs, oldest first."""
    replies = (
        select(AgentMessage.service_request_id, func.count().label("n"))
        .group_by(AgentMessage.service_request_id)
        .subquery()
    )
    rows = db.execute(
        select(ServiceRequest, Customer, func.coalesce(replies.c.n, 0))
        .join(Customer, Customer.id == ServiceRequest.customer_id)
        .outerjoin(replies, replies.c.service_request_id == ServiceRequest.id)
        .where(ServiceRequest.category == HANDOFF, ServiceRequest.status.in_(ACTIVE))
        .order_by(ServiceRequest.created_at, ServiceRequest.id)
    ).all()
    return [Waiting(request, customer, int(n)) for request, customer, n in rows]


def find(db: Session, reference: str) -> Optional[tuple[ServiceRequest, Customer]]:
    row = db.execute(
        select(ServiceRequest, Customer)
        .join(Customer, Customer.id == ServiceRequest.customer_id)
        .where(ServiceRequest.reference == reference.strip().upper(),
               ServiceRequest.category == HANDOFF)
    ).first()
    return None if row is None else (row[0], row[1])


def replies(db: Session, request: ServiceRequest) -> list[tuple[AgentMessage, str]]:
    from bot.operators.models import Operator

    rows = db.execute(
        select(AgentMessage, Operator.username)
        .join(Operator, Operator.id == AgentMessage.operator_id)
        .where(AgentMessage.service_request_id == request.id)
        .order_by(AgentMessage.created_at, AgentMessage.id)
    ).all()
    return [(message, str(name)) for message, name in rows]


def _send(
    db: Session, request: ServiceRequest, operator: CurrentOperator, text: str, now: datetime,
    delivery: ReplyDelivery, action: str, sent_text: str,
) -> Delivery:
    send = delivery.hand_back if action == "handoff_handed_back" else delivery.deliver
    try:
        outcome = send(db, channel=request.channel,
                       conversation_id=request.conversation_id or "", text=sent_text,
                       now=now, customer_id=request.customer_id)
    except HandBackRefused as refused:
        raise QueueError(refused.message) from None
    db.add(AgentMessage(
        service_request_id=request.id, operator_id=operator.id, channel=request.channel,
        conversation_id=request.conversation_id, body=text, delivery=outcome.status,
        detail=outcome.detail[:200], created_at=now,
    ))
    audit.record(
        db, now=now, action=action, entity="service_request", entity_id=request.reference,
        channel="dashboard", customer_id=request.customer_id,
        details={"operator": operator.username, "delivery": outcome.status,
                 "customer_channel": request.channel, "in_history": outcome.recorded},
    )
    return outcome


def reply(
    db: Session, request: ServiceRequest, operator: CurrentOperator, text: str, now: datetime,
    delivery: ReplyDelivery,
) -> Delivery:
    body = text.strip()
    if not body:
        raise QueueError("Write a message first.")
    if len(body) > MAX_REPLY_CHARS:
        raise QueueError(f"Keep the message under {MAX_REPLY_CHARS} characters.")
    if request.status not in ACTIVE:
        raise QueueError("This conversation was already handed back.")
    outcome = _send(db, request, operator, body, now, delivery, "handoff_agent_reply",
                    AGENT_PREFIX + body)
    if request.status == "open":
        request.status = "in_progress"
    request.updated_at = now
    return outcome


def hand_back(
    db: Session, request: ServiceRequest, operator: CurrentOperator, now: datetime,
    delivery: ReplyDelivery,
) -> Delivery:
    """Resume the assistant, close the request and tell the customer the assistant is back.

    Refused (``QueueError``, nothing stored or sent) when the Rasa server could not resume
    the conversation.
    """
    if request.status not in ACTIVE:
        raise QueueError("This conversation was already handed back.")
    outcome = _send(db, request, operator, HAND_BACK_TEXT, now, delivery, "handoff_handed_back",
                    HAND_BACK_TEXT)
    request.status = "resolved"
    request.updated_at = now
    return outcome
