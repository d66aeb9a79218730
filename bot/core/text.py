"""Text as people type it, made safe on the way in: no bidi overrides, no control characters.

A right-to-left override can make "gnp.exe" read as "exe.png" in the head teacher's DM; control
characters can break a card or a log line. Both are removed from everything people type before
the core stores or shows it. Line breaks and tabs stay; everything else is kept as typed
(adapters escape markup when they render).
"""
from __future__ import annotations

import unicodedata
from typing import Any, Mapping

# Bidirectional embeddings, overrides and isolates (the marks LRM/RLM/ALM are harmless and kept).
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_KEEP = {"\n", "\t", "\u200c", "\u200d"}  # joiners: emoji sequences and some scripts need them

MAX_MESSAGE_CHARS = 4000


def safe(text: Any) -> str:
    """`text` without bidi controls and control characters (Unicode category C*), NFC-normalised."""
    value = unicodedata.normalize("NFC", str(text or ""))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in _KEEP or (ch not in _BIDI_CONTROLS
                                                         and unicodedata.category(ch)[0] != "C"))


def safe_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values made safe, lists (people pickers) item by item."""
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, (list, tuple)):
            clean[key] = [safe(v) for v in value]
        elif isinstance(value, bool):
            clean[key] = value
        else:
            clean[key] = safe(value)
    return clean


def cut(text: str, limit: int = MAX_MESSAGE_CHARS) -> tuple[str, bool]:
    """At most `limit` characters, cut at a word; True if anything was cut."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit * 0.8 else head).rstrip(), True
