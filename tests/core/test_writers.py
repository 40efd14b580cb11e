"""One writer at a time per store: tasks of one process, and processes (two connections to one
file take SQLite's locks as two processes would)."""

import asyncio

import pytest

from bot.core.config import FeedConfig
from bot.core.store import Store
from bot.core.sync.syncer import Syncer
from tests.conftest import numbered_feed


async def until(condition):
    while not condition():
        await asyncio.sleep(0.01)


def queued(lock):
    return len(getattr(lock, "_waiters", None) or ())


async def test_a_write_during_another_tasks_transaction_waits_and_survives_its_rollback(store):
    inside, release = asyncio.Event(), asyncio.Event()

    async def failing_sync():
        async with store.writing():
            await store.record_feed_failure("https://feed.example/rss", "written by the sync")
            inside.set()
            await release.wait()
            raise RuntimeError("the sync failed")

    sync = asyncio.create_task(failing_sync())
    await inside.wait()
    channel = asyncio.create_task(store.set_announce_channel(1, 10))
    role = asyncio.create_task(store.set_announce_role(1, 20))
    # Each admin write has either finished (joining the sync's transaction, or failing) or waits.
    await until(lambda: sum(task.done() for task in (channel, role)) + queued(getattr(store, "_write_lock", None)) == 2)
    release.set()
    with pytest.raises(RuntimeError):
        await sync
    await channel
    await role
    settings = await store.guild_settings(1)
    assert (settings.announce_channel_id, settings.announce_role_id) == (10, 20)
    assert await store.feed_state("https://feed.example/rss") is None  # the sync's own write rolled back


async def test_two_processes_syncing_at_once_never_record_a_failure(tmp_path, feed_server):
    path = tmp_path / "episodes.db"
    url = feed_server.serve(body=numbered_feed(10))
    first, second = await Store.open(path), await Store.open(path, busy_timeout_seconds=60)
    try:
        config = FeedConfig(timeout_seconds=2.0)
        winner, loser = Syncer(first, config, url), Syncer(second, config, url)
        await winner.sync()
        feed_server.serve(body=numbered_feed(12))
        started = asyncio.Event()
        loop = asyncio.get_running_loop()

        def traced(statement):
            if statement.startswith("BEGIN"):
                loop.call_soon_threadsafe(started.set)

        await second._db.set_trace_callback(traced)
        async with first.writing():  # as another process holding the write lock would
            await winner.sync()
            racing = asyncio.create_task(loser.sync())
            await started.wait()  # the loser read the store and now waits to write
        report = await racing
        state = await second.feed_state(url)
        assert (state.last_error, state.consecutive_failures) == (None, 0)
        assert report.new == [] and await second.episode_count() == 12
    finally:
        await first.close()
        await second.close()


@pytest.mark.parametrize("taken_away", ["deleted", "replaced"])
async def test_a_store_taken_away_under_a_running_library_is_noticed_and_never_written(tmp_path, taken_away):
    from bot.core.config import Config
    from bot.core.library import Library
    from bot.core.store import StoreMoved

    path = tmp_path / "episodes.db"
    async with await Library.open(Config(), db=path) as library:
        await library.sync()
        assert (await library.health()).store_problem is None
        if taken_away == "deleted":
            path.unlink()
        else:
            (tmp_path / "other.db").write_bytes(path.read_bytes())
            (tmp_path / "other.db").replace(path)
        assert f"was {taken_away} while podbot was running" in (await library.health()).store_problem
        with pytest.raises(StoreMoved):
            await library.store.set_announce_channel(1, 10)
        with pytest.raises(StoreMoved):
            await library.sync(force=True)


def test_health_never_creates_a_store(tmp_path, capsys, monkeypatch):
    from bot.terminal.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["health", "--db", "missing.db"]) == 1
    assert "no database file here (nothing was created)" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()
