from __future__ import annotations

from pathlib import Path

from bot import training
from bot.settings import Settings


def make_project(root: Path) -> None:
    (root / "data" / "nlu").mkdir(parents=True)
    (root / "config.yml").write_text("language: en\n")
    (root / "domain.yml").write_text("version: '3.1'\n")
    (root / "data" / "nlu" / "greet.yml").write_text("nlu: []\n")


def test_fingerprint_is_stable_for_unchanged_inputs(tmp_path: Path) -> None:
    make_project(tmp_path)
    assert training.fingerprint(tmp_path) == training.fingerprint(tmp_path)


def test_fingerprint_changes_with_any_training_input(tmp_path: Path) -> None:
    make_project(tmp_path)
    before = training.fingerprint(tmp_path)
    (tmp_path / "data" / "nlu" / "greet.yml").write_text("nlu: [] # edited\n")
    after_data = training.fingerprint(tmp_path)
    (tmp_path / "domain.yml").write_text("version: '3.1'\nintents: [greet]\n")
    after_domain = training.fingerprint(tmp_path)
    (tmp_path / "data" / "rules.yml").write_text("rules: []\n")
    after_new_file = training.fingerprint(tmp_path)
    assert len({before, after_data, after_domain, after_new_file}) == 4


def test_fingerprint_ignores_files_outside_the_training_inputs(tmp_path: Path) -> None:
    make_project(tmp_path)
    before = training.fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("# notes\n")
    assert training.fingerprint(tmp_path) == before


def test_fingerprint_follows_the_pipeline_components_not_their_bytecode(tmp_path: Path) -> None:
    make_project(tmp_path)
    nlp = tmp_path / "bot" / "nlp"
    nlp.mkdir(parents=True)
    (nlp / "intent_classifier.py").write_text("C = 20\n")
    before = training.fingerprint(tmp_path)
    (nlp / "__pycache__").mkdir()
    (nlp / "__pycache__" / "intent_classifier.cpython-310.pyc").write_bytes(b"\0")
    assert training.fingerprint(tmp_path) == before
    (nlp / "intent_classifier.py").write_text("C = 50\n")
    assert training.fingerprint(tmp_path) != before


def test_model_is_stale_without_a_model_or_with_an_old_stamp(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, model_path=tmp_path / "m" / "telecomnet.tar.gz")
    assert not training.model_is_current(settings)
    settings.model_path.parent.mkdir()
    settings.model_path.write_bytes(b"model")
    stamp = settings.model_path.parent / "telecomnet.fingerprint"
    stamp.write_text("not-the-current-fingerprint\n")
    assert not training.model_is_current(settings)
    stamp.write_text(training.fingerprint() + "\n")
    assert training.model_is_current(settings)
