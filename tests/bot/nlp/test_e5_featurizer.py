from __future__ import annotations

from pathlib import Path

import numpy as np
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.e5_encoder import DEFAULT_PACKAGE, load_e5
from bot.nlp.e5_featurizer import ALIAS, E5Featurizer

ROOT = Path(__file__).resolve().parents[3]


def _featurizer() -> E5Featurizer:
    config = {**E5Featurizer.get_default_config(), "package": str(ROOT / DEFAULT_PACKAGE)}
    return E5Featurizer(config, "e5")


def _tokenised(messages: list[Message]) -> list[Message]:
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return messages


def test_the_text_gets_one_sentence_vector_and_no_sequence_features() -> None:
    [message] = _featurizer().process(_tokenised([Message(data={TEXT: "when is my bill due"})]))
    sequence, sentence = message.get_dense_features(TEXT, [ALIAS])
    assert sequence is None
    assert sentence is not None and sentence.features.shape == (1, 384)
    expected = load_e5(str(ROOT / DEFAULT_PACKAGE)).encode(["when is my bill due"])[0]
    assert np.abs(sentence.features[0] - expected).max() < 1e-6


def test_other_attributes_and_empty_messages_get_nothing() -> None:
    empty = Message(data={TEXT: ""})
    response = Message(data={TEXT: "how do i reset my pin", INTENT_RESPONSE_KEY: "faq/reset"})
    _featurizer().process(_tokenised([empty, response]))
    assert empty.get_dense_features(TEXT, [ALIAS]) == (None, None)
    assert response.get_dense_features(INTENT_RESPONSE_KEY, [ALIAS]) == (None, None)


def test_training_data_is_featurised_in_batches() -> None:
    texts = [f"message number {i}" for i in range(300)]  # more than one batch of 256
    data = TrainingData(training_examples=_tokenised([Message(data={TEXT: t}) for t in texts]))
    _featurizer().process_training_data(data)
    vectors = np.stack(
        [m.get_dense_features(TEXT, [ALIAS])[1].features[0] for m in data.training_examples]
    )
    assert vectors.shape == (300, 384)
    assert len({v.tobytes() for v in vectors}) == 300
