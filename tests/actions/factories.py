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
from actions.models import Bill, CustomerRef, Session, Verification
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
    return [str(message.get("response")) for message in dispatcher.messages]


def message(dispatcher: CollectingDispatcher, index: int = 0) -> dict[str, Any]:
    return dict(dispatcher.messages[index])


def session(first_name: str = "Ada", token: str = "tok-1") -> Session:
    return Session(
        token=token,
        expires_at=datetime(2030, 1, 1, tzinfo=timezone.utc),
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

    def _maybe_fail(self, call: str) -> None:
        if call in self.fail:
            raise self.fail[call]

    async def get_session(self, channel: str, conversation_id: str) -> Optional[Session]:
        self.calls.append(("get_session", channel, conversation_id))
        self._maybe_fail("get_session")
        return self.session

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

    async def store_feedback(self, token: str, rating: int, task: str, channel: str) -> None:
        self.calls.append(("store_feedback", token, rating, task, channel))
        self._maybe_fail("store_feedback")

    def called(self, name: str) -> list[tuple[Any, ...]]:
        return [call for call in self.calls if call[0] == name]


__all__ = ["NotVerified"]
