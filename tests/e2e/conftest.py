from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import training
from bot.settings import get_settings
from tests.e2e.stack import RunningStack, running_stack


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model `make test` trained from the current data (trained here if stale)."""
    settings = get_settings()
    assert training.train(settings) == 0, "training the Rasa model failed"
    return settings.model_path


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running
