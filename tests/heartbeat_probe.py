"""`python -m tests.heartbeat_probe URL DB [URL2]`: sync URL (then URL2 into the same store, when
given) in a fresh process, the way the bot would, while a 10 ms ticker measures the event loop;
prints JSON with the longest stall and the second sync's report counts.

A process of its own, so the stalls measured are the sync's, not pytest's (whose large heap
makes every garbage-collector pass longer) nor the test's feed server's."""

from __future__ import annotations

import asyncio
import json
import sys

from bot.core.config import Config, FeedConfig
from bot.core.library import Library


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

    config = Config(feed=FeedConfig(timeout_seconds=60))
    ticker = asyncio.create_task(tick())
    try:
        async with await Library.open(config, db=database, feed=url) as library:
            await library.sync()
        report = None
        if second_url:
            async with await Library.open(config, db=database, feed=second_url) as library:
                report = await library.sync()
    finally:
        ticker.cancel()
    counts = {"new": len(report.new), "changed": len(report.changed)} if report else {}
    return {"longest_block_seconds": longest, **counts}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))))
