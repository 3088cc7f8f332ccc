"""Card details typed in chat: the customer is told never to send them here.

What a card number is comes from :mod:`sensitive.cards`, the detector the conversation
store masks with (``bot.redaction``), so the warning and the masking always agree.
The action server sees the customer's text of the current turn unmasked (masking
happens when the store writes); what is stored is masked either way.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_text
from actions.messages import say
from sensitive.cards import contains_card_number

CARD_WARNING = "utter_no_card_in_chat"


def typed_card_details(tracker: Tracker) -> bool:
    """Does the customer's latest message hold a card number (Luhn-valid, any spacing)?"""
    return contains_card_number(latest_text(tracker))


def warn_if_card_details(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Send the "never type card numbers here" warning when the latest message has one."""
    if not typed_card_details(tracker):
        return False
    say(dispatcher, tracker, CARD_WARNING)
    return True
