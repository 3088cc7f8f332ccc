"""All tables of the backend of record (import this package to register them)."""

from bot.db.models.addons import CustomerAddon
from bot.db.models.billing import Arrangement, Bill, BillLine, Payment, PaymentLink, PaymentMethod
from bot.db.models.customers import Customer, Plan, PlanChange, UsageCycle
from bot.db.models.identity import IdentitySession, Verification
from bot.db.models.records import AuditRecord, IdempotencyRecord, OutboxMessage
from bot.db.models.service import Outage, ServiceRequest
from bot.operators.models import AgentMessage, Operator, OperatorSession
from bot.rollout.models import RolloutChange, RolloutChannel, RolloutRefusal

__all__ = [
    "AgentMessage",
    "Arrangement",
    "AuditRecord",
    "Bill",
    "BillLine",
    "Customer",
    "CustomerAddon",
    "IdempotencyRecord",
    "IdentitySession",
    "Operator",
    "OperatorSession",
    "Outage",
    "OutboxMessage",
    "Payment",
    "PaymentLink",
    "PaymentMethod",
    "Plan",
    "PlanChange",
    "RolloutChange",
    "RolloutChannel",
    "RolloutRefusal",
    "ServiceRequest",
    "UsageCycle",
    "Verification",
]
