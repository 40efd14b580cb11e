"""The SQLite episode store: migrations, episodes and chapters, the FTS5 index, feed state.

All SQL lives here. A sync's writes go through `apply_sync`, one transaction, so a crash part
way leaves the previous state intact.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib.resources
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiosqlite

from .models import (
    Chapter,
    Episode,
    FeedState,
    GuildSettings,
    Link,
    LinkedFile,
    OutboxRow,
    OutboxSummary,
    ParsedEpisode,
    PodcastInfo,
)

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3})[-_].+\.sql$")


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file."""


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


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def audio_key(url: str | None) -> str | None:
    """The audio URL without scheme, host case or query string: re-hosted tracking params don't count."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return (parts.netloc.lower() + parts.path) or None


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _parse_iso(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _migrations() -> list[tuple[int, str]]:
    found = []
    for resource in importlib.resources.files("bot.core.migrations").iterdir():
        if match := _MIGRATION_NAME.match(resource.name):
            found.append((int(match.group(1)), resource.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._db = connection
        self.path = path

    @classmethod
    async def open(cls, path: str | Path) -> Store:
        """Open (creating if needed) and migrate the database at PATH."""
        path = str(path)
        if path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"{path}: cannot create the database folder ({error.strerror})") from None
        if Path(path).is_dir():
            raise StoreError(f"{path}: is a folder, not a database file")
        connection = aiosqlite.connect(path, isolation_level=None)
        try:
            await connection
        except sqlite3.Error as error:
            # aiosqlite stops its worker thread by itself; let it finish before the caller's loop
            # may close, or the thread reports into a closed loop.
            worker = getattr(connection, "_thread", None)
            if worker is not None:
                await asyncio.to_thread(worker.join, 5)
            raise StoreError(f"{path}: cannot open database ({error})") from None
        store = cls(connection, path)
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute("PRAGMA busy_timeout = 5000")
            await connection.execute("PRAGMA foreign_keys = ON")
            await store._check_readable()
            await connection.execute("PRAGMA journal_mode = WAL")
            await store._migrate()
        except StoreError:
            await connection.close()
            raise
        except sqlite3.Error as error:
            await connection.close()
            raise StoreError(f"{path}: {_describe(error)}") from None
        return store

    async def close(self) -> None:
        await self._db.close()

    async def _check_readable(self) -> None:
        try:
            await self._db.execute("SELECT name FROM sqlite_master LIMIT 1")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: {_describe(error)}; refusing to touch it") from None

    async def _migrate(self) -> None:
        current = (await self._fetchone("PRAGMA user_version"))[0]
        known = _migrations()
        newest = known[-1][0] if known else 0
        if current > newest:
            raise StoreError(
                f"{self.path}: database was written by a newer podbot (schema {current}, this one knows "
                f"{newest}); upgrade podbot or use another --db"
            )
        pending = [(version, sql) for version, sql in known if version > current]
        if not pending:
            return
        async with self._transaction():
            for version, sql in pending:
                for statement in _split_sql(sql):
                    await self._execute(statement)
                await self._execute(f"PRAGMA user_version = {int(version)}")
        log.info("database %s migrated from version %d to %d", self.path, current, pending[-1][0])

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """All the writes inside, or (on any error, a crash included) none of them."""
        await self._execute("BEGIN IMMEDIATE")
        try:
            yield
            await self._execute("COMMIT")
        except BaseException:
            # A failed ROLLBACK (SQLite already rolled back, or the disk is gone) must never hide
            # the error that got us here.
            with contextlib.suppress(sqlite3.Error, ValueError):
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
            raise

    async def schema_version(self) -> int:
        return (await self._fetchone("PRAGMA user_version"))[0]

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        try:
            async with self._db.execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.Error as error:
            raise self._error(error) from error

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        try:
            async with self._db.execute(sql, params) as cursor:
                return await cursor.fetchone()
        except sqlite3.Error as error:
            raise self._error(error) from error

    async def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run SQL; the number of rows it changed."""
        try:
            cursor = await self._db.execute(sql, params)
        except sqlite3.Error as error:
            raise self._error(error) from error
        return cursor.rowcount

    async def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            await self._db.executemany(sql, rows)
        except sqlite3.Error as error:
            raise self._error(error) from error

    def _error(self, error: sqlite3.Error) -> StoreError:
        """Every SQLite failure, as a StoreError that names the file and the cause in words."""
        return StoreError(f"{self.path}: {_describe(error)}")

    # -- feed state -------------------------------------------------------------------------

    async def feed_state(self, source: str) -> FeedState | None:
        row = await self._fetchone("SELECT * FROM feed_state WHERE source = ?", (source,))
        if row is None:
            return None
        return FeedState(
            source=row["source"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            body_sha256=row["body_sha256"],
            last_attempt=_parse_iso(row["last_attempt"]),
            last_success=_parse_iso(row["last_success"]),
            last_error=row["last_error"],
            consecutive_failures=row["consecutive_failures"],
            linked_pending=row["linked_pending"],
        )

    async def record_feed_success(self, state: FeedState) -> None:
        """Remember validators of a fetch that changed nothing (304 or the same bytes)."""
        await self._save_feed_state(state)

    async def record_feed_failure(self, source: str, error: str) -> None:
        now = _iso(utcnow())
        await self._execute(
            """INSERT INTO feed_state (source, last_attempt, last_error, consecutive_failures)
               VALUES (?, ?, ?, 1)
               ON CONFLICT (source) DO UPDATE SET last_attempt = excluded.last_attempt,
                   last_error = excluded.last_error, consecutive_failures = consecutive_failures + 1""",
            (source, now, error),
        )

    async def _save_feed_state(self, state: FeedState) -> None:
        await self._execute(
            """INSERT INTO feed_state (source, etag, last_modified, body_sha256, last_attempt, last_success,
                                       last_error, consecutive_failures, linked_pending)
               VALUES (?, ?, ?, ?, ?, ?, NULL, 0, ?)
               ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                   body_sha256 = excluded.body_sha256, last_attempt = excluded.last_attempt,
                   last_success = excluded.last_success, last_error = NULL, consecutive_failures = 0,
                   linked_pending = excluded.linked_pending""",
            (
                state.source,
                state.etag,
                state.last_modified,
                state.body_sha256,
                _iso(state.last_attempt),
                _iso(state.last_success),
                state.linked_pending,
            ),
        )

    # -- sync -------------------------------------------------------------------------------

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

    async def linked_files(self, urls: Iterable[str]) -> dict[str, LinkedFile]:
        """What is known of each of URLS (those never fetched are absent)."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, LinkedFile] = {}
        for start in range(0, len(wanted), 500):  # SQLite caps the number of parameters
            batch = wanted[start : start + 500]
            rows = await self._fetchall(
                f"SELECT * FROM linked_files WHERE url IN ({','.join('?' * len(batch))})", batch
            )
            for row in rows:
                found[row["url"]] = _linked_file(row)
        return found

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
            detail = _describe(cause) if cause else str(error)
            raise StoreError(f"{self.path}: sync not saved, nothing changed ({detail})") from cause

    async def _save_linked_files(self, files: list[LinkedFile]) -> None:
        await self._executemany(
            """INSERT INTO linked_files (url, etag, last_modified, body_sha256, chapters_json, fetched_at,
                                         last_error, failures, next_attempt_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                   body_sha256 = excluded.body_sha256, chapters_json = excluded.chapters_json,
                   fetched_at = excluded.fetched_at, last_error = excluded.last_error,
                   failures = excluded.failures, next_attempt_at = excluded.next_attempt_at""",
            [
                (
                    f.url,
                    f.etag,
                    f.last_modified,
                    f.body_sha256,
                    None if f.chapters is None else json.dumps([[c.start_seconds, c.title, c.url] for c in f.chapters]),
                    _iso(f.fetched_at),
                    f.last_error,
                    f.failures,
                    _iso(f.next_attempt_at),
                )
                for f in files
            ],
        )

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

    # -- guild settings ---------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        row = await self._fetchone(
            """SELECT guild_id, announce_channel_id, announce_role_id, announce_since, announce_note
               FROM guild_settings WHERE guild_id = ?""",
            (guild_id,),
        )
        return GuildSettings(**dict(row)) if row else GuildSettings(guild_id=guild_id)

    async def set_announce_channel(self, guild_id: int, channel_id: int | None) -> None:
        """Point announcements at CHANNEL_ID (None: off). Episodes already stored are not announced
        in a newly chosen channel; announcements that failed there are tried again."""
        now = _iso(utcnow())
        async with self._transaction():
            await self._execute(
                """INSERT INTO guild_settings (guild_id, announce_channel_id, announce_since, updated_at)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (guild_id) DO UPDATE SET
                       announce_since = CASE WHEN announce_channel_id IS excluded.announce_channel_id
                                             THEN announce_since ELSE excluded.announce_since END,
                       announce_channel_id = excluded.announce_channel_id, announce_note = NULL,
                       updated_at = excluded.updated_at""",
                (guild_id, channel_id, now, now),
            )
            await self.retry_failed_announcements(guild_id, channel_id)

    async def retry_failed_announcements(self, guild_id: int, channel_id: int | None, codes: Sequence[int] = ()) -> int:
        """Failed announcements in the channel (those that failed with one of CODES, when given)
        become pending again. Returns how many."""
        code_filter = f"AND error_code IN ({','.join('?' * len(codes))})" if codes else ""
        return await self._execute(
            f"""UPDATE outbox SET state = 'pending', next_attempt_at = NULL, attempts = 0, updated_at = ?
                WHERE guild_id = ? AND channel_id IS ? AND state = 'failed' {code_filter}""",
            (_iso(utcnow()), guild_id, channel_id, *codes),
        )

    async def set_announce_note(self, guild_id: int, note: str) -> None:
        await self._execute(
            "UPDATE guild_settings SET announce_note = ?, updated_at = ? WHERE guild_id = ?",
            (note, _iso(utcnow()), guild_id),
        )

    async def failed_channels(self, codes: Sequence[int]) -> list[tuple[int, int]]:
        """(guild, channel) pairs with announcements that failed with one of CODES."""
        rows = await self._fetchall(
            f"""SELECT DISTINCT guild_id, channel_id FROM outbox
                WHERE state = 'failed' AND error_code IN ({",".join("?" * len(codes))})""",
            tuple(codes),
        )
        return [(row[0], row[1]) for row in rows]

    async def set_announce_role(self, guild_id: int, role_id: int | None) -> None:
        now = _iso(utcnow())
        await self._execute(
            """INSERT INTO guild_settings (guild_id, announce_role_id, updated_at) VALUES (?, ?, ?)
               ON CONFLICT (guild_id) DO UPDATE SET announce_role_id = excluded.announce_role_id,
                   updated_at = excluded.updated_at""",
            (guild_id, role_id, now),
        )

    # -- announcement outbox ----------------------------------------------------------------

    async def enqueue_announcements(self) -> int:
        """An outbox row for every stored episode in every configured channel that has none:
        pending when it is news there, skipped when it was already stored. Returns pending rows made."""
        now = _iso(utcnow())
        before = await self._count_outbox("pending")
        await self._execute(
            """INSERT INTO outbox (episode_id, guild_id, channel_id, state, nonce, created_at, updated_at)
               SELECT e.id, g.guild_id, g.announce_channel_id,
                      CASE WHEN e.announceable = 1 AND e.first_seen > g.announce_since
                           THEN 'pending' ELSE 'skipped' END,
                      lower(hex(randomblob(10))), ?, ?
               FROM episodes e JOIN guild_settings g ON g.announce_channel_id IS NOT NULL
               WHERE e.removed_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM outbox o
                                 WHERE o.episode_id = e.id AND o.channel_id = g.announce_channel_id)""",
            (now, now),
        )
        return await self._count_outbox("pending") - before

    async def _count_outbox(self, state: str) -> int:
        return (await self._fetchone("SELECT count(*) FROM outbox WHERE state = ?", (state,)))[0]

    async def announcements(self, state: str, *, due_only: bool = False) -> list[OutboxRow]:
        """Rows in STATE for each guild's current channel, oldest episode first."""
        due = "AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)" if due_only else ""
        params: tuple[Any, ...] = (state, _iso(utcnow())) if due_only else (state,)
        rows = await self._fetchall(
            f"""SELECT o.* FROM outbox o
                JOIN guild_settings g ON g.guild_id = o.guild_id AND g.announce_channel_id = o.channel_id
                JOIN episodes e ON e.id = o.episode_id
                WHERE o.state = ? {due}
                ORDER BY o.channel_id, e.published IS NULL, e.published, e.id""",
            params,
        )
        return [_outbox_row(row) for row in rows]

    async def stale_announcements(self) -> list[OutboxRow]:
        """Posted announcements whose episode's title, notes or chapters changed since."""
        rows = await self._fetchall(
            f"""SELECT o.* FROM outbox o JOIN episodes e ON e.id = o.episode_id
                WHERE o.state = 'sent' AND o.message_id IS NOT NULL
                  AND o.posted_fingerprint IS NOT {_ANNOUNCED_FINGERPRINT}"""
        )
        return [_outbox_row(row) for row in rows]

    async def announcements_for_message(self, message_id: int) -> list[OutboxRow]:
        rows = await self._fetchall("SELECT * FROM outbox WHERE message_id = ? ORDER BY id", (message_id,))
        return [_outbox_row(row) for row in rows]

    async def update_announcements(
        self,
        ids: Sequence[int],
        state: str,
        *,
        message_id: int | None = None,
        error: str | None = None,
        error_code: int | None = None,
        retry_at: dt.datetime | None = None,
        count_attempt: bool = False,
    ) -> None:
        """Move rows to STATE; 'sent' also records the message and what it showed."""
        marks = ",".join("?" * len(ids))
        await self._execute(
            f"""UPDATE outbox SET state = ?, message_id = COALESCE(?, message_id),
                    last_error = ?, error_code = ?, next_attempt_at = ?, attempts = attempts + ?,
                    posted_fingerprint = CASE WHEN ? = 'sent' THEN (
                        SELECT {_ANNOUNCED_FINGERPRINT} FROM episodes e WHERE e.id = outbox.episode_id)
                        ELSE posted_fingerprint END,
                    updated_at = ?
                WHERE id IN ({marks})""",
            (state, message_id, error, error_code, _iso(retry_at), int(count_attempt), state, _iso(utcnow()), *ids),
        )

    async def outbox_summary(self, guild_id: int) -> OutboxSummary:
        counts = {
            row["state"]: row["n"]
            for row in await self._fetchall(
                "SELECT state, count(*) AS n FROM outbox WHERE guild_id = ? GROUP BY state", (guild_id,)
            )
        }
        failure = await self._fetchone(
            """SELECT * FROM outbox WHERE guild_id = ? AND last_error IS NOT NULL AND state != 'sent'
               ORDER BY updated_at DESC LIMIT 1""",
            (guild_id,),
        )
        return OutboxSummary(counts=counts, last_failure=_outbox_row(failure) if failure else None)


_ANNOUNCED_FINGERPRINT = (
    "(json_extract(e.fingerprint_json, '$.title') || ':' || json_extract(e.fingerprint_json, '$.notes')"
    " || ':' || json_extract(e.fingerprint_json, '$.chapters'))"
)


def _linked_file(row: aiosqlite.Row) -> LinkedFile:
    chapters = None
    if row["chapters_json"] is not None:
        chapters = tuple(Chapter(*fields) for fields in json.loads(row["chapters_json"]))
    return LinkedFile(
        url=row["url"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_sha256=row["body_sha256"],
        chapters=chapters,
        fetched_at=_parse_iso(row["fetched_at"]),
        last_error=row["last_error"],
        failures=row["failures"],
        next_attempt_at=_parse_iso(row["next_attempt_at"]),
    )


def _outbox_row(row: aiosqlite.Row) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        episode_id=row["episode_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        state=row["state"],
        nonce=row["nonce"],
        message_id=row["message_id"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        error_code=row["error_code"],
        created_at=_parse_iso(row["created_at"]),
    )


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


def _describe(error: sqlite3.Error) -> str:
    message = str(error)
    if "not a database" in message or "malformed" in message:
        return f"not a SQLite database or corrupt ({message})"
    if "readonly" in message or "unable to open" in message:
        return f"cannot write the database ({message})"
    if "locked" in message or "busy" in message:
        return "database is busy (another podbot process is writing); try again"
    if "full" in message:
        return f"disk full: the database cannot grow ({message})"
    if "disk I/O" in message:
        return f"disk error while using the database ({message})"
    return message


def _split_sql(script: str) -> list[str]:
    """Statements of a migration file; each runs inside the one migration transaction."""
    statements, buffer = [], []
    for line in script.splitlines():
        if line.strip().startswith("--") and not buffer:
            continue
        buffer.append(line)
        candidate = "\n".join(buffer)
        if sqlite3.complete_statement(candidate):
            statements.append(candidate.strip())
            buffer = []
    if "\n".join(buffer).strip():
        statements.append("\n".join(buffer).strip())
    return statements
