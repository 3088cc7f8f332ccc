"""Train the Rasa model only when its inputs changed, validate data, run test stories."""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.settings import ROOT, Settings
from bot.stack import VENV_BIN, process_env

MODEL_NAME = "telecomnet"
SPACY_MODEL_DIR = ROOT / "var" / "spacy" / "en_telecomnet"
TRAINING_INPUTS = ("config.yml", "domain.yml", "data")


def _input_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.exists():
            files.append(path)
    return files


def fingerprint(root: Path = ROOT) -> str:
    """A hash of every training input (path and content) and of the Rasa version."""
    from rasa.version import __version__ as rasa_version

    digest = hashlib.sha256(f"rasa={rasa_version}\n".encode())
    for path in _input_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _stamp_path(settings: Settings) -> Path:
    return settings.model_path.with_suffix("").with_suffix(".fingerprint")


def model_is_current(settings: Settings) -> bool:
    stamp = _stamp_path(settings)
    return (
        settings.model_path.exists()
        and stamp.exists()
        and stamp.read_text().strip() == fingerprint()
    )


def ensure_spacy_model() -> Path:
    from bot.nlp.spacy_model import build

    return build(SPACY_MODEL_DIR)


def _rasa(settings: Settings, *args: str) -> int:
    cmd = [str(VENV_BIN / "rasa"), *args]
    return subprocess.call(cmd, cwd=ROOT, env=process_env(settings))  # noqa: S603


@contextmanager
def _training_lock(settings: Settings) -> Iterator[None]:
    """One training at a time per model directory (several test runs may share it)."""
    settings.model_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = settings.model_path.parent / ".train.lock"
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def train(settings: Settings, force: bool = False) -> int:
    ensure_spacy_model()
    with _training_lock(settings):
        return _train_locked(settings, force)


def _train_locked(settings: Settings, force: bool) -> int:
    if not force and model_is_current(settings):
        print(f"==> model {settings.model_path.name} is up to date with data/, config.yml "
              "and domain.yml: not retraining")
        return 0
    print("==> training the Rasa model (data/, config.yml or domain.yml changed; "
          "a few minutes on 2 cores)", flush=True)
    settings.model_path.parent.mkdir(parents=True, exist_ok=True)
    wanted = fingerprint()
    code = _rasa(
        settings, "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
        "--out", str(settings.model_path.parent),
        "--fixed-model-name", settings.model_path.name.removesuffix(".tar.gz"),
        "--force",
    )
    if code == 0:
        _stamp_path(settings).write_text(wanted + "\n")
    return code


def validate(settings: Settings) -> int:
    ensure_spacy_model()
    return _rasa(
        settings, "data", "validate",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
        "--fail-on-warnings",
    )


def story_test(settings: Settings, out: Path | None = None) -> int:
    code = train(settings)
    if code != 0:
        return code
    results = out or ROOT / "var" / "results" / "stories"
    return _rasa(
        settings, "test", "core",
        "--model", str(settings.model_path),
        "--stories", "tests/stories",
        "--out", str(results),
        "--fail-on-prediction-errors",
        "--no-plot",
    )
