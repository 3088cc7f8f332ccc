"""Splitting long answers into parts a phone shows well."""

from __future__ import annotations

import re

# From the coarsest cut to the finest; each with the text that joins its pieces again.
_SEPARATORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\n\s*\n"), "\n\n"),  # paragraphs
    (re.compile(r"\n"), "\n"),  # lines (lists)
    (re.compile(r"(?<=[.!?])\s+"), " "),  # sentences
)


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters.

    Cuts between paragraphs first, then lines, then sentences, then words; a single word
    longer than ``limit`` (a long link) is cut hard. Neighbours are packed back together
    with what separated them (a blank line, a line break, a space). Parts are never empty.
    """
    if limit < 20:
        raise ValueError("limit must be at least 20 characters")
    parts: list[str] = []
    for joiner, piece in _pieces(text.strip(), limit, 0):
        if parts and len(parts[-1]) + len(joiner) + len(piece) <= limit:
            parts[-1] = parts[-1] + joiner + piece
        else:
            parts.append(piece)
    return parts


def _pieces(text: str, limit: int, level: int) -> list[tuple[str, str]]:
    """``(separator before it, piece)`` pairs, every piece within ``limit``."""
    if not text:
        return []
    if len(text) <= limit:
        return [("", text)]
    if level == len(_SEPARATORS):
        return [(" ", run) for run in _split_words(text, limit)]
    pattern, joiner = _SEPARATORS[level]
    result: list[tuple[str, str]] = []
    for chunk in pattern.split(text):
        sub = _pieces(chunk.strip(), limit, level + 1)
        if sub:
            sub[0] = (joiner, sub[0][1])
            result.extend(sub)
    return result


def _split_words(sentence: str, limit: int) -> list[str]:
    runs: list[str] = []
    current = ""
    for word in sentence.split():
        while len(word) > limit:
            if current:
                runs.append(current)
                current = ""
            runs.append(word[:limit])
            word = word[limit:]
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            runs.append(current)
            current = word
    if current:
        runs.append(current)
    return runs
