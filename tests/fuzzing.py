"""Hypothesis for `make test` (deterministic) and for `make fuzz` (exploration).

`make test` loads the ``deterministic`` profile: every property test draws the same
examples on every run and machine (``derandomize``), keeps no example database and has
no per-example deadline (a deadline is wall-clock time, which a loaded machine stretches).

`make fuzz` loads ``fuzz``: fresh random examples from a printed seed, ``FUZZ_SCALE``
times as many of them, and Hypothesis's example database in ``.hypothesis/``, so a
failure it finds is replayed first on the next run (and printed with
``@reproduce_failure``).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

PROFILE_ENV = "TCN_TEST_HYPOTHESIS_PROFILE"
SCALE_ENV = "TCN_TEST_FUZZ_SCALE"
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / ".hypothesis" / "examples"
# Wall-clock health checks only: the others (filtering too much, data too large in a
# strategy that should not produce it) are real findings either way.
_TIMING = [HealthCheck.too_slow]


def register_profiles() -> None:
    settings.register_profile(
        "deterministic",
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=_TIMING,
    )
    settings.register_profile(
        "fuzz",
        derandomize=False,
        database=DirectoryBasedExampleDatabase(str(EXAMPLES_DIR)),
        deadline=None,
        print_blob=True,
        suppress_health_check=_TIMING,
    )
    settings.load_profile(os.environ.get(PROFILE_ENV, "deterministic"))


def examples(count: int) -> int:
    """A test's example count: as written under `make test`, scaled under `make fuzz`."""
    if os.environ.get(PROFILE_ENV) != "fuzz":
        return count
    return count * max(int(os.environ.get(SCALE_ENV, "10")), 1)
