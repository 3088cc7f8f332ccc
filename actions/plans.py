"""Change plan: options with prices, the quoted difference, confirmation, one change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.account import plan_text
from actions.base import CustomerAction, ask_rating
from actions.choices import Choice, Resolution, resolve, spoken_list
from actions.conversation import entity_value, idempotency_key, latest_intent, latest_text
from actions.errors import BackendError, BackendUnavailable
from actions.formatting import day, money
from actions.forms import TaskForm, accepted, clear_task_slots, not_an_answer, reject
from actions.messages import say
from actions.models import Plan, Session

# The plan_name slot's value when the customer picks the plan they are on while a change
# is waiting: the change is cancelled (after a confirmation) and the plan stays.
KEEP_CURRENT = "keep-current"


def plan_choice(plan: Plan) -> Choice[Plan]:
    """A plan as a listed option: its name, code and each word of its name name it."""
    words = tuple(w for w in plan.name.split() if not w[0].isdigit() and w.lower() != "gb")
    return Choice(
        plan,
        (plan.name, plan.code, *words),
        price=plan.monthly_price,
        size=Decimal(plan.data_gb) if plan.data_gb is not None else None,
        unlimited=plan.data_gb is None,
    )


def match_plan(text: str, plans: list[Plan]) -> Resolution[Plan]:
    return resolve(text, [plan_choice(p) for p in plans])


def difference_text(amount: Decimal, currency: str) -> str:
    """"$15.00 more a month", "saves you $15.00 a month" or "the same price"."""
    if amount > 0:
        return f"{money(amount, currency)} more a month"
    if amount < 0:
        return f"saves you {money(-amount, currency)} a month"
    return "the same price as now"


class ValidateChangePlanForm(TaskForm):
    def name(self) -> str:
        return "validate_change_plan_form"

    async def extract_plan_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        named = entity_value(tracker, "plan_name")
        if tracker.get_slot("requested_slot") != "plan_name":
            if named and latest_intent(tracker) == "change_plan" and await self.is_verified(
                tracker
            ):
                return {"plan_name": named}
            return {}
        if named:
            return {"plan_name": named}
        if not_an_answer(tracker):
            return {}
        return {"plan_name": latest_text(tracker)}

    async def validate_plan_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        session = await self.verified_session(tracker)
        try:
            if session is None:
                raise BackendUnavailable("no session")
            plans = [p for p in await self.client.plans(session.token) if p.kind != "addon"]
            account = await self.client.account(session.token)
        except BackendError:
            say(dispatcher, tracker, "utter_backend_unavailable")
            return {"plan_name": None}
        found = match_plan(str(value), plans)
        if found.ambiguous:
            return reject(
                "plan_name", dispatcher, tracker, "utter_choice_ambiguous",
                options=spoken_list([p.name for p in found.candidates]),
            )
        plan = found.chosen
        if plan is None:
            return reject("plan_name", dispatcher, tracker, "utter_plan_unknown")
        if account.plan and account.plan.code == plan.code:
            if account.pending_plan_change is not None:
                return accepted("plan_name", KEEP_CURRENT)  # cancel the change waiting
            return reject("plan_name", dispatcher, tracker, "utter_plan_same", plan=plan.name)
        return accepted("plan_name", plan.code)


class ActionAskPlanName(CustomerAction):
    def name(self) -> str:
        return "action_ask_plan_name"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        plans = [p for p in await self.client.plans(session.token) if p.kind != "addon"]
        account = await self.client.account(session.token)
        current = account.plan.code if account.plan else ""
        # Buttons on the web and Telegram; Twilio numbers them, and "2" picks the second.
        options = [
            {
                "title": f"{plan_text(p)}{' (your current plan)' if p.code == current else ''}",
                "payload": str(i),
            }
            for i, p in enumerate(plans, start=1)
        ]
        pending = account.pending_plan_change
        if pending is not None:
            say(
                dispatcher, tracker, "utter_plan_change_pending",
                plan=pending.plan.name, effective=day(pending.effective_date),
                current=account.plan.name if account.plan else "your current plan",
            )
        say(dispatcher, tracker, "utter_ask_plan_name", buttons=options)
        return []


class ActionAskChangePlanConfirm(CustomerAction):
    def name(self) -> str:
        return "action_ask_change_plan_form_confirm"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("plan_name") == KEEP_CURRENT:
            account = await self.client.account(session.token)
            pending = account.pending_plan_change
            say(
                dispatcher, tracker, "utter_confirm_cancel_plan_change",
                plan=pending.plan.name if pending else "the new plan",
                current=account.plan.name if account.plan else "your current plan",
            )
            return []
        quote = await self.client.plan_quote(session.token, str(tracker.get_slot("plan_name")))
        say(
            dispatcher, tracker, "utter_confirm_plan_change",
            plan=quote.plan.name,
            new_price=money(quote.new_monthly_price or quote.plan.monthly_price, quote.currency),
            difference=difference_text(quote.difference, quote.currency),
            effective=day(quote.effective_date) if quote.effective_date else "your next bill",
        )
        return []


class ActionChangePlan(CustomerAction):
    task = "change_plan"

    def name(self) -> str:
        return "action_change_plan"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        code = tracker.get_slot("plan_name")
        if tracker.get_slot("confirm") is not True or not code:
            say(dispatcher, tracker, "utter_task_stopped")
            return clear_task_slots()
        if code == KEEP_CURRENT:
            try:
                await self.client.cancel_plan_change(session.token)
            except BackendUnavailable:
                say(dispatcher, tracker, "utter_change_unknown")
                return clear_task_slots()
            except BackendError:
                say(dispatcher, tracker, "utter_plan_change_refused")
                return clear_task_slots()
            say(dispatcher, tracker, "utter_plan_change_cancelled")
            return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)
        key = idempotency_key(tracker, f"plan:{code}")
        try:
            change = await self.client.change_plan(session.token, str(code), key)
        except BackendUnavailable:
            say(dispatcher, tracker, "utter_change_unknown")
            return clear_task_slots()
        except BackendError:
            say(dispatcher, tracker, "utter_plan_change_refused")
            return clear_task_slots()
        say(
            dispatcher, tracker, "utter_plan_changed",
            effective=day(change.effective_date) if change.effective_date else "your next bill",
            reference=change.reference or "-",
        )
        return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)
