from __future__ import annotations

from typing import Any

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.entity_merger import AdjacentEntityMerger, merge_adjacent


def entity(text: str, part: str, kind: str = "date", **extra: Any) -> dict[str, Any]:
    start = text.index(part)
    return {"entity": kind, "start": start, "end": start + len(part), "value": part,
            "extractor": "DIETClassifier", **extra}


def test_a_split_date_becomes_one_entity_covering_both_parts() -> None:
    text = "dec 20th"
    parts = [entity(text, "20th", confidence_entity=0.9), entity(text, "dec",
                                                                  confidence_entity=0.7)]
    [merged] = merge_adjacent(text, parts)
    assert (merged["value"], merged["start"], merged["end"]) == ("dec 20th", 0, 8)
    assert merged["confidence_entity"] == 0.7


def test_three_parts_join_into_one() -> None:
    text = "pay on the 20 dec 2026 please"
    parts = [entity(text, p) for p in ("20", "dec", "2026")]
    assert [e["value"] for e in merge_adjacent(text, parts)] == ["20 dec 2026"]


def test_entities_apart_or_of_another_kind_stay_apart() -> None:
    text = "07700 900123, 07700 900456 from dec"
    phones = [entity(text, "07700 900123", "phone_number"),
              entity(text, "07700 900456", "phone_number")]
    assert merge_adjacent(text, phones) == phones  # a comma separates them
    mixed = [entity("£20 dec", "£20", "amount"), entity("£20 dec", "dec")]
    assert merge_adjacent("£20 dec", mixed) == mixed
    roles = [entity("dec 20th", "dec", role="from"), entity("dec 20th", "20th", role="to")]
    assert merge_adjacent("dec 20th", roles) == roles


def test_the_component_rewrites_the_message_entities() -> None:
    text = "dec 20th"
    message = Message(data={TEXT: text, ENTITIES: [entity(text, "dec"), entity(text, "20th")]})
    AdjacentEntityMerger().process([message])
    assert [e["value"] for e in message.get(ENTITIES)] == ["dec 20th"]
    single = Message(data={TEXT: "dec", ENTITIES: [entity("dec", "dec")]})
    AdjacentEntityMerger().process([single])
    assert single.get(ENTITIES) == [entity("dec", "dec")]
