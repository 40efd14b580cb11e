"""/episode through the real discord.py client and the tests' fake Discord, in one process."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

from bot.core.config import Config
from bot.core.library import Library
from bot.discord_app.app import PodBot
from bot.discord_app.endpoints import discord_endpoints
from tests.fake_discord import FakeDiscord

QUERIES = ("caddy", "cadddy", "#64", "rust", "kotlin java", "hand-based interactions", "stylex", "elaine")


async def episode_round_trips(database: Path, count: int) -> tuple[float, float, float]:
    """p50, p99 and max in ms from dispatching INTERACTION_CREATE to the callback arriving."""
    fake = FakeDiscord()
    await fake.start()
    samples = []
    with discord_endpoints(fake.api_base, fake.gateway_url):
        async with await Library.open(Config(), db=database) as library:
            bot = PodBot(library=library, refresh=False, guild_ready_timeout=0.05)
            await bot.login("fake-token")
            connection = asyncio.create_task(bot.connect())
            await bot.wait_until_ready()
            try:
                for index in range(count):
                    query = QUERIES[index % len(QUERIES)]
                    started = time.perf_counter()
                    await fake.command("episode", [{"name": "query", "type": 3, "value": query}])
                    samples.append((time.perf_counter() - started) * 1000)
            finally:
                await bot.close()
                await connection
                await fake.stop()
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99)], ordered[-1]
