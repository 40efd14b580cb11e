"""One feed item read into a ParsedEpisode, from wherever real feeds put each field.

Feeds break every rule, so every field has fallbacks (see each function), and everything is
bounded by the feed limits; what was cut or doubtful is a warning, never an exception.
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import hashlib
import html
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yarl

from bot.core.config import FeedConfig
from bot.core.formatting import shorten
from bot.core.ingest.chapters import chapters_from_lines, chapters_from_psc, parse_duration
from bot.core.ingest.netguard import check_url, is_url
from bot.core.ingest.notes import extract_guests, html_to_text, read_notes
from bot.core.ingest.transcripts.choice import TranscriptLink, best_transcript
from bot.core.models import Chapter, ParsedEpisode, number_in_title, season_in_title

_URL_RE = re.compile(r"https?://\S+")
_MIN_DERIVED_TITLE = 12
_NOTES_HEADINGS = frozenset({"links", "timestamps", "chapters", "show notes", "topics discussed"})


# An item's tags are bounded by their size: real items carry 30 and more keywords.
_MAX_CATEGORIES_CHARS = 2_000
_MAX_CATEGORY_CHARS = 100


def clean_text(text: Any) -> str:
    """Feed text (which may hold markup or entities) as one line of plain text."""
    text = str(text or "")
    if "<" in text or "&" in text:  # most titles hold neither: no HTML reader needed
        text = html_to_text(text)
    return " ".join(text.split())


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

    def merge(self, other: FeedWarnings) -> None:
        """Add OTHER's warnings (of items after this one's) after these."""
        for kind, positions in other._items.items():
            self._items.setdefault(kind, []).extend(positions)
            self._example.setdefault(kind, other._example[kind])

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
    people: dict[int, list[str]] = field(default_factory=dict)  # guests by item position (podcast:person)

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
    description_html = item.bounded(richest_description(entry), limits.max_notes_chars, "notes")
    audio_url = _audio_url(entry)
    title = item.title(entry.get("title")) or item.title(entry.get("itunes_title"))
    number = _number(entry.get("itunes_episode")) or number_in_title(title)
    season = _number(entry.get("itunes_season")) or (season_in_title(title) or (None,))[0]
    notes = read_notes(description_html)
    description_text = notes.text
    if not (title or audio_url or description_text):
        return None
    published = published_of(entry)
    chapters = chapters_from_psc(
        (entry.get("psc_chapters") or {}).get("chapters"), limits.max_chapters
    ) or chapters_from_lines(notes.lines, limits.max_chapters)
    derived_title = not title
    link = _page_link(entry)
    if derived_title:
        title = _derived_title(number, link, description_text, published, audio_url)
    guid = str(entry.get("id") or "").strip() or link or audio_url or _fallback_guid(title, published)
    links = tuple(link for link in notes.links if link.url != audio_url)
    return ParsedEpisode(
        guid=guid,
        title=title,
        title_is_derived=derived_title,
        number=number,
        episode_type=(entry.get("itunes_episodetype") or None),
        published=published,
        duration_seconds=parse_duration(entry.get("itunes_duration")),
        link=link,
        audio_url=audio_url,
        description_html=description_html,
        description_text=description_text,
        links=links,
        chapters=chapters,
        guests=_guests(item, title if not derived_title else "", chapters, description_text),
        chapters_url=_chapters_url(entry, item),
        image_url=str((entry.get("image") or {}).get("href") or "").strip()[:2048] or None,
        categories=categories_of(entry),
        season=season,
    )


def _page_link(entry: Any) -> str | None:
    """The episode's web page: an http(s) <link>. feedparser fills the link from a guid when the
    item has none, and a guid is often a file path ("mp3/9/1/show-384.mp3"): that is no page."""
    link = str(entry.get("link") or "").strip()
    return link if is_url(link) else None


def categories_of(entry: Any) -> tuple[str, ...]:
    """The entry's <category>, Atom category and itunes:keywords/category terms (feedparser
    gathers them all as tags), as written: each at most _MAX_CATEGORY_CHARS, without repeats,
    together at most _MAX_CATEGORIES_CHARS."""
    found: dict[str, str] = {}  # by the term case-folded: the first spelling of each is kept
    left = _MAX_CATEGORIES_CHARS
    for tag in (entry.get("tags") or [])[:_MAX_CATEGORIES_CHARS]:
        term = clean_text((tag or {}).get("term") or (tag or {}).get("label") or "")[:_MAX_CATEGORY_CHARS].strip()
        if term and term.casefold() not in found:
            if len(term) > left:
                break
            found[term.casefold()] = term
            left -= len(term)
    return tuple(found.values())


def _chapters_url(entry: Any, item: ItemContext) -> str | None:
    """Where the item's podcast:chapters file is (linked_address)."""
    return linked_address(str((entry.get("podcast_chapters") or {}).get("url") or ""), item, "chapters")


def linked_address(written: str, item: ItemContext, what: str) -> str | None:
    """Where a file the item names (its chapters, its transcript) is: an absolute URL (a relative
    one resolves against the feed's URL), or for a local feed file a path next to it. None when
    there is none or it is unusable, which is a warning, never an exception."""
    raw = written.strip()
    if not raw:
        return None
    if not is_url(item.source) and not is_url(raw):
        path = raw.removeprefix("file://")
        return str(Path(item.source).parent / path)
    try:
        resolved = str(yarl.URL(item.source).join(yarl.URL(raw))) if is_url(item.source) else raw
        check_url(resolved)
    except (ValueError, UnicodeError) as error:
        item.warn(f"{what} URL not used", f"{shorten(raw, 200)} ({error})")
        return None
    return resolved


def richest_description(entry: Any) -> str:
    candidates = [c.get("value", "") for c in entry.get("content") or []]
    candidates.append(entry.get("summary") or "")
    return max(candidates, key=len)


def published_of(entry: Any) -> dt.datetime | None:
    """pubDate, else Atom published, else updated (dc:date lands there too), in the UTC offset the
    feed wrote (a Tuesday 19:15 -0800 episode is Tuesday's); an unparseable date is unknown, never
    "now"."""
    for key in ("published", "updated"):
        # dict.get: feedparser's own get maps one key to the other, with a deprecation warning.
        if parsed := dict.get(entry, f"{key}_parsed"):
            try:
                instant = dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
            except (OverflowError, ValueError, OSError):
                return None
            return _as_written(instant, str(dict.get(entry, key) or ""))
    return None


def _as_written(instant: dt.datetime, written: str) -> dt.datetime:
    """INSTANT (feedparser's reading, in UTC) in the offset of WRITTEN, when WRITTEN names the same
    instant with an offset (RFC 822 or ISO 8601); else in UTC."""
    try:
        stated = email.utils.parsedate_to_datetime(written)
    except (TypeError, ValueError, IndexError):
        try:
            stated = dt.datetime.fromisoformat(written.strip())
        except ValueError:
            return instant
    if stated.tzinfo is None or stated != instant:
        return instant
    return instant.astimezone(stated.tzinfo)


_AUDIO_EXTENSIONS = (".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac", ".mp4a")
_VIDEO_EXTENSIONS = (".mp4", ".m4v", ".mov", ".webm", ".mkv")
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")


def _media_kind(url: str, mime: str, medium: str) -> int | None:
    """0 audio, 1 video, 2 unknown; None for an image (a cover is never the episode's audio)."""
    path = url.split("?", 1)[0].lower()
    if mime.startswith("image/") or medium == "image" or path.endswith(_IMAGE_EXTENSIONS):
        return None
    if mime.startswith("audio/") or medium == "audio" or path.endswith(_AUDIO_EXTENSIONS):
        return 0
    if mime.startswith("video/") or medium == "video" or path.endswith(_VIDEO_EXTENSIONS):
        return 1
    return 2


def _audio_url(entry: Any) -> str | None:
    """The episode's media: enclosure, else media:content (media:group's too), else an Atom
    link rel="enclosure" (feedparser puts those with the enclosures); audio before video before
    anything else, in feed order."""
    candidates = [(e.get("href"), e.get("type"), "") for e in entry.get("enclosures") or []]
    candidates += [(m.get("url"), m.get("type"), m.get("medium")) for m in entry.get("media_content") or []]
    ranked = []
    for order, (url, mime, medium) in enumerate(candidates):
        url = str(url or "").strip()
        kind = _media_kind(url, str(mime or "").lower(), str(medium or "").lower()) if url else None
        if kind is not None:
            ranked.append((kind, order, url))
    return min(ranked)[2] if ranked else None


def _number(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 6 else None


def _derived_title(
    number: int | None,
    link: str | None,
    description_text: str,
    published: dt.datetime | None,
    audio_url: str | None,
) -> str:
    """A readable name for an item the feed left untitled: the words its page's address names
    (".../86-a-hard-cell-engineering-batteries" is "A hard cell engineering batteries"), its
    number, the notes' first sentence, the audio file's name, else its date."""
    if named := _title_in_address(link):
        return named
    if number is not None:
        return f"Episode {number}"
    for line in description_text.split("\n"):
        line = _URL_RE.sub("", line).strip(" :-–—")
        if len(line) >= _MIN_DERIVED_TITLE and line.lower() not in _NOTES_HEADINGS:
            return shorten(re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0], 80)
    if audio_url:
        name = unquote(audio_url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]).rsplit(".", 1)[0].strip()
        if name:
            return shorten(name, 80)
    return f"Untitled episode of {published:%Y-%m-%d}" if published else "Untitled episode"


_SLUG_WORDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){2,}")  # three words or more, hyphenated


def _title_in_address(link: str | None) -> str:
    """The title a page's address spells in its last segment, its leading number dropped."""
    if not link:
        return ""
    segment = unquote(link.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]).lower()
    segment = re.sub(r"\.[a-z0-9]{2,5}$", "", segment)  # .html, .php
    if not _SLUG_WORDS.fullmatch(segment):
        return ""
    words = re.sub(r"^(?:episode-|ep-)?\d+-", "", segment).split("-")
    if len(words) < 3 or not any(word.isalpha() for word in words):
        return ""
    title = " ".join(words)
    return shorten(title[0].upper() + title[1:], 80)


def _guests(item: ItemContext, title: str, chapters: tuple[Chapter, ...], notes_text: str) -> tuple[str, ...]:
    """podcast:person role="guest" when the feed says who the guests are; else what the title,
    chapters and notes name (notes.extract_guests)."""
    named = item.people.get(item.position)
    return tuple(named) if named else extract_guests(title, chapters, notes_text)


def _fallback_guid(title: str, published: dt.datetime | None) -> str:
    key = f"{title}|{published.isoformat() if published else ''}"
    return "podbot:" + hashlib.sha256(key.encode()).hexdigest()[:32]


_ITEM_START_RE = re.compile(rb"<(item|entry)[\s>/]", re.IGNORECASE)
_PERSON_RE = re.compile(rb"<podcast:person\b([^>]*)>(.*?)</podcast:person\s*>", re.DOTALL | re.IGNORECASE)
_ROLE_RE = re.compile(rb"""\brole\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


class RawItems:
    """A feed's items as XML, for what feedparser drops (every podcast:person and
    podcast:transcript of an item): split once, when a reader first needs them."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self._items: list[bytes] | None = None

    def naming(self, marker: bytes) -> list[bytes]:
        """The items, if the feed says MARKER anywhere; else none, without splitting it."""
        if marker not in self.body:
            return []
        if self._items is None:
            self._items = _raw_items(self.body)
        return self._items


def guests_by_item(raw_items: RawItems, item_count: int) -> dict[int, list[str]]:
    """podcast:person entries with role="guest", by item position (1-based). feedparser keeps only
    the last person of an item and drops the role, so they are read from the XML itself; only when
    the items found line up with feedparser's (else the positions could name the wrong episode)."""
    items = raw_items.naming(b"podcast:person")
    if not items or len(items) != item_count:
        return {}
    found: dict[int, list[str]] = {}
    for position, raw in enumerate(items, start=1):
        for attributes, name in _PERSON_RE.findall(raw):
            role = _ROLE_RE.search(attributes)
            if role and role.group(1).strip().lower() == b"guest":
                text = clean_text(html.unescape(name.decode("utf-8", "replace")))[:200]
                if text and text not in found.setdefault(position, []):
                    found[position].append(text)
    return found


_TRANSCRIPT_RE = re.compile(rb"<podcast:transcript\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE_RE = re.compile(rb"""\b(url|type|language)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_MAX_TRANSCRIPTS_PER_ITEM = 20


def transcripts_by_item(raw_items: RawItems, entries: list[Any]) -> dict[int, list[TranscriptLink]]:
    """Every podcast:transcript of each item, by position (1-based). feedparser keeps only an
    item's last one, so they are read from the XML when its items line up with feedparser's;
    else feedparser's one per item is what there is."""
    found: dict[int, list[TranscriptLink]] = {}
    items = raw_items.naming(b"podcast:transcript")
    if len(items) == len(entries):
        for position, raw in enumerate(items, start=1):
            for attributes in _TRANSCRIPT_RE.findall(raw)[:_MAX_TRANSCRIPTS_PER_ITEM]:
                values = {
                    name.lower().decode(): html.unescape((double or single).decode("utf-8", "replace"))
                    for name, double, single in _ATTRIBUTE_RE.findall(attributes)
                }
                if values.get("url"):
                    found.setdefault(position, []).append(_transcript_link(values))
        return found
    for position, entry in enumerate(entries, start=1):
        values = entry.get("podcast_transcript") or {}
        if values.get("url"):
            found[position] = [_transcript_link(values)]
    return found


def _transcript_link(values: Any) -> TranscriptLink:
    return TranscriptLink(
        url=str(values.get("url") or "")[:2048],
        type=str(values.get("type") or "")[:100],
        language=str(values.get("language") or "")[:35],
    )


def with_transcript(
    episode: ParsedEpisode, links: list[TranscriptLink], item: ItemContext, language: str | None
) -> ParsedEpisode:
    """EPISODE with the transcript it is best read from (best_transcript), its address resolved."""
    chosen = best_transcript(links, language)
    url = linked_address(chosen.url, item, "transcript") if chosen else None
    if chosen is None or url is None:
        return episode
    return replace(episode, transcript_url=url, transcript_type=chosen.type or None)


def _raw_items(body: bytes) -> list[bytes]:
    """Each <item>…</item> (or Atom <entry>) of BODY, found in one pass: a regex with a lazy
    '.*?' would rescan the rest of the document for every unclosed item a hostile feed holds."""
    items: list[bytes] = []
    position = 0
    lowered = body.lower()
    while match := _ITEM_START_RE.search(lowered, position):
        closing = b"</" + match.group(1) + b">"
        end = lowered.find(closing, match.end())
        if end < 0:
            break
        items.append(body[match.start() : end + len(closing)])
        position = end + len(closing)
    return items
