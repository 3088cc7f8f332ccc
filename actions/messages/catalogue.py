"""The action server's message catalogue: every text a custom action sends.

Responses that only custom actions send live here, not in ``domain.yml``: Rasa's
validator counts every domain response as an utterance a story or rule must use.
The shape is Rasa's response shape: a key (``utter_...``) maps to a list of variants,
each with ``text``, optional ``buttons`` (``title``/``payload``) and optional
``channel`` (one channel name or a list of them). Exactly one variant per key has no
``channel``: it is used wherever no variant names the conversation's channel.

Placeholders are ``{name}`` and are filled from the caller's values, then from slots,
as Rasa's templated responses are; a missing value is an error, never the text "None".
Files are validated once, at import: a bad file stops the action server at start-up.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from actions.conversation import KNOWN_CHANNELS

MESSAGES_DIR = Path(__file__).resolve().parent
KEY_RE = re.compile(r"^utter_[a-z0-9_]+$")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
VARIANT_FIELDS = frozenset({"text", "buttons", "channel"})
BUTTON_FIELDS = frozenset({"title", "payload"})


class CatalogueError(ValueError):
    """A catalogue file is malformed (raised at load time)."""


class UnknownMessage(KeyError):
    """An action asked for a key the catalogue does not have."""

    def __str__(self) -> str:
        return f"no message {self.args[0]!r} in the catalogue (actions/messages/*.yml)"


class MissingValue(KeyError):
    """A placeholder had no value from the caller nor from a slot."""

    def __str__(self) -> str:
        key, name = self.args
        return f"message {key!r} needs a value for {{{name}}}: pass {name}=... or set the slot"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Variant:
    text: str
    buttons: tuple[Button, ...] = ()
    channels: frozenset[str] = frozenset()

    @property
    def placeholders(self) -> frozenset[str]:
        return placeholders_of(self.text)


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: list[dict[str, str]]


def placeholders_of(text: str) -> frozenset[str]:
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    except ValueError as exc:
        raise CatalogueError(f"bad braces in {text!r}: {exc}") from exc
    for field in fields:
        if not NAME_RE.match(field):
            raise CatalogueError(f"placeholder {{{field}}} in {text!r} is not a plain name")
    return frozenset(fields)


class Catalogue:
    """Messages by key; :meth:`render` picks the channel's variant and fills it."""

    def __init__(self, messages: Mapping[str, Sequence[Variant]]) -> None:
        self._messages = {key: tuple(variants) for key, variants in messages.items()}

    def __contains__(self, key: object) -> bool:
        return key in self._messages

    def __iter__(self) -> Iterator[str]:
        """The keys, sorted."""
        return iter(sorted(self._messages))

    def variants(self, key: str) -> tuple[Variant, ...]:
        if key not in self._messages:
            raise UnknownMessage(key)
        return self._messages[key]

    def variant(self, key: str, channel: Optional[str]) -> Variant:
        variants = self.variants(key)
        for variant in variants:
            if channel and channel in variant.channels:
                return variant
        return next(variant for variant in variants if not variant.channels)

    def render(
        self,
        key: str,
        channel: Optional[str],
        values: Mapping[str, Any],
        slots: Optional[Mapping[str, Any]] = None,
    ) -> Rendered:
        known = frozenset().union(*(v.placeholders for v in self.variants(key)))
        unknown = sorted(set(values) - known)
        if unknown:
            raise TypeError(f"message {key!r} has no placeholder {', '.join(unknown)}")
        variant = self.variant(key, channel)
        filled: dict[str, str] = {}
        for name in variant.placeholders:
            value = values.get(name)
            if value is None and slots is not None:
                value = slots.get(name)
            if value is None:
                raise MissingValue(key, name)
            filled[name] = str(value)
        return Rendered(
            text=variant.text.format_map(filled),
            buttons=[button.as_dict() for button in variant.buttons],
        )


def _buttons(key: str, raw: Any) -> tuple[Button, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise CatalogueError(f"{key}: buttons must be a list")
    buttons = []
    for button in raw:
        if not isinstance(button, dict) or set(button) != BUTTON_FIELDS:
            raise CatalogueError(f"{key}: each button needs exactly a title and a payload")
        title, payload = str(button["title"]).strip(), str(button["payload"]).strip()
        if not title or not payload:
            raise CatalogueError(f"{key}: a button's title and payload must not be empty")
        buttons.append(Button(title=title, payload=payload))
    return tuple(buttons)


def _channels(key: str, raw: Any) -> frozenset[str]:
    if raw is None:
        return frozenset()
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not names:
        raise CatalogueError(f"{key}: channel must be a channel name or a list of them")
    unknown = sorted(set(map(str, names)) - KNOWN_CHANNELS)
    if unknown:
        known = ", ".join(sorted(KNOWN_CHANNELS))
        raise CatalogueError(f"{key}: unknown channel {', '.join(unknown)} (known: {known})")
    return frozenset(map(str, names))


def parse_message(key: str, raw: Any) -> tuple[Variant, ...]:
    """One key's variants, checked: the shape, one default, placeholders the default knows."""
    if not KEY_RE.match(key):
        raise CatalogueError(f"{key!r}: keys are utter_ followed by lower-case words")
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"{key}: expected a list of variants")
    variants: list[Variant] = []
    for item in raw:
        if not isinstance(item, dict):
            raise CatalogueError(f"{key}: each variant is a mapping with a text")
        extra = sorted(set(item) - VARIANT_FIELDS)
        if extra:
            raise CatalogueError(f"{key}: unknown field {', '.join(extra)} in a variant")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise CatalogueError(f"{key}: every variant needs a non-empty text")
        variant = Variant(
            text=text.strip(),
            buttons=_buttons(key, item.get("buttons")),
            channels=_channels(key, item.get("channel")),
        )
        variant.placeholders  # noqa: B018 - parses the text, raising on bad braces
        variants.append(variant)
    defaults = [v for v in variants if not v.channels]
    if len(defaults) != 1:
        raise CatalogueError(f"{key}: needs exactly one variant without a channel")
    seen: set[str] = set()
    for variant in variants:
        twice = sorted(variant.channels & seen)
        if twice:
            raise CatalogueError(f"{key}: two variants for {', '.join(twice)}")
        seen |= variant.channels
        missing = sorted(variant.placeholders - defaults[0].placeholders)
        if missing:
            raise CatalogueError(
                f"{key}: a channel variant uses {{{missing[0]}}}, which the default variant lacks"
            )
    return tuple(variants)


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML loading that refuses a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = sorted({str(key) for key in keys if keys.count(key) > 1})
        if twice:
            raise CatalogueError(f"{', '.join(twice)} written twice ({node.start_mark})")
        return super().construct_mapping(node, deep=deep)


def load(paths: Iterable[Path]) -> Catalogue:
    messages: dict[str, tuple[Variant, ...]] = {}
    for path in sorted(paths):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}  # noqa: S506
        if not isinstance(data, dict):
            raise CatalogueError(f"{path.name}: expected a mapping of message keys")
        for key, raw in data.items():
            if key in messages:
                raise CatalogueError(f"{path.name}: {key} is defined twice in the catalogue")
            try:
                messages[str(key)] = parse_message(str(key), raw)
            except CatalogueError as exc:
                raise CatalogueError(f"{path.name}: {exc}") from None
    return Catalogue(messages)


CATALOGUE = load(MESSAGES_DIR.glob("*.yml"))
