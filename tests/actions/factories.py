"""Plain factories for action tests: a real Tracker, the real domain, a fake backend."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.client import BackendClient
from actions.errors import BackendError, BackendUnavailable, NotVerified
from actions.models import (
    Account,
    Arrangement,
    Bill,
    ChannelStatus,
    CustomerRef,
    Eligibility,
    Payment,
    PaymentLink,
    PaymentMethod,
    Plan,
    PlanChange,
    PlanQuote,
    ServiceRequest,
    Session,
    Verification,
)
from actions.settings import ActionSettings

ROOT = Path(__file__).resolve().parents[2]
SENDER = "conv-1"


def load_domain() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "domain.yml").read_text()))


def make_tracker(
    *,
    text: str = "",
    intent: str = "inform",
    entities: Optional[list[dict[str, Any]]] = None,
    slots: Optional[dict[str, Any]] = None,
    requested_slot: Optional[str] = None,
    active_loop: Optional[str] = None,
    channel: str = "rest",
    sender_id: str = SENDER,
    earlier_events: Optional[list[dict[str, Any]]] = None,
    timestamp: float = 1_700_000_000.0,
) -> Tracker:
    """A tracker whose latest event is the user's message ``text``."""
    all_slots: dict[str, Any] = {"requested_slot": requested_slot}
    all_slots.update(slots or {})
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
    }
    user_event = {
        "event": "user",
        "timestamp": timestamp,
        "text": text,
        "parse_data": parse_data,
        "input_channel": channel,
        "message_id": f"m-{timestamp}",
    }
    events = [*(earlier_events or []), user_event]
    return Tracker(
        sender_id=sender_id,
        slots=all_slots,
        latest_message=parse_data,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(value)}


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [str(message.get("utter_action")) for message in dispatcher.messages]


def message(dispatcher: CollectingDispatcher, index: int = 0) -> dict[str, Any]:
    return dict(dispatcher.messages[index])


def text(dispatcher: CollectingDispatcher, index: int = 0) -> str:
    """The rendered text of a message the action sent (catalogue variant, values filled)."""
    return str(dispatcher.messages[index].get("text") or "")


def buttons(dispatcher: CollectingDispatcher, index: int = 0) -> list[tuple[str, str]]:
    """``(title, payload)`` of a message's buttons."""
    return [(b["title"], b["payload"]) for b in dispatcher.messages[index].get("buttons") or []]


def session(first_name: str = "Ada", token: str = "tok-1") -> Session:
    return Session(
        token=token,
        expires_at=datetime(2100, 1, 1, tzinfo=timezone.utc),
        customer=CustomerRef(account_number="AC10000001", first_name=first_name),
    )


def bill(amount_due: str = "42.50", total: str = "42.50", status: str = "open") -> Bill:
    return Bill(
        bill_id="b-1",
        reference="INV-1",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        issue_date=date(2026, 11, 1),
        due_date=date(2026, 12, 5),
        total=Decimal(total),
        amount_due=Decimal(amount_due),
        status=status,
        currency="USD",
        lines=[],
    )


def plan(code: str, name: str, price: str, data_gb: Optional[int] = 20) -> Plan:
    return Plan(code=code, name=name, kind="plan", monthly_price=Decimal(price), currency="USD",
                data_gb=data_gb, minutes=None, texts=None)


def account(postcode: str = "20500", plan_code: str = "plus20") -> Account:
    plans = {p.code: p for p in default_plans()}
    return Account(
        account_number="AC10000001", first_name="Ada", name="Ada Lovelace",
        phone="+12025550101", email="ada@example.com", address="1 Main St",
        postcode=postcode, status="active", plan=plans[plan_code],
        contract_end_date=date(2027, 6, 30),
    )


def default_plans() -> list[Plan]:
    return [
        plan("basic5", "Basic 5GB", "20.00", 5),
        plan("plus20", "Plus 20GB", "35.00", 20),
        plan("unlimited", "Unlimited", "50.00", None),
        plan("unlimited_max", "Unlimited Max", "65.00", None),
    ]


def ticket(
    reference: str = "SR-100234", status: str = "open", category: str = "fault"
) -> ServiceRequest:
    return ServiceRequest(
        reference=reference, category=category, status=status, description="x",
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc),
    )


def default_answers() -> dict[str, Any]:
    return {
        "account": account(),
        "plans": default_plans(),
        "payment_methods": [
            PaymentMethod(id="7", brand="Visa", last4="4242", is_default=True),
            PaymentMethod(id="8", brand="Mastercard", last4="4444"),
        ],
        "pay": Payment(reference="PAY-1", amount=Decimal("42.50"), status="succeeded"),
        "payment_link": PaymentLink(url="http://127.0.0.1:8000/pay/abc"),
        "payments": [],
        "service_requests": [ticket()],
        "service_request": ticket(),
        "create_service_request": ticket("SR-100999"),
        "cancel_service_request": ticket(status="cancelled"),
        "outages": [],
        "update_contact": account(),
        "arrangement_eligibility": Eligibility(eligible=True),
        "create_arrangement": Arrangement(reference="AR-1", kind="extension"),
        "plan_quote": PlanQuote(
            plan=plan("unlimited", "Unlimited", "50.00", None),
            current_monthly_price=Decimal("35.00"), new_monthly_price=Decimal("50.00"),
            difference=Decimal("15.00"), effective_date=date(2026, 12, 1),
        ),
        "change_plan": PlanChange(reference="PC-1", effective_date=date(2026, 12, 1)),
    }


def unavailable() -> BackendUnavailable:
    return BackendUnavailable("timeout")


def refused(status: int, code: str, **details: Any) -> BackendError:
    return BackendError(status, code, "internal detail never shown", details)


class FakeBackend(BackendClient):
    """Records every call; answers from attributes; raises what ``fail`` maps a call to."""

    def __init__(self, verified: bool = False) -> None:
        super().__init__(settings=ActionSettings())
        self.calls: list[tuple[Any, ...]] = []
        self.session: Optional[Session] = session() if verified else None
        self.after_confirm: Session = session()
        self.verification = Verification(
            verification_id="v-1", masked_destination="+1 ••• ••• 0101"
        )
        self.bill: Optional[Bill] = bill()
        self.fail: dict[str, Exception] = {}
        self.answers: dict[str, Any] = default_answers()
        # The controlled rollout serves every channel unless a test switches one off.
        self.channel_status = ChannelStatus(channel="rest", enabled=True,
                                            portal_url="https://portal.example/",
                                            support_phone="+1 800 555 0100")

    def _maybe_fail(self, call: str) -> None:
        if call in self.fail:
            raise self.fail[call]

    async def get_session(self, channel: str, conversation_id: str) -> Optional[Session]:
        self.calls.append(("get_session", channel, conversation_id))
        self._maybe_fail("get_session")
        return self.session

    async def rollout_channel(self, channel: str) -> ChannelStatus:
        self._maybe_fail("rollout_channel")
        return self.channel_status

    async def start_verification(
        self, identifier: str, channel: str, conversation_id: str
    ) -> Verification:
        self.calls.append(("start_verification", identifier, channel, conversation_id))
        self._maybe_fail("start_verification")
        return self.verification

    async def confirm_verification(self, verification_id: str, code: str) -> Session:
        self.calls.append(("confirm_verification", verification_id, code))
        self._maybe_fail("confirm_verification")
        self.session = self.after_confirm
        return self.after_confirm

    async def current_bill(self, token: str) -> Optional[Bill]:
        self.calls.append(("current_bill", token))
        self._maybe_fail("current_bill")
        return self.bill

    async def cancel_plan_change(self, token: str) -> None:
        self.calls.append(("cancel_plan_change", token))
        self._maybe_fail("cancel_plan_change")

    async def end_session(self, channel: str, conversation_id: str) -> None:
        self.calls.append(("end_session", channel, conversation_id))
        self._maybe_fail("end_session")
        self.session = None

    async def store_feedback(self, token: str, rating: int, task: str, channel: str) -> None:
        self.calls.append(("store_feedback", token, rating, task, channel))
        self._maybe_fail("store_feedback")

    # Every other endpoint: recorded, may fail, answers from ``self.answers[name]``.
    def _answer(self, name: str, *args: Any) -> Any:
        self.calls.append((name, *args))
        self._maybe_fail(name)
        return self.answers[name]

    async def bills(self, token: str) -> Any:
        return self._answer("bills", token)

    async def bill_comparison(self, token: str, bill_id: str) -> Any:
        return self._answer("bill_comparison", token, bill_id)

    async def account(self, token: str) -> Any:
        return self._answer("account", token)

    async def usage(self, token: str) -> Any:
        return self._answer("usage", token)

    async def update_contact(self, token: str, changes: dict[str, str]) -> Any:
        return self._answer("update_contact", token, changes)

    async def plans(self, token: str) -> Any:
        return self._answer("plans", token)

    async def plan_quote(self, token: str, plan_code: str) -> Any:
        return self._answer("plan_quote", token, plan_code)

    async def change_plan(self, token: str, plan_code: str, idempotency_key: str) -> Any:
        return self._answer("change_plan", token, plan_code, idempotency_key)

    async def payment_methods(self, token: str) -> Any:
        return self._answer("payment_methods", token)

    async def payments(self, token: str) -> Any:
        return self._answer("payments", token)

    async def pay(
        self, token: str, amount: Decimal, payment_method_id: str, idempotency_key: str
    ) -> Any:
        return self._answer("pay", token, amount, payment_method_id, idempotency_key)

    async def payment_link(self, token: str, amount: Decimal) -> Any:
        return self._answer("payment_link", token, amount)

    async def arrangement_eligibility(self, token: str, request: dict[str, Any]) -> Any:
        return self._answer("arrangement_eligibility", token, request)

    async def create_arrangement(
        self, token: str, request: dict[str, Any], idempotency_key: str
    ) -> Any:
        return self._answer("create_arrangement", token, request, idempotency_key)

    async def outages(self, postcode: str) -> Any:
        return self._answer("outages", postcode)

    async def create_service_request(
        self, token: str, request: dict[str, Any], idempotency_key: str
    ) -> Any:
        return self._answer("create_service_request", token, request, idempotency_key)

    async def service_requests(self, token: str) -> Any:
        return self._answer("service_requests", token)

    async def service_request(self, token: str, reference: str) -> Any:
        return self._answer("service_request", token, reference)

    async def cancel_service_request(self, token: str, reference: str) -> Any:
        return self._answer("cancel_service_request", token, reference)

    def called(self, name: str) -> list[tuple[Any, ...]]:
        return [call for call in self.calls if call[0] == name]


__all__ = ["NotVerified"]


async def run(
    action: Any, **tracker_args: Any
) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    """Run an action or form validation action through ``run()``; events and dispatcher."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(**tracker_args)
    events = await action.run(dispatcher, tracker, load_domain())
    return events, dispatcher


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The last value each SlotSet gives, by slot name."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def requests_checked(backend: FakeBackend) -> list[dict[str, Any]]:
    """Arrangement eligibility asked for the customer's request, not the account probe."""
    from actions.arrangements import PROBE

    return [call[2] for call in backend.called("arrangement_eligibility") if call[2] != PROBE]
