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

from .models import ParsedEpisode

# A re-released episode ("ARCHIVE: …") is a new episode even when it reuses the original's audio.
_RERELEASE = re.compile(r"^\s*[\[(]?\s*(archive|re-?release|rerun|replay|encore|best of|classic)\b", re.IGNORECASE)
# The field groups whose change makes a posted announcement out of date (it is edited).
ANNOUNCED_GROUPS = ("title", "notes", "chapters")


def fingerprint(episode: ParsedEpisode) -> dict[str, str]:
    """A short hash per field group; comparing two tells which groups changed."""
    groups = {
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
    return {
        name: hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()[:16]
        for name, value in groups.items()
    }


def is_rerelease(title: str) -> bool:
    return bool(_RERELEASE.match(title or ""))


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
