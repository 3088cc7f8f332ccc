"""Rasa dense featurizer: the e5 sentence vector of the message text (``bot.nlp.e5_encoder``).

Adds one 384-d sentence feature, with the origin ``e5``, to the text of every message,
and nothing else: no token (sequence) features and no features for the retrieval
responses. Only the intent classifier reads it (``sentence_features`` in config.yml);
DIET and the ResponseSelectors name their featurizers and leave it out.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.e5_encoder import DEFAULT_PACKAGE, E5Encoder, load_e5
from bot.nlp.encoder_featurizer import EncoderFeaturizer

ALIAS = "e5"
BATCH = 256


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class E5Featurizer(EncoderFeaturizer):
    """Sentence features from multilingual-e5-small."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            FEATURIZER_CLASS_ALIAS: ALIAS,
            "package": DEFAULT_PACKAGE,
        }

    encoder: E5Encoder

    def open_encoder(self, config: dict[str, Any]) -> E5Encoder:
        return load_e5(str(config["package"]))

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = self.encoder.encode([str(m.get(TEXT)) for m in batch])
            for message, vector in zip(batch, vectors, strict=True):
                message.add_features(
                    Features(vector[None, :], FEATURE_TYPE_SENTENCE, TEXT, self._identifier)
                )
        return messages
