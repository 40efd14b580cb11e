"""Transcript passages and their full-text index (transcript_fts, apart from the episode index)."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import LinkedFile
from .database import Database


class TranscriptTables(Database):
    async def _save_transcripts(self, files: Sequence[LinkedFile]) -> None:
        """Each of FILES' passages in place of those its previous download gave, those of files no
        episode names any more forgotten, and the terms counted again (one pass over the
        vocabulary, at sync time, so a query reads a few rows)."""
        if not files:
            return
        unnamed = await self._fetchall(
            """SELECT DISTINCT url FROM transcript_passages
               WHERE url NOT IN (SELECT url FROM episode_transcripts)"""
        )
        for url in [row[0] for row in unnamed]:
            await self._forget_passages(url)
        for file in files:
            await self._forget_passages(file.url)
            first_id = await self._fetchvalue("SELECT coalesce(max(id), 0) + 1 FROM transcript_passages")
            rows = [
                (first_id + position, file.url, position, p.start_seconds, p.end_seconds, "\n".join(p.speakers), p.text)
                for position, p in enumerate(file.passages or ())
            ]
            await self._executemany(
                """INSERT INTO transcript_passages (id, url, position, start_seconds, end_seconds, speakers, text)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                rows,
            )
            await self._executemany(
                "INSERT INTO transcript_fts (rowid, text, speakers) VALUES (?, ?, ?)",
                [(row[0], row[6], row[5]) for row in rows],
            )
        await self._execute("DELETE FROM transcript_terms")
        await self._execute(
            """INSERT INTO transcript_terms (term, first, length, documents)
               SELECT term, substr(term, 1, 1), length(term), doc FROM transcript_fts_terms"""
        )

    async def _forget_passages(self, url: str) -> None:
        # An external-content index forgets a row only when told its old text.
        await self._execute(
            """INSERT INTO transcript_fts (transcript_fts, rowid, text, speakers)
               SELECT 'delete', id, text, speakers FROM transcript_passages WHERE url = ?""",
            (url,),
        )
        await self._execute("DELETE FROM transcript_passages WHERE url = ?", (url,))

    async def transcript_status(self, podcast_id: int | None = None) -> tuple[int, int]:
        """How many transcripts PODCAST_ID's episodes (None: every podcast's) have stored, and how
        many failed their last download (retried later)."""
        of_podcast = "" if podcast_id is None else "AND e.podcast_id = ?"
        row = await self._fetchone(
            f"""SELECT coalesce(sum(f.failures = 0 AND f.body_sha256 IS NOT NULL), 0), coalesce(sum(f.failures > 0), 0)
                FROM linked_files f
                WHERE f.is_transcript = 1 AND f.url IN (
                    SELECT t.url FROM episode_transcripts t JOIN episodes e ON e.id = t.episode_id
                    WHERE e.removed_at IS NULL {of_podcast})""",
            () if podcast_id is None else (podcast_id,),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)
