"""`python -m tests.heartbeat_probe URL DB [URL2]`: sync URL (then URL2 into the same store, when
given) in a fresh process, the way the bot would, while a 10 ms ticker measures the event loop;
prints JSON with the longest stall and the second sync's report counts.

A process of its own, so the stalls measured are the sync's, not pytest's (whose large heap
makes every garbage-collector pass longer) nor the test's feed server's."""

from __future__ import annotations

import asyncio
import json
import sys

from bot.core.config import FeedConfig
from bot.core.store import Store
from bot.core.sync import Syncer


async def main(url: str, database: str, second_url: str | None) -> dict[str, object]:
    loop = asyncio.get_running_loop()
    longest = 0.0

    async def tick() -> None:
        nonlocal longest
        last = loop.time()
        while True:
            await asyncio.sleep(0.01)
            now = loop.time()
            longest = max(longest, now - last - 0.01)
            last = now

    store = await Store.open(database)
    ticker = asyncio.create_task(tick())
    try:
        config = FeedConfig(timeout_seconds=60)
        await Syncer(store, config, url).sync()
        report = await Syncer(store, config, second_url).sync() if second_url else None
    finally:
        ticker.cancel()
        await store.close()
    counts = {"new": len(report.new), "changed": len(report.changed)} if report else {}
    return {"longest_block_seconds": longest, **counts}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))))
