"""Feed text made literal for Discord: what a feed wrote is shown as written, never rendered.

Discord's markdown (simple-markdown rules) takes a backslash before any ASCII punctuation as that
character, literally. So `escape` puts one before every character that can start a construct:
- anywhere: ``\\ * _ ~ | ` [ ] <`` (emphasis, underline, strike, spoilers, code, masked links and
  their brackets, mentions, channels, emoji and timestamps in angle brackets), and the colon of
  every `scheme://`, so an address in feed text is shown but never made a clickable link (the
  links podbot means are its own `[label](url)`, built from checked URLs);
- at the start of a line (after spaces): `#` (headers, and the `#` of `-#` subtext), `-` and `+`
  (lists, subtext), `>` (quotes) and the dot of `12.` (ordered lists).
`(` and `)` stay: with both brackets escaped they cannot make a link.

`visible` first drops what a reader cannot see but Discord honours: control characters,
bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and marks, zero-width
spaces and joiners, soft hyphens and the Hangul fillers used for blank names. A zero-width joiner
between two non-ASCII characters stays: it joins emoji (👩‍💻).
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\u00ad\u034f\u115f\u1160\u180e\u200b\u200c\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]"
)
_LONE_JOINER = re.compile(r"(?<![^\x00-\x7f\s\u200d])\u200d|\u200d(?![^\x00-\x7f\s\u200d])")
_ANYWHERE = re.compile(r"[\\*_~|`\[\]<]|:(?=//)")
_LINE_START = re.compile(r"^([ \t]*)(?:([#>+-])|(\d+)\.)", re.MULTILINE)


def visible(text: str) -> str:
    """TEXT without the characters that are invisible or reorder what is shown."""
    return _LONE_JOINER.sub("", _INVISIBLE.sub("", text or ""))


def escape(text: str) -> str:
    """TEXT (already `visible`) as Discord markdown that renders exactly TEXT."""
    escaped = _ANYWHERE.sub(lambda found: "\\" + found.group(), text)
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(found: re.Match[str]) -> str:
    indent, marker, number = found.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\."


def literal(text: str) -> str:
    """Feed TEXT made safe to place anywhere in a message, a link label included."""
    return escape(visible(text))
