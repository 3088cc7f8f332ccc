"""The ZIP code question: a house number is never taken for a ZIP code."""

from __future__ import annotations

import pytest

from actions.contact import ValidateUpdateContactForm
from actions.faults import ValidateCheckOutageForm
from actions.postcode import zip_codes_in
from tests.actions.factories import FakeBackend, entity, responses, run, slot_events


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20001", ["20001"]),
        ("my zip is 20001-1234", ["20001"]),
        ("12 Main Street", []),
        ("12345 Main Street", []),
        ("10001 N Oak Ave, Springfield 62701", ["62701"]),
        ("55 Elm Street, Springfield 62701", ["62701"]),
        ("call me on 202-555-0143", []),
        ("account AC10000001", []),
        ("2000", []),
    ],
)
def test_zip_codes_in_text(text: str, expected: list[str]) -> None:
    assert zip_codes_in(text) == expected


async def test_street_number_tagged_as_postcode_is_not_a_zip_code() -> None:
    """Asked for the ZIP, "12 Main Street" is no ZIP: asked again, never stored as "12"."""
    events, dispatcher = await run(
        ValidateUpdateContactForm(client=FakeBackend(verified=True)), text="12 Main Street",
        intent="inform", entities=[entity("postcode", "12")], requested_slot="postcode",
        active_loop="update_contact_form",
        slots={"contact_field": "address", "contact_value": "12 Main Street"},
    )
    assert slot_events(events)["postcode"] is None
    assert responses(dispatcher) == ["utter_postcode_invalid"]


async def test_zip_code_after_the_street_is_taken() -> None:
    events, dispatcher = await run(
        ValidateUpdateContactForm(client=FakeBackend(verified=True)),
        text="12 Main Street, Springfield 62701", intent="inform",
        entities=[entity("postcode", "12")], requested_slot="postcode",
        active_loop="update_contact_form",
        slots={"contact_field": "address", "contact_value": "12 Main Street"},
    )
    assert slot_events(events)["postcode"] == "62701"
    assert responses(dispatcher) == []


async def test_outage_question_with_a_street_address_asks_for_the_zip_code() -> None:
    events, dispatcher = await run(
        ValidateCheckOutageForm(client=FakeBackend()), text="is there an outage at 12 Main Street",
        intent="check_outage", entities=[entity("postcode", "12")],
        active_loop="check_outage_form",
    )
    assert "postcode" not in slot_events(events)
    assert responses(dispatcher) == []


async def test_outage_zip_code_without_an_entity_is_read_from_the_text() -> None:
    events, _ = await run(
        ValidateCheckOutageForm(client=FakeBackend()), text="it's 20001 thanks",
        intent="thank_you", requested_slot="postcode", active_loop="check_outage_form",
    )
    assert slot_events(events)["postcode"] == "20001"
