"""The trained model (``make test`` trains it first) on answers the forms depend on.

Not an accuracy measurement (that is bench/nlu_report.py): a few answers whose
misreading breaks a conversation, e.g. a date typed inside the payment-arrangement
form read as out of scope (issue 4).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.training import model_is_current

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def parse() -> Any:
    settings = Settings()
    if not model_is_current(settings):
        pytest.fail("the trained model is missing or stale: run `python -m bot train` first")
    from rasa.core.agent import Agent

    agent = Agent.load(str(settings.model_path))

    def run(text: str) -> dict[str, Any]:
        return asyncio.run(agent.parse_message(text))

    return run


@pytest.mark.parametrize("text", ["December 20", "dec 20th", "the 20th"])
def test_a_date_alone_is_an_answer_with_a_date(parse: Any, text: str) -> None:
    parsed = parse(text)
    assert parsed["intent"]["name"] == "inform"
    assert [e["entity"] for e in parsed["entities"]] == ["date"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("SR-123456", "inform"),
        ("how much is my bill", "check_bill"),
        ("my wifi keeps dropping", "report_problem"),
        ("no thanks, that's all", "deny"),
        ("book me a flight to rome", "out_of_scope"),
    ],
)
def test_task_answers_and_out_of_scope(parse: Any, text: str, intent: str) -> None:
    assert parse(text)["intent"]["name"] == intent
