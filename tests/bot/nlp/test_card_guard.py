from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.card_guard import CardNumberGuard


def predicted(text: str, intent: str = "faq") -> Message:
    ranking = [{"name": intent, "confidence": 0.8}, {"name": "inform", "confidence": 0.1},
               {"name": "pay_bill", "confidence": 0.05}]
    return Message(data={TEXT: text, INTENT: dict(ranking[0]), INTENT_RANKING_KEY: ranking})


@pytest.mark.parametrize(
    "text",
    ["can you charge 5555-5555-5555-4444", "my card is 4111 1111 1111 1111 exp 12/29",
     "4111111111111111"],
)
def test_a_card_number_makes_the_message_an_answer(text: str) -> None:
    [message] = CardNumberGuard().process([predicted(text)])
    assert message.get(INTENT) == {"name": "inform", "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY)
    assert [entry["name"] for entry in ranking] == ["inform", "faq", "pay_bill"]


@pytest.mark.parametrize(
    "text",
    ["what payment methods do you take", "my account is AC10000001",
     "4111 1111 1111 1112",  # not Luhn-valid: a mistyped number, not a card
     "call me on 07700 900123"],
)
def test_other_messages_keep_their_prediction(text: str) -> None:
    [message] = CardNumberGuard().process([predicted(text)])
    assert message.get(INTENT) == {"name": "faq", "confidence": 0.8}
    assert len(message.get(INTENT_RANKING_KEY)) == 3
