from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.shared.exceptions import InvalidConfigException

from bot.nlp.e5_encoder import DEFAULT_PACKAGE, WEIGHTS, E5Encoder, load_e5

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / DEFAULT_PACKAGE


@pytest.fixture(scope="module")
def encoder() -> E5Encoder:
    return load_e5(str(PACKAGE))


def test_the_engine_and_weights_come_from_make_setup() -> None:
    # Installed by `make setup` (requirements-encoder.txt); missing files are a broken setup.
    assert (PACKAGE / WEIGHTS).is_file()
    assert list(PACKAGE.glob("_engine*.so"))


def test_vectors_are_unit_length_and_one_per_text(encoder: E5Encoder) -> None:
    vectors = encoder.encode(["hi", "what is my balance this month?", "ok"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_paraphrases_are_closer_than_unrelated_requests(encoder: E5Encoder) -> None:
    # e5's similarities sit in a narrow band (about 0.75-0.95), so the margin is small;
    # wrong weights or a wrong prefix lose the ordering itself.
    texts = [
        "how much is my bill",
        "what do I owe this month",
        "book me a flight to Paris",
        "I want to speak to a person",
        "can I talk to a human agent please",
        "what's the weather like tomorrow",
    ]
    v = encoder.encode(texts)
    sim = v @ v.T
    for a, b in [(0, 2), (0, 5), (3, 2), (4, 5), (1, 3)]:
        assert sim[a, b] < sim[0, 1] - 0.02
        assert sim[a, b] < sim[3, 4] - 0.02


def test_a_text_alone_and_in_a_batch_gets_the_same_vector(encoder: E5Encoder) -> None:
    alone = encoder.encode(["my internet keeps dropping"])[0]
    batch = encoder.encode(["a much longer message about a bill", "my internet keeps dropping"])
    assert np.abs(alone - batch[1]).max() < 1e-5


def test_a_nul_character_does_not_cut_the_text(encoder: E5Encoder) -> None:
    # The engine reads C strings; the NUL is replaced, so the rest of the text still counts.
    cut = encoder.encode(["pay my bill\x00 and cancel my line"])[0]
    spaced = encoder.encode(["pay my bill  and cancel my line"])[0]
    assert np.abs(cut - spaced).max() < 1e-5


def test_missing_files_are_a_clear_setup_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match="make setup"):
        E5Encoder(tmp_path)
