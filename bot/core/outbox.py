"""Rules for turning pending outbox rows into messages, and for retrying them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from .models import OutboxRow

# Discord errors that retrying cannot fix until someone changes a permission or the settings.
# Unknown channel, missing access or permissions, and a payload Discord refused (invalid form body).
PERMANENT_ERROR_CODES = frozenset({10003, 50001, 50013, 50035})
# Of those, the ones that regaining a permission fixes.
PERMISSION_ERROR_CODES = frozenset({50001, 50013})
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to post: a single episode, or a digest of several in one channel."""

    guild_id: int
    channel_id: int
    rows: tuple[OutboxRow, ...]

    @property
    def is_digest(self) -> bool:
        return len(self.rows) > 1

    @property
    def nonce(self) -> str:
        # Discord keeps nonces to 25 characters; a digest reuses its first row's.
        return self.rows[0].nonce[:25]

    @property
    def row_ids(self) -> list[int]:
        return [row.id for row in self.rows]


def plan_deliveries(
    rows: list[OutboxRow],
    digest_after: int,
    stale_after: dt.timedelta | None = None,
    now: dt.datetime | None = None,
) -> list[Delivery]:
    """Each channel's pending rows as separate posts, or one digest when there are more than
    DIGEST_AFTER of them (after downtime, or a feed that published a batch), or when some waited
    longer than STALE_AFTER (a channel that was closed to the bot for days: old news, summed up)."""
    by_channel: dict[tuple[int, int], list[OutboxRow]] = defaultdict(list)
    for row in rows:
        by_channel[(row.guild_id, row.channel_id)].append(row)
    now = now or dt.datetime.now(dt.UTC)
    deliveries = []
    for (guild_id, channel_id), channel_rows in by_channel.items():
        stale = stale_after is not None and any(
            row.created_at is not None and now - row.created_at > stale_after for row in channel_rows
        )
        if len(channel_rows) > digest_after or (stale and len(channel_rows) > 1):
            deliveries.append(Delivery(guild_id, channel_id, tuple(channel_rows)))
        else:
            deliveries.extend(Delivery(guild_id, channel_id, (row,)) for row in channel_rows)
    return deliveries


def retry_delay(attempts: int) -> dt.timedelta:
    """Doubling from 30 s, never more than an hour."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_RETRY)
