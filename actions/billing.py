"""Check bill: the amount due, due date and status of the current bill."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction, ask_rating
from actions.formatting import day, money
from actions.identity import VerifiedTaskForm
from actions.models import Session

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
            dispatcher.utter_message(response="utter_no_bill")
            return ask_rating(dispatcher, self.task)
        status = STATUS_WORDS.get(bill.status, bill.status.replace("_", " ") or "open")
        if bill.amount_due <= 0:
            dispatcher.utter_message(
                response="utter_bill_nothing_due",
                total=money(bill.total, bill.currency),
                period_end=day(bill.period_end),
            )
        else:
            dispatcher.utter_message(
                response="utter_bill_summary",
                amount_due=money(bill.amount_due, bill.currency),
                due_date=day(bill.due_date),
                total=money(bill.total, bill.currency),
                status=status,
            )
        return ask_rating(dispatcher, self.task)
