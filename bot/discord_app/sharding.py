"""Several gateway connections (shards) IDENTIFYing as fast as Discord allows, and no faster.

Discord takes one IDENTIFY per rate-limit bucket every 5 seconds; a bot has `max_concurrency`
buckets (1 for most bots, 16 or more for large ones) and shard k is in bucket k % max_concurrency.
discord.py's default waits 5 s before every shard but the first, so 16 shards of a large bot
take 75 s to connect where Discord allows 0.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

IDENTIFY_INTERVAL_SECONDS = 5.0


class IdentifyPacing:
    def __init__(self, max_concurrency: int = 1) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self._last: dict[int, float] = {}  # bucket -> when its last IDENTIFY went out (loop time)
        self._turns: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def bucket(self, shard_id: int) -> int:
        return shard_id % self.max_concurrency

    def delay(self, shard_id: int, now: float) -> float:
        """Seconds shard SHARD_ID must still wait at NOW before it may IDENTIFY."""
        last = self._last.get(self.bucket(shard_id))
        return 0.0 if last is None else max(0.0, last + IDENTIFY_INTERVAL_SECONDS - now)

    def identified(self, shard_id: int, now: float) -> None:
        self._last[self.bucket(shard_id)] = now

    async def wait_turn(self, shard_id: int) -> None:
        """Return when shard SHARD_ID may IDENTIFY, and count it as done."""
        loop = asyncio.get_running_loop()
        async with self._turns[self.bucket(shard_id)]:
            if wait := self.delay(shard_id, loop.time()):
                await asyncio.sleep(wait)
            self.identified(shard_id, loop.time())
