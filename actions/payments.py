"""Pay bill (saved method or secure link, confirmation, idempotency) and payment history."""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction, ask_rating
from actions.choices import Choice, Resolution, position, resolve, spoken_list
from actions.conversation import idempotency_key, latest_intent, latest_text, task_opening
from actions.errors import BackendError, BackendUnavailable
from actions.formatting import day, money
from actions.forms import TaskForm, accepted, clear_task_slots, not_an_answer, reject
from actions.messages import say
from actions.models import PaymentMethod, Session
from actions.money_input import looks_like_card_number, means_full_balance, parse_amount

logger = logging.getLogger(__name__)

NEW_CARD = "new_card"
NEW_CARD_WORDS = ("new card", "link", "another card", "different card", "new one")
DEFAULT_WORDS = ("default", "saved", "usual", "same", "normal", "on file")
# A payment_method value already resolved to a method id (a correction at the
# confirmation), so validation does not read the id as something the customer typed.
CHOSEN_PREFIX = "chosen:"
DECLINE_CODES = frozenset(
    {"payment_declined", "card_declined", "insufficient_funds", "payment_failed"}
)


def method_label(methods: list[PaymentMethod], method_id: str) -> str:
    if method_id == NEW_CARD:
        return "a new card (secure link)"
    found = next((m for m in methods if m.id == method_id), None)
    return found.description if found else "your saved payment method"


MONEY_CUE = re.compile(r"\$|\b(dollars?|bucks?|usd)\b", re.IGNORECASE)
# Words that change an answer already given: "actually just 15", "make it 30 instead".
CORRECTION_CUE = re.compile(
    r"\b(actually|make it|instead|change it to|rather|only|just|no wait|sorry)\b", re.IGNORECASE
)
# A message that may name a saved card ("with my visa", "the card ending 9995").
CARD_WORDS = re.compile(r"\b(card|visa|master\s?card|amex|american express|ending|\d{4})\b",
                        re.IGNORECASE)


def opening_amount(tracker: Tracker) -> Optional[str]:
    """The amount in the message that asked to pay, if it named one."""
    opening = task_opening(tracker, "pay_bill")
    if opening is None:
        return None
    entities = (opening.get("parse_data") or {}).get("entities") or []
    said = next((e.get("value") for e in entities if e.get("entity") == "amount"), None)
    text = str(opening.get("text") or "")
    # Without an entity, only a number marked as money counts: an account number or
    # a phone number in the same message is no amount.
    if said is None and MONEY_CUE.search(text) and parse_amount(text) is not None:
        said = text
    if said is None and means_full_balance(text):
        said = "full"
    return str(said) if said else None


def method_choices(methods: list[PaymentMethod]) -> list[Choice[str]]:
    """The listed ways to pay, in the order asked: each saved card, then a new card."""
    cards = [
        Choice(m.id, (m.description, m.brand, m.last4, f"{m.brand} {m.last4}"))
        for m in methods
    ]
    return [*cards, Choice(NEW_CARD, ("new card", "payment link", "secure link", "link"))]


def choose_method(
    text: str, methods: list[PaymentMethod], affirmed: bool
) -> Resolution[str]:
    """The saved card (or a new card) ``text`` means; ambiguous between two cards of one
    brand, none when it names nothing listed. "yes" or "the usual" mean the default."""
    lowered = text.lower()
    found = resolve(text, method_choices(methods))
    if found.chosen is not None or found.ambiguous:
        return found
    if any(word in lowered for word in NEW_CARD_WORDS):
        return Resolution(NEW_CARD, [NEW_CARD])
    if methods and (affirmed or any(word in lowered for word in DEFAULT_WORDS)):
        default = next((m for m in methods if m.is_default), methods[0])
        return Resolution(default.id, [default.id])
    return found


class ValidatePayBillForm(TaskForm):
    def name(self) -> str:
        return "validate_pay_bill_form"

    async def task_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        own = [slot for slot in domain_slots if slot not in ("identifier", "otp_code")]
        if tracker.get_slot("payment_amount"):
            return own
        session = await self.verified_session(tracker)
        if session is None:
            return own
        try:
            bill = await self.client.current_bill(session.token)
        except BackendError:
            return own
        if bill is None or bill.amount_due <= 0:
            return []  # nothing to pay: the submit action says so
        return own

    async def extract_payment_amount(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        amount_entity = next(tracker.get_latest_entity_values("amount"), None)
        requested = tracker.get_slot("requested_slot")
        if requested == "payment_method" and tracker.get_slot("payment_amount"):
            # "actually just 15" while asked how to pay: the amount changes.
            if CORRECTION_CUE.search(text) and parse_amount(text) is not None:
                return {"payment_amount": text}
            return {}
        if requested == "confirm":
            # "actually make it 15" at the confirmation: a new amount, confirmed again.
            if latest_intent(tracker) != "affirm" and (
                amount_entity or parse_amount(text) is not None
            ):
                return {"payment_amount": str(amount_entity or text), "confirm": None}
            return {}
        if requested != "payment_amount":
            # "I want to pay 40 dollars" opening the task fills the amount at once when
            # verified (else validate_otp_code takes it once the code is confirmed).
            if tracker.get_slot("payment_amount") or not await self.is_verified(tracker):
                return {}
            said = opening_amount(tracker)
            return {"payment_amount": said} if said else {}
        if amount_entity:
            return {"payment_amount": str(amount_entity)}
        if means_full_balance(text) or latest_intent(tracker) == "affirm":
            return {"payment_amount": "full"}
        if parse_amount(text) is not None or latest_intent(tracker) == "inform":
            return {"payment_amount": text}
        return {}

    async def validate_payment_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        text = str(value)
        if looks_like_card_number(text):
            return reject("payment_amount", dispatcher, tracker, "utter_no_card_in_chat")
        session = await self.verified_session(tracker)
        try:
            if session is None:
                raise BackendUnavailable("no session")
            bill = await self.client.current_bill(session.token)
        except BackendError:
            say(dispatcher, tracker, "utter_backend_unavailable")
            return {"payment_amount": None}
        balance = bill.amount_due if bill else Decimal("0.00")
        if text == "full":
            if balance <= 0:
                return reject("payment_amount", dispatcher, tracker, "utter_nothing_to_pay")
            return accepted("payment_amount", str(balance))
        amount = parse_amount(text)
        if amount is None or amount <= 0:
            return reject("payment_amount", dispatcher, tracker, "utter_payment_amount_invalid")
        if amount > balance:
            return reject(
                "payment_amount",
                dispatcher,
                tracker,
                "utter_payment_amount_too_high",
                balance=money(balance),
            )
        return accepted("payment_amount", str(amount))

    async def extract_payment_method(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = latest_intent(tracker)
        text = latest_text(tracker).lower()
        requested = tracker.get_slot("requested_slot")
        if requested == "confirm":
            return await self._method_correction(tracker, text)
        if requested != "payment_method":
            # "$20 with my visa": a saved card named with the amount (or in the message
            # that asked to pay) is taken too, once verified.
            if tracker.get_slot("payment_method") or not await self.is_verified(tracker):
                return {}
            return await self._card_named(tracker)

        reads_as_choice = position(text, 9) is not None or any(
            word in text for word in (*NEW_CARD_WORDS, *DEFAULT_WORDS, "card", "visa", "master")
        )
        if not reads_as_choice and not_an_answer(tracker):
            return {}
        if intent == "affirm":
            return {"payment_method": "default"}
        return {"payment_method": latest_text(tracker)}

    async def validate_otp_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Once the code is confirmed, an amount said before it ("pay 20 bucks of my
        bill", then the phone number and the code) is taken, checked like an answer."""
        result = await super().validate_otp_code(value, dispatcher, tracker, domain)
        said = opening_amount(tracker)
        if result.get("verified") and said and not tracker.get_slot("payment_amount"):
            tracker.slots.update(result)
            result.update(await self.validate_payment_amount(said, dispatcher, tracker, domain))
        return result

    async def _saved_methods(self, tracker: Tracker) -> Optional[list[PaymentMethod]]:
        """The verified customer's saved ways to pay; None when they cannot be read."""
        session = await self.verified_session(tracker)
        if session is None:
            return None
        try:
            return await self.client.payment_methods(session.token)
        except BackendError:
            return None

    async def _card_named(self, tracker: Tracker) -> dict[str, Any]:
        """A saved card named (not numbered) in this message or the one that asked to pay."""
        opening = task_opening(tracker, "pay_bill")
        texts = [latest_text(tracker)]
        if opening is not None:
            texts.append(str(opening.get("text") or ""))
        if not any(CARD_WORDS.search(t) for t in texts):
            return {}
        methods = await self._saved_methods(tracker)
        if methods is None:
            return {}
        cards = method_choices(methods)[:-1]
        for text in texts:
            if not CARD_WORDS.search(text) or position(text, len(cards) + 1) is not None:
                continue
            found = resolve(text, cards)
            if found.chosen is not None:
                return {"payment_method": CHOSEN_PREFIX + found.chosen}
        return {}

    async def _method_correction(self, tracker: Tracker, text: str) -> dict[str, Any]:
        """"no wait, the other card" / "use the mastercard" at the confirmation: the new
        way to pay, confirmed again; anything else is left to the confirmation."""
        current = tracker.get_slot("payment_method")
        if latest_intent(tracker) == "affirm" or not current:
            return {}
        methods = await self._saved_methods(tracker)
        if methods is None:
            return {}
        # "the other card" means the other saved card; a new card only when named.
        cards = method_choices(methods)[:-1]
        found = resolve(text, cards, previous=str(current))
        if found.chosen is None:
            found = resolve(text, method_choices(methods), previous=str(current))
        if found.chosen is None or found.chosen == current:
            return {}
        return {"payment_method": CHOSEN_PREFIX + found.chosen, "confirm": None}

    async def validate_payment_method(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        text = str(value)
        if text.startswith(CHOSEN_PREFIX):  # resolved already (a correction)
            return accepted("payment_method", text[len(CHOSEN_PREFIX):])
        if looks_like_card_number(text):
            return reject("payment_method", dispatcher, tracker, "utter_no_card_in_chat")
        session = await self.verified_session(tracker)
        try:
            if session is None:
                raise BackendUnavailable("no session")
            methods = await self.client.payment_methods(session.token)
        except BackendError:
            say(dispatcher, tracker, "utter_backend_unavailable")
            return {"payment_method": None}
        found = choose_method(text, methods, affirmed=text == "default")
        if found.ambiguous:
            return reject(
                "payment_method", dispatcher, tracker, "utter_choice_ambiguous",
                options=spoken_list([method_label(methods, m) for m in found.candidates]),
            )
        if found.chosen is None:
            return reject("payment_method", dispatcher, tracker, "utter_payment_method_invalid")
        return accepted("payment_method", found.chosen)


class ActionAskPaymentAmount(CustomerAction):
    def name(self) -> str:
        return "action_ask_payment_amount"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        bill = await self.client.current_bill(session.token)
        if bill is None or bill.amount_due <= 0:
            say(dispatcher, tracker, "utter_ask_payment_amount_nothing_due")
        else:
            say(
                dispatcher, tracker, "utter_ask_payment_amount",
                balance=money(bill.amount_due, bill.currency),
                due_date=day(bill.due_date),
            )
        return []


class ActionAskPaymentMethod(CustomerAction):
    def name(self) -> str:
        return "action_ask_payment_method"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        methods = await self.client.payment_methods(session.token)
        # Buttons on the web and Telegram; Twilio numbers them, and "2" picks the second.
        options = [
            {"title": f"{m.description}{' (default)' if m.is_default else ''}", "payload": str(i)}
            for i, m in enumerate(methods, start=1)
        ]
        options.append(
            {"title": "A new card, through a secure payment link", "payload": str(len(methods) + 1)}
        )
        amount = tracker.get_slot("payment_amount")
        if amount:  # the amount given early is said back, so the customer sees it kept
            say(
                dispatcher, tracker, "utter_ask_payment_method_for",
                amount=money(Decimal(str(amount))), buttons=options,
            )
        else:
            say(dispatcher, tracker, "utter_ask_payment_method", buttons=options)
        return []


class ActionAskPayBillConfirm(CustomerAction):
    def name(self) -> str:
        return "action_ask_pay_bill_form_confirm"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        amount = money(Decimal(str(tracker.get_slot("payment_amount"))))
        method_id = str(tracker.get_slot("payment_method"))
        if method_id == NEW_CARD:
            say(dispatcher, tracker, "utter_confirm_payment_link", amount=amount)
            return []
        methods = await self.client.payment_methods(session.token)
        say(
            dispatcher, tracker, "utter_confirm_payment",
            amount=amount, method=method_label(methods, method_id)
        )
        return []


class ActionPayBill(CustomerAction):
    """Submit of ``pay_bill_form``: one payment per confirmed "yes"."""

    task = "pay_bill"

    def name(self) -> str:
        return "action_pay_bill"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        raw_amount = tracker.get_slot("payment_amount")
        method_id = tracker.get_slot("payment_method")
        if not raw_amount:
            say(dispatcher, tracker, "utter_nothing_to_pay")
            return clear_task_slots()
        if tracker.get_slot("confirm") is not True or not method_id:
            say(dispatcher, tracker, "utter_task_stopped")
            return clear_task_slots()
        amount = Decimal(str(raw_amount))
        if method_id == NEW_CARD:
            link = await self.client.payment_link(session.token, amount)
            say(
                dispatcher, tracker, "utter_payment_link", amount=money(amount), url=link.url
            )
            return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)
        key = idempotency_key(tracker, f"payment:{amount}:{method_id}")
        try:
            payment = await self.client.pay(session.token, amount, str(method_id), key)
        except BackendError as exc:
            if exc.status == 402 or exc.code in DECLINE_CODES:
                say(dispatcher, tracker, "utter_payment_declined")
            elif isinstance(exc, BackendUnavailable):
                # Timeouts included: the outcome is unknown, the same key makes a retry safe.
                say(dispatcher, tracker, "utter_payment_unknown")
            elif exc.code == "no_balance_due":
                say(dispatcher, tracker, "utter_nothing_to_pay")
            elif exc.code == "amount_exceeds_balance":
                balance = exc.details.get("balance")
                say(
                    dispatcher, tracker, "utter_payment_amount_too_high",
                    balance=money(Decimal(str(balance))) if balance else "your balance",
                )
            else:
                logger.warning("payment refused: %s", exc.code)
                say(dispatcher, tracker, "utter_payment_refused")
            return clear_task_slots()
        if payment.status in ("declined", "failed"):
            say(dispatcher, tracker, "utter_payment_declined")
            return clear_task_slots()
        if payment.status in ("pending", "processing", "timeout"):
            say(dispatcher, tracker, "utter_payment_unknown")
            return clear_task_slots()
        say(
            dispatcher, tracker, "utter_payment_done",
            amount=money(payment.amount or amount, payment.currency),
            reference=payment.reference,
        )
        return clear_task_slots() + ask_rating(dispatcher, tracker, self.task)


class ValidatePaymentHistoryForm(TaskForm):
    def name(self) -> str:
        return "validate_payment_history_form"


class ActionPaymentHistory(CustomerAction):
    task = "payment_history"

    def name(self) -> str:
        return "action_payment_history"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        payments = await self.client.payments(session.token)
        if not payments:
            say(dispatcher, tracker, "utter_no_payments")
            return ask_rating(dispatcher, tracker, self.task)
        lines = [
            "- {when}: {amount}{method} ({status}{ref})".format(
                when=day(p.created_at.date()) if p.created_at else "date unknown",
                amount=money(p.amount, p.currency),
                method=f" by {p.method}" if p.method else "",
                status=p.status.replace("_", " ") or "recorded",
                ref=f", reference {p.reference}" if p.reference else "",
            )
            for p in payments[:5]
        ]
        say(dispatcher, tracker, "utter_payment_history", payments="\n".join(lines))
        return ask_rating(dispatcher, tracker, self.task)
