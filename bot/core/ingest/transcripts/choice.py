"""Which of an item's podcast:transcript files to read: timed formats first, then the feed's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Lower is better: formats with a time per cue answer "at which moment", HTML sometimes does.
_TIMED_FIRST = (("vtt", 0), ("json", 0), ("srt", 0), ("subrip", 0), ("html", 1), ("text", 2))
_UNKNOWN_TYPE = 3


@dataclass(frozen=True, slots=True)
class TranscriptLink:
    url: str
    type: str = ""
    language: str = ""


def best_transcript(links: Sequence[TranscriptLink], feed_language: str | None) -> TranscriptLink | None:
    """The link to read of LINKS: the most timed format, in the feed's language when there is a
    choice (a transcript with no language is taken to be in the feed's), the feed's order after."""
    wanted = (feed_language or "").split("-")[0].lower()

    def preference(link: TranscriptLink) -> tuple[int, int]:
        kind = link.type.lower()
        rank = next((rank for name, rank in _TIMED_FIRST if name in kind), _UNKNOWN_TYPE)
        language = link.language.split("-")[0].lower()
        return rank, 0 if not language or not wanted or language == wanted else 1

    return min(links, key=preference, default=None)
