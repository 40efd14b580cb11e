"""Episodes, their chapters and their full-text rows: written by a sync, read by everything else."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from ..identity import EpisodeWrite, StoredKey, audio_key
from ..models import (
    Chapter,
    Episode,
    FeedState,
    Link,
    LinkedFile,
    PodcastInfo,
)
from .database import StoreError, _iso, _parse_iso, describe_error, utcnow
from .feed_state import FeedStateTables


class EpisodeTables(FeedStateTables):
    async def stored_keys(self) -> list[StoredKey]:
        rows = await self._fetchall(
            "SELECT id, guid, number, title, published, audio_key, fingerprint_json, removed_at FROM episodes"
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
    ) -> None:
        """Write a reconciled feed in one transaction: all of it, or (on any error) none of it."""
        now = _iso(utcnow())
        try:
            async with self._transaction():
                await self._execute(
                    """INSERT INTO podcast (id, title, link, description, image_url, language, boilerplate_json)
                       VALUES (1, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (id) DO UPDATE SET title = excluded.title, link = excluded.link,
                           description = excluded.description, image_url = excluded.image_url,
                           language = excluded.language, boilerplate_json = excluded.boilerplate_json""",
                    (
                        podcast.title,
                        podcast.link,
                        podcast.description,
                        podcast.image_url,
                        podcast.language,
                        json.dumps([list(podcast.boilerplate_sentences), list(podcast.boilerplate_urls)]),
                    ),
                )
                await self._write_episodes(list(writes), now)
                for episode_id in removed_ids:
                    await self._execute(
                        "UPDATE episodes SET removed_at = ?, updated_at = ? WHERE id = ? AND removed_at IS NULL",
                        (now, now, episode_id),
                    )
                    await self._execute("DELETE FROM episodes_fts WHERE rowid = ?", (episode_id,))
                await self._save_linked_files(list(linked))
                await self._save_feed_state(state)
                await self._bump_generation()
        except StoreError as error:
            cause = error.__cause__ if isinstance(error.__cause__, sqlite3.Error) else None
            detail = describe_error(cause) if cause else str(error)
            raise StoreError(f"{self.path}: sync not saved, nothing changed ({detail})") from cause

    async def _write_episodes(self, writes: list[EpisodeWrite], now: str | None) -> None:
        """New episodes in batches (a first sync may bring thousands), changed ones one by one."""
        updates = [write for write in writes if write.id is not None]
        inserts = [write for write in writes if write.id is None]
        for write in updates:
            await self._execute(
                """UPDATE episodes SET guid = ?, number = ?, episode_type = ?, title = ?, title_is_derived = ?,
                       published = ?, duration_seconds = ?, link = ?, audio_url = ?, audio_key = ?,
                       description_html = ?, description_text = ?, links_json = ?, guests_json = ?,
                       fingerprint_json = ?, image_url = ?, updated_at = ?, removed_at = NULL
                   WHERE id = ?""",
                (*_episode_values(write), now, write.id),
            )
            await self._execute("DELETE FROM chapters WHERE episode_id = ?", (write.id,))
            await self._execute("DELETE FROM episodes_fts WHERE rowid = ?", (write.id,))
        first_id = (await self._fetchone("SELECT coalesce(max(id), 0) + 1 FROM episodes"))[0]
        # Thousands of rows take a while to build; the event loop keeps answering meanwhile.
        rows = await asyncio.to_thread(_insert_rows, updates, inserts, first_id, now)
        await self._executemany(
            """INSERT INTO episodes (id, guid, number, episode_type, title, title_is_derived, published,
                   duration_seconds, link, audio_url, audio_key, description_html, description_text,
                   links_json, guests_json, fingerprint_json, image_url, first_seen, updated_at, announceable)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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

    async def _bump_generation(self) -> None:
        await self._execute(
            """INSERT INTO store_meta (key, value) VALUES ('generation', '1')
               ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"""
        )

    async def generation(self) -> int:
        """A number that changes whenever the episodes change, for caches built on top."""
        row = await self._fetchone("SELECT value FROM store_meta WHERE key = 'generation'")
        return int(row["value"]) if row else 0

    # -- reading ----------------------------------------------------------------------------

    async def podcast(self) -> PodcastInfo | None:
        row = await self._fetchone(
            "SELECT title, link, description, image_url, language, boilerplate_json FROM podcast"
        )
        if row is None:
            return None
        fields = dict(row)
        sentences, urls = json.loads(fields.pop("boilerplate_json") or "[[], []]")
        return PodcastInfo(**fields, boilerplate_sentences=tuple(sentences), boilerplate_urls=tuple(urls))

    async def episode_count(self) -> int:
        return (await self._fetchone("SELECT count(*) FROM episodes WHERE removed_at IS NULL"))[0]

    async def episodes(self, ids: Sequence[int] | None = None) -> list[Episode]:
        """Episodes still in the feed, newest first (or those with IDS, in the order given)."""
        where, params = "removed_at IS NULL", ()
        if ids is not None:
            if not ids:
                return []
            where = f"id IN ({','.join('?' * len(ids))})"
            params = tuple(ids)
        rows = await self._fetchall(
            f"""SELECT id, guid, number, title, published, duration_seconds, link, audio_url, description_text,
                       links_json, guests_json, episode_type, title_is_derived, image_url
                FROM episodes WHERE {where}
                ORDER BY published IS NULL, published DESC, number DESC, id DESC""",
            params,
        )
        chapters = await self._chapters_by_episode([row["id"] for row in rows] if ids is not None else None)
        found = {row["id"]: _episode(row, chapters.get(row["id"], ())) for row in rows}
        order = ids if ids is not None else [row["id"] for row in rows]
        return [found[i] for i in order if i in found]

    async def latest(self, count: int) -> list[Episode]:
        rows = await self._fetchall(
            """SELECT id FROM episodes WHERE removed_at IS NULL
               ORDER BY published IS NULL, published DESC, number DESC, id DESC LIMIT ?""",
            (count,),
        )
        return await self.episodes([row["id"] for row in rows])

    async def _chapters_by_episode(self, ids: Sequence[int] | None) -> dict[int, tuple[Chapter, ...]]:
        sql = "SELECT episode_id, start_seconds, title, url FROM chapters"
        params: tuple[Any, ...] = ()
        if ids is not None:
            sql += f" WHERE episode_id IN ({','.join('?' * len(ids))})"
            params = tuple(ids)
        grouped: dict[int, list[Chapter]] = {}
        for row in await self._fetchall(sql + " ORDER BY episode_id, position", params):
            grouped.setdefault(row["episode_id"], []).append(Chapter(row["start_seconds"], row["title"], row["url"]))
        return {key: tuple(value) for key, value in grouped.items()}

    async def full_text_matches(self, expressions: Sequence[tuple[str, bool]], limit: int) -> list[list[int]]:
        """For each (FTS5 MATCH expression, ranked), the ids of up to LIMIT matching episodes:
        best (bm25) first when ranked, else in no particular order, which is far cheaper when a
        term is in thousands of episodes. All in one query, as search asks several at once."""
        if not expressions:
            return []
        arms = " UNION ALL ".join(
            f"SELECT * FROM (SELECT {i} AS expression, rowid, {'rank' if ranked else '0 AS rank'} "
            f"FROM episodes_fts WHERE episodes_fts MATCH ? {'ORDER BY rank' if ranked else ''} LIMIT ?)"
            for i, (_, ranked) in enumerate(expressions)
        )
        params = [value for expression, _ in expressions for value in (expression, limit)]
        found: list[list[int]] = [[] for _ in expressions]
        for row in await self._fetchall(f"SELECT expression, rowid FROM ({arms}) ORDER BY expression, rank", params):
            found[row[0]].append(row[1])
        return found

    async def term_document_counts(self) -> dict[str, int]:
        """Every indexed term with the number of episodes it occurs in."""
        return {row[0]: row[1] for row in await self._fetchall("SELECT term, doc FROM episodes_fts_terms")}


@dataclass(frozen=True, slots=True)
class _InsertRows:
    episodes: list[tuple[Any, ...]]
    chapters: list[tuple[Any, ...]]
    full_text: list[tuple[Any, ...]]


def _insert_rows(
    updates: list[EpisodeWrite], inserts: list[EpisodeWrite], first_id: int, now: str | None
) -> _InsertRows:
    """Parameters for the inserts of a sync: new episodes get ids from FIRST_ID on; every written
    episode gets its chapters and full-text row anew."""
    new_ids = range(first_id, first_id + len(inserts))
    written = [*((write.id, write) for write in updates), *zip(new_ids, inserts)]
    return _InsertRows(
        episodes=[
            (episode_id, *_episode_values(write), now, now, int(write.announceable))
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
                write.episode.title,
                " ".join(write.episode.guests),
                "\n".join(c.title for c in write.episode.chapters),
                write.episode.description_text,
            )
            for episode_id, write in written
        ],
    )


def _episode_values(write: EpisodeWrite) -> tuple[Any, ...]:
    episode = write.episode
    return (
        episode.guid,
        episode.number,
        episode.episode_type,
        episode.title,
        int(episode.title_is_derived),
        _iso(episode.published),
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
    )


def _episode(row: aiosqlite.Row, chapters: tuple[Chapter, ...]) -> Episode:
    return Episode(
        id=row["id"],
        guid=row["guid"],
        number=row["number"],
        title=row["title"],
        published=_parse_iso(row["published"]),
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
    )
