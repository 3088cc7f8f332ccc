"""A small hand-built set of conversations whose metrics are worked out by hand.

Day 0 is Monday 2025-01-06 (UTC). Senders and customers:

* ``web-a`` (web widget, customer K1, pilot): greets, pays a bill in 3 messages, rates 5.
* ``+15550001`` (SMS, customer K2, not pilot): session 1 starts check_bill and stops it;
  session 2 (day 2) checks an outage and rates "two".
* ``tg-c`` (Telegram, never verified): two misunderstood messages, then a handoff.
* ``web-d`` (web widget, customer K1 again): a core fallback, starts change_plan, leaves.
* ``tg-old`` (Telegram): one greeting on 2024-12-31, outside 2025Q1.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.analytics.eventlog import Row, Transcript
from bot.analytics.period import epoch
from bot.analytics.schema import cohorts, events

DAY0 = date(2025, 1, 6)
T0 = epoch(DAY0)
HOUR = 3600.0


def conversation_a() -> Transcript:
    t = Transcript("web-a", "socketio", T0 + 10 * HOUR).session_start()
    t.user("hi", "greet", think=1.0).action("utter_greet", after=0.2).bot("utter_greet", after=0.1)
    t.listen().user("pay my bill", "pay_bill").action("pay_bill_form", after=0.1)
    t.active_loop("pay_bill_form").bot("utter_ask_payment_amount", after=0.4).listen()
    t.user("50", "inform").action("pay_bill_form", after=0.2)
    t.bot("utter_confirm_payment", after=0.5).listen()
    t.user("yes", "affirm").action("pay_bill_form", after=0.1).active_loop(None)
    t.action("action_pay_bill", after=0.5).bot("utter_payment_done", after=0.4)
    t.bot("utter_ask_rating", after=0.05).slot("last_task", "pay_bill")
    t.slot("awaiting_rating", True).listen()
    t.user("5", "rate").action("action_store_rating", after=0.3)
    t.bot("utter_rating_thanks", after=0.2).slot("last_task", None).listen()
    return t


def conversation_b() -> Transcript:
    t = Transcript("+15550001", "twilio_sms", T0 + 11 * HOUR).session_start()
    t.user("what's my bill", "check_bill").action("check_bill_form", after=0.1)
    t.active_loop("check_bill_form").bot("utter_ask_identifier", after=0.5).listen()
    t.user("stop", "stop").action("action_stop_task", after=0.2)
    t.bot("utter_task_stopped", after=0.2).active_loop(None).listen()
    return t


def conversation_c() -> Transcript:
    t = Transcript("tg-c", "telegram", T0 + 12 * HOUR).session_start()
    t.user("blah blah", "nlu_fallback", confidence=0.2, runner_up="report_problem")
    t.action("action_handle_fallback", after=0.1).bot("utter_default", after=0.1).listen()
    t.user("Blah blah ", "nlu_fallback", confidence=0.2, runner_up="report_problem")
    t.action("action_handle_fallback", after=0.1).bot("utter_offer_human", after=0.1).listen()
    t.user("yes", "affirm").action("human_handoff_form", after=0.3)
    t.active_loop("human_handoff_form").active_loop(None)
    t.action("action_human_handoff", after=0.5).bot("utter_handoff_created", after=0.2).listen()
    return t


def conversation_d() -> Transcript:
    t = Transcript("web-d", "socketio", T0 + 24 * HOUR + 9 * HOUR).session_start()
    t.user("asdf", "out_of_scope", confidence=0.2)
    t.action("action_default_fallback", after=0.1).bot("utter_default", after=0.1).listen()
    t.user("upgrade me", "change_plan").action("change_plan_form", after=0.1)
    t.active_loop("change_plan_form").bot("utter_ask_plan_name", after=0.4).listen()
    return t


def conversation_e() -> Transcript:
    t = Transcript("+15550001", "twilio_sms", T0 + 48 * HOUR + 8 * HOUR).session_start()
    t.user("is there an outage", "check_outage").action("check_outage_form", after=0.1)
    t.active_loop("check_outage_form").bot("utter_ask_postcode", after=0.2).listen()
    t.user("10001", "inform").action("check_outage_form", after=0.1).active_loop(None)
    t.action("action_check_outage", after=0.4).bot("utter_no_outage", after=0.1)
    t.bot("utter_ask_rating", after=0.05).slot("last_task", "check_outage").listen()
    t.user("two", "rate").action("action_store_rating", after=0.1)
    t.bot("utter_rating_thanks", after=0.1).slot("last_task", None).listen()
    return t


def conversation_old() -> Transcript:
    t = Transcript("tg-old", "telegram", T0 - 6 * 24 * HOUR).session_start()
    t.user("hi", "greet").action("utter_greet", after=0.1).bot("utter_greet", after=0.1)
    return t


def scenario_rows() -> list[Row]:
    rows: list[Row] = []
    for build in (conversation_a, conversation_b, conversation_c, conversation_d,
                  conversation_e, conversation_old):
        rows.extend(build().rows)
    return rows


COHORTS = [
    {"sender_id": "web-a", "channel": "socketio", "customer_key": "K1", "pilot": True},
    {"sender_id": "web-d", "channel": "socketio", "customer_key": "K1", "pilot": True},
    {"sender_id": "+15550001", "channel": "twilio_sms", "customer_key": "K2", "pilot": False},
]


def load_scenario(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(events), scenario_rows())
        conn.execute(insert(cohorts), COHORTS)
