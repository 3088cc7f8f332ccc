"""Rasa intent component: a message holding a payment card number is an answer (``inform``).

Card numbers must never be typed into chat; the assistant answers one with a warning
(``actions.card_details``). That warning is given where ``inform`` is handled: by the
fallback action outside a form, and by the form validators inside one. Which intent a
statistical classifier gives "can you charge 5555-5555-5555-4444" depends on the
training data (it has been read as an FAQ), so a security answer cannot rest on it.
This component runs last in the pipeline and, when the text holds a Luhn-valid card
number (:mod:`sensitive.cards`, the detector the conversation store masks with), sets
the intent to ``inform`` with full confidence, whatever was predicted before. The rest
of the ranking is kept below it, so what the classifier thought stays visible.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from sensitive.cards import contains_card_number

CARD_INTENT = "inform"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class CardNumberGuard(GraphComponent, IntentClassifier):
    """Overrides the predicted intent with ``inform`` when a card number is typed."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CardNumberGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if contains_card_number(str(message.get(TEXT) or "")):
                guarded = {INTENT_NAME_KEY: CARD_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                ranking = [
                    entry
                    for entry in message.get(INTENT_RANKING_KEY) or []
                    if entry.get(INTENT_NAME_KEY) != CARD_INTENT
                ]
                message.set(INTENT, guarded, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [dict(guarded), *ranking], add_to_output=True)
        return messages
