"""Autocomplete under a burst: answer only what can still reach Discord in time.

Discord drops an autocomplete answer that comes more than 3 s after the keystroke, and a member
typing sends one request per key. Requests wait here for the search, one at a time; when its turn
comes, a request whose deadline (its interaction's creation time + 3 s, less the time an answer
takes) has passed, or that the same member's newer keystroke in the same command replaced, is
dropped unanswered instead of spending the search on it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

log = logging.getLogger(__name__)
DISCORD_DEADLINE = dt.timedelta(seconds=3)
# Time kept for searching and sending the answer once a request's turn comes.
ANSWER_MARGIN = dt.timedelta(milliseconds=500)
_T = TypeVar("_T")


class Dropped(Exception):
    """An autocomplete request that can no longer be answered usefully; discord.py sends nothing."""


def too_late(created_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    return (now or discord.utils.utcnow()) > created_at + DISCORD_DEADLINE - ANSWER_MARGIN


class AutocompleteGate:
    def __init__(self) -> None:
        self._turn = asyncio.Lock()
        self._latest: dict[tuple[int, str], int] = {}  # (member, command) -> newest interaction id

    async def answer(self, interaction: discord.Interaction, work: Callable[[], Awaitable[_T]]) -> _T:
        key = (interaction.user.id, interaction.command.qualified_name if interaction.command else "")
        self._latest[key] = max(self._latest.get(key, 0), interaction.id)
        try:
            async with self._turn:
                if self._latest[key] != interaction.id:
                    raise Dropped("superseded by a newer keystroke")
                if too_late(interaction.created_at):
                    raise Dropped("past Discord's deadline")
                return await work()
        finally:
            if self._latest.get(key) == interaction.id:
                del self._latest[key]


class QuietDrops(logging.Filter):
    """discord.py logs every exception an autocomplete raises; a drop is on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, Dropped):
            log.debug("autocomplete dropped: %s", error)
            return False
        return True
