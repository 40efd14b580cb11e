"""`python -m benchmarks.loop_block URL DB URL2`: sync URL, then URL2 into the same store, in a
fresh process, the way the bot would, while a 10 ms ticker measures the event loop; prints JSON
with the longest stall and the second sync's report counts.

A process of its own, so the stalls measured are the sync's, not the benchmark's nor its feed
server's. The structure behind the figure (nothing that grows with the feed runs on the loop) is
tests/core/test_hostile_feeds.py's to check; the figure itself is a measurement, so it is here.
"""

from __future__ import annotations

import asyncio
import json
import sys

from bot.core.config import Config, FeedConfig
from bot.core.library import Library


async def main(url: str, database: str, second_url: str) -> dict[str, object]:
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

    config = Config(feed=FeedConfig(timeout_seconds=120))
    ticker = asyncio.create_task(tick())
    try:
        async with await Library.open(config, db=database, feed=url) as library:
            await library.sync()
        async with await Library.open(config, db=database, feed=second_url) as library:
            report = await library.sync()
    finally:
        ticker.cancel()
    return {"longest_block_seconds": longest, "new": len(report.new), "changed": len(report.changed)}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(*sys.argv[1:4]))))
