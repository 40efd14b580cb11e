"""Per-guild settings and the announcement outbox."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
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
    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        super().__init__(connection, path)
        # Which podcasts each guild sees, once read or set here: asked by every command and
        # keystroke, changed only by /admin podcasts, in the process that serves that guild.
        self._guilds_see: dict[int, tuple[str, ...] | None] = {}

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        row = await self._fetchone(
            """SELECT guild_id, announce_channel_id, announce_role_id, announce_since, announce_note
               FROM guild_settings WHERE guild_id = ?""",
            (guild_id,),
        )
        return GuildSettings(**dict(row)) if row else GuildSettings(guild_id=guild_id)

    async def set_announce_channel(self, guild_id: int, channel_id: int | None) -> None:
        """Point announcements of every podcast at CHANNEL_ID (None: off; routes of single
        podcasts stay). Episodes already stored are not announced in a newly chosen channel;
        announcements that failed there are tried again."""
        now = iso(utcnow())
        async with self._transaction():
            current = await self._fetchone(
                "SELECT channel_id FROM announce_routes WHERE guild_id = ? AND podcast = ''", (guild_id,)
            )
            if current is None or current[0] != channel_id:
                await self._execute("DELETE FROM announce_routes WHERE guild_id = ? AND podcast = ''", (guild_id,))
                if channel_id is not None:
                    role = await self._fetchvalue(
                        "SELECT (SELECT announce_role_id FROM guild_settings WHERE guild_id = ?)", (guild_id,)
                    )
                    await self.add_announce_route(guild_id, channel_id, None, role)
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
            "UPDATE announce_routes SET role_id = ? WHERE guild_id = ? AND podcast = ''", (role_id, guild_id)
        )
        await self._execute(
            """INSERT INTO guild_settings (guild_id, announce_role_id, updated_at) VALUES (?, ?, ?)
               ON CONFLICT (guild_id) DO UPDATE SET announce_role_id = excluded.announce_role_id,
                   updated_at = excluded.updated_at""",
            (guild_id, role_id, now),
        )

    # -- where announcements go, and which podcasts a guild sees ----------------------------

    async def announce_routes(self, guild_id: int) -> list[AnnounceRoute]:
        """GUILD_ID's announcement routes: each channel with the podcast it takes (None: all)."""
        rows = await self._fetchall(
            "SELECT channel_id, podcast, role_id FROM announce_routes WHERE guild_id = ? ORDER BY channel_id, podcast",
            (guild_id,),
        )
        return [AnnounceRoute(row[0], row[1] or None, row[2]) for row in rows]

    async def add_announce_route(
        self, guild_id: int, channel_id: int, podcast: str | None, role_id: int | None = None
    ) -> None:
        """Announce PODCAST's new episodes (None: every podcast's) in CHANNEL_ID, pinging ROLE_ID.
        Episodes already stored are not announced there; announcements that failed there are
        tried again."""
        now = iso(utcnow())
        async with self._transaction():
            await self._execute(
                """INSERT INTO announce_routes (guild_id, channel_id, podcast, role_id, since) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (guild_id, channel_id, podcast) DO UPDATE SET role_id = excluded.role_id""",
                (guild_id, channel_id, podcast or "", role_id, now),
            )
            await self.retry_failed_announcements(guild_id, channel_id)

    async def remove_announce_route(self, guild_id: int, channel_id: int, podcast: str | None) -> None:
        await self._execute(
            "DELETE FROM announce_routes WHERE guild_id = ? AND channel_id = ? AND podcast = ?",
            (guild_id, channel_id, podcast or ""),
        )

    async def guild_podcasts(self, guild_id: int) -> tuple[str, ...] | None:
        """The podcasts GUILD_ID sees, by name (None: every podcast)."""
        if guild_id not in self._guilds_see:
            listed = await self._fetchvalue(
                "SELECT (SELECT podcasts_json FROM guild_settings WHERE guild_id = ?)", (guild_id,)
            )
            self._guilds_see[guild_id] = None if listed is None else tuple(json.loads(listed))
        return self._guilds_see[guild_id]

    async def set_guild_podcasts(self, guild_id: int, names: Sequence[str] | None) -> None:
        listed = None if names is None else json.dumps(list(dict.fromkeys(names)))
        await self._execute(
            """INSERT INTO guild_settings (guild_id, podcasts_json, updated_at) VALUES (?, ?, ?)
               ON CONFLICT (guild_id) DO UPDATE SET podcasts_json = excluded.podcasts_json,
                   updated_at = excluded.updated_at""",
            (guild_id, listed, iso(utcnow())),
        )
        self._guilds_see.pop(guild_id, None)

    # -- announcement outbox ----------------------------------------------------------------

    async def enqueue_announcements(self, podcast: str | None = None) -> int:
        """An outbox row for every stored episode in every channel a route sends its podcast to
        (of the podcasts its guild sees) that has none: pending when it is news there, skipped
        when it was already stored. One row per (episode, channel), however many routes lead
        there. PODCAST: only that podcast's episodes (the one a sync just wrote), which spares a
        network's other episodes a look. Returns pending rows made."""
        now = iso(utcnow())
        before = await self._count_outbox("pending")
        await self._execute(
            """INSERT INTO outbox (episode_id, guild_id, channel_id, state, nonce, created_at, updated_at)
               SELECT e.id, r.guild_id, r.channel_id,
                      CASE WHEN max(e.announceable = 1 AND e.first_seen > r.since) THEN 'pending' ELSE 'skipped' END,
                      lower(hex(randomblob(10))), ?1, ?1
               FROM episodes e JOIN podcasts p ON p.id = e.podcast_id
               JOIN announce_routes r ON r.podcast = '' OR r.podcast = p.name
               LEFT JOIN guild_settings g ON g.guild_id = r.guild_id
               WHERE e.removed_at IS NULL
                 AND (g.podcasts_json IS NULL OR p.name IN (SELECT value FROM json_each(g.podcasts_json)))
                 AND (?2 IS NULL OR p.name = ?2)
                 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.episode_id = e.id AND o.channel_id = r.channel_id)
               GROUP BY e.id, r.channel_id""",
            (now, podcast),
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
                JOIN episodes e ON e.id = o.episode_id
                WHERE o.state = ? {due}
                  AND EXISTS (SELECT 1 FROM announce_routes r JOIN podcasts p ON p.id = e.podcast_id
                              WHERE r.guild_id = o.guild_id AND r.channel_id = o.channel_id
                                AND (r.podcast = '' OR r.podcast = p.name))
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


@dataclass(frozen=True, slots=True)
class AnnounceRoute:
    """A channel a guild's announcements go to, of one podcast (None: of every podcast)."""

    channel_id: int
    podcast: str | None
    role_id: int | None = None


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
