"""Rendering the assistant's answers for SMS and WhatsApp."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from channels.common.markup import plain_text
from channels.twilio_channel.output import SMSCollector, WhatsAppCollector, twiml


def parse(xml: str) -> list[tuple[str, list[str]]]:
    root = ET.fromstring(xml)
    return [
        (message.text or "", [media.text or "" for media in message.findall("Media")])
        for message in root.findall("Message")
    ]


async def test_images_become_media_and_unsafe_urls_are_dropped() -> None:
    out = SMSCollector(plain_text)
    await out.send_image_url("+1", "https://cdn.example/bill.png")
    await out.send_image_url("+1", "javascript:alert(1)")
    assert parse(twiml(out.outgoing, 320)) == [("", ["https://cdn.example/bill.png"])]


async def test_elements_custom_json_and_attachments_keep_text_only() -> None:
    out = WhatsAppCollector(plain_text)
    await out.send_elements(
        "+1",
        [
            {
                "title": "Unlimited",
                "subtitle": "$60 a month",
                "buttons": [{"title": "Choose", "payload": "/pick"}],
            }
        ],
    )
    await out.send_custom_json("+1", {"text": "From a custom payload", "secret": "/x"})
    await out.send_custom_json("+1", {"blocks": []})
    await out.send_attachment("+1", "An attachment text")
    texts = [part.text for part in out.outgoing]
    assert texts[0].startswith("Unlimited\n$60 a month\n\n1. Choose")
    assert texts[1:] == ["From a custom payload", "An attachment text"]
    assert [option.payload for option in out.options] == ["/pick"]
    assert WhatsAppCollector.name() == "twilio_whatsapp"
    assert SMSCollector.name() == "twilio_sms"


async def test_buttons_without_titles_fall_back_to_text() -> None:
    out = SMSCollector(plain_text)
    await out.send_text_with_buttons("+1", "Anything else?", [{"payload": "/x"}])
    assert [part.text for part in out.outgoing] == ["Anything else?"]
    assert out.options == []


async def test_quick_replies_are_a_menu_too() -> None:
    out = SMSCollector(plain_text)
    await out.send_quick_replies("+1", "", [{"title": "Yes", "payload": "/affirm"}])
    assert out.outgoing[0].text.startswith("1. Yes")
