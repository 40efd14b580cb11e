"""`make bench`: podbot's speed and size, printed as one table and written to benchmarks/RESULTS.md.

Measurements, not tests: nothing here passes or fails. Synthetic stores of 10,000 and 100,000
episodes are generated from a fixed seed and cached in benchmarks/.cache (never committed).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.core.config import FeedConfig
from bot.core.feed import resolve_source
from bot.core.identity import EpisodeWrite, fingerprint
from bot.core.models import FeedState, PodcastInfo
from bot.core.search import Searcher, SearchIndex
from bot.core.store import Store
from bot.core.sync import Syncer

from . import synthetic

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
QUERIES = 1000
ROUND_TRIPS = 500
COLD_STARTS = 5
TARGETS = {
    ("autocomplete", "10k"): "p99 < 5 ms",
    ("autocomplete", "100k"): "p99 < 30 ms",
    ("search", "10k"): "p99 < 10 ms",
}


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return (statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], ordered[-1])


async def timed(calls: list[Callable[[], Awaitable[object]]]) -> tuple[float, float, float]:
    samples = []
    for call in calls:
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


async def snapshot_store(path: Path) -> Store:
    if path.exists():
        path.unlink()
    store = await Store.open(path)
    await Syncer(store, FeedConfig(), resolve_source("")).sync()
    return store


async def synthetic_store(count: int) -> Store:
    """A store of COUNT synthetic episodes, built once and cached."""
    path = CACHE / f"store-{count}-seed1234.db"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        building = path.with_suffix(".building")
        for stale in CACHE.glob(building.name + "*"):
            stale.unlink()
        store = await Store.open(building)
        items = synthetic.episodes(count)
        for start in range(0, count, 5000):
            batch = [EpisodeWrite(None, e, fingerprint(e)) for e in items[start : start + 5000]]
            await store.apply_sync(PodcastInfo("Synthetic"), batch, [], FeedState(source="synthetic"))
        await store.close()
        building.rename(path)
    return await Store.open(path)


async def search_rows(label: str, store: Store) -> list[list[str]]:
    searcher = Searcher(store)
    index = await searcher.index()
    queries = synthetic.queries(index.episodes, QUERIES)
    titles = [episode.title for episode in index.episodes]
    rows = []
    measured = (
        ("search", searcher.search),
        ("autocomplete", searcher.autocomplete),
        ("baseline: rapidfuzz extract over titles", functools.partial(extract_titles, titles)),
    )
    for name, call in measured:
        stats = await timed([functools.partial(call, query) for query in queries])
        target = TARGETS.get((name, label), "")
        rows.append([f"{name} ({label}, {len(index.episodes):,} episodes)", *(f"{v:.2f} ms" for v in stats), target])
    return rows


async def extract_titles(titles: list[str], query: str) -> object:
    """What a plain fuzzy matcher costs: rapidfuzz's default scorer over every title."""
    return process.extract(query, titles, limit=10)


async def huge_vocabulary_rows(store: Store) -> list[list[str]]:
    """Search when a feed's notes hold two million distinct words (a hostile feed's trick): the
    typo expansion looks at a bounded slice of the vocabulary, not all of it."""
    searcher = Searcher(store)
    index = await searcher.index()
    counts = dict(index.document_counts)
    counts.update(synthetic.junk_words(2_000_000))
    searcher._index = SearchIndex(index.episodes, counts, index.generation)
    queries = synthetic.queries(index.episodes, 300)
    vocabulary = searcher._index.vocabulary
    rows = []
    for name, call in (
        ("search, 2M-word vocabulary", searcher.search),
        ("baseline: fuzzy expansion over the whole 2M vocabulary", functools.partial(extract_words, vocabulary)),
    ):
        sample = queries if name.startswith("search") else queries[:30]  # the baseline is slow
        stats = await timed([functools.partial(call, query) for query in sample])
        rows.append([name, *(f"{v:.2f} ms" for v in stats), "p99 < 10 ms" if name.startswith("search") else ""])
    return rows


async def extract_words(vocabulary: list[str], query: str) -> object:
    """What the typo expansion cost before it was bounded: rapidfuzz over every indexed term."""
    return [
        process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=75, limit=12)
        for word in query.lower().split()
        if len(word) >= 4
    ]


def chapter_bomb_row() -> list[str]:
    result = child("bomb", "-", str(CACHE / "bomb.db"))
    return [
        "sync of a feed naming 50 chapters files of 20 MB (chunked)",
        f"{result['seconds']:.2f} s",
        f"peak RSS {result['peak_rss_mb']:.0f} MB",
        "",
        "bounded: 1 MB each, 20 MB a sync",
    ]


def child(mode: str, *args: str) -> dict:
    """Run one measurement in a fresh process and read its own peak RSS."""
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.child", mode, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(output.stdout)


def sync_rows() -> list[list[str]]:
    CACHE.mkdir(exist_ok=True)
    feed = CACHE / "feed-10000.xml"
    if not feed.exists():
        feed.write_bytes(synthetic.feed_xml(synthetic.episodes(10_000, seed=77)))
    database = CACHE / "sync-10000.db"
    for stale in CACHE.glob("sync-10000.db*"):
        stale.unlink()
    rows = []
    for mode, label, target in (
        ("sync", "initial sync of a 10k-item feed file", "< 20 s, RSS < 300 MB"),
        ("sync", "unchanged re-sync, same bytes", "< 1 s"),
        ("sync-304", "unchanged re-sync, HTTP 304", "< 1 s"),
    ):
        result = child(mode, str(feed), str(database))
        rows.append([label, f"{result['seconds']:.2f} s", f"peak RSS {result['peak_rss_mb']:.0f} MB", "", target])
    return rows


def cold_start_row(database: Path) -> list[str]:
    samples = []
    for _ in range(COLD_STARTS):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "search", "caddy", "--db", str(database)],
            capture_output=True,
            check=True,
            cwd=ROOT,
        )
        samples.append(time.perf_counter() - started)
    return [
        "cold start: python -m bot search caddy",
        f"{statistics.median(samples):.2f} s",
        f"min {min(samples):.2f} s",
        f"max {max(samples):.2f} s",
        "< 1.5 s",
    ]


async def round_trip_row(database: Path) -> list[str]:
    from .discord_round_trip import episode_round_trips

    stats = await episode_round_trips(database, ROUND_TRIPS)
    return ["/episode round trip through the fake Discord", *(f"{v:.2f} ms" for v in stats), "p99 < 50 ms"]


async def main(sizes: list[str], record: bool) -> None:
    rows: list[list[str]] = []
    database = CACHE / "snapshot.db"
    CACHE.mkdir(exist_ok=True)
    store = await snapshot_store(database)
    rows += await search_rows("90", store)
    rows += await huge_vocabulary_rows(store)
    await store.close()
    for size in sizes:
        count = {"10k": 10_000, "100k": 100_000}[size]
        print(f"preparing the {size} store (cached after the first run)…", file=sys.stderr)
        store = await synthetic_store(count)
        rows += await search_rows(size, store)
        await store.close()
    rows += sync_rows()
    for stale in CACHE.glob("bomb.db*"):
        stale.unlink()
    rows.append(chapter_bomb_row())
    rows.append(cold_start_row(database))
    rows.append(await round_trip_row(database))
    report(rows, record)


def report(rows: list[list[str]], record: bool) -> None:
    header = ["measurement", "p50 / value", "p99", "max", "target"]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in [header, *rows]]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    print("\n".join(lines))
    if not record:
        print("\n(not recorded: `make bench-record` writes these to benchmarks/RESULTS.md)")
        return
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    markdown = [
        "# Benchmark results",
        "",
        f"Machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `make bench`.",
        f"Each search row: {QUERIES} queries from a fixed mix (typos, numbers, partial titles, chapter "
        "words, guests, topics), warm index.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]
    RESULTS.write_text("\n".join(markdown), encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sizes", nargs="*", default=["10k", "100k"], choices=["10k", "100k"])
    parser.add_argument("--record", action="store_true", help="write the table to benchmarks/RESULTS.md")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.sizes, arguments.record))
