"""Episodes, their chapters and their full-text rows: written by a sync, read by everything else."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.config import podcast_name_of
from bot.core.ingest.urls import url_key, without_urls
from bot.core.sync.identity import EpisodeWrite, StoredKey, audio_key
from bot.core.words.text import tokenize

from ..formatting import utc_offset_minutes
from ..models import (
    Episode,
    FeedState,
    LinkedFile,
    PodcastInfo,
)
from .database import StoreError, describe_error, iso, utcnow
from .feed_state import FeedStateTables
from .rows import LIVE_EPISODES, assemble, chapters_sql, episodes_sql, latest_ids_sql, marks, of_podcasts

# Up to this many changed episodes (written or removed), a sync recounts only their terms.
_INCREMENTAL_TERMS_UP_TO = 500
_BATCH = 500
# Counts from the full-text index's own vocabulary, the same as migration 005 writes them.
_TERM_COUNTS = """SELECT term, substr(term, 1, 1), length(term),
        (SELECT doc FROM episodes_fts_terms r WHERE r.term = c.term),
        sum(CASE col WHEN 'title' THEN doc ELSE 0 END), sum(CASE col WHEN 'guests' THEN doc ELSE 0 END),
        sum(CASE col WHEN 'chapters' THEN doc ELSE 0 END), sum(CASE col WHEN 'description' THEN doc ELSE 0 END)
    FROM episodes_fts_columns c {where} GROUP BY term"""


def _terms_of(rows: list[tuple[Any, ...]]) -> set[str]:
    return {term for row in rows for text in row[1:] for term in tokenize(text or "")}


class EpisodeTables(FeedStateTables):
    async def stored_keys(self, podcast_id: int | None = None) -> list[StoredKey]:
        """What identifies each stored episode (of PODCAST_ID; None: of every podcast)."""
        where, params = ("WHERE podcast_id = ?", (podcast_id,)) if podcast_id is not None else ("", ())
        rows = await self._fetchall(
            f"SELECT id, guid, number, title, published, audio_key, fingerprint_json, removed_at FROM episodes {where}",
            params,
        )
        return [
            StoredKey(
                id=row["id"],
                guid=row["guid"],
                number=row["number"],
                title=row["title"],
                published=row["published"],
                audio_key=row["audio_key"],
                fingerprint=json.loads(row["fingerprint_json"]),
                removed=row["removed_at"] is not None,
            )
            for row in rows
        ]

    async def apply_sync(
        self,
        podcast: PodcastInfo,
        writes: Iterable[EpisodeWrite],
        removed_ids: Iterable[int],
        state: FeedState,
        linked: Iterable[LinkedFile] = (),
        *,
        podcast_id: int | None = None,
    ) -> None:
        """Write a reconciled feed in one transaction: all of it, or (on any error) none of it.
        The episodes are PODCAST_ID's (None: the podcast named after the state's source)."""
        now = iso(utcnow())
        try:
            async with self._transaction():
                if podcast_id is None:
                    podcast_id = await self.add_podcast(podcast_name_of(state.source))
                await self._execute(
                    """UPDATE podcasts SET source = ?, title = ?, link = ?, description = ?, image_url = ?,
                           language = ?, boilerplate_json = ? WHERE id = ?""",
                    (
                        state.source,
                        podcast.title,
                        podcast.link,
                        podcast.description,
                        podcast.image_url,
                        podcast.language,
                        json.dumps([list(podcast.boilerplate_sentences), list(podcast.boilerplate_urls)]),
                        podcast_id,
                    ),
                )
                writes = list(writes)
                removed_ids = list(removed_ids)
                # A few changed episodes: their terms before and after are recounted. Many: the
                # term counts are rebuilt, and the old rows need not be read.
                incremental = len(writes) + len(removed_ids) <= _INCREMENTAL_TERMS_UP_TO
                replaced_ids = [w.id for w in writes if w.id is not None] + removed_ids
                replaced = await self._full_text_rows(replaced_ids) if incremental else []
                written = await self._write_episodes(writes, now, podcast_id)
                for episode_id in removed_ids:
                    await self._execute(
                        "UPDATE episodes SET removed_at = ?, updated_at = ? WHERE id = ? AND removed_at IS NULL",
                        (now, now, episode_id),
                    )
                    await self._execute("DELETE FROM episodes_fts WHERE rowid = ?", (episode_id,))
                await self._refresh_search_terms([*replaced, *written] if incremental else None)
                await self._save_linked_files(list(linked))
                await self._save_feed_state(state)
                await self._execute(
                    """INSERT INTO store_meta (key, value) VALUES ('feed_source', ?)
                       ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
                    (state.source,),
                )
                await self._bump_generation()
        except StoreError as error:
            cause = error.__cause__ if isinstance(error.__cause__, sqlite3.Error) else None
            detail = describe_error(cause, self.path) if cause else str(error)
            raise type(error)(f"{self.path}: sync not saved, nothing changed ({detail})") from cause

    async def _write_episodes(
        self, writes: list[EpisodeWrite], now: str | None, podcast_id: int
    ) -> list[tuple[Any, ...]]:
        """New episodes in batches (a first sync may bring thousands), changed ones one by one.
        Returns the full-text rows written."""
        updates = [write for write in writes if write.id is not None]
        inserts = [write for write in writes if write.id is None]
        for write in updates:
            await self._execute(
                """UPDATE episodes SET guid = ?, number = ?, episode_type = ?, title = ?, title_is_derived = ?,
                       published = ?, duration_seconds = ?, link = ?, audio_url = ?, audio_key = ?,
                       description_html = ?, description_text = ?, links_json = ?, guests_json = ?,
                       fingerprint_json = ?, image_url = ?, published_offset_minutes = ?, updated_at = ?,
                       removed_at = NULL, topics_inferred_at = NULL, related_due = 2
                   WHERE id = ?""",
                (*_episode_values(write), now, write.id),
            )
            await self._execute("DELETE FROM chapters WHERE episode_id = ?", (write.id,))
            await self._execute("DELETE FROM episodes_fts WHERE rowid = ?", (write.id,))
            await self._execute("DELETE FROM episode_urls WHERE episode_id = ?", (write.id,))
            await self._execute(
                "DELETE FROM episode_topics WHERE episode_id = ? AND source IN ('feed', 'inferred')", (write.id,)
            )
            await self._execute("DELETE FROM episode_tags WHERE episode_id = ?", (write.id,))
        first_id = await self._fetchvalue("SELECT coalesce(max(id), 0) + 1 FROM episodes")
        # Thousands of rows take a while to build; the event loop keeps answering meanwhile.
        rows = await asyncio.to_thread(_insert_rows, updates, inserts, first_id, now, podcast_id)
        await self._executemany(
            """INSERT INTO episodes (id, podcast_id, guid, number, episode_type, title, title_is_derived, published,
                   duration_seconds, link, audio_url, audio_key, description_html, description_text,
                   links_json, guests_json, fingerprint_json, image_url, published_offset_minutes, first_seen,
                   updated_at, announceable)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rows.episodes,
        )
        await self._executemany(
            "INSERT INTO chapters (episode_id, position, start_seconds, title, url) VALUES (?, ?, ?, ?, ?)",
            rows.chapters,
        )
        await self._executemany(
            "INSERT INTO episodes_fts (rowid, title, guests, chapters, description) VALUES (?, ?, ?, ?, ?)",
            rows.full_text,
        )
        await self._executemany(
            "INSERT OR IGNORE INTO episode_urls (episode_id, url_key, own) VALUES (?, ?, ?)", rows.urls
        )
        await self._executemany("INSERT OR IGNORE INTO episode_tags (episode_id, tag) VALUES (?, ?)", rows.tags)
        return rows.full_text

    async def _full_text_rows(self, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """The full-text rows of IDS (at most _INCREMENTAL_TERMS_UP_TO) before a sync replaces them."""
        if not ids:
            return []
        rows = await self._fetchall(
            f"SELECT rowid, title, guests, chapters, description FROM episodes_fts WHERE rowid IN ({marks(ids)})", ids
        )
        return [tuple(row) for row in rows]

    async def _refresh_search_terms(self, changed: list[tuple[Any, ...]] | None) -> None:
        """Keep the term counts (and the episode count) true after a sync: only the terms of the
        CHANGED full-text rows (old and new) are counted again; with None, after a large change,
        the table is rebuilt from the full-text vocabulary, which is then cheaper."""
        await self._execute(
            """INSERT INTO store_meta (key, value)
               SELECT 'live_episodes', count(*) FROM episodes WHERE removed_at IS NULL
               ON CONFLICT (key) DO UPDATE SET value = excluded.value"""
        )
        if changed is None:
            await self._execute("DELETE FROM search_terms")
            await self._execute("INSERT INTO search_terms " + _TERM_COUNTS.format(where=""))
            return
        if not changed:
            return
        terms = sorted(await asyncio.to_thread(_terms_of, changed))
        for start in range(0, len(terms), _BATCH):
            batch = terms[start : start + _BATCH]
            await self._execute(f"DELETE FROM search_terms WHERE term IN ({marks(batch)})", batch)
            where = f"WHERE term IN ({marks(batch)})"
            await self._execute("INSERT INTO search_terms " + _TERM_COUNTS.format(where=where), batch)

    async def generation(self) -> str | None:
        """Changes whenever a write changes what the store holds (a sync, a companion's articles)."""
        row = await self._fetchone("SELECT value FROM store_meta WHERE key = 'generation'")
        return row[0] if row else None

    async def _bump_generation(self) -> None:
        await self._execute(
            """INSERT INTO store_meta (key, value) VALUES ('generation', '1')
               ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"""
        )

    # -- reading ----------------------------------------------------------------------------

    async def podcast(self, podcast_id: int | None = None) -> PodcastInfo | None:
        """What the feed says of PODCAST_ID (None: of the first podcast stored), once synced."""
        where, params = ("id = ?", (podcast_id,)) if podcast_id is not None else ("1", ())
        row = await self._fetchone(
            f"""SELECT title, link, description, image_url, language, boilerplate_json FROM podcasts
                WHERE {where} AND source IS NOT NULL ORDER BY id LIMIT 1""",
            params,
        )
        if row is None:
            return None
        fields = dict(row)
        sentences, urls = json.loads(fields.pop("boilerplate_json") or "[[], []]")
        return PodcastInfo(**fields, boilerplate_sentences=tuple(sentences), boilerplate_urls=tuple(urls))

    async def add_podcast(self, name: str) -> int:
        """The id of the podcast NAME, made when the store has none of that name."""
        await self._execute(
            "INSERT INTO podcasts (name, added_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", (name, iso(utcnow()))
        )
        return int(await self._fetchvalue("SELECT id FROM podcasts WHERE name = ?", (name,)))

    async def podcast_id(self, name: str) -> int | None:
        row = await self._fetchone("SELECT id FROM podcasts WHERE name = ?", (name,))
        return int(row[0]) if row else None

    async def rename_podcast(self, podcast_id: int, name: str) -> None:
        """Call the podcast PODCAST_ID NAME from now on (its config entry was renamed)."""
        await self._execute("UPDATE podcasts SET name = ? WHERE id = ?", (name, podcast_id))

    async def podcast_count(self) -> int:
        return int(await self._fetchvalue("SELECT count(*) FROM podcasts"))

    async def stored_podcasts(self) -> list[StoredPodcast]:
        """Every podcast the store holds (configured now or before), in the order they came."""
        rows = await self._fetchall(
            """SELECT p.id, p.name, p.source, p.title,
                      (SELECT count(*) FROM episodes e WHERE e.podcast_id = p.id AND e.removed_at IS NULL)
               FROM podcasts p ORDER BY p.id"""
        )
        return [StoredPodcast(*row) for row in rows]

    async def feed_source(self) -> str | None:
        """The feed whose episodes the store holds (its last written sync), or None."""
        row = await self._fetchone("SELECT value FROM store_meta WHERE key = 'feed_source'")
        return row[0] if row else None

    async def episode_count(self, podcast_id: int | None = None) -> int:
        """Episodes in the feed: PODCAST_ID's, or (None) every podcast's."""
        if podcast_id is None:
            return int(await self._fetchvalue(LIVE_EPISODES))
        return int(
            await self._fetchvalue(
                "SELECT count(*) FROM episodes WHERE podcast_id = ? AND removed_at IS NULL", (podcast_id,)
            )
        )

    async def episodes(
        self, ids: Sequence[int] | None = None, podcast_ids: Sequence[int] | None = None
    ) -> list[Episode]:
        """Episodes still in the feed, newest first (of PODCAST_IDS when given), or those with IDS,
        in the order given."""
        if ids is not None and not ids:
            return []
        where = f"id IN ({marks(ids)})" if ids is not None else "removed_at IS NULL" + of_podcasts(podcast_ids)
        rows = await self._fetchall(episodes_sql(where), tuple(ids or podcast_ids or ()))
        chapter_ids = [row["id"] for row in rows] if ids is not None or podcast_ids is not None else None
        chapters = await self._fetchall(chapters_sql(chapter_ids), tuple(chapter_ids or ()))
        return assemble(rows, chapters, ids)

    async def latest(self, count: int, podcast_ids: Sequence[int] | None = None) -> list[Episode]:
        rows = await self._fetchall(latest_ids_sql(podcast_ids), (*(podcast_ids or ()), count))
        return await self.episodes([row["id"] for row in rows])


@dataclass(frozen=True, slots=True)
class StoredPodcast:
    id: int
    name: str
    source: str | None  # None until its first sync was written
    title: str
    episodes: int


@dataclass(frozen=True, slots=True)
class _InsertRows:
    episodes: list[tuple[Any, ...]]
    chapters: list[tuple[Any, ...]]
    full_text: list[tuple[Any, ...]]
    urls: list[tuple[int | None, str, int]]
    tags: list[tuple[int | None, str]]


def _insert_rows(
    updates: list[EpisodeWrite], inserts: list[EpisodeWrite], first_id: int, now: str | None, podcast_id: int
) -> _InsertRows:
    """Parameters for the inserts of a sync: new episodes get ids from FIRST_ID on; every written
    episode gets its chapters and full-text row anew."""
    new_ids = range(first_id, first_id + len(inserts))
    written = [*((write.id, write) for write in updates), *zip(new_ids, inserts)]
    return _InsertRows(
        episodes=[
            (episode_id, podcast_id, *_episode_values(write), now, now, int(write.announceable))
            for episode_id, write in zip(new_ids, inserts)
        ],
        chapters=[
            (episode_id, position, chapter.start_seconds, chapter.title, chapter.url)
            for episode_id, write in written
            for position, chapter in enumerate(write.episode.chapters)
        ],
        full_text=[
            (
                episode_id,
                "" if write.episode.title_is_derived else write.episode.title,  # made from the notes
                " ".join(write.episode.guests),
                "\n".join(c.title for c in write.episode.chapters),
                without_urls(write.episode.description_text),
            )
            for episode_id, write in written
        ],
        urls=[
            (episode_id, key, own)
            for episode_id, write in written
            for own, url in ((1, write.episode.link), *((0, link.url) for link in write.episode.links))
            if (key := url_key(url))
        ],
        tags=[(episode_id, category) for episode_id, write in written for category in write.episode.categories],
    )


def _episode_values(write: EpisodeWrite) -> tuple[Any, ...]:
    episode = write.episode
    return (
        episode.guid,
        episode.number,
        episode.episode_type,
        episode.title,
        int(episode.title_is_derived),
        iso(episode.published),
        episode.duration_seconds,
        episode.link,
        episode.audio_url,
        audio_key(episode.audio_url),
        episode.description_html,
        episode.description_text,
        json.dumps([{"label": link.label, "url": link.url} for link in episode.links]),
        json.dumps(list(episode.guests)),
        json.dumps(write.fingerprint, sort_keys=True),
        episode.image_url,
        utc_offset_minutes(episode.published),
    )
