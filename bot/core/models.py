"""Plain data passed between the feed, the store, search and the front ends (CLI, Discord)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# "#123 -", "123:", "Ep. 12 –", "Episode 12:", "E12 -", "No. 7 |" at the start of a title.
_TITLE_NUMBER_RE = re.compile(
    r"^\s*(#\s*|(?:episode|ep|e|no|nr)\.?\s*#?\s*)?(\d{1,5})\b(?:\s*(?=[:.\-–—|]|\s[-–—|:])|(?<=\d)\s+(?=\S))",
    re.IGNORECASE,
)


def numbered_title(number: int | None, title: str) -> str:
    """TITLE with its NUMBER in front, unless the title already starts with it ("384: Born To
    Run Fedora" stays as it is, never "384: 384: ...")."""
    if number is None or number_in_title(title) == number:
        return title
    return f"{number}: {title}"


def number_in_title(title: str) -> int | None:
    """The episode number a title starts with, for feeds that never set itunes:episode. A bare
    year ("2024: the year in review") is not a number; "#2024" or "Ep 2024" is."""
    match = _TITLE_NUMBER_RE.match(title or "")
    if not match:
        return None
    prefix, number = match.group(1), int(match.group(2))
    followed_by_separator = bool(re.match(r"\s*[:.\-–—|]", title[match.end(2) :]))
    if not prefix and (not followed_by_separator or 1900 <= number <= 2100):
        return None
    return number


@dataclass(frozen=True, slots=True)
class Chapter:
    start_seconds: int
    title: str
    url: str | None = None  # a podcast:chapters entry's link (http(s) only)


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class PodcastInfo:
    title: str
    link: str | None = None
    description: str | None = None
    image_url: str | None = None
    language: str | None = None
    # What most episodes' notes repeat (boilerplate.py), left out of replies.
    boilerplate_sentences: tuple[str, ...] = ()
    boilerplate_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedEpisode:
    """One feed item as the feed states it, before it is reconciled with the store."""

    guid: str
    title: str
    title_is_derived: bool
    number: int | None
    episode_type: str | None
    published: dt.datetime | None
    duration_seconds: int | None
    link: str | None
    audio_url: str | None
    description_html: str
    description_text: str
    links: tuple[Link, ...]
    chapters: tuple[Chapter, ...]
    guests: tuple[str, ...]
    chapters_url: str | None = None
    image_url: str | None = None  # the item's own artwork
    categories: tuple[str, ...] = ()  # the item's category and itunes:keywords, as written


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    podcast: PodcastInfo
    episodes: tuple[ParsedEpisode, ...]
    skipped_items: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # what was wrong but recovered from (cut titles, bad URLs, ...)
    complete: bool = True  # False when the document was cut off: missing items are not removals


@dataclass(frozen=True, slots=True)
class LinkedFile:
    """A file a feed item names (its podcast:chapters JSON), as last downloaded."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    chapters: tuple[Chapter, ...] | None = None  # None until a download succeeded
    fetched_at: dt.datetime | None = None
    last_error: str | None = None
    failures: int = 0
    next_attempt_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Episode:
    """An episode as the store holds it."""

    id: int
    guid: str
    number: int | None
    title: str
    published: dt.datetime | None
    duration_seconds: int | None
    link: str | None
    audio_url: str | None
    description_text: str
    links: tuple[Link, ...]
    chapters: tuple[Chapter, ...]
    guests: tuple[str, ...]
    episode_type: str | None = None
    title_is_derived: bool = False
    image_url: str | None = None
    podcast: str = ""  # the name of the podcast it belongs to

    @property
    def display_title(self) -> str:
        return numbered_title(self.number, self.title)


@dataclass(frozen=True, slots=True)
class MatchReason:
    field: str  # title | number | guest | chapter | description
    text: str
    start_seconds: int | None = None
    highlight: str | None = None  # the word in TEXT that matched (notes snippets)


@dataclass(frozen=True, slots=True)
class Match:
    episode: Episode
    score: float
    matched: MatchReason


@dataclass(frozen=True, slots=True)
class Found:
    """What one query means: the best match and others close to it ("Did you mean"); or, when
    nothing matched, what is there instead (HINT, in words, and the CLOSEST episodes)."""

    best: Match | None
    alternatives: tuple[Match, ...] = ()
    hint: str = ""
    closest: tuple[Match, ...] = ()
    unclear_about: str = ""  # a question's words when no episode answers it clearly


@dataclass(frozen=True, slots=True)
class FeedState:
    source: str
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    last_attempt: dt.datetime | None = None
    last_success: dt.datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    linked_pending: int = 0  # linked files still to download; the next syncs catch up


@dataclass(slots=True)
class EpisodeChange:
    guid: str
    title: str
    number: int | None
    fields: tuple[str, ...] = ()

    @property
    def display_title(self) -> str:
        return numbered_title(self.number, self.title)


@dataclass(slots=True)
class SyncReport:
    source: str
    new: list[EpisodeChange] = field(default_factory=list)
    changed: list[EpisodeChange] = field(default_factory=list)
    removed: list[EpisodeChange] = field(default_factory=list)
    unchanged: int = 0
    not_modified: bool = False
    dry_run: bool = False
    first_sync: bool = False
    skipped_items: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    linked_fetched: int = 0
    linked_pending: int = 0
    podcast: str = ""  # the name of the podcast synced
    seconds: float = 0.0  # how long the sync took (its own fetch, parse and write)


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    announce_channel_id: int | None = None
    announce_role_id: int | None = None
    announce_since: str | None = None
    announce_note: str | None = None  # what podbot did on its own, for /admin status


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One announcement of one episode in one channel."""

    id: int
    episode_id: int
    guild_id: int
    channel_id: int
    state: str  # pending | sending | sent | failed | skipped
    nonce: str
    message_id: int | None
    attempts: int
    last_error: str | None = None
    error_code: int | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None  # for a 'sending' row: when the POST was attempted
    posted_digest: str | None = None  # what the posted message showed (outbox.payload_digest)


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    counts: dict[str, int]
    last_failure: OutboxRow | None


@dataclass(frozen=True, slots=True)
class Article:
    """One post of a companion feed (a blog's RSS or Atom), as parsed."""

    key: str  # its guid, else its address
    title: str | None
    url: str | None  # None when the feed gives no usable web address: never shown as a link
    published: dt.datetime | None
    summary: str
    tags: tuple[str, ...]  # topic names (topics.topic_name) of its categories
    links: tuple[str, ...] = ()  # web addresses its summary or content links


# Why an article belongs to an episode, strongest first.
LINK_REASONS = {
    "notes-link": "the episode's notes link it",
    "article-link": "it links the episode",
    "title-and-date": "same title, published within two weeks",
}


@dataclass(frozen=True, slots=True)
class Reading:
    """A companion article that belongs to an episode, and why."""

    companion: str
    title: str | None
    url: str | None
    published: dt.datetime | None
    topics: tuple[str, ...]
    reason: str  # a key of LINK_REASONS; "" for an article listed under a topic

    @property
    def display_title(self) -> str:
        return self.title or (self.url or "").split("://", 1)[-1].rstrip("/") or "an untitled post"


@dataclass(frozen=True, slots=True)
class EpisodeTopic:
    name: str
    label: str
    source: str  # topics.SOURCES: article | feed | url | inferred


# A topic worth browsing lists at least this many episodes, or has this many articles. Measured on
# real feeds: a keyword on one episode is most of a tagging show's topics (LINUX Unplugged: 1,384
# of 2,055; SE Radio 212 of 439), and a list of them is no way to browse a show.
WORTH_BROWSING = 2


@dataclass(frozen=True, slots=True)
class TopicCount:
    name: str
    label: str
    episodes: int  # as many as `topic NAME` lists
    articles: int

    @property
    def worth_browsing(self) -> bool:
        """Whether /topics lists it (every topic is still found by name and autocomplete)."""
        return self.episodes >= WORTH_BROWSING or self.articles >= WORTH_BROWSING


def browsable(topics: list[TopicCount]) -> list[TopicCount]:
    """The topics /topics lists, in order: those worth browsing; every topic when none is."""
    return [topic for topic in topics if topic.worth_browsing] or topics


@dataclass(frozen=True, slots=True)
class TopicResult:
    match: Match
    reason: str  # why the episode is in the topic, in words


@dataclass(frozen=True, slots=True)
class TopicAnswer:
    """`topic NAME`: a tagged topic's episodes and articles, or the episodes substantially about
    an untagged word; when there are none, SUGGESTIONS are the closest topics."""

    asked: str
    name: str  # the topic's name, or the words asked about when it is not a tagged topic
    label: str
    tagged: bool
    results: tuple[TopicResult, ...] = ()
    articles: tuple[Reading, ...] = ()
    suggestions: tuple[TopicCount, ...] = ()


@dataclass(frozen=True, slots=True)
class Related:
    episode: Episode
    score: float
    reason: str  # "also about Security", "both discuss Kotlin"


@dataclass(frozen=True, slots=True)
class EpisodeExtras:
    """What an episode's reply shows beside the episode: its topics, companion posts and the
    episodes like it."""

    topics: tuple[EpisodeTopic, ...] = ()
    reading: tuple[Reading, ...] = ()
    related: tuple[Related, ...] = ()
