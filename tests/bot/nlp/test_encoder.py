from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.encoder import MiniLMEncoder
from bot.nlp.minilm_featurizer import DEFAULT_MODEL, MiniLMFeaturizer, load_encoder

ROOT = Path(__file__).resolve().parents[3]
MODEL = ROOT / DEFAULT_MODEL


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    return load_encoder(str(MODEL))


def test_the_encoder_files_come_from_make_setup() -> None:
    # Installed by `make setup` (requirements-encoder.txt); a missing folder is a broken setup.
    assert (MODEL / "model.safetensors").is_file()
    assert (MODEL / "tokenizer.json").is_file()


def test_sentence_vectors_are_unit_length(encoder: MiniLMEncoder) -> None:
    vectors = [e.sentence_vector for e in encoder.encode(["hi", "what is my balance this month?"])]
    for v in vectors:
        assert v.shape == (384,)
        assert abs(float(np.linalg.norm(v)) - 1.0) < 1e-5


def test_paraphrases_are_closer_than_unrelated_requests(encoder: MiniLMEncoder) -> None:
    # A wrong forward pass (a missing layer norm, a transposed weight) loses this ordering.
    texts = [
        "how much is my bill",
        "what do I owe this month",
        "book me a flight to Paris",
        "I want to speak to a person",
        "can I talk to a human agent please",
        "what's the weather like tomorrow",
    ]
    v = np.stack([e.sentence_vector for e in encoder.encode(texts)])
    sim = v @ v.T
    assert sim[0, 1] > 0.3 and sim[3, 4] > 0.3
    for a, b in [(0, 2), (0, 5), (3, 2), (4, 5), (1, 3)]:
        assert sim[a, b] < sim[0, 1] - 0.15
        assert sim[a, b] < sim[3, 4] - 0.15


def test_batching_and_padding_do_not_change_a_vector(encoder: MiniLMEncoder) -> None:
    alone = encoder.encode(["my internet keeps dropping"])[0].sentence_vector
    padded = encoder.encode(
        ["my internet keeps dropping", "a much longer message that forces padding of the first"],
        batch_size=2,
    )[0].sentence_vector
    assert np.allclose(alone, padded, atol=1e-5)


def _message(text: str, words: list[str]) -> Message:
    message = Message(data={TEXT: text})
    tokens, start = [], 0
    for word in words:
        start = text.index(word, start)
        tokens.append(Token(word, start))
        start += len(word)
    message.set(TOKENS_NAMES[TEXT], tokens)
    return message


def test_featurizer_adds_one_row_per_token_and_a_sentence_vector() -> None:
    featurizer = MiniLMFeaturizer(
        {**MiniLMFeaturizer.get_default_config(), "model": str(MODEL)}, "minilm"
    )
    # "unsubscribing" is several word pieces: still one row for the one token.
    message = _message("stop unsubscribing me", ["stop", "unsubscribing", "me"])
    featurizer.process([message])
    sequence, sentence = message.get_dense_features(TEXT, [])
    assert sequence is not None and sentence is not None
    assert sequence.features.shape == (3, 384)
    assert sentence.features.shape == (1, 384)
    assert all(np.linalg.norm(row) > 0 for row in sequence.features)


def test_a_missing_model_folder_is_a_clear_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match="make setup"):
        load_encoder(str(tmp_path / "nowhere"))


def test_repeated_texts_and_mixed_lengths_keep_order_and_vectors(encoder: MiniLMEncoder) -> None:
    texts = [
        "a long retrieval answer about roaming charges in many countries and what they cost",
        "hi",
        "a long retrieval answer about roaming charges in many countries and what they cost",
        "pay my bill",
    ]
    together = encoder.encode(texts, batch_size=2)
    alone = [encoder.encode([t])[0] for t in texts]
    assert [e.pieces for e in together] == [e.pieces for e in alone]
    for a, b in zip(together, alone, strict=True):
        assert np.allclose(a.sentence_vector, b.sentence_vector, atol=1e-5)
        assert np.allclose(a.token_vectors, b.token_vectors, atol=1e-4)
