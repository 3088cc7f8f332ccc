"""The widget's light markup (``[label](url)``, ``**bold**``) for text-only media."""

from __future__ import annotations

import re

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")


def plain_text(text: str) -> str:
    """SMS: links as ``label: url``, no emphasis marks."""
    text = _LINK.sub(lambda m: f"{m.group(1)}: {m.group(2)}", text)
    return _BOLD.sub(r"\1", text)


def whatsapp_text(text: str) -> str:
    """WhatsApp: links as ``label: url``, ``**bold**`` as WhatsApp's ``*bold*``."""
    text = _LINK.sub(lambda m: f"{m.group(1)}: {m.group(2)}", text)
    return _BOLD.sub(r"*\1*", text)
