"""Feed state (validators, failures) and the chapters and transcript files feeds link, per source URL."""

from __future__ import annotations

import json
from collections.abc import Iterable

import aiosqlite

from ..models import (
    Chapter,
    FeedState,
    LinkedFile,
)
from .database import iso, parse_iso, utcnow
from .transcripts import TranscriptTables


class FeedStateTables(TranscriptTables):
    async def feed_state(self, source: str) -> FeedState | None:
        row = await self._fetchone("SELECT * FROM feed_state WHERE source = ?", (source,))
        if row is None:
            return None
        return FeedState(
            source=row["source"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            body_sha256=row["body_sha256"],
            last_attempt=parse_iso(row["last_attempt"]),
            last_success=parse_iso(row["last_success"]),
            last_error=row["last_error"],
            consecutive_failures=row["consecutive_failures"],
            linked_pending=row["linked_pending"],
        )

    async def record_feed_success(self, state: FeedState) -> None:
        """Remember validators of a fetch that changed nothing (304 or the same bytes)."""
        await self._save_feed_state(state)

    async def record_feed_failure(self, source: str, error: str) -> None:
        now = iso(utcnow())
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
                iso(state.last_attempt),
                iso(state.last_success),
                state.linked_pending,
            ),
        )

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

    async def _save_linked_files(self, files: list[LinkedFile]) -> None:
        await self._executemany(
            """INSERT INTO linked_files (url, etag, last_modified, body_sha256, chapters_json, fetched_at,
                                         last_error, failures, next_attempt_at, is_transcript, speakers_json)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                   body_sha256 = excluded.body_sha256, chapters_json = excluded.chapters_json,
                   fetched_at = excluded.fetched_at, last_error = excluded.last_error,
                   failures = excluded.failures, next_attempt_at = excluded.next_attempt_at,
                   is_transcript = excluded.is_transcript, speakers_json = excluded.speakers_json""",
            [
                (
                    f.url,
                    f.etag,
                    f.last_modified,
                    f.body_sha256,
                    None if f.chapters is None else json.dumps([[c.start_seconds, c.title, c.url] for c in f.chapters]),
                    iso(f.fetched_at),
                    f.last_error,
                    f.failures,
                    iso(f.next_attempt_at),
                    int(f.is_transcript),
                    json.dumps(list(f.speakers)) if f.is_transcript else None,
                )
                for f in files
            ],
        )
        await self._save_transcripts([f for f in files if f.passages is not None])


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
        fetched_at=parse_iso(row["fetched_at"]),
        last_error=row["last_error"],
        failures=row["failures"],
        next_attempt_at=parse_iso(row["next_attempt_at"]),
        speakers=tuple(json.loads(row["speakers_json"] or "[]")),
        is_transcript=bool(row["is_transcript"]),
    )
