"""Account overview and data usage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction, ask_rating
from actions.formatting import day, money, number
from actions.forms import TaskForm
from actions.messages import say
from actions.models import Account, Plan, Session, UsageItem


def allowance_text(amount: Optional[int], unit: str) -> str:
    if amount is None:
        return f"unlimited {unit.replace('GB ', '')}"
    return f"{amount} {unit}"


def plan_text(plan: Plan) -> str:
    parts = [
        allowance_text(plan.data_gb, "GB data"),
        allowance_text(plan.minutes, "minutes"),
        allowance_text(plan.texts, "texts"),
    ]
    return f"{plan.name} ({money(plan.monthly_price, plan.currency)}/month: {', '.join(parts)})"


def current_plan_text(account: Account) -> str:
    """The plan in effect, and the change waiting for its date: "current plan X, changing
    to Y on January 1, 2027"."""
    if account.plan is None:
        return "no plan"
    text = plan_text(account.plan)
    pending = account.pending_plan_change
    if pending is not None:
        text += f", changing to {pending.plan.name} on {day(pending.effective_date)}"
    return text


def usage_line(label: str, item: Optional[UsageItem]) -> Optional[str]:
    if item is None:
        return None
    used = number(item.used)
    if item.allowance is None:
        return f"- {label}: {used} {item.unit} used (unlimited)"
    left = number(max(item.allowance - item.used, Decimal("0")))
    allowance = number(item.allowance)
    return f"- {label}: {used} of {allowance} {item.unit} used, {left} {item.unit} left"


class ValidateAccountOverviewForm(TaskForm):
    def name(self) -> str:
        return "validate_account_overview_form"


class ActionAccountOverview(CustomerAction):
    task = "account_overview"

    def name(self) -> str:
        return "action_account_overview"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        account = await self.client.account(session.token)
        say(
            dispatcher, tracker, "utter_account_overview",
            name=account.name or account.first_name,
            account_number=account.account_number,
            status=account.status or "active",
            plan=current_plan_text(account),
            contract_end=day(account.contract_end_date)
            if account.contract_end_date
            else "no fixed end date",
            phone=account.phone or "not set",
            email=account.email or "not set",
            address=" ".join(p for p in (account.address, account.postcode) if p) or "not set",
        )
        return ask_rating(dispatcher, tracker, self.task)


class ValidateDataUsageForm(TaskForm):
    def name(self) -> str:
        return "validate_data_usage_form"


class ActionDataUsage(CustomerAction):
    task = "check_data_usage"

    def name(self) -> str:
        return "action_data_usage"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        usage = await self.client.usage(session.token)
        lines = [
            line
            for line in (
                usage_line("Data", usage.data),
                usage_line("Minutes", usage.minutes),
                usage_line("Texts", usage.texts),
            )
            if line
        ]
        if not lines:
            say(dispatcher, tracker, "utter_no_usage")
            return ask_rating(dispatcher, tracker, self.task)
        say(
            dispatcher, tracker, "utter_data_usage",
            period_end=day(usage.period_end),
            usage="\n".join(lines),
        )
        return ask_rating(dispatcher, tracker, self.task)
