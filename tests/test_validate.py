"""``python -m bot validate`` (rasa data validate) passes and prints no data warning.

Rasa 3.6's ``--fail-on-warnings`` does not fail on every warning: an utterance "not used
in any story or rule" and duplicated domain entries are printed while the exit code stays
0 (rasa/validator.py ``verify_utterances_in_stories``). ``bot validate`` therefore reads
the output as well; this test runs it on the project's real data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.training import data_warnings

ROOT = Path(__file__).resolve().parents[1]


def test_validation_passes_without_data_warnings() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "validate"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    output = done.stdout + "\n" + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert not data_warnings(output), "\n".join(data_warnings(output))


def test_data_warnings_are_told_from_library_noise() -> None:
    output = "\n".join([
        "UserWarning: The utterance 'utter_x' is not used in any story or rule.",
        "/x/rasa/validator.py:1: UserWarning: The following duplicated intents have been "
        "found across multiple domain files: faq",
        "DeprecationWarning: pkg_resources is deprecated as an API.",
        "rasa/core/tracker_store.py:1044: MovedIn20Warning: Deprecated API features detected!",
        "2026-11-26 INFO  rasa.validator  - Validating intents...",
    ])
    found = data_warnings(output)
    assert len(found) == 2
    assert "utter_x" in found[0] and "duplicated intents" in found[1]
