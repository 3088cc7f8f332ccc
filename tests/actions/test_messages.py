"""The action server's message catalogue: channel variants, fallback, placeholders, loading."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.asks import ASK_ACTIONS
from actions.messages import CATALOGUE, CatalogueError, MissingValue, UnknownMessage, say
from actions.messages.catalogue import load
from tests.actions.factories import load_domain, make_tracker


def catalogue_from(tmp_path: Path, text: str, name: str = "m.yml"):  # type: ignore[no-untyped-def]
    (tmp_path / name).write_text(text)
    return load(tmp_path.glob("*.yml"))


SAMPLE = """
utter_pick:
  - text: "Pick one for {who}."
    buttons:
      - title: "One"
        payload: "1"
  - channel: [twilio_sms, twilio_whatsapp]
    text: "Pick one, {who}: reply 1."
  - channel: telegram
    text: "Tap one."
"""


@pytest.mark.parametrize(
    ("channel", "expected_text", "expected_buttons"),
    [
        ("twilio_sms", "Pick one, Ada: reply 1.", []),
        ("twilio_whatsapp", "Pick one, Ada: reply 1.", []),
        ("telegram", "Tap one.", []),
        ("socketio", "Pick one for Ada.", [{"title": "One", "payload": "1"}]),
        ("rest", "Pick one for Ada.", [{"title": "One", "payload": "1"}]),
        (None, "Pick one for Ada.", [{"title": "One", "payload": "1"}]),
    ],
)
def test_the_channel_variant_is_chosen_and_others_fall_back_to_the_default(
    tmp_path: Path, channel: str | None, expected_text: str, expected_buttons: list[dict[str, str]]
) -> None:
    rendered = catalogue_from(tmp_path, SAMPLE).render("utter_pick", channel, {"who": "Ada"})
    assert rendered.text == expected_text
    assert rendered.buttons == expected_buttons


def test_a_placeholder_is_filled_from_a_slot_when_the_caller_gives_none(tmp_path: Path) -> None:
    catalogue = catalogue_from(tmp_path, SAMPLE)
    rendered = catalogue.render("utter_pick", "rest", {}, slots={"who": "Bo"})
    assert rendered.text == "Pick one for Bo."
    # The caller's value wins over the slot.
    rendered = catalogue.render("utter_pick", "rest", {"who": "Ada"}, slots={"who": "Bo"})
    assert rendered.text == "Pick one for Ada."


def test_a_missing_placeholder_is_a_clear_error_not_the_text_none(tmp_path: Path) -> None:
    catalogue = catalogue_from(tmp_path, SAMPLE)
    with pytest.raises(MissingValue, match=r"utter_pick.*\{who\}"):
        catalogue.render("utter_pick", "rest", {}, slots={"who": None})
    # A variant that does not use the value needs none.
    assert catalogue.render("utter_pick", "telegram", {}).text == "Tap one."


def test_a_value_no_variant_uses_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="no placeholder wrong"):
        catalogue_from(tmp_path, SAMPLE).render("utter_pick", "rest", {"who": "A", "wrong": 1})


def test_an_unknown_key_is_a_clear_error() -> None:
    with pytest.raises(UnknownMessage, match="utter_nope"):
        CATALOGUE.render("utter_nope", "rest", {})


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('utter_a:\n  - txt: "typo"\n', "unknown field txt"),
        ('utter_a:\n  - text: "x"\n    channel: fax\n', "unknown channel fax"),
        ('utter_a:\n  - text: "x"\n    channel: rest\n', "exactly one variant without a channel"),
        ('utter_a:\n  - text: "x"\n  - text: "y"\n', "exactly one variant without a channel"),
        ('utter_a:\n  - text: "x"\n  - channel: rest\n    text: "{y}"\n', "default variant lacks"),
        ('utter_a:\n  - text: "x"\n  - channel: rest\n    text: a\n  - channel: [rest]\n'
         '    text: b\n', "two variants for rest"),
        ('utter_a:\n  - text: "{a.b}"\n', "not a plain name"),
        ('utter_a:\n  - text: "{oops"\n', "bad braces"),
        ('utter_a:\n  - text: "x"\n    buttons:\n      - title: "T"\n', "title and a payload"),
        ('Utter_A:\n  - text: "x"\n', "keys are utter_"),
        ('utter_a:\n  - text: "x"\nutter_a:\n  - text: "y"\n', "written twice"),
        ('utter_a: "just text"\n', "list of variants"),
    ],
)
def test_a_malformed_file_fails_at_load_with_a_clear_error(
    tmp_path: Path, text: str, error: str
) -> None:
    with pytest.raises(CatalogueError, match=error):
        catalogue_from(tmp_path, text)


def test_the_same_key_in_two_files_fails_at_load(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text('utter_a:\n  - text: "x"\n')
    with pytest.raises(CatalogueError, match="defined twice"):
        catalogue_from(tmp_path, 'utter_a:\n  - text: "y"\n', name="b.yml")


def test_say_sends_the_variant_with_its_key_for_the_analytics() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(channel="socketio")
    say(dispatcher, tracker, "utter_confirm_payment", amount="$42.50", method="Visa ending 4242")
    [sent] = dispatcher.messages
    assert sent["text"] == "Please confirm: pay $42.50 now with Visa ending 4242?"
    assert sent["buttons"] == [{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}]
    # Rasa copies this key into the bot event's metadata; bot/analytics looks for it there.
    assert sent["utter_action"] == "utter_confirm_payment"
    assert sent.get("response") is None


def test_say_on_sms_sends_a_text_answer_and_appends_the_actions_buttons() -> None:
    dispatcher = CollectingDispatcher()
    say(dispatcher, make_tracker(channel="twilio_sms"), "utter_confirm_payment",
        amount="$1.00", method="Visa")
    assert dispatcher.messages[0]["text"].endswith("(yes / no)")
    assert dispatcher.messages[0]["buttons"] == []
    options = [{"title": "Visa", "payload": "1"}]
    say(dispatcher, make_tracker(channel="twilio_sms"), "utter_ask_payment_method", buttons=options)
    assert dispatcher.messages[1]["buttons"] == options


def test_every_catalogue_key_is_distinct_from_the_domain_responses() -> None:
    """A key in both places would make it unclear which text a customer gets."""
    assert not set(CATALOGUE) & set(load_domain()["responses"])


def test_every_ask_action_is_in_the_domain_and_its_question_in_the_catalogue() -> None:
    actions = set(load_domain()["actions"])
    for ask in ASK_ACTIONS:
        action = ask()
        assert action.name() in actions
        assert action.key in CATALOGUE


def test_every_catalogue_message_renders_on_every_channel() -> None:
    """Each variant fills from its placeholders alone: nothing else is needed to send it."""
    for key in CATALOGUE:
        names = frozenset().union(*(v.placeholders for v in CATALOGUE.variants(key)))
        for channel in ("rest", "socketio", "telegram", "twilio_sms", "twilio_whatsapp"):
            rendered = CATALOGUE.render(key, channel, {name: "X" for name in names})
            assert rendered.text.strip()
            assert "{" not in rendered.text, (key, channel)


async def test_a_form_question_fills_its_placeholder_from_the_slot() -> None:
    from actions.asks import AskContactValue
    from tests.actions.factories import run

    _, dispatcher = await run(AskContactValue(), slots={"contact_field": "email"})
    assert dispatcher.messages[0]["text"] == "What's the new email?"
    assert dispatcher.messages[0]["utter_action"] == "utter_ask_contact_value"


async def test_a_form_question_has_buttons_on_telegram_and_plain_text_on_sms() -> None:
    from actions.asks import AskService
    from tests.actions.factories import run

    _, on_telegram = await run(AskService(), channel="telegram")
    assert [b["title"] for b in on_telegram.messages[0]["buttons"]] == [
        "Internet", "Mobile", "TV", "Landline"
    ]
    _, on_sms = await run(AskService(), channel="twilio_sms")
    assert on_sms.messages[0]["buttons"] == []
    assert "internet, mobile, TV or landline" in on_sms.messages[0]["text"]
