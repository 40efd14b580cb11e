"""/episode through the real discord.py client and the tests' fake Discord, in one process."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from .discord_load import connected

QUERIES = ("caddy", "cadddy", "#64", "rust", "kotlin java", "hand-based interactions", "stylex", "elaine")


async def episode_round_trips(database: Path, count: int) -> tuple[float, float, float]:
    """p50, p99 and max in ms from dispatching INTERACTION_CREATE to the callback arriving."""
    samples = []
    async with connected(database) as (fake, _):
        for index in range(count):
            query = QUERIES[index % len(QUERIES)]
            started = time.perf_counter()
            await fake.command("episode", [{"name": "query", "type": 3, "value": query}])
            samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99)], ordered[-1]
