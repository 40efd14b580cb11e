import asyncio
import datetime as dt

from bot.core.config import Config, FeedConfig, RefreshConfig
from bot.core.library import Library
from bot.core.sync.scheduler import LONGEST_BACKOFF, RefreshScheduler, backoff_delay
from bot.core.sync.syncer import Syncer
from tests.conftest import numbered_feed


async def test_syncs_at_start_up_and_tells_listeners(tmp_path, feed_server):
    url = feed_server.serve(body=numbered_feed(3))
    config = Config(refresh=RefreshConfig(interval_minutes=15))
    async with await Library.open(config, db=tmp_path / "episodes.db", feed=url) as library:
        reports = asyncio.Queue()
        library.on_synced(reports.put)
        library.start_refreshing()
        report = await asyncio.wait_for(reports.get(), 10)
        assert len(report.new) == 3
        assert [m.episode.number for m in await library.search("topic 2")][:1] == [2]
        next_run = (await library.health()).next_sync
        assert dt.timedelta(minutes=14) < next_run - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=16, seconds=60)


async def test_failures_back_off_and_never_raise(store, feed_server):
    url = feed_server.serve(status=500, body=b"down")
    scheduler = RefreshScheduler(Syncer(store, FeedConfig(), url), RefreshConfig(interval_minutes=15, jitter_seconds=0))
    scheduler.start()
    try:
        started = dt.datetime.now(dt.UTC)
        for _ in range(3):
            assert await scheduler.refresh() is None
        ended = dt.datetime.now(dt.UTC)
        state = await store.feed_state(url)  # the start-up sync may have failed once more meanwhile
        assert state.consecutive_failures >= 3 and "HTTP 500" in state.last_error
        expected = backoff_delay(15, state.consecutive_failures)
        assert expected >= dt.timedelta(minutes=60)
        # The last failure, somewhere between STARTED and ENDED, put the next run EXPECTED later.
        assert started + expected <= scheduler.next_run_time() <= ended + expected
    finally:
        scheduler.shutdown()


def test_backoff_doubles_up_to_six_hours():
    assert [backoff_delay(15, n) for n in (1, 2, 3)] == [dt.timedelta(minutes=m) for m in (15, 30, 60)]
    assert backoff_delay(15, 40) == LONGEST_BACKOFF
    assert backoff_delay(600, 3) == dt.timedelta(minutes=600)


async def test_closing_stops_a_refresh_under_way_quietly_and_writes_nothing(tmp_path, feed_server, caplog):
    url = feed_server.serve(body=numbered_feed(3), hold=True)  # answers only when the server stops
    path = tmp_path / "episodes.db"

    async def open_refresh_and_close() -> None:
        async with await Library.open(Config(), db=path, feed=url) as library:
            library.start_refreshing()
            await feed_server.requested()  # the start-up sync is waiting for the feed

    # The feed never answers while the library is open, so a close that waited for the sync would
    # never return (the bound is only there to fail such a test instead of hanging it).
    await asyncio.wait_for(open_refresh_and_close(), 60)
    refreshing = [task for task in asyncio.all_tasks() if "RefreshScheduler.refresh" in repr(task.get_coro())]
    assert refreshing == []  # and nothing goes on syncing into the closed store
    assert "raised an exception" not in caplog.text and "Traceback" not in caplog.text
    async with await Library.open(Config(), db=path, feed=url) as reopened:
        assert (await reopened.health()).episodes == 0
