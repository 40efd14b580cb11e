"""Many podcasts in one bot, each measurement in its own process (its peak RSS is its own):
`python -m benchmarks.network MODE` prints JSON.

  not-modified  1,000 feeds on a loopback server, all answering 304 to the second sync of them all
  catalogue     100 feeds x 1,000 episodes: the first sync of them all, then search and
                autocomplete across every show
  broken        100 small feeds synced with and without one of them hanging until its timeout
  topic-counts  10 tagged feeds x 300 episodes: a sync that brings one of them a new episode, with
                the topic counts it brings up to date
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from benchmarks import synthetic
from benchmarks.child import peak_rss_kb
from benchmarks.stores import CACHE
from bot.core.config import Config, FeedConfig, PodcastConfig, RefreshConfig
from bot.core.ingest.heap import settle_after_startup
from bot.core.library import Library
from bot.core.models import SyncReport
from tests.loopback import serve_on_loopback


class Feeds:
    """A loopback server of many feeds, /NAME.xml each, with an ETag; one may hang instead."""

    def __init__(self, bodies: dict[str, bytes], hanging: str | None = None) -> None:
        self.bodies = bodies
        self.hanging = hanging
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._stop = asyncio.Event()

    async def __aenter__(self) -> Feeds:
        app = web.Application()
        app.router.add_get("/{name}.xml", self._serve)
        self._runner, self.port = await serve_on_loopback(app)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._runner is not None
        await self._runner.cleanup()

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name == self.hanging:
            await self._stop.wait()
        etag = f'"{name}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=self.bodies[name], headers={"ETag": etag}, content_type="application/rss+xml")

    def config(self, **refresh: int) -> Config:
        return Config(
            feed=FeedConfig(timeout_seconds=10, max_bytes=500_000_000),
            refresh=RefreshConfig(**refresh),
            listed_podcasts=tuple(
                PodcastConfig(name=name, url=f"http://127.0.0.1:{self.port}/{name}.xml") for name in self.bodies
            ),
        )


def small_feed(name: str, count: int) -> bytes:
    items = synthetic.episodes(count, seed=hash(name) % 10_000)
    return synthetic.feed_xml(items).replace(b"<title>Synthetic</title>", f"<title>{name}</title>".encode(), 1)


async def not_modified(feeds: int = 1_000) -> dict:
    bodies = {f"show-{n}": small_feed(f"show-{n}", 3) for n in range(feeds)}
    async with _network(bodies) as library:
        started = time.perf_counter()
        first = await library.sync_all()
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = await library.sync_all()
        seconds = time.perf_counter() - started
    assert all(not isinstance(r, Exception) for r in first)
    assert all(not isinstance(r, Exception) and r.not_modified for r in again)
    return {"feeds": feeds, "first_sync_seconds": first_seconds, "seconds": seconds}


async def catalogue(feeds: int = 100, episodes: int = 1_000, queries: int = 1_000) -> dict:
    """The first sync of FEEDS feeds of EPISODES items (once: the store is kept in
    benchmarks/.cache and its sync time beside it), then searches across all shows and ten."""
    folder = CACHE / f"network-{feeds}x{episodes}"
    database, timing = folder / "network.db", folder / "sync.json"
    config = Config(
        feed=FeedConfig(max_bytes=500_000_000),
        listed_podcasts=tuple(PodcastConfig(f"show-{n}", str(folder / f"show-{n}.xml")) for n in range(feeds)),
    )
    if not timing.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        # Written by another process, so that this one's peak RSS is podbot's alone.
        subprocess.run(
            [sys.executable, "-m", "benchmarks.network", "write", str(folder), str(feeds), str(episodes), str(queries)],
            check=True,
        )
        async with await Library.open(config, db=database) as library:
            started = time.perf_counter()
            reports = await library.sync_all()
            seconds = time.perf_counter() - started
            assert all(not isinstance(r, Exception) for r in reports)
        timing.write_text(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_kb() / 1024}))
    synced = json.loads(timing.read_text())
    asked = json.loads((folder / "queries.json").read_text())
    async with await Library.open(config, db=database) as library:
        for query in asked:  # warm, as in a running bot
            await library.search(query)
        settle_after_startup()  # as the bot does once it has started
        search = await _timed(library.search, asked)
        suggest = await _timed(lambda q: library.suggest(q, 25), asked)
        some = library.podcast_names[:10]  # a guild that sees ten of the shows
        scoped = await _timed(lambda q: library.search(q, podcasts=some), asked)
        total = sum(p.episodes for p in await library.podcasts())
    return {
        "feeds": feeds,
        "episodes": total,
        "sync_seconds": synced["seconds"],
        "search_ms": search,
        "suggest_ms": suggest,
        "scoped_search_ms": scoped,
        "peak_rss_mb": max(synced["peak_rss_mb"], peak_rss_kb() / 1024),
    }


def write_catalogue(folder: str, feeds: int, episodes: int, queries: int) -> None:
    """FEEDS synthetic feeds of EPISODES items each in FOLDER, and QUERIES queries over them."""
    every = []
    for n in range(feeds):
        items = synthetic.episodes(episodes, seed=n)
        Path(folder, f"show-{n}.xml").write_bytes(synthetic.feed_xml(items))
        every += items[:: max(1, feeds // 10)]  # a sample of each show to ask about
    Path(folder, "queries.json").write_text(json.dumps(synthetic.queries(every, queries)))


async def broken(feeds: int = 100, episodes: int = 30) -> dict:
    bodies = {f"show-{n}": small_feed(f"show-{n}", episodes) for n in range(feeds)}
    found = {}
    for hanging in (None, "show-0"):
        async with _network(bodies, hanging) as library:
            found["healthy" if hanging is None else "one hanging"] = await _each_synced(library)
    return found


async def topic_counts(feeds: int = 10, episodes: int = 300) -> dict:
    """The first sync of FEEDS tagged feeds, then one that brings the first of them a new episode:
    how long that sync takes, topics, related episodes and topic counts included."""
    shows = {f"show-{n}": synthetic.episodes(episodes, seed=n, tagged=True) for n in range(feeds)}
    bodies = {name: synthetic.feed_xml(items) for name, items in shows.items()}
    async with Feeds(bodies) as server, contextlib.AsyncExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        library = await stack.enter_async_context(await Library.open(server.config(), db=Path(folder) / "t.db"))
        started = time.perf_counter()
        await library.sync_all()
        first_seconds = time.perf_counter() - started
        while not await library.update_related():  # what later syncs would do first, at most 500 a sync
            pass
        topics = len(await library.topics(podcasts=["show-0"]))
        newest = dataclasses.replace(synthetic.episodes(1, seed=1_000, tagged=True)[0], guid="new")
        server.bodies["show-0"] = synthetic.feed_xml([newest, *shows["show-0"]])
        started = time.perf_counter()
        report = await library.sync("show-0", force=True)  # the same ETag: asked again unconditionally
        seconds = time.perf_counter() - started
    assert len(report.new) == 1
    return {
        "feeds": feeds,
        "episodes": episodes,
        "topics_a_show": topics,
        "first_sync_seconds": first_seconds,
        "one_show_sync_seconds": seconds,
    }


@contextlib.asynccontextmanager
async def _network(bodies: dict[str, bytes], hanging: str | None = None) -> AsyncIterator[Library]:
    """A library following every feed of BODIES, served on loopback, in a fresh store."""
    with tempfile.TemporaryDirectory() as folder:
        async with (
            Feeds(bodies, hanging) as server,
            await Library.open(server.config(), db=Path(folder) / "network.db") as library,
        ):
            yield library


async def _each_synced(library: Library) -> dict:
    """Each healthy podcast's own sync time (SyncReport.seconds) and when they were all done,
    synced by sync_all (at most refresh.feeds_at_once at a time)."""
    started = time.perf_counter()
    done = 0.0

    async def heard(report: SyncReport) -> None:
        nonlocal done
        done = time.perf_counter() - started

    library.on_synced(heard)
    reports = [r for r in await library.sync_all() if isinstance(r, SyncReport)]
    durations = sorted(report.seconds for report in reports)
    return {
        "median_s": statistics.median(durations),
        "p99_s": durations[int(len(durations) * 0.99) - 1],
        "others_done_s": done,
        "synced": len(durations),
    }


async def _timed(call, arguments: list[str]) -> tuple[float, float, float]:
    samples = []
    for argument in arguments:
        began = time.perf_counter()
        await call(argument)
        samples.append((time.perf_counter() - began) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99)], ordered[-1]


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write_catalogue(sys.argv[2], *(int(a) for a in sys.argv[3:6]))
    else:
        measure = {
            "not-modified": not_modified,
            "catalogue": catalogue,
            "broken": broken,
            "topic-counts": topic_counts,
        }[sys.argv[1]]
        print(json.dumps(asyncio.run(measure(*(int(a) for a in sys.argv[2:])))))
