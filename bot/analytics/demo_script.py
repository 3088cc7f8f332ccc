"""What the demo customers say and do: tasks, their questions, phrasings, habits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskScript:
    task: str
    form: str
    final_action: str
    result_utter: str
    # (asking action, its response, the customer's typical answer, answer intent)
    steps: tuple[tuple[str, str, str, str], ...]
    openers: tuple[str, ...]
    weight: float
    # How hard the task is: raises the chance of invalid answers and of giving up.
    difficulty: float = 0.0
    backend_calls: int = 1


TASKS: tuple[TaskScript, ...] = (
    TaskScript("check_bill", "check_bill_form", "action_check_bill", "utter_bill_summary", (),
               ("how much do i owe", "what's my bill this month", "when is my bill due"), 18),
    TaskScript("explain_bill", "explain_bill_form", "action_explain_bill", "utter_bill_explained",
               (), ("why is my bill higher", "what is this charge on my bill"), 7, 0.25, 2),
    TaskScript("pay_bill", "pay_bill_form", "action_pay_bill", "utter_payment_done",
               (("action_ask_payment_amount", "utter_ask_payment_amount", "the full amount",
                 "inform"),
                ("action_ask_payment_method", "utter_ask_payment_method", "card ending 4242",
                 "inform"),
                ("action_ask_pay_bill_form_confirm", "utter_confirm_payment", "yes", "affirm")),
               ("i want to pay my bill", "pay 40 dollars", "make a payment"), 15, 0.15, 3),
    TaskScript("payment_history", "payment_history_form", "action_payment_history",
               "utter_payment_history", (), ("did my payment go through", "show my payments"), 5),
    TaskScript("payment_arrangement", "payment_arrangement_form", "action_payment_arrangement",
               "utter_arrangement_created",
               (("utter_ask_arrangement_kind", "utter_ask_arrangement_kind", "more time",
                 "inform"),
                ("action_ask_arrangement_detail", "utter_ask_extension_date", "next friday",
                 "inform"),
                ("action_ask_payment_arrangement_form_confirm", "utter_confirm_arrangement",
                 "ok", "affirm")),
               ("can i pay next week instead", "i need more time to pay"), 4, 0.45, 2),
    TaskScript("account_overview", "account_overview_form", "action_account_overview",
               "utter_account_overview", (), ("what plan am i on", "show my account"), 8),
    TaskScript("check_data_usage", "data_usage_form", "action_data_usage", "utter_data_usage",
               (), ("how much data do i have left", "my usage this month"), 12),
    TaskScript("change_plan", "change_plan_form", "action_change_plan", "utter_plan_changed",
               (("action_ask_plan_name", "utter_ask_plan_name", "unlimited", "inform"),
                ("action_ask_change_plan_form_confirm", "utter_confirm_plan_change", "yes",
                 "affirm")),
               ("upgrade me to unlimited", "i want a cheaper plan"), 6, 0.3, 2),
    TaskScript("update_contact_details", "update_contact_form", "action_update_contact",
               "utter_contact_updated",
               (("utter_ask_contact_field", "utter_ask_contact_field", "email", "inform"),
                ("utter_ask_contact_value", "utter_ask_contact_value", "me@example.com",
                 "inform"),
                ("action_ask_update_contact_form_confirm", "utter_confirm_contact_change", "yes",
                 "affirm")),
               ("i moved, update my address", "change my email"), 4, 0.35),
    TaskScript("check_outage", "check_outage_form", "action_check_outage", "utter_no_outage",
               (("utter_ask_postcode", "utter_ask_postcode", "10001", "inform"),),
               ("is the network down in my area", "is there an outage"), 6),
    TaskScript("report_problem", "report_problem_form", "action_report_problem",
               "utter_fault_ticket_created",
               (("utter_ask_service", "utter_ask_service", "internet", "inform"),
                ("action_ask_troubleshoot", "utter_ask_troubleshoot", "yes i restarted it",
                 "affirm"),
                ("action_ask_report_problem_form_confirm", "utter_confirm_fault_ticket", "yes",
                 "affirm")),
               ("my internet is down", "no signal on my phone"), 7, 0.4, 2),
    TaskScript("request_service", "request_service_form", "action_request_service",
               "utter_service_request_created",
               (("utter_ask_request_type", "utter_ask_request_type", "sim replacement", "inform"),
                ("action_ask_request_service_form_confirm", "utter_confirm_service_request",
                 "yes", "affirm")),
               ("i need a new sim card", "book an installation"), 4, 0.3, 2),
    TaskScript("check_ticket_status", "check_ticket_status_form", "action_check_ticket_status",
               "utter_ticket_status", (), ("any update on my repair ticket",), 3),
    TaskScript("cancel_ticket", "cancel_ticket_form", "action_cancel_ticket",
               "utter_ticket_cancelled",
               (("action_ask_ticket_ref", "utter_ask_ticket_ref", "SR-100234", "inform"),
                ("action_ask_cancel_ticket_form_confirm", "utter_confirm_cancel_ticket", "yes",
                 "affirm")),
               ("cancel my technician visit",), 1, 0.2),
)

# Messages the assistant did not understand, with the intent it found closest.
NOT_UNDERSTOOD: tuple[tuple[str, str, float], ...] = (
    ("my router light is blinking orange", "report_problem", 9),
    ("can i keep my number if i switch", "change_plan", 7),
    ("esim", "request_service", 6),
    ("why was i charged for roaming", "explain_bill", 6),
    ("i want a refund", "pay_bill", 5),
    ("international calling add on", "change_plan", 4),
    ("my bill is wrong", "explain_bill", 4),
    ("speak to someone about my contract end", "account_overview", 3),
    ("family plan discount", "change_plan", 3),
    ("wifi slow at night", "report_problem", 3),
    ("autopay", "pay_bill", 2),
    ("paper bill", "update_contact_details", 2),
    ("5g coverage", "check_outage", 1),
    ("lost phone", "request_service", 1),
)

CHANNEL_WEIGHTS = {"socketio": 40, "twilio_whatsapp": 22, "twilio_sms": 14, "telegram": 14,
                   "rest": 10}
# Channels where typed answers are terser: more misunderstandings.
CHANNEL_FALLBACK_FACTOR = {"socketio": 1.0, "rest": 1.0, "telegram": 1.1,
                           "twilio_whatsapp": 1.3, "twilio_sms": 1.8}
RATING_TEXTS = {1: ("1", "one"), 2: ("2",), 3: ("3", "3 stars"), 4: ("4", "four"),
                5: ("5", "5 stars", "five")}
