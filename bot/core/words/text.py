"""Splitting text into words the same way everywhere: search, reconciling, SQLite FTS5."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def tokenize(text: str) -> list[str]:
    """Lower-case words without accents, split and folded as SQLite's unicode61 tokenizer does
    (letters and digits of any script; everything else separates): "Grüße" is "gruße" and "ΟΔΟΣ"
    "οδοσ" there, so here too, or the index's terms would not be the words searched for."""
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    bare = _combining_marks().sub("", unicodedata.normalize("NFD", text))
    if _ASTRAL.search(bare):  # marks outside the table (rare): checked one character at a time
        bare = "".join(c for c in bare if not unicodedata.combining(c))
    return _WORD.findall(bare.lower().replace("ς", "σ"))


@cache
def _combining_marks() -> re.Pattern[str]:
    """The Basic Multilingual Plane's combining marks as one character class: dropped in one
    C-level pass instead of a Python call per character (notes run to 100,000 characters)."""
    marks = [point for point in range(0x10000) if unicodedata.combining(chr(point))]
    ranges: list[tuple[int, int]] = []
    for point in marks:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")
