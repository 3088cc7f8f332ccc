"""The conversation vocabulary analytics recognises (from domain.yml and actions/).

A task *starts* when its form is activated (``active_loop`` event naming the form),
and *completes* when the action server asks for a rating after it: the ``last_task``
slot is set to the task's name (``actions.base.ask_rating``). Handoff is complete when
``utter_handoff_created`` is uttered (a ticket with the transcript exists).
"""

from __future__ import annotations

CHANNELS = ("socketio", "rest", "twilio_sms", "twilio_whatsapp", "telegram")
CHANNEL_LABELS = {
    "socketio": "Web widget",
    "rest": "REST",
    "twilio_sms": "SMS",
    "twilio_whatsapp": "WhatsApp",
    "telegram": "Telegram",
}

# task name (value of the last_task slot) -> its form
TASK_FORMS = {
    "check_bill": "check_bill_form",
    "explain_bill": "explain_bill_form",
    "pay_bill": "pay_bill_form",
    "payment_history": "payment_history_form",
    "payment_arrangement": "payment_arrangement_form",
    "account_overview": "account_overview_form",
    "check_data_usage": "data_usage_form",
    "change_plan": "change_plan_form",
    "update_contact_details": "update_contact_form",
    "check_outage": "check_outage_form",
    "report_problem": "report_problem_form",
    "request_service": "request_service_form",
    "check_ticket_status": "check_ticket_status_form",
    "cancel_ticket": "cancel_ticket_form",
}
FORM_TASKS = {form: task for task, form in TASK_FORMS.items()}
HANDOFF_FORM = "human_handoff_form"
HANDOFF_ACTION = "action_human_handoff"
HANDOFF_DONE_UTTER = "utter_handoff_created"
TASK_LABELS = {
    "check_bill": "Check bill",
    "explain_bill": "Explain bill",
    "pay_bill": "Pay bill",
    "payment_history": "Payment history",
    "payment_arrangement": "Payment arrangement",
    "account_overview": "Account overview",
    "check_data_usage": "Data usage",
    "change_plan": "Change plan",
    "update_contact_details": "Update contact details",
    "check_outage": "Check outage",
    "report_problem": "Report a problem",
    "request_service": "Request a service",
    "check_ticket_status": "Ticket status",
    "cancel_ticket": "Cancel ticket",
    "human_handoff": "Talk to a person",
}

COMPLETION_SLOT = "last_task"
STOPPED_UTTER = "utter_task_stopped"
SWITCHED_UTTER = "utter_task_switched"
RATING_INTENT = "rate"
RATING_THANKS_UTTER = "utter_rating_thanks"
NLU_FALLBACK_INTENT = "nlu_fallback"
CORE_FALLBACK_ACTION = "action_default_fallback"

# What the assistant said last before the handoff form started -> the handoff reason.
HANDOFF_REASONS = {
    "utter_offer_human": "not_understood",
    "utter_offer_human_after_retries": "invalid_answers",
    "utter_backend_unavailable": "technical_problem",
    "utter_backend_error": "technical_problem",
    "utter_payment_declined": "payment_problem",
    "utter_payment_refused": "payment_problem",
    "utter_payment_unknown": "payment_problem",
    "utter_plan_change_refused": "request_refused",
    "utter_arrangement_refused": "request_refused",
}
REASON_LABELS = {
    "asked_directly": "Asked for a person directly",
    "not_understood": "Not understood (repeated fallback)",
    "invalid_answers": "Invalid answers inside a task",
    "technical_problem": "Backend unavailable or error",
    "payment_problem": "Payment declined or refused",
    "request_refused": "Plan change or arrangement refused",
}


def utter_marker(utter_action: str) -> str:
    """The text Rasa's JSON of a bot event contains for a response name."""
    return f'"utter_action": "{utter_action}"'


def slot_value_marker(value: str) -> str:
    return f'"value": "{value}"'
