"""Catalogue menus on each medium: buttons on the web and Telegram, numbered on phones."""

from __future__ import annotations

from actions.messages import CATALOGUE
from channels.common.markup import plain_text
from channels.common.options import match_option
from channels.twilio_channel.output import SMSCollector, WhatsAppCollector


async def test_an_order_menu_is_numbered_on_sms_and_a_reply_maps_back_to_its_payload() -> None:
    rendered = CATALOGUE.render("utter_ask_request_type", "twilio_sms", {})
    out = SMSCollector(plain_text)
    await out.send_text_with_buttons("+1", rendered.text, rendered.buttons)
    [sent] = out.outgoing
    assert sent.text.startswith("What would you like to order?\n\n1. A replacement SIM card\n")
    assert "4. An installation" in sent.text
    picked = match_option("2", out.options)
    assert picked is not None and picked.payload == "2"
    by_words = match_option("a new line", out.options)
    assert by_words is not None and by_words.payload == "3"


async def test_a_yes_no_question_on_whatsapp_is_plain_text_without_a_menu() -> None:
    rendered = CATALOGUE.render(
        "utter_confirm_payment", "twilio_whatsapp", {"amount": "$5.00", "method": "Visa"}
    )
    out = WhatsAppCollector(plain_text)
    await out.send_text_with_buttons("+1", rendered.text, rendered.buttons)
    assert [part.text for part in out.outgoing] == [
        "Please confirm: pay $5.00 now with Visa? (yes / no)"
    ]
    assert out.options == []


def test_the_web_and_telegram_get_buttons_for_the_same_menus() -> None:
    for channel in ("socketio", "rest", "telegram"):
        ask = CATALOGUE.render("utter_ask_service", channel, {})
        assert [b["payload"] for b in ask.buttons] == ["internet", "mobile", "tv", "landline"]
        confirm = CATALOGUE.render("utter_confirm_fault_ticket", channel, {"service": "TV"})
        assert [b["title"] for b in confirm.buttons] == ["Yes", "No"]
        assert "(yes / no)" not in confirm.text
