"""Checks on the NLU training data in data/nlu (the files the model is trained on)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

ROOT = Path(__file__).resolve().parents[3]
NLU_DIR = ROOT / "data" / "nlu"
SPEC = ROOT.parent / "shared" / "spec" / "intents.md"
DOMAIN = ROOT / "domain.yml"
DEV_SET = ROOT.parent / "shared" / "benchmarks" / "nlu" / "dev.jsonl"

TASK_INTENTS = {
    "check_bill", "explain_bill", "pay_bill", "payment_history", "payment_arrangement",
    "account_overview", "check_data_usage", "change_plan", "update_contact_details",
    "report_problem", "check_outage", "request_service", "check_ticket_status",
    "cancel_ticket", "human_handoff",
}
CONVERSATION_INTENTS = {
    "greet", "goodbye", "thank_you", "affirm", "deny", "bot_challenge", "help", "stop",
    "out_of_scope", "faq", "chitchat",
}
PROJECT_INTENTS = {"inform", "rate", "log_out"}  # docs/design.md: conversation vocabulary
REQUIRED_FAQ_TOPICS = {
    "payment_methods", "reset_password", "opening_hours", "roaming", "coverage",
    "contract_end", "upgrade_eligibility", "port_number", "data_rollover", "read_bill",
}
ENTITIES = {
    "amount", "date", "account_number", "phone_number", "email", "ticket_ref", "plan_name",
    "postcode", "otp_code", "rating", "service", "request_type",
}
ENTITY_FORMATS = {
    "account_number": r"[Aa][Cc]\d{8}",
    "ticket_ref": r"(?i)SR-\d{6}",
    "otp_code": r"\d{6}",
    "postcode": r"\d{5}",
    "email": r"[\w.+-]+@[\w-]+\.[\w.-]+",
    "rating": r"[1-5]",
    "service": r"internet|mobile|tv|landline",
    "request_type": r"sim_replacement|relocation|new_line|installation",
}


def _fold(text: str) -> str:
    """Case and spacing folded, end punctuation dropped (as the dev set was de-duplicated)."""
    return " ".join(text.lower().split()).strip(" .!?") or text


@pytest.fixture(scope="module")
def data() -> TrainingData:
    return load_data(str(NLU_DIR))


@pytest.fixture(scope="module")
def retrieval_responses(data: TrainingData) -> dict[str, list[dict[str, Any]]]:
    """The retrieval intents' answers: in domain.yml (Rasa 3.6), or still in the NLU files."""
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
    answers = {k: v for k, v in (domain.get("responses") or {}).items() if "/" in k}
    answers.update(data.responses)
    return answers


@pytest.fixture(scope="module")
def counts(data: TrainingData) -> Counter[str]:
    return Counter(m.get("intent") for m in data.intent_examples)


def test_intents_are_exactly_the_contract_plus_project_intents(counts: Counter[str]) -> None:
    assert set(counts) == TASK_INTENTS | CONVERSATION_INTENTS | PROJECT_INTENTS


def test_contract_list_in_this_test_matches_the_spec() -> None:
    spec_names = set(re.findall(r"^\|\s*`(\w+)`", SPEC.read_text(encoding="utf-8"), re.M))
    spec_names |= set(re.findall(r"`(\w+)`\s*/", SPEC.read_text(encoding="utf-8")))
    assert spec_names >= TASK_INTENTS
    assert spec_names <= TASK_INTENTS | CONVERSATION_INTENTS


@pytest.mark.parametrize("intent", sorted(TASK_INTENTS))
def test_every_task_intent_has_at_least_40_examples(counts: Counter[str], intent: str) -> None:
    assert counts[intent] >= 40, f"{intent} has {counts[intent]} examples"


@pytest.mark.parametrize("intent", sorted(CONVERSATION_INTENTS | PROJECT_INTENTS))
def test_every_other_intent_has_at_least_20_examples(counts: Counter[str], intent: str) -> None:
    assert counts[intent] >= 20, f"{intent} has {counts[intent]} examples"


def test_out_of_scope_covers_many_examples(counts: Counter[str]) -> None:
    assert counts["out_of_scope"] >= 100


@pytest.mark.parametrize("retrieval_intent", ["faq", "chitchat"])
def test_every_retrieval_topic_has_a_response_and_examples(
    data: TrainingData, retrieval_responses: dict[str, list[dict[str, Any]]],
    retrieval_intent: str,
) -> None:
    topics = Counter(
        m.get_full_intent().split("/", 1)[1]
        for m in data.intent_examples
        if m.get("intent") == retrieval_intent
    )
    responses = {
        key.split("/", 1)[1]: value
        for key, value in retrieval_responses.items()
        if key.startswith(f"utter_{retrieval_intent}/")
    }
    assert set(topics) == set(responses)
    for topic, answers in responses.items():
        assert answers and all(a.get("text", "").strip() for a in answers), topic
        assert topics[topic] >= 5, f"{retrieval_intent}/{topic} has {topics[topic]} examples"


def test_faq_covers_the_required_topics(
    retrieval_responses: dict[str, list[dict[str, Any]]],
) -> None:
    topics = {key.split("/", 1)[1] for key in retrieval_responses if key.startswith("utter_faq/")}
    assert topics >= REQUIRED_FAQ_TOPICS
    assert len(topics) >= 10


def test_annotated_entities_are_the_contract_entities_in_their_formats(
    data: TrainingData,
) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for message in data.entity_examples:
        for entity in message.get("entities", []):
            seen[entity["entity"]].add(str(entity["value"]))
    assert set(seen) == ENTITIES
    for name, pattern in ENTITY_FORMATS.items():
        bad = [v for v in seen[name] if not re.fullmatch(pattern, v)]
        assert not bad, f"{name} values not in the contract format: {bad}"


def test_no_example_is_labelled_with_two_intents(data: TrainingData) -> None:
    labels: dict[str, set[str]] = defaultdict(set)
    for message in data.intent_examples:
        labels[_fold(message.get("text"))].add(message.get_full_intent())
    clashes = {text: sorted(intents) for text, intents in labels.items() if len(intents) > 1}
    assert not clashes


def test_no_dev_set_utterance_is_in_the_training_data(data: TrainingData) -> None:
    dev = {
        _fold(json.loads(line)["text"])
        for line in DEV_SET.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    leaked = sorted({_fold(m.get("text")) for m in data.intent_examples} & dev)
    # Single words such as "yes" or "thanks" are everyone's vocabulary, not a copy.
    assert [text for text in leaked if len(text.split()) > 2] == []
