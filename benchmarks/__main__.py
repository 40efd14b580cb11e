"""`make bench`: podbot's speed and size, printed as one table and written to benchmarks/RESULTS.md.

Measurements, not tests: nothing here passes or fails. Synthetic stores of 10,000 and 100,000
episodes are generated from a fixed seed and cached in benchmarks/.cache (never committed).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
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

from benchmarks import synthetic
from bot.core.config import Config
from bot.core.library import Library
from bot.core.models import FeedState, ParsedEpisode
from bot.core.sync.identity import EpisodeWrite, fingerprint

from .stores import CACHE, huge_vocabulary_store, snapshot_store, synthetic_store
from .transcripts import transcript_rows

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
QUERIES = 1000
ROUND_TRIPS = 500
CLI_RUNS = 5
CLI_QUERIES = ("caddy", "kotlin", "cadddy")
TARGETS = {
    ("autocomplete", "10k"): "p99 < 5 ms",
    ("autocomplete", "100k"): "p99 < 5 ms",
    ("search", "10k"): "p99 < 10 ms",
    ("search", "100k"): "p99 < 10 ms",
    ("questions", "10k"): "p99 < 10 ms",
    ("questions", "100k"): "p99 < 10 ms",
    # Slash commands, not keystrokes: answered well within Discord's 3 s, and never near it.
    ("topic", "10k"): "p99 < 100 ms",
    ("topic", "100k"): "p99 < 100 ms",
    ("related", "10k"): "p99 < 100 ms",
    ("related", "100k"): "p99 < 100 ms",
    ("topic autocomplete", "10k"): "p99 < 5 ms",
    ("topic autocomplete", "100k"): "p99 < 5 ms",
}
# What the previous design measured (issue 11 and the RESULTS.md before it), shown beside today's.
BEFORE = {
    "search (10k": "p99 2.35 ms",
    "search (100k": "p99 3.00 ms",
    "autocomplete (10k": "p99 1.33 ms",
    "autocomplete (100k": "p99 1.38 ms",
    "CLI search, whole process (90": "0.6 s",
    "CLI search, whole process (10k": "3.2 s (x5.3)",
    "bot start to first /episode answer (100k": "about 11 s",
    "bot peak RSS at its first answer (100k": "about 700 MB",
    "initial sync of a 10k-item feed file": "19.8 s (issue), 5.40 s (last RESULTS.md)",
    "bot RSS growth over 2,000 mixed commands": "+79 MB (issue 23)",
    "bot RSS after 1,000 /search": "+2,548 MB (issue 23: 2.1 GB)",
    "1,000 autocompletes at once": "14.6% late (issue 23)",
    "sync bringing one of 10 tagged shows": "1.80 s (every show's topics counted and inferred again)",
    "search in 10 of the shows": "p99 26-39 ms (each word's matches read for every show)",
}


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return (statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], ordered[-1])


async def timed(
    calls: list[Callable[[], Awaitable[object]]], clock: Callable[[], float] = time.perf_counter
) -> tuple[float, float, float]:
    """Median, p99 and worst of CALLS in milliseconds of CLOCK (wall-clock unless told)."""
    samples = []
    for call in calls:
        started = clock()
        await call()
        samples.append((clock() - started) * 1000)
    return percentiles(samples)


def row(name: str, value: str, p99: str = "", worst: str = "", target: str = "") -> list[str]:
    before = next((figure for prefix, figure in BEFORE.items() if name.startswith(prefix)), "")
    return [name, value, p99, worst, target, before]


async def search_rows(label: str, database: Path, items: list[ParsedEpisode] | None = None) -> list[list[str]]:
    async with await Library.open(Config(), db=database) as library:
        episodes = items if items is not None else await library.episodes()
        queries = synthetic.queries(episodes, QUERIES)
        titles = [episode.title for episode in episodes]
        rows = []
        latest = [episode.id for episode in await library.latest(QUERIES)]
        measured = (
            ("search", library.search, queries),
            ("questions", functools.partial(ask, library), queries),
            ("autocomplete", functools.partial(suggest, library), queries),
            ("topic", library.topic, queries),
            ("topic autocomplete", functools.partial(library.suggest_topics, limit=25), [q[:4] for q in queries]),
            ("related", library.related, [latest[i % len(latest)] for i in range(QUERIES)]),
            ("baseline: rapidfuzz extract over titles", functools.partial(extract_titles, titles), queries),
        )
        for query in queries:  # warm: the page cache holds what these queries read, as in a running bot
            await library.search(query)
        for name, call, arguments in measured:
            stats = await timed([functools.partial(call, argument) for argument in arguments])
            target = TARGETS.get((name, label), "")
            rows.append(row(f"{name} ({label}, {len(episodes):,} episodes)", *(f"{v:.2f} ms" for v in stats), target))
    return rows


async def ask(library: Library, query: str) -> object:
    """The same query asked as a listener would ask it."""
    return await library.search(f"is there an episode where they talk about {query}?")


async def suggest(library: Library, query: str) -> object:
    return await library.suggest(query, 25)


async def extract_titles(titles: list[str], query: str) -> object:
    """What a plain fuzzy matcher costs: rapidfuzz's default scorer over every title."""
    return process.extract(query, titles, limit=10)


async def huge_vocabulary_rows(snapshot: Path) -> list[list[str]]:
    """Search when a feed's notes hold two million distinct words (a hostile feed's trick): the
    typo expansion looks at a bounded slice of the vocabulary, not all of it."""
    junk = synthetic.junk_words(2_000_000)
    database = huge_vocabulary_store(snapshot, len(junk))
    async with await Library.open(Config(), db=database) as library:
        queries = synthetic.queries(await library.episodes(), 300)
        for query in queries:
            await library.search(query)
        stats = await timed([functools.partial(library.search, query) for query in queries])
    vocabulary = sorted(junk)
    baseline = await timed([functools.partial(extract_words, vocabulary, query) for query in queries[:30]])
    return [
        row("search, 2M-word vocabulary", *(f"{v:.2f} ms" for v in stats), "p99 < 10 ms"),
        row("baseline: fuzzy expansion over the whole 2M vocabulary", *(f"{v:.2f} ms" for v in baseline)),
    ]


async def extract_words(vocabulary: list[str], query: str) -> object:
    """What the typo expansion cost before it was bounded: rapidfuzz over every indexed term."""
    return [
        process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=75, limit=12)
        for word in query.lower().split()
        if len(word) >= 4
    ]


def cli_search_rows(databases: dict[str, Path]) -> list[list[str]]:
    """`python -m bot search QUERY` as a person runs it: a fresh process each time."""
    medians = {}
    rows = []
    for label, database in databases.items():
        samples = []
        for run in range(CLI_RUNS * len(CLI_QUERIES)):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot", "search", CLI_QUERIES[run % len(CLI_QUERIES)], "--db", str(database)],
                capture_output=True,
                cwd=ROOT,
            )
            samples.append(time.perf_counter() - started)
        medians[label] = statistics.median(samples)
        growth = f"x{medians[label] / medians['90']:.2f} of 90" if label != "90" else ""
        target = "< 1.5 s" if label == "90" else "growth from 90 < x1.5"
        rows.append(
            row(
                f"CLI search, whole process ({label})",
                f"{medians[label]:.2f} s",
                growth,
                f"max {max(samples):.2f} s",
                target,
            )
        )
    return rows


async def one_episode_sync_row(database: Path) -> list[str]:
    """A sync that changes one episode of 100,000: the store writes it and the index follows, with
    no rebuild; the next search finds the new words."""
    async with await Library.open(Config(), db=database) as library:
        (episode,) = await library.latest(1)
        marker = f"benchmarkedit{int(time.time())}"
        changed = synthetic.episodes(1, seed=int(time.time()))[0]
        changed = dataclasses.replace(changed, guid=episode.guid, title=f"{episode.title} {marker}")
        podcast = await library.podcast()
        assert podcast is not None
        while not await library.store.relate():  # as every sync through the library leaves a store
            pass
        started = time.perf_counter()
        await library.store.apply_sync(
            podcast, [EpisodeWrite(episode.id, changed, fingerprint(changed))], [], FeedState(source="synthetic")
        )
        await library.store.relate()
        seconds = time.perf_counter() - started
        found = await library.search(marker, limit=1)
        assert found and found[0].episode.id == episode.id, "the edit is not searchable"
    return row(
        "one-episode sync at 100k: write + index update + topics",
        f"{seconds * 1000:.0f} ms",
        target="no rebuild; < 1 s",
    )


async def bot_start_rows(database: Path) -> list[list[str]]:
    from .bot_start import first_answer

    seconds, peak = await first_answer(database)
    return [
        row("bot start to first /episode answer (100k episodes)", f"{seconds:.2f} s", target="< 2 s"),
        row("bot peak RSS at its first answer (100k episodes)", f"{peak:.0f} MB", target="< 300 MB"),
    ]


def chapter_bomb_row() -> list[str]:
    result = child("bomb", "-", str(CACHE / "bomb.db"))
    return row(
        "sync of a feed naming 50 chapters files of 20 MB (chunked)",
        f"{result['seconds']:.2f} s",
        f"peak RSS {result['peak_rss_mb']:.0f} MB",
        "",
        "bounded: 1 MB each, 20 MB a sync",
    )


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
    parsed = child("parse", str(feed), "-")
    rows = [row("feedparser alone: parse of the 10k-item feed's bytes", f"{parsed['seconds']:.2f} s")]
    for mode, label, target in (
        ("sync", "initial sync of a 10k-item feed file", f"< 2.5 x feedparser = {2.5 * parsed['seconds']:.1f} s"),
        ("sync", "unchanged re-sync, same bytes", "< 1 s"),
        ("sync-304", "unchanged re-sync, HTTP 304", "< 1 s"),
    ):
        result = child(mode, str(feed), str(database))
        rows.append(row(label, f"{result['seconds']:.2f} s", f"peak RSS {result['peak_rss_mb']:.0f} MB", "", target))
    return rows


def network_rows() -> list[list[str]]:
    """Many podcasts in one bot (benchmarks/network.py), each measured in a fresh process."""

    def measured(mode: str) -> dict:
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.network", mode], capture_output=True, text=True, check=True, cwd=ROOT
        )
        return json.loads(output.stdout)

    quiet = measured("not-modified")
    rows = [
        row("first sync of 1,000 small feeds (3 episodes each)", f"{quiet['first_sync_seconds']:.1f} s"),
        row("re-sync of 1,000 feeds all answering 304", f"{quiet['seconds']:.2f} s", "", "", "< 10 s"),
    ]
    big = measured("catalogue")
    label = f"{big['feeds']} feeds, {big['episodes']:,} episodes"
    rows.append(row(f"first sync of {label}", f"{big['sync_seconds']:.1f} s", f"peak RSS {big['peak_rss_mb']:.0f} MB"))
    for name, key, target in (("search", "search_ms", "p99 < 10 ms"), ("autocomplete", "suggest_ms", "p99 < 5 ms")):
        rows.append(row(f"{name} across all shows ({label})", *(f"{v:.2f} ms" for v in big[key]), target))
    rows.append(row(f"search in 10 of the shows ({label})", *(f"{v:.2f} ms" for v in big["scoped_search_ms"])))
    rows.append(row(f"bot RSS after syncing and searching {label}", f"{big['peak_rss_mb']:.0f} MB", "", "", "< 300 MB"))
    counts = measured("topic-counts")
    rows.append(
        row(
            f"sync bringing one of {counts['feeds']} tagged shows a new episode, topics and counts included",
            f"{counts['one_show_sync_seconds']:.2f} s",
            f"{counts['topics_a_show']} topics a show",
            "",
            "counts that show's topics alone",
        )
    )
    broken = measured("broken")
    for case, figures in broken.items():
        rows.append(
            row(
                f"100 small feeds, {case}: each healthy feed's sync",
                f"{figures['median_s'] * 1000:.0f} ms",
                f"{figures['p99_s'] * 1000:.0f} ms",
                "",
                "unchanged by the hanging one",
            )
        )
        rows.append(row(f"100 small feeds, {case}: all healthy ones synced after", f"{figures['others_done_s']:.1f} s"))
    return rows


def discord_network_rows() -> list[list[str]]:
    """Many podcasts and servers through Discord (benchmarks/network_discord.py), each in a fresh process."""

    def measured(*arguments: str) -> dict:
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.network_discord", *arguments],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return json.loads(output.stdout)

    podcasts, servers = measured("podcasts", "100", "5"), measured("servers", "2500", "2")
    label = f"{podcasts['feeds']} podcasts"
    where = f"{servers['servers']:,} servers, {servers['shards']} shards"
    return [
        row(
            f"bot connecting to {where}",
            f"{servers['connect_seconds']:.1f} s",
            f"peak RSS {servers['peak_rss_mb']:.0f} MB",
        ),
        row(
            f"one new episode announced in {where}",
            f"{servers['announce_seconds']:.1f} s",
            f"{servers['posted']:,} posts, {servers['posted_again']} again",
            "",
            "each channel once",
        ),
        row(
            f"/episode across {label}, fake Discord round trip",
            *(f"{v:.1f} ms" for v in podcasts["episode_round_trip_ms"]),
        ),
        row(f"podcast option autocomplete ({label})", *(f"{v:.2f} ms" for v in podcasts["podcast_autocomplete_ms"])),
        row(
            f"/admin status of {label}",
            f"{podcasts['status_ms']:.0f} ms",
            f"{podcasts['status_pages']} pages",
            "",
            "within embed limits",
        ),
        row(f"bot RSS with {label} connected", f"{podcasts['peak_rss_mb']:.0f} MB"),
    ]


async def loop_block_row() -> list[str]:
    """The longest event-loop stall while the bot syncs a hostile 10k-item feed whose GUIDs all
    change (issue 20 moved this figure here from a timed test)."""
    from aiohttp import web

    from tests.conftest import hostile_catalogue
    from tests.loopback import serve_on_loopback

    bodies = {f"/{name}.xml": hostile_catalogue(10_000, name) for name in ("first", "renamed")}

    async def serve(request: web.Request) -> web.Response:
        return web.Response(body=bodies[request.path], content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/{name}.xml", serve)
    runner, port = await serve_on_loopback(app)
    database = CACHE / "loop-block.db"
    for stale in CACHE.glob("loop-block.db*"):
        stale.unlink()
    try:
        first, renamed = (f"http://127.0.0.1:{port}/{name}.xml" for name in ("first", "renamed"))
        probe = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.loop_block",
            first,
            str(database),
            renamed,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        stdout, _ = await probe.communicate()
    finally:
        await runner.cleanup()
    result = json.loads(stdout)
    assert result["changed"] == 10_000, result
    return row(
        "longest event-loop block, hostile 10k-item sync (every GUID renamed)",
        f"{result['longest_block_seconds'] * 1000:.0f} ms",
        "",
        "",
        "< 100 ms",
    )


async def round_trip_row(database: Path) -> list[str]:
    from .discord_round_trip import episode_round_trips

    stats = await episode_round_trips(database, ROUND_TRIPS)
    return row("/episode round trip through the fake Discord", *(f"{v:.2f} ms" for v in stats), "p99 < 10 ms")


async def member_load_rows(snapshot: Path) -> list[list[str]]:
    """What members can do to the bot: memory after many commands, autocomplete under a burst."""
    from benchmarks import discord_load

    mixed = await discord_load.mixed_commands_growth(snapshot, 2000)
    burst = await discord_load.search_burst_growth(CACHE, 1000)
    in_time, late, dropped = await discord_load.autocomplete_burst(snapshot, 1000)
    return [
        row("bot RSS growth over 2,000 mixed commands (90 episodes)", f"+{mixed:.1f} MB", target="< 20 MB"),
        row("bot RSS after 1,000 /search in bursts of 100 (long notes)", f"+{burst:.1f} MB", target="< 50 MB"),
        row(
            "1,000 autocompletes at once: answered in 3 s / late / dropped",
            f"{in_time} / {late} / {dropped}",
            target="0 late",
        ),
    ]


async def main(sizes: list[str], record: bool) -> None:
    snapshot = await snapshot_store()
    rows = await search_rows("90", snapshot)
    rows += await huge_vocabulary_rows(snapshot)
    rows += await transcript_rows(row, timed)
    databases = {"90": snapshot}
    for size in sizes:
        count = {"10k": 10_000, "100k": 100_000}[size]
        print(f"preparing the {size} store (cached after the first run)…", file=sys.stderr)
        databases[size] = await synthetic_store(count)
        rows += await search_rows(size, databases[size], synthetic.episodes(count))
    rows += cli_search_rows(databases)
    if "100k" in databases:
        rows += await bot_start_rows(databases["100k"])
        rows.append(await one_episode_sync_row(databases["100k"]))
    rows += sync_rows()
    for stale in CACHE.glob("bomb.db*"):
        stale.unlink()
    rows.append(chapter_bomb_row())
    rows.append(await loop_block_row())
    rows.append(await round_trip_row(snapshot))
    rows += await member_load_rows(snapshot)
    rows += network_rows()
    rows += discord_network_rows()
    report(rows, record)


def report(rows: list[list[str]], record: bool) -> None:
    header = ["measurement", "p50 / value", "p99", "max", "target", "before (issue 11)"]
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
        "words, guests, topics), timed on a second pass in one process (the first warms the page cache). CLI rows: a fresh process per "
        f'query, median of {CLI_RUNS * len(CLI_QUERIES)}. "before": the in-memory index this replaced.',
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
