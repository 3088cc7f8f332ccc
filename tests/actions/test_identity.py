"""Identity turns of a task form, run through ``run()`` with a real Tracker."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ValidateCheckBillForm
from actions.identity import normalise_identifier, normalise_otp
from tests.actions.factories import (
    SENDER,
    FakeBackend,
    entity,
    load_domain,
    make_tracker,
    refused,
    responses,
    text,
    unavailable,
)

FORM = "check_bill_form"


async def run_form(
    backend: FakeBackend, **tracker_args: object
) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(active_loop=FORM, **tracker_args)  # type: ignore[arg-type]
    events = await ValidateCheckBillForm(client=backend).run(dispatcher, tracker, load_domain())
    return events, dispatcher


async def test_phone_number_starts_a_verification_and_asks_for_the_code() -> None:
    backend = FakeBackend()
    events, dispatcher = await run_form(
        backend,
        text="+1 202 555 0101",
        entities=[entity("phone_number", "+1 202 555 0101")],
        requested_slot="identifier",
    )
    assert events == [
        SlotSet("identifier", "+1 202 555 0101"),
        SlotSet("failed_slot", None),
        SlotSet("failed_count", None),
        SlotSet("verification_id", "v-1"),
        SlotSet("otp_code", None),
        SlotSet("requested_slot", "otp_code"),
    ]
    assert backend.called("start_verification") == [
        ("start_verification", "+1 202 555 0101", "rest", SENDER)
    ]
    assert responses(dispatcher) == ["utter_code_sent"]
    assert "+1 ••• ••• 0101" in text(dispatcher)


async def test_account_number_is_normalised_before_the_backend_call() -> None:
    backend = FakeBackend()
    events, _ = await run_form(
        backend, text="ac10000001", intent="inform", requested_slot="identifier"
    )
    assert backend.called("start_verification")[0][1] == "AC10000001"
    assert SlotSet("identifier", "AC10000001") in events


async def test_channel_of_the_conversation_is_sent_to_the_backend() -> None:
    backend = FakeBackend()
    await run_form(
        backend, text="2025550101", requested_slot="identifier", channel="telegram"
    )
    assert backend.called("start_verification")[0][2] == "telegram"


async def test_malformed_identifier_is_refused_without_a_backend_call() -> None:
    backend = FakeBackend()
    events, dispatcher = await run_form(
        backend, text="my name is bob", intent="inform", requested_slot="identifier"
    )
    assert events == [
        SlotSet("identifier", None),
        SlotSet("failed_slot", "identifier"),
        SlotSet("failed_count", 1.0),
        SlotSet("requested_slot", "identifier"),
    ]
    assert responses(dispatcher) == ["utter_identifier_invalid"]
    assert backend.called("start_verification") == []


async def test_second_bad_identifier_in_a_row_offers_a_person() -> None:
    backend = FakeBackend()
    backend.fail["start_verification"] = refused(404, "customer_not_found")
    events, dispatcher = await run_form(
        backend, text="+1 808 555 0199", requested_slot="identifier",
        slots={"failed_slot": "identifier", "failed_count": 1.0},
    )
    assert responses(dispatcher) == [
        "utter_identifier_not_found", "utter_offer_human_after_retries"
    ]
    assert SlotSet("failed_count", 2.0) in events


@pytest.mark.parametrize(
    ("error", "response"),
    [
        (refused(404, "customer_not_found"), "utter_identifier_not_found"),
        (refused(422, "invalid_identifier"), "utter_identifier_invalid"),
        (refused(403, "account_closed"), "utter_account_closed"),
        (unavailable(), "utter_backend_unavailable"),
        (refused(400, "something_new"), "utter_backend_error"),
    ],
)
async def test_refused_identifier_gets_a_clear_answer_and_is_asked_again(
    error: Exception, response: str
) -> None:
    backend = FakeBackend()
    backend.fail["start_verification"] = error
    events, dispatcher = await run_form(
        backend, text="+1 808 555 0199", requested_slot="identifier"
    )
    assert events[0] == SlotSet("identifier", None)
    assert events[-1] == SlotSet("requested_slot", "identifier")
    assert responses(dispatcher) == [response]
    assert "internal detail" not in str(dispatcher.messages)


async def test_resend_too_soon_says_how_long_to_wait() -> None:
    backend = FakeBackend()
    backend.fail["start_verification"] = refused(429, "resend_too_soon", retry_after_seconds=25)
    _, dispatcher = await run_form(backend, text="2025550101", requested_slot="identifier")
    assert responses(dispatcher) == ["utter_code_resend_too_soon"]
    assert "25" in text(dispatcher)


async def test_side_question_while_asked_for_identifier_is_not_taken_as_identifier() -> None:
    backend = FakeBackend()
    events, dispatcher = await run_form(
        backend, text="what are your opening hours", intent="faq", requested_slot="identifier"
    )
    # Nothing extracted: Rasa rejects the form so the question gets answered.
    assert events == [SlotSet("requested_slot", "identifier")]
    assert backend.called("start_verification") == []
    assert dispatcher.messages == []


async def test_correct_code_verifies_and_clears_identity_slots() -> None:
    backend = FakeBackend()
    events, dispatcher = await run_form(
        backend,
        text="482913",
        entities=[entity("otp_code", "482913")],
        requested_slot="otp_code",
        slots={"identifier": "2025550101", "verification_id": "v-1"},
    )
    assert backend.called("confirm_verification") == [("confirm_verification", "v-1", "482913")]
    # Verified now: the bill form has no own slots, so Rasa ends the form.
    assert events == [
        SlotSet("otp_code", None),
        SlotSet("identifier", None),
        SlotSet("verification_id", None),
        SlotSet("verified", True),
    ]
    assert responses(dispatcher) == ["utter_verified"]
    assert "Ada" in text(dispatcher)


async def test_code_with_spaces_is_accepted() -> None:
    backend = FakeBackend()
    await run_form(
        backend,
        text="482 913",
        requested_slot="otp_code",
        slots={"identifier": "2025550101", "verification_id": "v-1"},
    )
    assert backend.called("confirm_verification") == [("confirm_verification", "v-1", "482913")]


async def test_wrong_code_says_how_many_tries_are_left_and_asks_again() -> None:
    backend = FakeBackend()
    backend.fail["confirm_verification"] = refused(401, "code_incorrect", attempts_left=2)
    events, dispatcher = await run_form(
        backend,
        text="111111",
        requested_slot="otp_code",
        slots={"identifier": "2025550101", "verification_id": "v-1"},
    )
    assert events == [SlotSet("otp_code", None), SlotSet("requested_slot", "otp_code")]
    assert responses(dispatcher) == ["utter_otp_incorrect"]
    assert "2 tries" in text(dispatcher)


async def test_last_try_is_singular() -> None:
    backend = FakeBackend()
    backend.fail["confirm_verification"] = refused(401, "code_incorrect", attempts_left=1)
    _, dispatcher = await run_form(
        backend,
        text="111111",
        requested_slot="otp_code",
        slots={"identifier": "2025550101", "verification_id": "v-1"},
    )
    assert "1 try" in text(dispatcher)


async def test_malformed_code_is_refused_without_a_backend_call() -> None:
    backend = FakeBackend()
    events, dispatcher = await run_form(
        backend,
        text="12345",
        requested_slot="otp_code",
        slots={"identifier": "2025550101", "verification_id": "v-1"},
    )
    assert events == [
        SlotSet("otp_code", None),
        SlotSet("failed_slot", "otp_code"),
        SlotSet("failed_count", 1.0),
        SlotSet("requested_slot", "otp_code"),
    ]
    assert responses(dispatcher) == ["utter_otp_malformed"]
    assert backend.called("confirm_verification") == []


@pytest.mark.parametrize(
    ("error", "response"),
    [
        (refused(401, "code_incorrect", attempts_left=0), "utter_otp_locked"),
        (refused(423, "verification_locked"), "utter_otp_locked"),
        (refused(410, "code_expired"), "utter_otp_expired"),
        (refused(409, "code_already_used"), "utter_verification_restart"),
        (refused(404, "verification_not_found"), "utter_verification_restart"),
    ],
)
async def test_unusable_code_restarts_verification_from_the_identifier(
    error: Exception, response: str
) -> None:
    backend = FakeBackend()
    backend.fail["confirm_verification"] = error
    events, dispatcher = await run_form(
        backend,
        text="111111",
        requested_slot="otp_code",
        slots={"identifier": "2025550101", "verification_id": "v-1"},
    )
    assert events == [
        SlotSet("otp_code", None),
        SlotSet("identifier", None),
        SlotSet("verification_id", None),
        SlotSet("requested_slot", "identifier"),
    ]
    assert responses(dispatcher) == [response]


async def test_backend_down_while_confirming_keeps_the_verification_for_another_try() -> None:
    backend = FakeBackend()
    backend.fail["confirm_verification"] = unavailable()
    events, dispatcher = await run_form(
        backend,
        text="482913",
        requested_slot="otp_code",
        slots={"identifier": "2025550101", "verification_id": "v-1"},
    )
    assert events == [SlotSet("otp_code", None), SlotSet("requested_slot", "otp_code")]
    assert responses(dispatcher) == ["utter_backend_unavailable"]


async def test_already_verified_conversation_skips_identity() -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run_form(backend, text="how much is my bill", intent="check_bill")
    assert events == []
    assert dispatcher.messages == []
    assert backend.called("start_verification") == []


async def test_unreachable_session_check_never_skips_identity() -> None:
    """Nor asks for it again: the task ends with "can't reach our systems" (issue 6)."""
    backend = FakeBackend(verified=True)
    backend.fail["get_session"] = unavailable()
    events, _ = await run_form(backend, text="how much is my bill", intent="check_bill")
    assert SlotSet("requested_slot", None) in events
    assert SlotSet("requested_slot", "identifier") not in events
    assert backend.called("current_bill") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AC10000001", "AC10000001"),
        ("ac 1000 0001", "AC10000001"),
        ("+1 (202) 555-0101", "+1 (202) 555-0101"),
        ("2025550101", "2025550101"),
        ("hello", None),
        ("12", None),
        ("AC123", None),
        ("1234567890123456789", None),
    ],
)
def test_normalise_identifier(text: str, expected: str | None) -> None:
    assert normalise_identifier(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("123456", "123456"), ("123 456", "123456"), ("123-456", "123456"), ("12345", None),
     ("1234567", None), ("abcdef", None)],
)
def test_normalise_otp(text: str, expected: str | None) -> None:
    assert normalise_otp(text) == expected


@pytest.mark.parametrize(
    ("typed", "entities"),
    [
        ("482 913", [entity("otp_code", "482")]),  # the extractor tagged half of it
        ("my code is 482-913", []),
        ("its 482913 thx", [entity("otp_code", "913")]),
    ],
)
async def test_a_code_typed_with_a_space_or_inside_a_sentence_is_read_whole(
    typed: str, entities: list
) -> None:
    backend = FakeBackend()
    await run_form(
        backend, text=typed, entities=entities, requested_slot="otp_code",
        slots={"identifier": "2025550101", "verification_id": "v-1"},
    )
    assert backend.called("confirm_verification") == [("confirm_verification", "v-1", "482913")]
