"""Check bill (amount due, due date, status) and explain bill (changes line by line)."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction, ask_rating
from actions.formatting import day, money
from actions.identity import VerifiedTaskForm
from actions.messages import say
from actions.models import ComparisonLine, Session

STATUS_WORDS = {
    "open": "not paid yet",
    "unpaid": "not paid yet",
    "issued": "not paid yet",
    "partially_paid": "partly paid",
    "paid": "paid in full",
    "overdue": "overdue",
}


class ValidateCheckBillForm(VerifiedTaskForm):
    def name(self) -> str:
        return "validate_check_bill_form"


class ActionCheckBill(CustomerAction):
    task = "check_bill"

    def name(self) -> str:
        return "action_check_bill"

    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        bill = await self.client.current_bill(session.token)
        if bill is None:
            say(dispatcher, tracker, "utter_no_bill")
            return ask_rating(dispatcher, tracker, self.task)
        status = STATUS_WORDS.get(bill.status, bill.status.replace("_", " ") or "open")
        if bill.amount_due <= 0:
            say(
                dispatcher, tracker, "utter_bill_nothing_due",
                total=money(bill.total, bill.currency),
                period_end=day(bill.period_end),
            )
        else:
            say(
                dispatcher, tracker, "utter_bill_summary",
                amount_due=money(bill.amount_due, bill.currency),
                due_date=day(bill.due_date),
                total=money(bill.total, bill.currency),
                status=status,
            )
        return ask_rating(dispatcher, tracker, self.task)


def change_line(line: ComparisonLine, currency: str) -> Optional[str]:
    if line.change == "added":
        return f"- New: {line.description}, {money(line.current_amount, currency)}"
    if line.change == "removed":
        return (
            f"- No longer charged: {line.description} "
            f"(was {money(line.previous_amount, currency)})"
        )
    if line.change == "changed":
        direction = "up" if line.difference > 0 else "down"
        return (
            f"- {line.description}: {money(line.previous_amount, currency)} → "
            f"{money(line.current_amount, currency)} ({direction} "
            f"{money(abs(line.difference), currency)})"
        )
    return None


class ValidateExplainBillForm(VerifiedTaskForm):
    def name(self) -> str:
        return "validate_explain_bill_form"


class ActionExplainBill(CustomerAction):
    """What changed against the previous bill, line by line, in plain words."""

    task = "explain_bill"

    def name(self) -> str:
        return "action_explain_bill"

    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        bill = await self.client.current_bill(session.token)
        if bill is None:
            say(dispatcher, tracker, "utter_no_bill")
            return ask_rating(dispatcher, tracker, self.task)
        comparison = await self.client.bill_comparison(session.token, bill.bill_id)
        if comparison is None:
            lines = "\n".join(
                f"- {line.description}: {money(line.amount, bill.currency)}" for line in bill.lines
            )
            say(
                dispatcher, tracker, "utter_first_bill_lines",
                total=money(bill.total, bill.currency),
                lines=lines,
            )
            return ask_rating(dispatcher, tracker, self.task)
        currency = comparison.currency
        changes = [c for c in (change_line(x, currency) for x in comparison.lines) if c]
        difference = comparison.total_difference
        if not changes and difference == 0:
            say(
                dispatcher, tracker, "utter_bill_unchanged", total=money(bill.total, currency)
            )
            return ask_rating(dispatcher, tracker, self.task)
        say(
            dispatcher, tracker, "utter_bill_explained",
            total=money(comparison.bill.total, currency),
            previous=money(comparison.previous_bill.total, currency),
            direction="more" if difference > 0 else "less",
            difference=money(abs(difference), currency),
            changes="\n".join(changes) or "- small rounding differences only",
        )
        return ask_rating(dispatcher, tracker, self.task)
