"""The stores the benchmarks measure, built once and cached in benchmarks/.cache (never committed)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from benchmarks import synthetic
from bot.core.config import Config
from bot.core.library import Library
from bot.core.models import FeedState, PodcastInfo
from bot.core.store import Store
from bot.core.sync.identity import EpisodeWrite, fingerprint

CACHE = Path(__file__).resolve().parent / ".cache"


async def snapshot_store() -> Path:
    """The bundled snapshot, synced afresh through the front door (90 episodes)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / "snapshot.db"
    for stale in CACHE.glob("snapshot.db*"):
        stale.unlink()
    async with await Library.open(Config(), db=path) as library:
        await library.sync()
    return path


async def synthetic_store(count: int) -> Path:
    """A store of COUNT synthetic episodes (seed 1234), written in batches as syncs write them."""
    path = CACHE / f"store-{count}-seed1234.db"
    if path.exists():
        return path
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
    return path


def huge_vocabulary_store(snapshot: Path, words: int) -> Path:
    """The snapshot plus WORDS made-up terms where typo expansion looks for candidates, as if a
    hostile feed's notes held them all."""
    path = CACHE / f"vocabulary-{words}.db"
    if path.exists():
        return path
    building = path.with_suffix(".building")
    shutil.copyfile(snapshot, building)
    connection = sqlite3.connect(building)
    with connection:
        connection.executemany(
            "INSERT OR IGNORE INTO search_terms VALUES (?, substr(?, 1, 1), length(?), 1, 0, 0, 0, 1)",
            ((word, word, word) for word in synthetic.junk_words(words)),
        )
    connection.close()
    building.rename(path)
    return path
