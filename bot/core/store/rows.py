"""Reading episodes: the SQL and the row conversion shared by the async store and the search
index's own read-only connection (bot/core/search/index.py), so both read an episode the same way."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from ..formatting import as_published
from ..models import Chapter, Episode, Link, Reading
from .database import parse_iso

TOPICS_COUNTED = "topics_counted"  # store_meta: the generation whose counts topic_counts holds
NEWEST_FIRST = "published IS NULL, published DESC, number DESC, id DESC"
# Kept by every sync in the same transaction (counting 100,000 rows takes 70 ms).
LIVE_EPISODES = "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'live_episodes'), 0)"
LATEST_IDS = f"SELECT id FROM episodes WHERE removed_at IS NULL ORDER BY {NEWEST_FIRST} LIMIT ?"
# Most trusted first: how topic rows (t) and article links (l) are ordered (topics.SOURCES, models.LINK_REASONS).
TOPIC_SOURCE_ORDER = "CASE t.source WHEN 'article' THEN 0 WHEN 'feed' THEN 1 WHEN 'url' THEN 2 ELSE 3 END"
LINK_REASON_ORDER = "CASE l.reason WHEN 'notes-link' THEN 0 WHEN 'article-link' THEN 1 ELSE 2 END"
_EPISODE_COLUMNS = (
    "id, guid, number, title, published, duration_seconds, link, audio_url, description_text, "
    "links_json, guests_json, episode_type, title_is_derived, image_url, published_offset_minutes, "
    "(SELECT p.name FROM podcasts p WHERE p.id = podcast_id) AS podcast"
)


def marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def of_podcasts(podcast_ids: Sequence[int] | None) -> str:
    """An extra condition on episodes: of PODCAST_IDS (their values follow), or none for None."""
    return "" if podcast_ids is None else f" AND podcast_id IN ({marks(podcast_ids)})"


def latest_ids_sql(podcast_ids: Sequence[int] | None) -> str:
    """The newest episodes' ids (of PODCAST_IDS, whose values come before the count)."""
    where = of_podcasts(podcast_ids)
    return f"SELECT id FROM episodes WHERE removed_at IS NULL{where} ORDER BY {NEWEST_FIRST} LIMIT ?"


def episodes_sql(where: str) -> str:
    return f"SELECT {_EPISODE_COLUMNS} FROM episodes WHERE {where} ORDER BY {NEWEST_FIRST}"


def chapters_sql(ids: Sequence[int] | None) -> str:
    where = f" WHERE episode_id IN ({marks(ids)})" if ids is not None else ""
    return f"SELECT episode_id, start_seconds, title, url FROM chapters{where} ORDER BY episode_id, position"


def assemble(
    rows: Iterable[sqlite3.Row], chapter_rows: Iterable[sqlite3.Row], ids: Sequence[int] | None
) -> list[Episode]:
    """Episodes from their rows and their chapters' rows: in the order of IDS when given, else as
    the rows came (newest first)."""
    grouped: dict[int, list[Chapter]] = {}
    for row in chapter_rows:
        grouped.setdefault(row["episode_id"], []).append(Chapter(row["start_seconds"], row["title"], row["url"]))
    found = {row["id"]: _episode(row, tuple(grouped.get(row["id"], ()))) for row in rows}
    return [found[i] for i in (ids if ids is not None else found) if i in found]


def _episode(row: sqlite3.Row, chapters: tuple[Chapter, ...]) -> Episode:
    return Episode(
        id=row["id"],
        guid=row["guid"],
        number=row["number"],
        title=row["title"],
        published=as_published(parse_iso(row["published"]), row["published_offset_minutes"]),
        duration_seconds=row["duration_seconds"],
        link=row["link"],
        audio_url=row["audio_url"],
        description_text=row["description_text"],
        links=tuple(Link(**link) for link in json.loads(row["links_json"])),
        chapters=chapters,
        guests=tuple(json.loads(row["guests_json"])),
        episode_type=row["episode_type"],
        title_is_derived=bool(row["title_is_derived"]),
        image_url=row["image_url"],
        podcast=row["podcast"] or "",
    )


def reading_of(row: sqlite3.Row, reason: str) -> Reading:
    """A companion article from a row with companion, title, url, published and tags_json."""
    return Reading(
        companion=row["companion"],
        title=row["title"],
        url=row["url"],
        published=parse_iso(row["published"]),
        topics=tuple(json.loads(row["tags_json"])),
        reason=reason,
    )
