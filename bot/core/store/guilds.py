"""Per-guild settings and the announcement outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.core.sync.identity import ANNOUNCED_GROUPS

from ..models import (
    GuildSettings,
    OutboxRow,
    OutboxSummary,
)
from .database import Database, iso, parse_iso, utcnow


class GuildTables(Database):
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
        now = iso(utcnow())
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
            (iso(utcnow()), guild_id, channel_id, *codes),
        )

    async def set_announce_note(self, guild_id: int, note: str) -> None:
        await self._execute(
            "UPDATE guild_settings SET announce_note = ?, updated_at = ? WHERE guild_id = ?",
            (note, iso(utcnow()), guild_id),
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
        now = iso(utcnow())
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
        now = iso(utcnow())
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
        return int(await self._fetchvalue("SELECT count(*) FROM outbox WHERE state = ?", (state,)))

    async def announcements(self, state: str, *, due_only: bool = False) -> list[OutboxRow]:
        """Rows in STATE for each guild's current channel, oldest episode first."""
        due = "AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)" if due_only else ""
        params: tuple[Any, ...] = (state, iso(utcnow())) if due_only else (state,)
        rows = await self._fetchall(
            f"""SELECT o.* FROM outbox o
                JOIN guild_settings g ON g.guild_id = o.guild_id AND g.announce_channel_id = o.channel_id
                JOIN episodes e ON e.id = o.episode_id
                WHERE o.state = ? {due}
                ORDER BY o.channel_id, e.published IS NULL, e.published, e.id""",
            params,
        )
        return [_outbox_row(row) for row in rows]

    async def stale_announcements(self, posted_since: dt.datetime) -> list[OutboxRow]:
        """Announcements posted since POSTED_SINCE whose episode's title, notes or chapters
        changed since, the most recently posted first."""
        rows = await self._fetchall(
            f"""SELECT o.* FROM outbox o JOIN episodes e ON e.id = o.episode_id
                WHERE o.state = 'sent' AND o.message_id IS NOT NULL AND o.posted_at >= ?
                  AND o.posted_fingerprint IS NOT {_ANNOUNCED_FINGERPRINT}
                ORDER BY o.posted_at DESC, o.id DESC""",
            (iso(posted_since),),
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
        digest: str | None = None,
    ) -> None:
        """Move rows to STATE; 'sent' also records the message, when it was first posted and
        what it showed (the episode's fingerprint and DIGEST, the rendered payload's)."""
        marks = ",".join("?" * len(ids))
        now = iso(utcnow())
        await self._execute(
            f"""UPDATE outbox SET state = ?, message_id = COALESCE(?, message_id),
                    last_error = ?, error_code = ?, next_attempt_at = ?, attempts = attempts + ?,
                    posted_fingerprint = CASE WHEN ? = 'sent' THEN (
                        SELECT {_ANNOUNCED_FINGERPRINT} FROM episodes e WHERE e.id = outbox.episode_id)
                        ELSE posted_fingerprint END,
                    posted_at = CASE WHEN ? = 'sent' THEN COALESCE(posted_at, ?) ELSE posted_at END,
                    posted_digest = COALESCE(?, posted_digest),
                    updated_at = ?
                WHERE id IN ({marks})""",
            (
                state,
                message_id,
                error,
                error_code,
                iso(retry_at),
                int(count_attempt),
                state,
                state,
                now,
                digest,
                now,
                *ids,
            ),
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


# What an announcement shows, computed in SQL from the same field groups sync fingerprints.
_ANNOUNCED_FINGERPRINT = (
    "(" + " || ':' || ".join(f"json_extract(e.fingerprint_json, '$.{group}')" for group in ANNOUNCED_GROUPS) + ")"
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
        created_at=parse_iso(row["created_at"]),
        updated_at=parse_iso(row["updated_at"]),
        posted_digest=row["posted_digest"],
    )
