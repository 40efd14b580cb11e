"""One sync measurement in its own process, so its peak RSS is its own: prints JSON."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time

from aiohttp import web

from bot.config import FeedConfig
from bot.store import Store
from bot.sync import Syncer
from tests.loopback import serve_on_loopback


async def run(mode: str, feed: str, database: str) -> float:
    store = await Store.open(database)
    try:
        if mode == "sync":
            syncer = Syncer(store, FeedConfig(max_bytes=500_000_000), feed)
            started = time.perf_counter()
            await syncer.sync()
            return time.perf_counter() - started
        return await _sync_304(store, feed)
    finally:
        await store.close()


async def _sync_304(store: Store, feed: str) -> float:
    """A loopback server with an ETag: the first sync fills the state, the timed one gets a 304."""
    body = open(feed, "rb").read()

    async def serve(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"bench"':
            return web.Response(status=304)
        return web.Response(body=body, headers={"ETag": '"bench"'}, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", serve)
    runner, port = await serve_on_loopback(app)
    try:
        syncer = Syncer(store, FeedConfig(max_bytes=500_000_000), f"http://127.0.0.1:{port}/feed.xml")
        await syncer.sync()
        started = time.perf_counter()
        report = await syncer.sync()
        assert report.not_modified
        return time.perf_counter() - started
    finally:
        await runner.cleanup()


def peak_rss_kb() -> int:
    """This process's own high-water mark. ru_maxrss would also count the parent's pages that
    this process held between fork and exec; VmHWM starts afresh at exec."""
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    seconds = asyncio.run(run(*sys.argv[1:4]))
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_kb() / 1024}))
