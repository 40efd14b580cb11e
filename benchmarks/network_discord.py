"""Many podcasts through Discord: the real bot against the tests' fake Discord, over FEEDS loopback
feeds of EPISODES each. `python -m benchmarks.network_discord [FEEDS] [EPISODES]` prints JSON:
/episode round trips across every show (no `podcast` option, so each answer searches them all),
the `podcast` option's autocomplete, and /admin status with every podcast's line in pages."""

from __future__ import annotations

import asyncio
import json
import sys
import time

from benchmarks import synthetic
from benchmarks.child import peak_rss_kb
from benchmarks.network import _network, _timed
from bot.discord_app.app import bot_for
from bot.discord_app.endpoints import discord_endpoints
from tests.fake_discord import ADMIN_ID, FakeDiscord, embed_problems

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


if __name__ == "__main__":
    print(json.dumps(asyncio.run(discord_network(*(int(a) for a in sys.argv[1:])))))
