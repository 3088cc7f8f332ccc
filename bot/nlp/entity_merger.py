"""Rasa entity component: one entity where the extractor split one value into two.

DIET tags tokens; now and then it starts a second entity of the same type on the next
token ("dec 20th" came back as two ``date`` entities, "dec" and "20th"). The forms read
the first value of an entity (``actions.conversation.entity_value``), so a split value
is read as its first half. This component, placed right after the extractor, joins
entities that have the same type, role, group and extractor and are separated only by
whitespace into one entity spanning both, its value the text it covers. Entities
separated by anything else ("07700 900123, 07700 900456") stay apart.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_GROUP,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

_SAME = (ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_ROLE, ENTITY_ATTRIBUTE_GROUP, EXTRACTOR)


def _joinable(text: str, first: dict[str, Any], second: dict[str, Any]) -> bool:
    if any(first.get(key) != second.get(key) for key in _SAME):
        return False
    end, start = first.get(ENTITY_ATTRIBUTE_END), second.get(ENTITY_ATTRIBUTE_START)
    if not isinstance(end, int) or not isinstance(start, int) or start < end:
        return False
    gap = text[end:start]
    return gap == "" or gap.isspace()


def _confidence(first: dict[str, Any], second: dict[str, Any]) -> Optional[float]:
    scores = [
        e[ENTITY_ATTRIBUTE_CONFIDENCE]
        for e in (first, second)
        if isinstance(e.get(ENTITY_ATTRIBUTE_CONFIDENCE), (int, float))
    ]
    return min(scores) if scores else None


def merge_adjacent(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entities with every whitespace-separated run of same-kind entities joined."""
    merged: list[dict[str, Any]] = []
    for entity in sorted(entities, key=lambda e: (e.get(ENTITY_ATTRIBUTE_START) or 0)):
        if merged and _joinable(text, merged[-1], entity):
            previous = merged[-1]
            joined = dict(previous)
            joined[ENTITY_ATTRIBUTE_END] = entity[ENTITY_ATTRIBUTE_END]
            joined[ENTITY_ATTRIBUTE_VALUE] = text[
                previous[ENTITY_ATTRIBUTE_START] : entity[ENTITY_ATTRIBUTE_END]
            ]
            confidence = _confidence(previous, entity)
            if confidence is not None:
                joined[ENTITY_ATTRIBUTE_CONFIDENCE] = confidence
            merged[-1] = joined
        else:
            merged.append(dict(entity))
    return merged


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class AdjacentEntityMerger(GraphComponent, EntityExtractorMixin):
    """Joins same-kind entities that only whitespace separates."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AdjacentEntityMerger:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if len(entities) > 1:
                text = str(message.get(TEXT) or "")
                message.set(ENTITIES, merge_adjacent(text, entities), add_to_output=True)
        return messages
