"""Many podcasts and many servers through Discord: the real bot against the tests' fake Discord.
`python -m benchmarks.network_discord MODE [N M]` prints JSON:

  podcasts  N loopback feeds of M episodes: /episode round trips across every show (no `podcast`
            option, so each answer searches them all), the `podcast` option's autocomplete, and
            /admin status with every podcast's line in pages
  servers   the bot in N servers over M shards ("auto"): connecting, memory, and one new episode
            announced in every server's #news, exactly once
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import synthetic
from benchmarks.child import peak_rss_kb
from benchmarks.network import Feeds, _network, _timed
from bot.core.config import DiscordConfig
from bot.core.ingest.heap import settle_after_startup
from bot.core.library import Library
from bot.discord_app.app import bot_for
from bot.discord_app.endpoints import discord_endpoints
from tests.fake_discord import ADMIN_ID, GUILD_ID, FakeDiscord, embed_problems, news_channel

ROUND_TRIPS = 300


async def discord_network(feeds: int = 100, episodes: int = 200) -> dict:
    shows = {f"show-{n}": synthetic.episodes(episodes, seed=n) for n in range(feeds)}
    bodies = {name: synthetic.feed_xml(items) for name, items in shows.items()}
    asked = synthetic.queries([e for items in shows.values() for e in items], ROUND_TRIPS)
    fake = FakeDiscord()
    await fake.start()
    with discord_endpoints(fake.api_base, fake.gateway_url):
        async with _network(bodies) as library:
            started = time.perf_counter()
            await library.sync_all()
            _progress(f"first sync of {feeds} feeds: {time.perf_counter() - started:.1f} s")
            bot = bot_for(library, refresh=False, guild_ready_timeout=0.05)
            await bot.login("fake-token")
            connection = asyncio.create_task(bot.connect())
            await bot.wait_until_ready()
            try:
                for query in asked[:50]:  # warm, as in a running bot
                    await library.search(query)
                settle_after_startup()  # as the bot does once it has started
                _progress("connected")
                episode = await _timed(
                    lambda q: fake.command("episode", [{"name": "query", "type": 3, "value": q}]), asked
                )
                _progress(f"/episode x{len(asked)}: {episode}")
                podcast_choices = await _timed(
                    lambda q: fake.autocomplete("episode", "podcast", q),
                    [f"show-{n}"[: 5 + n % 4] for n in range(feeds)],
                )
                started = time.perf_counter()
                status = await fake.command("admin status", user_id=ADMIN_ID)
                status_ms = (time.perf_counter() - started) * 1000
                page = status.callback["data"]["embeds"]
            finally:
                await bot.close()
                await connection
    await fake.stop()
    assert not fake.violations and not embed_problems(page), fake.violations
    return {
        "feeds": feeds,
        "episodes": feeds * episodes,
        "episode_round_trip_ms": episode,
        "podcast_autocomplete_ms": podcast_choices,
        "status_ms": status_ms,
        "status_pages": int(page[0]["footer"]["text"].split(" of ")[1].split(" ")[0]),
        "peak_rss_mb": peak_rss_kb() / 1024,
    }


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def many_servers(count: int = 2_500, shards: int = 2) -> dict:
    fake = FakeDiscord()
    fake.guild_ids = tuple(((GUILD_ID >> 22) + n) << 22 | 1 for n in range(count))
    fake.recommended_shards = shards
    await fake.start()
    bodies = {"show": synthetic.feed_xml(synthetic.episodes(20, seed=1))}
    with tempfile.TemporaryDirectory() as folder, discord_endpoints(fake.api_base, fake.gateway_url):
        async with Feeds(bodies) as server:
            config = dataclasses.replace(server.config(), discord=DiscordConfig(shards="auto"))
            async with await Library.open(config, db=Path(folder) / "servers.db") as library:
                await library.sync_all()
                for guild_id in fake.guild_ids:
                    await library.store.set_announce_channel(guild_id, news_channel(guild_id))
                bot = bot_for(library, refresh=False, guild_ready_timeout=0.05)
                started = time.perf_counter()
                await bot.login("fake-token")
                connection = asyncio.create_task(bot.connect())
                await bot.wait_until_ready()
                connect_seconds = time.perf_counter() - started
                _progress(f"connected to {len(bot.guilds)} servers in {connect_seconds:.1f} s")
                rss_connected = peak_rss_kb() / 1024
                try:
                    server.bodies["show"] = synthetic.feed_xml(synthetic.episodes(21, seed=1))
                    started = time.perf_counter()
                    await library.sync("show", force=True)
                    await bot.get_cog("Announcements").deliver()  # type: ignore[union-attr]
                    announce_seconds = time.perf_counter() - started
                    posted = sum(len(messages) for messages in fake.messages.values())
                    await bot.get_cog("Announcements").deliver()  # type: ignore[union-attr]
                    again = sum(len(messages) for messages in fake.messages.values()) - posted
                finally:
                    await bot.close()
                    await connection
    await fake.stop()
    return {
        "servers": count,
        "shards": shards,
        "guilds_seen": len(fake.guild_ids),
        "connect_seconds": connect_seconds,
        "announce_seconds": announce_seconds,
        "posted": posted,
        "posted_again": again,
        "peak_rss_mb": max(rss_connected, peak_rss_kb() / 1024),
    }


if __name__ == "__main__":
    measure = {"podcasts": discord_network, "servers": many_servers}[sys.argv[1]]
    print(json.dumps(asyncio.run(measure(*(int(a) for a in sys.argv[2:])))))
