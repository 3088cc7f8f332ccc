"""Splitting long answers into parts a phone shows well."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters.

    Cuts between paragraphs first, then between sentences, then between words; a single
    word longer than ``limit`` (a long link) is cut hard. Short neighbours are packed
    back together (paragraphs keep their blank line). Parts are never empty.
    """
    if limit < 20:
        raise ValueError("limit must be at least 20 characters")
    pieces: list[tuple[str, str]] = []  # (joiner before the piece, piece)
    for paragraph in _PARAGRAPH.split(text.strip()):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        joiner = "\n\n"
        if len(paragraph) <= limit:
            pieces.append((joiner, paragraph))
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            for word_run in _split_words(sentence.strip(), limit):
                pieces.append((joiner, word_run))
                joiner = " "
    parts: list[str] = []
    for joiner, piece in pieces:
        if parts and len(parts[-1]) + len(joiner) + len(piece) <= limit:
            parts[-1] = parts[-1] + joiner + piece
        else:
            parts.append(piece)
    return parts


def _split_words(sentence: str, limit: int) -> list[str]:
    if len(sentence) <= limit:
        return [sentence] if sentence else []
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
