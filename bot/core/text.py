"""Splitting text into words the same way everywhere: search, reconciling, SQLite FTS5."""

from __future__ import annotations

import re
import unicodedata

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")


def tokenize(text: str) -> list[str]:
    """Case-folded words without accents, split as SQLite's unicode61 tokenizer splits them
    (letters and digits of any script; everything else separates)."""
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    return _WORD.findall("".join(c for c in decomposed if not unicodedata.combining(c)).casefold())
