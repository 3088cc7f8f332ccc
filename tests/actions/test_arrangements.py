"""Payment arrangements: kind, detail with eligibility, confirmation, creation."""

from __future__ import annotations

from datetime import date

import pytest

from actions.arrangements import (
    ActionAskArrangementDetail,
    ActionAskPaymentArrangementConfirm,
    ActionPaymentArrangement,
    ValidatePaymentArrangementForm,
)
from actions.models import Eligibility
from tests.actions.factories import (
    FakeBackend,
    refused,
    requests_checked,
    responses,
    run,
    slot_events,
    text,
)

FORM = "payment_arrangement_form"


def form(backend: FakeBackend) -> ValidatePaymentArrangementForm:
    validator = ValidatePaymentArrangementForm(client=backend)
    validator.today = lambda: date(2026, 11, 25)  # type: ignore[method-assign]
    return validator


@pytest.mark.parametrize(
    ("text", "kind"),
    [("more time", "extension"), ("instalments", "instalments"), ("split it", "instalments")],
)
async def test_kind_answer(text: str, kind: str) -> None:
    events, _ = await run(form(FakeBackend(verified=True)), text=text,
                          intent="payment_arrangement", requested_slot="arrangement_kind",
                          active_loop=FORM)
    assert slot_events(events)["arrangement_kind"] == kind


async def test_kind_taken_from_the_opening_request() -> None:
    events, _ = await run(form(FakeBackend(verified=True)), text="can I split my payment",
                          intent="payment_arrangement", active_loop=FORM)
    assert slot_events(events)["arrangement_kind"] == "instalments"


async def test_extension_date_is_checked_for_eligibility() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(form(backend), text="in 2 weeks", intent="inform",
                          requested_slot="arrangement_detail", active_loop=FORM,
                          slots={"arrangement_kind": "extension"})
    assert requests_checked(backend) == [{"kind": "extension", "extend_to": "2026-12-09"}]
    assert slot_events(events)["arrangement_detail"] == "2026-12-09"


async def test_a_date_entity_holding_part_of_the_date_gives_way_to_the_message() -> None:
    # An extractor may tag only "dec" of "dec 20th"; the whole message is the answer.
    backend = FakeBackend(verified=True)
    part = {"entity": "date", "value": "dec", "start": 0, "end": 3}
    events, _ = await run(form(backend), text="dec 20th", intent="inform", entities=[part],
                          requested_slot="arrangement_detail", active_loop=FORM,
                          slots={"arrangement_kind": "extension"})
    assert slot_events(events)["arrangement_detail"] == "2026-12-20"


async def test_a_date_entity_that_reads_as_a_date_is_taken() -> None:
    backend = FakeBackend(verified=True)
    whole = {"entity": "date", "value": "dec 20th", "start": 12, "end": 20}
    events, _ = await run(form(backend), text="can you wait dec 20th, 3 weeks max",
                          intent="inform", entities=[whole],
                          requested_slot="arrangement_detail", active_loop=FORM,
                          slots={"arrangement_kind": "extension"})
    assert slot_events(events)["arrangement_detail"] == "2026-12-20"


async def test_refused_eligibility_is_explained_and_nothing_kept() -> None:
    backend = FakeBackend(verified=True)
    refusal = Eligibility(eligible=False, rule="extension_at_most_14_days")
    backend.answers["arrangement_eligibility"] = refusal
    events, dispatcher = await run(form(backend), text="in 3 weeks", intent="inform",
                                   requested_slot="arrangement_detail", active_loop=FORM,
                                   slots={"arrangement_kind": "extension"})
    assert slot_events(events)["arrangement_detail"] is None
    assert responses(dispatcher) == ["utter_arrangement_refused_too_far"]


async def test_eligibility_error_with_rule() -> None:
    backend = FakeBackend(verified=True)
    error = refused(422, "not_eligible", rule="one_active_arrangement")
    backend.fail["arrangement_eligibility"] = error
    _, dispatcher = await run(form(backend), text="3", intent="rate",
                              requested_slot="arrangement_detail", active_loop=FORM,
                              slots={"arrangement_kind": "instalments"})
    assert responses(dispatcher) == ["utter_arrangement_refused_existing"]


@pytest.mark.parametrize(("text", "response"), [("9", "utter_instalments_invalid"),
                                                ("1", "utter_instalments_invalid")])
async def test_instalment_count_out_of_range(text: str, response: str) -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(form(backend), text=text, intent="rate",
                              requested_slot="arrangement_detail", active_loop=FORM,
                              slots={"arrangement_kind": "instalments"})
    assert responses(dispatcher) == [response]
    assert requests_checked(backend) == []  # only the account's own rules were asked


async def test_past_date_is_refused_without_backend_call() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(form(backend), text="2026-11-01", intent="inform",
                              requested_slot="arrangement_detail", active_loop=FORM,
                              slots={"arrangement_kind": "extension"})
    assert responses(dispatcher) == ["utter_date_invalid"]


async def test_ask_detail_and_confirmation_texts() -> None:
    _, dispatcher = await run(ActionAskArrangementDetail(), slots={"arrangement_kind": "extension"})
    assert responses(dispatcher) == ["utter_ask_extension_date"]
    _, dispatcher = await run(ActionAskPaymentArrangementConfirm(), slots={
        "arrangement_kind": "extension", "arrangement_detail": "2026-12-09"})
    assert "more time to pay, until December 9, 2026" in text(dispatcher)


async def test_confirmed_arrangement_is_created_once() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(ActionPaymentArrangement(client=backend), text="yes",
                              intent="affirm", slots={"arrangement_kind": "instalments",
                                                      "arrangement_detail": "3", "confirm": True})
    (call,) = backend.called("create_arrangement")
    assert call[2] == {"kind": "instalments", "instalments": 3}
    assert responses(dispatcher) == ["utter_arrangement_created", "utter_ask_rating"]
    assert "your balance split into 3 monthly instalments" in text(dispatcher)


@pytest.mark.parametrize(
    ("rule", "response"),
    [("overdue_at_most_30_days", "utter_arrangement_refused_overdue"),
     ("one_active_arrangement", "utter_arrangement_refused_existing"),
     ("balance_due", "utter_nothing_to_pay")],
)
async def test_an_account_that_cannot_have_one_is_told_why_once_and_asked_nothing(
    rule: str, response: str
) -> None:
    """A customer 49 days overdue was asked for a date, refused, and asked again forever:
    the account's own rules are checked before the first question."""
    backend = FakeBackend(verified=True)
    backend.answers["arrangement_eligibility"] = Eligibility(eligible=False, rule=rule)
    events, dispatcher = await run(form(backend), text="can i get more time",
                                   intent="payment_arrangement", active_loop=FORM)
    assert "requested_slot" in slot_events(events)
    assert slot_events(events)["requested_slot"] is None  # no question: the form ends
    assert responses(dispatcher) == []
    assert backend.called("arrangement_eligibility")[0][2]["kind"] == "instalments"
    _, dispatcher = await run(ActionPaymentArrangement(client=backend), text="can i get more time",
                              intent="payment_arrangement")
    assert responses(dispatcher) == [response]
    assert backend.called("create_arrangement") == []


async def test_a_date_out_of_range_is_still_asked_again_not_refused_for_good() -> None:
    backend = FakeBackend(verified=True)
    backend.answers["arrangement_eligibility"] = Eligibility(
        eligible=False, rule="extension_at_most_14_days"
    )
    events, _ = await run(form(backend), text="can i get more time",
                          intent="payment_arrangement", active_loop=FORM)
    assert "requested_slot" not in slot_events(events)  # the form goes on asking
    assert slot_events(events)["arrangement_kind"] == "extension"


async def test_an_account_ruled_out_is_told_so_even_when_the_opening_named_the_kind() -> None:
    """'i need an extension on my bill' from a customer 49 days overdue was asked for a
    date: the kind came from the opening, and the account's rules were not asked."""
    backend = FakeBackend(verified=True)
    backend.answers["arrangement_eligibility"] = Eligibility(
        eligible=False, rule="overdue_at_most_30_days"
    )
    events, _ = await run(form(backend), text="i need an extension on my bill asap",
                          intent="payment_arrangement", active_loop=FORM)
    assert slot_events(events)["requested_slot"] is None  # no date asked: the form ends


async def test_the_other_kind_named_while_asked_for_a_date_switches_kind() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(form(backend), text="no wait, can i do the instalments instead",
                          intent="payment_arrangement", requested_slot="arrangement_detail",
                          active_loop=FORM, slots={"arrangement_kind": "extension"})
    slots = slot_events(events)
    assert slots["arrangement_kind"] == "instalments"
    assert slots.get("arrangement_detail") is None


async def test_a_date_with_a_2_in_it_is_no_switch_to_instalments() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(form(backend), text="dec 2nd", intent="inform",
                          requested_slot="arrangement_detail", active_loop=FORM,
                          slots={"arrangement_kind": "extension"})
    assert slot_events(events)["arrangement_detail"] == "2026-12-02"
