"""Train the Rasa model only when its inputs changed, validate data, run test stories."""

from __future__ import annotations

import fcntl
import hashlib
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.settings import ROOT, Settings
from bot.stack import VENV_BIN, process_env

MODEL_NAME = "telecomnet"
SPACY_MODEL_DIR = ROOT / "var" / "spacy" / "en_telecomnet"
# bot/nlp holds the pipeline's own components (importer, spaCy builder, MiniLM and e5
# featurizers, intent classifier): a change there changes what training produces.
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "bot/nlp")


def _input_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_dir():
            files.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                )
            )
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
        # Rasa's pre-training check only logs what it finds (about 12 s); `make test`
        # runs `rasa data validate` itself and fails on any warning (validate() below).
        "--skip-validation",
    )
    if code == 0:
        _stamp_path(settings).write_text(wanted + "\n")
    return code


# Rasa 3.6's --fail-on-warnings leaves the exit code at 0 for some data warnings (an
# utterance "not used in any story or rule", duplicated domain entries), so the output
# is read too. Lines that libraries print at import time are not about the data.
LIBRARY_NOISE = re.compile(
    r"DeprecationWarning|MovedIn20Warning|declare_namespace|pkg_resources|TF-TRT Warning"
    r"|tensorflow/"
)
DATA_WARNING = re.compile(r"UserWarning|not used in any|warn", re.IGNORECASE)


def data_warnings(output: str) -> list[str]:
    """The lines of ``rasa data validate`` output that warn about the project's data."""
    return [
        line for line in output.splitlines()
        if DATA_WARNING.search(line) and not LIBRARY_NOISE.search(line)
    ]


def validate(settings: Settings) -> int:
    """``rasa data validate``; fails (1) on any data warning even when Rasa exits 0."""
    ensure_spacy_model()
    cmd = [
        str(VENV_BIN / "rasa"), "data", "validate",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
        "--fail-on-warnings",
    ]
    done = subprocess.run(  # noqa: S603
        cmd, cwd=ROOT, env=process_env(settings), capture_output=True, text=True, check=False,
    )
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    warnings = data_warnings(done.stdout + "\n" + done.stderr)
    if done.returncode != 0:
        return done.returncode
    if warnings:
        print(f"==> rasa data validate printed {len(warnings)} data warning(s):", file=sys.stderr)
        for line in warnings:
            print(f"    {line}", file=sys.stderr)
        return 1
    return 0


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
