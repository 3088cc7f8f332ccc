"""Card numbers, security codes, one-time codes and passwords are masked; nothing else."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.redaction import (
    CARD_MASK,
    ONE_TIME_CODE_MASK,
    PASSWORD_MASK,
    SECURITY_CODE_MASK,
    luhn_valid,
    redact_event,
    redact_events,
    redact_text,
)
from tests.fuzzing import examples

# ---------------------------------------------------------------- factories


def luhn_complete(body: str) -> str:
    """``body`` plus the check digit that makes it Luhn-valid."""
    for digit in "0123456789":
        if luhn_valid(body + digit):
            return body + digit
    raise AssertionError("unreachable: one check digit always fits")


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    length = draw(st.integers(min_value=13, max_value=19))
    first = draw(st.sampled_from("3456"))
    body = first + draw(st.text("0123456789", min_size=length - 2, max_size=length - 2))
    return luhn_complete(body)


@st.composite
def spaced(draw: st.DrawFn, digits: str) -> str:
    """``digits`` cut into groups joined by nothing, one space or one dash."""
    out = digits[0]
    for char in digits[1:]:
        out += draw(st.sampled_from(["", "", "", " ", "-"])) + char
    return out


@st.composite
def written_card_numbers(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(card_numbers())
    return number, draw(spaced(number))


words = st.sampled_from(
    ["my", "card", "is", "please", "pay", "with", "number", "thanks", "here", "ok", "it's"]
)
prose = st.lists(words, max_size=4).map(" ".join)


def account_numbers() -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=8, max_size=8).map(lambda d: "AC" + d)


def ticket_refs() -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=6, max_size=6).map(lambda d: "SR-" + d)


def us_phones() -> st.SearchStrategy[str]:
    area = st.integers(200, 999).map(str)
    exchange = st.integers(200, 999).map(str)
    line = st.integers(0, 9999).map(lambda n: f"{n:04d}")
    formats = st.sampled_from(
        ["+1 {a} {e} {l}", "({a}) {e}-{l}", "{a}-{e}-{l}", "{a}{e}{l}", "+1{a}{e}{l}",
         "{a} {e} {l}", "1-{a}-{e}-{l}"]
    )
    return st.builds(lambda f, a, e, n: f.format(a=a, e=e, l=n), formats, area, exchange, line)


def amounts() -> st.SearchStrategy[str]:
    whole = st.integers(0, 99999)
    cents = st.integers(0, 99)
    formats = st.sampled_from(["${w}", "${w}.{c:02d}", "{w}", "{w}.{c:02d}", "{w:,}.{c:02d}"])
    return st.builds(lambda f, w, c: f.format(w=w, c=c), formats, whole, cents)


def dates() -> st.SearchStrategy[str]:
    return st.dates().map(
        lambda d: d.strftime(
            ["%Y-%m-%d", "%m/%d/%Y", "%B %d", "%d %B %Y"][d.toordinal() % 4]
        )
    )


ordinary = st.one_of(account_numbers(), ticket_refs(), us_phones(), amounts(), dates())
separators = st.sampled_from([", ", " and ", "; ", " then ", ". "])


# ---------------------------------------------------------------- card numbers


@settings(max_examples=examples(400))
@given(written_card_numbers(), prose, prose)
def test_a_luhn_valid_card_number_in_any_spacing_is_always_masked(
    card: tuple[str, str], before: str, after: str
) -> None:
    digits, written = card
    text = f"{before} {written} {after}".strip()
    redacted = redact_text(text)
    assert CARD_MASK in redacted
    assert digits not in re.sub(r"\D", "", redacted)
    assert written not in redacted


@settings(max_examples=examples(300))
@given(st.lists(ordinary, min_size=1, max_size=4), separators)
def test_amounts_dates_account_numbers_ticket_refs_and_phones_are_left_alone(
    items: list[str], separator: str
) -> None:
    text = "ref " + separator.join(items) + " please"
    assert redact_text(text) == text


def test_a_card_with_its_security_code_after_it_goes_entirely() -> None:
    redacted = redact_text("card 4111 1111 1111 1111 737 exp 12/29")
    assert "4111" not in redacted and "737" not in redacted


def test_a_card_glued_to_more_digits_is_still_found() -> None:
    assert "4111111111111111" not in redact_text("4111111111111111123")


def test_a_luhn_invalid_16_digit_number_is_kept() -> None:
    assert not luhn_valid("4111111111111112")
    assert redact_text("order 4111 1111 1111 1112") == "order 4111 1111 1111 1112"


def test_luhn_reference_numbers() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")  # Amex test card, 15 digits
    assert luhn_valid("6011111111111117")
    assert not luhn_valid("1234567812345678")
    assert not luhn_valid("")
    assert not luhn_valid("4111 1111")


# ---------------------------------------------------------------- security codes


def test_security_codes_next_to_their_words_are_masked() -> None:
    for text in ("cvv 737", "my CVC is 1234", "security code: 123", "737 is my cvv",
                 "the code on the back is 456", "CVV2=999"):
        redacted = redact_text(text)
        assert SECURITY_CODE_MASK in redacted, text
        assert not re.search(r"\d{3}", redacted.replace("CVV2", "")), (text, redacted)


def test_three_digit_numbers_elsewhere_are_kept() -> None:
    for text in ("I paid 120 dollars", "room 404", "the security code you sent is 123456"):
        assert redact_text(text) == text


# ---------------------------------------------------------------- passwords


def test_passwords_and_pins_are_masked() -> None:
    cases = {
        "my password is Tr0ub4dor&3": "Tr0ub4dor&3",
        "Password: hunter2": "hunter2",
        "my pin is 4321": "4321",
        "passcode = 'open sesame'": "open sesame",
        "I changed my password to S3cret!": "S3cret!",
    }
    for text, secret in cases.items():
        redacted = redact_text(text)
        assert secret not in redacted, (text, redacted)
        assert PASSWORD_MASK in redacted


def test_talking_about_passwords_is_kept() -> None:
    for text in ("how do I reset my password", "I forgot my password", "password reset"):
        assert redact_text(text) == text


# ---------------------------------------------------------------- one-time codes


@given(st.text("0123456789", min_size=6, max_size=6), st.sampled_from(["{}", "code {}",
       "it's {}", "{} thanks"]))
def test_a_code_typed_when_the_code_is_asked_for_is_masked(code: str, template: str) -> None:
    text = template.format(code)
    assert code not in redact_text(text, answers_code_question=True)
    grouped = f"{code[:3]} {code[3:]}"
    assert grouped not in redact_text(template.format(grouped), answers_code_question=True)


def test_six_digit_numbers_are_kept_outside_the_code_question() -> None:
    assert redact_text("ticket SR-100234 and 100234") == "ticket SR-100234 and 100234"


# ---------------------------------------------------------------- events


def user_event(text: str, entities: list[dict] | None = None) -> dict:
    return {
        "event": "user",
        "timestamp": 1.0,
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": "inform", "confidence": 0.9},
            "entities": entities or [],
        },
        "input_channel": "rest",
        "metadata": {"raw": text},
    }


def slot_event(name: str, value: object) -> dict:
    return {"event": "slot", "timestamp": 1.0, "name": name, "value": value}


def test_user_event_text_parse_data_entities_and_metadata_are_masked() -> None:
    text = "card 4111111111111111 cvv 123"
    event = user_event(text, [{"entity": "amount", "value": "4111111111111111"}])
    clean = redact_event(event)
    dumped = repr(clean)
    assert "4111111111111111" not in dumped and "123" not in dumped
    assert clean["parse_data"]["intent"]["name"] == "inform"
    assert clean["parse_data"]["entities"][0]["entity"] == "amount"
    assert event["text"] == text, "the input event is not modified"


def test_code_is_masked_only_in_the_turn_that_answers_the_code_question() -> None:
    events = [
        user_event("my number is 202 555 0101"),
        slot_event("requested_slot", "otp_code"),
        user_event("482913", [{"entity": "otp_code", "value": "482913"}]),
        slot_event("otp_code", "482913"),
        slot_event("requested_slot", None),
        user_event("pay 482913 cents"),
    ]
    clean = redact_events(events)
    assert clean[0]["text"] == "my number is 202 555 0101"
    assert clean[2]["text"] == ONE_TIME_CODE_MASK
    assert clean[2]["parse_data"]["entities"][0]["value"] == ONE_TIME_CODE_MASK
    assert clean[3]["value"] == ONE_TIME_CODE_MASK
    assert clean[5]["text"] == "pay 482913 cents"


def test_an_otp_entity_is_masked_in_any_turn_and_a_session_start_ends_the_question() -> None:
    events = [
        slot_event("requested_slot", "otp_code"),
        {"event": "session_started", "timestamp": 2.0},
        user_event("123456", [{"entity": "otp_code", "value": "123456"}]),
    ]
    clean = redact_events(events)
    assert clean[2]["text"] == "123456"
    assert clean[2]["parse_data"]["entities"][0]["value"] == ONE_TIME_CODE_MASK


def test_bot_events_and_other_slot_values_are_masked() -> None:
    bot = {"event": "bot", "text": "you typed 4111 1111 1111 1111", "data": {"buttons": [
        {"title": "cvv 123", "payload": "/x"}]}}
    clean = redact_event(bot)
    assert "4111" not in clean["text"] and "123" not in repr(clean["data"])
    assert redact_event(slot_event("contact_value", "4111111111111111"))["value"] == CARD_MASK
    assert redact_event(slot_event("confirm", True))["value"] is True
    assert redact_event(slot_event("otp_code", None))["value"] is None


def test_structural_events_are_unchanged() -> None:
    for event in (
        {"event": "action", "name": "action_listen", "timestamp": 3.0, "policy": None},
        {"event": "active_loop", "name": "pay_bill_form"},
        slot_event("requested_slot", "otp_code"),
        slot_event("payment_amount", "40.50"),
        slot_event("verification_id", "5f0c2a9e-1b7d-4c1e-9a53-0d8f3b6c2e41"),
    ):
        assert redact_event(event) == event
