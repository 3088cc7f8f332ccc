"""Run customer-written dialogues against the real stack and check what they changed.

A dialogue (``design.yml``, ``held_out.yml``; the format is in ``README.md`` beside this
file) names a demo persona, the customer's turns and the effects a careful agent would
have had on the account. For each dialogue the runner:

1. makes a fresh copy of the persona in the backend (``POST /demo/personas/.../copies``),
   so every dialogue starts from the state the README describes, whatever ran before;
2. sends each turn over the REST channel from a new sender id, filling in ``{phone}``,
   ``{account}``, ``{email}`` and ``{code}`` (the newest one-time code the demo outbox
   holds for the copy's phone or email);
3. checks each turn's ``expect`` / ``not_expect`` facts in the replies;
4. compares the account at the end with the account at the start: every effect listed
   must have happened, and nothing that is not listed may have changed (a plan, a
   payment, a ticket, contact details, an arrangement, a handoff, a rating, ...).
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from tests.e2e.stack import RunningStack

HERE = Path(__file__).resolve().parent
HALVES = {"design": HERE / "design.yml", "held_out": HERE / "held_out.yml"}
PERSONAS = {
    "maria": "AC10000001",
    "james": "AC10000002",
    "aisha": "AC10000003",
    "tom": "AC10000004",
    "elena": "AC10000005",
    "david": "AC10000006",
    "grace": "AC10000007",
}
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@dataclass(frozen=True)
class Turn:
    user: str
    expect: tuple[str, ...] = ()
    not_expect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dialogue:
    id: str
    half: str
    persona: str
    situation: str
    turns: tuple[Turn, ...]
    effects: dict[str, Any]


def _turn(raw: Any) -> Turn:
    if isinstance(raw, dict):
        return Turn(
            str(raw["user"]),
            tuple(str(x) for x in raw.get("expect") or ()),
            tuple(str(x) for x in raw.get("not_expect") or ()),
        )
    return Turn(str(raw))


def load(half: str) -> list[Dialogue]:
    raw = yaml.safe_load(HALVES[half].read_text(encoding="utf-8"))["dialogues"]
    return [
        Dialogue(
            id=str(d["id"]),
            half=half,
            persona=str(d["persona"]),
            situation=str(d.get("situation", "")),
            turns=tuple(_turn(t) for t in d["turns"]),
            effects=dict(d.get("effects") or {}),
        )
        for d in raw
    ]


# ---------------------------------------------------------------- the account's state


@dataclass
class Account:
    account_number: str
    phone: str
    email: str
    customer_id: int = 0


@dataclass
class State:
    plan: str
    plan_changes: list[tuple[str, str]]  # (to plan, effective date)
    addons: Counter[str]
    payments: list[tuple[Decimal, str]]  # succeeded: (amount, card last4)
    payment_links: int
    arrangements: list[str]
    tickets: dict[str, tuple[str, str]]  # reference -> (category, status)
    email: str
    address: str
    phone: str
    status: str
    amount_due: Decimal
    sessions_revoked: int = 0
    ratings: list[str] = field(default_factory=list)


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def read_state(backend: Engine, account: Account, sender: str) -> State:
    [customer] = _rows(
        backend,
        "SELECT c.id, p.name, c.email, c.address, c.phone, c.status FROM customers c "
        "JOIN plans p ON p.id = c.plan_id WHERE c.account_number = :a",
        a=account.account_number,
    )
    cid = customer[0]
    account.customer_id = cid
    due = _rows(
        backend,
        "SELECT COALESCE(SUM(amount_due), 0) FROM bills WHERE customer_id = :c "
        "AND status != 'paid'",
        c=cid,
    )[0][0]
    return State(
        plan=customer[1],
        plan_changes=[
            (r[0], str(r[1]))
            for r in _rows(
                backend,
                "SELECT p.name, pc.effective_date FROM plan_changes pc "
                "JOIN plans p ON p.id = pc.to_plan_id WHERE pc.customer_id = :c ORDER BY pc.id",
                c=cid,
            )
        ],
        addons=Counter(
            r[0]
            for r in _rows(
                backend,
                "SELECT p.name FROM customer_addons a JOIN plans p ON p.id = a.plan_id "
                "WHERE a.customer_id = :c AND a.status = 'active'",
                c=cid,
            )
        ),
        payments=[
            (Decimal(str(r[0])), str(r[1] or ""))
            for r in _rows(
                backend,
                "SELECT pay.amount, pm.last4 FROM payments pay "
                "LEFT JOIN payment_methods pm ON pm.id = pay.payment_method_id "
                "WHERE pay.customer_id = :c AND pay.status = 'succeeded' ORDER BY pay.id",
                c=cid,
            )
        ],
        payment_links=_rows(
            backend, "SELECT COUNT(*) FROM payment_links WHERE customer_id = :c", c=cid
        )[0][0],
        arrangements=[
            r[0]
            for r in _rows(
                backend,
                "SELECT kind FROM arrangements WHERE customer_id = :c ORDER BY id",
                c=cid,
            )
        ],
        tickets={
            r[0]: (r[1], r[2])
            for r in _rows(
                backend,
                "SELECT reference, category, status FROM service_requests WHERE customer_id = :c",
                c=cid,
            )
        },
        email=str(customer[2] or ""),
        address=str(customer[3] or ""),
        phone=str(customer[4] or ""),
        status=str(customer[5]),
        amount_due=Decimal(str(due)),
        sessions_revoked=_rows(
            backend,
            "SELECT COUNT(*) FROM identity_sessions WHERE customer_id = :c "
            "AND conversation_id = :s AND revoked_at IS NOT NULL",
            c=cid,
            s=sender,
        )[0][0],
        ratings=_ratings(backend, cid),
    )


def _ratings(backend: Engine, customer_id: int) -> list[str]:
    """Satisfaction ratings stored for the customer (POST /me/feedback, audited)."""
    out = []
    for (details,) in _rows(
        backend,
        "SELECT details FROM audit_records WHERE customer_id = :c AND action = 'feedback' "
        "ORDER BY id",
        c=customer_id,
    ):
        data = json.loads(details) if isinstance(details, str) else details
        out.append(str(data.get("rating")))
    return out


# ---------------------------------------------------------------- comparing


def _money(value: Any, full: Decimal) -> Decimal:
    return full if str(value).strip().lower() == "full" else Decimal(str(value))


def _digits(text_: str) -> str:
    return re.sub(r"\D", "", text_)


def effect_failures(effects: dict[str, Any], before: State, after: State) -> list[str]:
    """Every listed effect happened, and nothing else changed."""
    failures: list[str] = []
    want = dict(effects)

    def check(name: str, ok: bool, detail: str) -> None:
        if not ok:
            failures.append(f"{name}: {detail}")

    # Plan: changes are scheduled for the next period; the current plan stays.
    new_changes = after.plan_changes[len(before.plan_changes) :]
    pending = want.pop("pending_plan", None)
    if pending is None:
        check("plan", not new_changes, f"unasked plan change {new_changes}")
    else:
        check(
            "pending_plan",
            [c[0] for c in new_changes] == [pending],
            f"wanted one change to {pending}, got {new_changes}",
        )
    check("plan", after.plan == before.plan, f"plan now {after.plan}, was {before.plan}")

    added = after.addons - before.addons
    check(
        "addons_added",
        sorted(added.elements()) == sorted(want.pop("addons_added", None) or []),
        f"added {sorted(added.elements())}",
    )

    made = after.payments[len(before.payments) :]
    wanted_payments = want.pop("payments", None) or []
    expected = sorted(
        (_money(p.get("amount", "full"), before.amount_due), str(p.get("card", "")))
        for p in wanted_payments
    )
    got = sorted((amount, card) for amount, card in made)
    check(
        "payments",
        len(got) == len(expected)
        and all(g[0] == e[0] and (not e[1] or g[1] == e[1]) for g, e in zip(got, expected)),
        f"wanted {expected}, made {got}",
    )

    links = after.payment_links - before.payment_links
    check("payment_link", (links > 0) == bool(want.pop("payment_link", False)), f"{links} sent")

    new_arrangements = after.arrangements[len(before.arrangements) :]
    arrangement = want.pop("arrangement", None)
    check(
        "arrangement",
        new_arrangements == ([arrangement] if arrangement else []),
        f"made {new_arrangements}",
    )

    opened = [after.tickets[ref] for ref in after.tickets if ref not in before.tickets]
    handoffs = [t for t in opened if t[0] == "human_handoff"]
    others = sorted(t[0] for t in opened if t[0] != "human_handoff")
    check("tickets", others == sorted(want.pop("tickets", None) or []), f"opened {others}")
    check(
        "handoff", bool(handoffs) == bool(want.pop("handoff", False)), f"{len(handoffs)} made"
    )
    cancelled = [
        ref
        for ref, (_, status) in before.tickets.items()
        if status != "cancelled" and after.tickets.get(ref, ("", ""))[1] == "cancelled"
    ]
    check(
        "tickets_cancelled",
        len(cancelled) == int(want.pop("tickets_cancelled", 0)),
        f"cancelled {cancelled}",
    )

    email = want.pop("email", None)
    check(
        "email",
        after.email.lower() == (str(email).lower() if email else before.email.lower()),
        f"email now {after.email!r}",
    )
    phone = want.pop("contact_phone", None)
    check(
        "contact_phone",
        _digits(after.phone)[-10:] == (_digits(str(phone))[-10:] if phone else
                                       _digits(before.phone)[-10:]),
        f"phone now {after.phone!r}",
    )
    address = want.pop("address", None)
    if address:
        number = re.search(r"\d+", str(address))
        check(
            "address",
            after.address != before.address
            and (number is None or number.group(0) in after.address),
            f"address now {after.address!r}",
        )
    else:
        check("address", after.address == before.address, f"address now {after.address!r}")

    blocked = bool(want.pop("line_blocked", False))
    check(
        "line_blocked",
        (after.status == "blocked") == blocked,
        f"status {before.status} -> {after.status}",
    )
    logged_out = bool(want.pop("logged_out", False))
    check(
        "logged_out",
        (after.sessions_revoked > before.sessions_revoked) == logged_out,
        f"{after.sessions_revoked - before.sessions_revoked} sessions ended",
    )
    rating = want.pop("rating", None)
    new_ratings = after.ratings[len(before.ratings) :]
    check(
        "rating",
        new_ratings == ([str(rating)] if rating is not None else []),
        f"ratings stored {new_ratings}",
    )
    for name in want:
        failures.append(f"{name}: not an effect the runner knows")
    return failures


# ---------------------------------------------------------------- running


@dataclass
class Outcome:
    dialogue: Dialogue
    failures: list[str]
    transcript: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


class DialogueRunner:
    def __init__(self, stack: RunningStack) -> None:
        self.stack = stack
        self.backend_db = create_engine(stack.settings.database_url, future=True)

    def close(self) -> None:
        self.backend_db.dispose()

    def copy(self, persona: str) -> Account:
        with self.stack.backend() as api:
            made = api.post(f"/api/v1/demo/personas/{PERSONAS[persona]}/copies")
        made.raise_for_status()
        body = made.json()
        return Account(body["account_number"], body["phone"], body["email"])

    def code(self, account: Account) -> str:
        found: list[tuple[str, str]] = []
        with self.stack.backend() as api:
            for to in (account.phone, account.email):
                listed = api.get("/api/v1/demo/outbox", params={"to": to})
                listed.raise_for_status()
                for message in listed.json()["messages"]:
                    match = CODE.search(message["body"])
                    if match:
                        found.append((message["created_at"], match.group(1)))
        return max(found)[1] if found else "000000"

    def fill(self, text_: str, account: Account) -> str:
        phone = account.phone
        values = {
            "phone": f"{phone[:2]} {phone[2:5]} {phone[5:8]} {phone[8:]}",
            "phone_digits": phone[2:],
            "account": account.account_number,
            "email": account.email,
        }
        if "{code" in text_:
            code = self.code(account)
            values["code"] = code
            values["code_spaced"] = f"{code[:3]} {code[3:]}"
        for key, value in values.items():
            text_ = text_.replace("{" + key + "}", value)
        return text_

    def run(self, dialogue: Dialogue) -> Outcome:
        account = self.copy(dialogue.persona)
        sender = f"dlg-{dialogue.id}-{uuid.uuid4().hex[:8]}"
        before = read_state(self.backend_db, account, sender)
        failures: list[str] = []
        transcript: list[str] = []
        for index, turn in enumerate(dialogue.turns):
            said = self.fill(turn.user, account)
            replies = self.stack.say(sender, said)
            answer = "\n".join(
                " ".join(
                    [str(r.get("text") or "")]
                    + [str(b.get("title", "")) for b in r.get("buttons") or []]
                )
                for r in replies
            )
            transcript += [f"customer: {said}", f"assistant: {answer or '(nothing)'}"]
            for fact in turn.expect:
                if fact.lower() not in answer.lower():
                    failures.append(f"turn {index + 1}: reply lacks {fact!r}")
            for fact in turn.not_expect:
                if fact.lower() in answer.lower():
                    failures.append(f"turn {index + 1}: reply says {fact!r}")
        after = read_state(self.backend_db, account, sender)
        failures += effect_failures(dialogue.effects, before, after)
        return Outcome(dialogue, failures, transcript)
