"""What makes a stored episode the same as a feed item, and how a sync tells what changed.

Shared by sync (which decides) and the store (which keeps the decision): the fingerprint's field
groups are named once here, and the announcement rule reads the same names.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.core.models import ParsedEpisode
from bot.core.words.text import tokenize

# A re-released episode ("ARCHIVE: …") is a new episode even when it reuses the original's audio.
_RERELEASE = re.compile(r"^\s*[\[(]?\s*(archive|re-?release|rerun|replay|encore|best of|classic)\b", re.IGNORECASE)
# The field groups whose change makes a posted announcement out of date (it is edited).
ANNOUNCED_GROUPS = ("title", "notes", "chapters")
# Titles compared for "close" are cut to this: a 250,000-character title costs no more than a long one.
_COMPARED_TITLE_CHARS = 300


def fingerprint(episode: ParsedEpisode) -> dict[str, str]:
    """A short hash per field group; comparing two tells which groups changed."""
    groups: dict[str, object] = {
        "guid": episode.guid,
        "title": episode.title,
        "number": episode.number,
        "published": episode.published.isoformat() if episode.published else None,
        "duration": episode.duration_seconds,
        "link": episode.link,
        "audio": episode.audio_url,
        "notes": episode.description_html,
        "chapters": [(c.start_seconds, c.title) for c in episode.chapters],
    }
    if episode.season is not None:  # likewise: a feed without seasons keeps its fingerprints
        groups["season"] = episode.season
    if episode.categories:  # only when present, so feeds without any keep their fingerprints
        groups["categories"] = list(episode.categories)
    if episode.transcript_url:  # its speakers may be the guests, known once it is downloaded
        groups["transcript"] = [episode.transcript_url, list(episode.guests)]
    return {
        name: hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()[:16]
        for name, value in groups.items()
    }


def is_rerelease(title: str) -> bool:
    return bool(_RERELEASE.match(title or ""))


def original_title(title: str) -> str:
    """A re-release's title without its "ARCHIVE:" mark, compared as normalise_title does."""
    match = _RERELEASE.match(title or "")
    rest = (title or "")[match.end() :].lstrip(" \t])-–—:") if match else title or ""
    return normalise_title(rest)


def audio_key(url: str | None) -> str | None:
    """The audio URL without scheme, host case or query string: re-hosted tracking params don't count."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return (parts.netloc.lower() + parts.path) or None


@dataclass(frozen=True, slots=True)
class StoredKey:
    """What reconciling needs to know of a stored episode."""

    id: int
    guid: str
    number: int | None
    title: str
    published: str | None
    audio_key: str | None
    fingerprint: dict[str, str]
    removed: bool


@dataclass(frozen=True, slots=True)
class EpisodeWrite:
    """One episode to insert (id None) or update, with its field fingerprint."""

    id: int | None
    episode: ParsedEpisode
    fingerprint: dict[str, str]
    announceable: bool = True  # False for the back catalogue a feed's first sync brings


def normalise_title(title: str) -> str:
    """The title's words, without a leading "64: " or "Ep. 64 -" that some feeds add."""
    title = re.sub(r"^\s*(episode|ep\.?)?\s*#?\d+\s*[:.\-–—]\s*", "", title[: _COMPARED_TITLE_CHARS * 2], flags=re.I)
    return " ".join(tokenize(title))[:_COMPARED_TITLE_CHARS]
