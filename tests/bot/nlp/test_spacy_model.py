from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from bot.nlp import spacy_model


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spacy_model.build(tmp_path_factory.mktemp("spacy") / "en_telecomnet")


def test_build_produces_a_loadable_pipeline_with_lookup_lemmas(built: Path) -> None:
    nlp = spacy.load(built)
    doc = nlp("I paid two bills and was paying cards")
    assert [t.lemma_ for t in doc] == ["I", "pay", "two", "bill", "and", "be", "pay", "card"]
    assert nlp.pipe_names == ["lemmatizer"]


def test_tokenizer_splits_slashes_between_numbers(built: Path) -> None:
    nlp = spacy.load(built)
    assert [t.text for t in nlp("4/5 on 12/15")] == ["4", "/", "5", "on", "12", "/", "15"]
    # Identifiers the forms need stay single tokens.
    assert [t.text for t in nlp("AC10000001 SR-100234 a.b@example.com")] == [
        "AC10000001", "SR-100234", "a.b@example.com",
    ]


def test_build_skips_an_up_to_date_pipeline(built: Path) -> None:
    marker = built / "untouched.txt"
    marker.write_text("kept")
    assert spacy_model.build(built) == built
    assert marker.exists()
    marker.unlink()


def test_build_replaces_an_outdated_pipeline(tmp_path: Path) -> None:
    target = spacy_model.build(tmp_path / "model")
    stamp = target / "telecomnet-build.json"
    stamp.write_text(json.dumps({"build_version": "0.0.0", "spacy_version": "0"}))
    (target / "stale.txt").write_text("old build")
    assert not spacy_model.is_current(target)
    spacy_model.build(target)
    assert spacy_model.is_current(target)
    assert not (target / "stale.txt").exists()
    assert not (tmp_path / "model.building").exists()


def test_missing_pipeline_is_not_current(tmp_path: Path) -> None:
    assert not spacy_model.is_current(tmp_path / "absent")


def test_thesaurus_folds_telecom_synonyms_into_one_lemma(built: Path) -> None:
    nlp = spacy.load(built)
    lemmas = [t.lemma_ for t in nlp("Invoice statements Representative operator wifi yeah nope")]
    assert lemmas == ["bill", "bill", "agent", "agent", "internet", "yes", "no"]
