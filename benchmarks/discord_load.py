"""What members can do to the bot in one process: its memory after many commands, and its
autocomplete under a burst (the real discord.py client against the tests' fake Discord)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import html
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

from bot.core.config import Config
from bot.core.library import Library
from bot.discord_app.app import PodBot
from bot.discord_app.endpoints import discord_endpoints
from tests.fake_discord import MEMBER_ID, FakeDiscord

MIXED = (
    ("episode", "query", "caddy"),
    ("search", "query", "rust"),
    ("topic", "name", "security"),
    ("search", "query", "kotlin java"),
    ("episode", "query", "hand-based interactions"),
    ("latest", None, None),
)
BURST = 100
QUIET_SECONDS = 4.0
LONG_NOTES_EPISODES = 60
LONG_NOTES_CHARS = 100_000


def rss_mb() -> float:
    """The process's resident memory now (not its peak)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


@contextlib.asynccontextmanager
async def connected(database: Path) -> AsyncIterator[tuple[FakeDiscord, PodBot]]:
    fake = FakeDiscord()
    await fake.start()
    with discord_endpoints(fake.api_base, fake.gateway_url):
        async with await Library.open(Config(), db=database) as library:
            bot = PodBot(library=library, refresh=False, guild_ready_timeout=0.05)
            await bot.login("fake-token")
            connection = asyncio.create_task(bot.connect())
            await bot.wait_until_ready()
            try:
                yield fake, bot
            finally:
                await bot.close()
                await connection
                await fake.stop()


async def command(fake: FakeDiscord, name: str, option: str | None, value: str | None) -> None:
    options = [{"name": option, "type": 3, "value": value}] if option else []
    await fake.command(name, options)


async def mixed_commands_growth(database: Path, count: int) -> float:
    """RSS growth in MB over COUNT mixed commands and autocompletes, after a warm-up."""
    async with connected(database) as (fake, _):
        for spec in MIXED:
            await command(fake, *spec)
        gc.collect()
        start = rss_mb()
        for index in range(count):
            if index % 4 == 3:
                await fake.autocomplete("episode", "query", "ca")
            else:
                await command(fake, *MIXED[index % len(MIXED)])
            forget(fake)
        return rss_mb() - start


def forget(fake: FakeDiscord) -> None:
    """Drop what the fake Discord records, which shares the bot's process: only the bot is measured."""
    fake.requests.clear()
    fake.interactions.clear()


def long_notes_feed(path: Path) -> Path:
    """A feed of episodes whose notes are each LONG_NOTES_CHARS long (the notes cap)."""
    filler = ("Engineering notes about rust, kotlin and networking at scale. " * 2000)[:LONG_NOTES_CHARS]
    items = "".join(
        f"<item><title>Engineering {n}</title><guid>long-{n}</guid>"
        f"<pubDate>Mon, {1 + n % 28:02d} Jan 2024 12:00:00 +0000</pubDate>"
        f"<enclosure url='https://cdn.example/long{n}.mp3' type='audio/mpeg' length='1'/>"
        f"<description>{html.escape(filler)}</description></item>"
        for n in range(LONG_NOTES_EPISODES)
    )
    path.write_text(f"<?xml version='1.0'?><rss version='2.0'><channel><title>Long</title>{items}</channel></rss>")
    return path


async def search_burst_growth(cache: Path, count: int) -> float:
    """RSS over the start in MB after COUNT /search at once over long-notes episodes."""
    database = cache / "long-notes.db"
    for stale in cache.glob("long-notes.db*"):
        stale.unlink()
    feed = long_notes_feed(cache / "long-notes.rss")
    async with await Library.open(Config(), db=database, feed=str(feed)) as library:
        await library.sync()
    async with connected(database) as (fake, _):
        await command(fake, "search", "query", "engineering")
        gc.collect()
        start = rss_mb()
        for _ in range(0, count, BURST):  # waves of BURST at once: the fake waits 10 s for each answer
            await asyncio.gather(*(command(fake, "search", "query", "engineering") for _ in range(BURST)))
            forget(fake)
        return rss_mb() - start


async def autocomplete_burst(database: Path, count: int) -> tuple[int, int, int]:
    """COUNT keystrokes from COUNT members at once: (answered within 3 s, answered later,
    never answered)."""
    async with connected(database) as (fake, _):
        answered_after: list[float] = []

        async def answered(record, sent: float) -> None:
            await record.answered.wait()
            answered_after.append(time.monotonic() - sent)

        waiters = []
        for index in range(count):
            record = await fake.send_autocomplete("episode", "query", f"ca{index % 50}", user_id=MEMBER_ID + 1 + index)
            waiters.append(asyncio.create_task(answered(record, time.monotonic())))
        pending = set(waiters)
        while pending:  # until answers stop coming: the rest were dropped
            done, pending = await asyncio.wait(pending, timeout=QUIET_SECONDS)
            if not done:
                break
        for waiter in pending:
            waiter.cancel()
        in_time = sum(1 for seconds in answered_after if seconds <= 3.0)
        return in_time, len(answered_after) - in_time, count - len(answered_after)
