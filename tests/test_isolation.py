"""No developer's environment or .env reaches the suite or the processes it starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import ROOT, Settings


def test_the_suite_reads_no_env_file_and_no_tcn_variable() -> None:
    assert os.environ["TCN_ENV_FILE"] == os.devnull
    assert not [
        n for n in os.environ
        if n.startswith("TCN_") and not n.startswith("TCN_TEST_") and n != "TCN_ENV_FILE"
    ]
    assert Settings().backend_port == 8000


def test_a_started_process_ignores_the_env_file_of_its_working_folder(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TCN_BACKEND_PORT=9321\nTCN_DEMO_MODE=false\n")
    read = subprocess.run(
        [sys.executable, "-c",
         "from bot.settings import Settings; s = Settings(); print(s.backend_port, s.demo_mode)"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, check=True,
    )
    assert read.stdout.split() == ["8000", "True"]
