"""Which of the listed options a customer means: by position, by name, or by attribute.

Every list the assistant shows (plans, add-ons, saved cards, open tickets, kinds of
request, kinds of arrangement) is answered the same ways: "2", "the second one", "the
last one", "plus", "the visa", "the card ending 9995", "the 20 gig one", "the
cheapest". :func:`resolve` reads such a reply against the options and returns the one
meant, the several it could mean (the caller asks again, naming them), or none (the
caller says it did not understand). It never falls back to the first option: the word
"one" in "the unlimited one" is not the number 1.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Generic, Optional, TypeVar

T = TypeVar("T")

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
    "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7,
}
CARDINALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
# A whole reply that is only a position: "2", "#2", "2.", "option 2", "number two",
# "no. 3", "2 please", "the 2nd one".
_POSITION_ONLY = re.compile(
    r"^(?:the\s+)?(?:(?:option|number|no|choice|#)\s*)?"
    r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven)"
    r"(?:st|nd|rd|th)?(?:\s+(?:one|option|please|pls|plz|thanks|thx))*$"
)
_SIZE = re.compile(r"(?<![\d.])(\d{1,4})\s*(?:gb|gig|gigs|gigabytes?|g)\b")
_CHEAPEST = ("cheapest", "cheaper", "lowest price", "least expensive", "cheap one", "lowest")
_DEAREST = ("most expensive", "priciest", "dearest", "highest price")
_BIGGEST = ("biggest", "most data", "largest", "max data", "the most")
_SMALLEST = ("smallest", "least data", "fewest")
_LAST = ("last", "bottom", "final")
_OTHER = ("other", "the different", "another one")
# Words that name no option: they appear in every reply of a kind.
FILLER = frozenset(
    {
        "the", "a", "an", "one", "ones", "that", "this", "it", "please", "pls", "plz",
        "i", "id", "want", "like", "take", "go", "with", "for", "my", "me", "to", "of",
        "on", "and", "or", "ok", "okay", "yes", "yeah", "yep", "sure", "lets", "let",
        "us", "do", "just", "get", "plan", "plans", "card", "cards", "option", "options",
        "ending", "ends", "in", "number", "no",
    }
)


@dataclass(frozen=True)
class Choice(Generic[T]):
    """One listed option: what it is, the words that name it (its full name first), and
    what can rank it."""

    value: T
    names: tuple[str, ...]
    price: Optional[Decimal] = None
    size: Optional[Decimal] = None  # e.g. GB of data; None when it has none
    unlimited: bool = False


@dataclass
class Resolution(Generic[T]):
    chosen: Optional[T] = None
    candidates: list[T] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return self.chosen is None and len(self.candidates) > 1


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s#]|_", " ", text)
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return text.split()


def _near(word: str, said: Sequence[str]) -> bool:
    """``word`` is in ``said``, or a typo of it (long words only: "unlimted")."""
    if word in said:
        return True
    if len(word) < 5 or word.isdigit():
        return False
    return any(
        len(w) >= 4
        and abs(len(w) - len(word)) <= 2
        and w[0] == word[0]
        and SequenceMatcher(None, w, word).ratio() >= 0.8
        for w in said
    )


def position(text: str, count: int) -> Optional[int]:
    """A 0-based index when the reply picks by position; never from a word inside a name."""
    said = normalise(text)
    only = _POSITION_ONLY.match(said)
    if only:
        raw = only.group("n")
        number = int(raw) if raw.isdigit() else CARDINALS[raw]
        return number - 1 if 1 <= number <= count else None
    words = _words(said)
    for word in words:
        if word in ORDINALS and ORDINALS[word] <= count:
            return ORDINALS[word] - 1
    if any(word in _LAST for word in words):
        return count - 1 if count else None
    explicit = re.search(r"(?:option|number|no|#)\s*(\d{1,2})\b", said)
    if explicit and 1 <= int(explicit.group(1)) <= count:
        return int(explicit.group(1)) - 1
    return None


def _ranked(said: str, choices: Sequence[Choice[T]]) -> Optional[list[Choice[T]]]:
    """Options picked by a superlative ("the cheapest"), or None when there is none."""
    def extreme(key: Callable[[Choice[T]], Optional[Decimal]], high: bool) -> list[Choice[T]]:
        valued = [(key(c), c) for c in choices if key(c) is not None]
        if not valued:
            return []
        values = [v for v, _ in valued if v is not None]
        best = max(values) if high else min(values)
        return [c for v, c in valued if v == best]

    def size(c: Choice[T]) -> Optional[Decimal]:
        return Decimal("1e9") if c.unlimited else c.size

    if any(p in said for p in _DEAREST):
        return extreme(lambda c: c.price, high=True)
    if any(p in said for p in _CHEAPEST):
        return extreme(lambda c: c.price, high=False)
    if any(p in said for p in _BIGGEST):
        return extreme(size, high=True)
    if any(p in said for p in _SMALLEST):
        return extreme(size, high=False)
    return None


def _score(said_words: list[str], choice: Choice[T]) -> int:
    """How much of the option the reply names: each of its names found adds weight."""
    score = 0
    for rank, name in enumerate(dict.fromkeys(normalise(n) for n in choice.names)):
        parts = [w for w in _words(name) if w not in FILLER]
        if parts and all(_near(p, said_words) for p in parts):
            # The full name (listed first) outranks a shorter name another option shares:
            # "unlimited" is the plan Unlimited, not Unlimited Max.
            score += len(parts) * 2 + sum(len(p) > 3 for p in parts) + (rank == 0)
    return score


def resolve(
    text: str, choices: Sequence[Choice[T]], *, previous: Optional[T] = None
) -> Resolution[T]:
    """The option ``text`` means among ``choices`` (in the order they were listed).

    ``previous`` is an option already tried (a declined card): "the other one" then
    means the one that is left.
    """
    if not choices:
        return Resolution()
    said = normalise(text)
    index = position(said, len(choices))
    if index is not None:
        return Resolution(choices[index].value, [choices[index].value])

    words = _words(said)
    # "master card", "e sim": a name typed as two words still names it.
    said_words = words + [a + b for a, b in itertools.pairwise(words)]
    pool = list(choices)
    sizes = {Decimal(m) for m in _SIZE.findall(said)}
    if sizes:
        sized = [c for c in pool if c.size is not None and c.size in sizes]
        if sized:
            pool = sized

    scores = [(_score(said_words, c), c) for c in pool]
    best = max(score for score, _ in scores)
    if best > 0:
        pool = [c for score, c in scores if score == best]
    elif len(pool) == len(choices):
        pool = []  # nothing in the reply names an option

    ranked = _ranked(said, pool or list(choices))
    if ranked is not None:
        pool = ranked

    if not pool and previous is not None and any(p in said for p in _OTHER):
        pool = [c for c in choices if c.value != previous]

    if len(pool) == 1:
        return Resolution(pool[0].value, [pool[0].value])
    return Resolution(None, [c.value for c in pool])


def spoken_list(labels: Sequence[str]) -> str:
    """"A, B or C", for asking again which one was meant."""
    labels = list(labels)
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]
