"""One feed item read into a ParsedEpisode, from wherever real feeds put each field.

Feeds break every rule, so every field has fallbacks (see each function), and everything is
bounded by the feed limits; what was cut or doubtful is a warning, never an exception.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yarl

from .chapters import chapters_from_lines, chapters_from_psc, parse_duration
from .config import FeedConfig
from .formatting import shorten
from .models import ParsedEpisode
from .netguard import check_url, is_url
from .notes import extract_guests, html_to_text, read_notes

_URL_RE = re.compile(r"https?://\S+")
_MIN_DERIVED_TITLE = 12
_NOTES_HEADINGS = frozenset({"links", "timestamps", "chapters", "show notes", "topics discussed"})


def clean_text(text: Any) -> str:
    return re.sub(r"\s+", " ", html_to_text(str(text or ""))).strip()


class FeedWarnings:
    """Problems recovered from while reading a feed, one line per kind however many items had it
    (a hostile feed can have 10,000 of each)."""

    SHOWN_ITEMS = 5

    def __init__(self) -> None:
        self._items: dict[str, list[int]] = {}
        self._example: dict[str, str] = {}

    def add(self, kind: str, position: int, example: str = "") -> None:
        self._items.setdefault(kind, []).append(position)
        self._example.setdefault(kind, example)

    def lines(self) -> tuple[str, ...]:
        rendered = []
        for kind, positions in self._items.items():
            shown = ", ".join(str(p) for p in positions[: self.SHOWN_ITEMS])
            more = f" and {len(positions) - self.SHOWN_ITEMS:,} more" if len(positions) > self.SHOWN_ITEMS else ""
            which = f"item {shown}" if len(positions) == 1 else f"{len(positions):,} items ({shown}{more})"
            example = f": {self._example[kind]}" if self._example[kind] else ""
            rendered.append(f"{kind} in {which}{example}")
        return tuple(rendered)


@dataclass(frozen=True, slots=True)
class ItemContext:
    """Where an item is and what bounds it: for warnings that say which item, and the limits."""

    position: int
    source: str
    limits: FeedConfig
    warnings: FeedWarnings

    def warn(self, kind: str, example: str = "") -> None:
        self.warnings.add(kind, self.position, example)

    def title(self, raw: Any) -> str:
        # Cut before cleaning too, so a hostile title costs bounded work in the HTML reader.
        limit = self.limits.max_title_chars
        return self.bounded(clean_text(str(raw or "")[: limit * 4]), limit, "title")

    def bounded(self, text: str, limit: int, what: str) -> str:
        if len(text) <= limit:
            return text
        self.warn(f"{what} cut to {limit:,} characters", f"{len(text):,} characters")
        return text[:limit]


def episode_from_entry(entry: Any, item: ItemContext) -> ParsedEpisode | None:
    limits = item.limits
    description_html = item.bounded(_richest_description(entry), limits.max_notes_chars, "notes")
    audio_url = _audio_url(entry)
    title = item.title(entry.get("title")) or item.title(entry.get("itunes_title"))
    number = _number(entry.get("itunes_episode"))
    notes = read_notes(description_html)
    description_text = notes.text
    if not (title or audio_url or description_text):
        return None
    published = None
    if entry.get("published_parsed"):
        published = dt.datetime.fromtimestamp(calendar.timegm(entry.published_parsed), dt.timezone.utc)
    chapters = chapters_from_psc(
        (entry.get("psc_chapters") or {}).get("chapters"), limits.max_chapters
    ) or chapters_from_lines(notes.lines, limits.max_chapters)
    derived_title = not title
    if derived_title:
        title = _derived_title(number, description_text, published)
    guid = str(entry.get("id") or "").strip() or audio_url or entry.get("link") or _fallback_guid(title, published)
    links = tuple(link for link in notes.links if link.url != audio_url)
    return ParsedEpisode(
        guid=guid,
        title=title,
        title_is_derived=derived_title,
        number=number,
        episode_type=(entry.get("itunes_episodetype") or None),
        published=published,
        duration_seconds=parse_duration(entry.get("itunes_duration")),
        link=entry.get("link") or None,
        audio_url=audio_url,
        description_html=description_html,
        description_text=description_text,
        links=links,
        chapters=chapters,
        guests=extract_guests(title if not derived_title else "", chapters, description_text),
        chapters_url=_chapters_url(entry, item),
    )


def _chapters_url(entry: Any, item: ItemContext) -> str | None:
    """Where the item's podcast:chapters file is: an absolute URL (a relative one resolves against
    the feed's URL), or for a local feed file a path next to it. None when there is none or it is
    unusable, which is a warning, never an exception."""
    raw = str((entry.get("podcast_chapters") or {}).get("url") or "").strip()
    if not raw:
        return None
    if not is_url(item.source) and not is_url(raw):
        path = raw.removeprefix("file://")
        return str(Path(item.source).parent / path)
    try:
        resolved = str(yarl.URL(item.source).join(yarl.URL(raw))) if is_url(item.source) else raw
        check_url(resolved)
    except (ValueError, UnicodeError) as error:
        item.warn("chapters URL not used", f"{shorten(raw, 200)} ({error})")
        return None
    return resolved


def _richest_description(entry: Any) -> str:
    candidates = [c.get("value", "") for c in entry.get("content") or []]
    candidates.append(entry.get("summary") or "")
    return max(candidates, key=len)


def _audio_url(entry: Any) -> str | None:
    enclosures = [e for e in entry.get("enclosures") or [] if e.get("href")]
    audio = [e for e in enclosures if str(e.get("type", "")).startswith("audio/")]
    chosen = (audio or enclosures or [None])[0]
    return chosen.get("href") if chosen else None


def _number(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 6 else None


def _derived_title(number: int | None, description_text: str, published: dt.datetime | None) -> str:
    """A readable name for an item the feed left untitled."""
    if number is not None:
        return f"Episode {number}"
    for line in description_text.split("\n"):
        line = _URL_RE.sub("", line).strip(" :-–—")
        if len(line) >= _MIN_DERIVED_TITLE and line.lower() not in _NOTES_HEADINGS:
            return shorten(re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0], 80)
    return f"Untitled episode of {published:%Y-%m-%d}" if published else "Untitled episode"


def _fallback_guid(title: str, published: dt.datetime | None) -> str:
    key = f"{title}|{published.isoformat() if published else ''}"
    return "podbot:" + hashlib.sha256(key.encode()).hexdigest()[:32]

