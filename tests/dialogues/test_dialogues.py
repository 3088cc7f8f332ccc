"""The customer-written dialogues that pass are held to passing, end to end.

Every design dialogue listed in ``passing.txt`` runs against the real trained model,
action server and backend, and must reach exactly its effects (tests/dialogues/runner.py).
The list only grows: a dialogue that passes once a fix lands is added to it. The pass
rate of both halves, failures included, is ``python -m tests.dialogues.report``
(docs/conversation.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.dialogues.runner import HERE, DialogueRunner, load
from tests.e2e.stack import RunningStack

pytestmark = pytest.mark.stack

PASSING = [
    line.split("#", 1)[0].strip()
    for line in (HERE / "passing.txt").read_text(encoding="utf-8").splitlines()
    if line.split("#", 1)[0].strip()
]
DESIGN = {d.id: d for d in load("design")}


def test_the_passing_list_names_design_dialogues_only() -> None:
    assert PASSING, "passing.txt lists no dialogue"
    assert set(PASSING) <= set(DESIGN), set(PASSING) - set(DESIGN)
    assert len(set(PASSING)) == len(PASSING)


@pytest.fixture(scope="module")
def runner(stack: RunningStack) -> Iterator[DialogueRunner]:
    running = DialogueRunner(stack)
    yield running
    running.close()


@pytest.mark.parametrize("dialogue_id", PASSING)
def test_customer_dialogue(runner: DialogueRunner, dialogue_id: str) -> None:
    outcome = runner.run(DESIGN[dialogue_id])
    assert outcome.passed, "\n".join([*outcome.failures, "", *outcome.transcript])
