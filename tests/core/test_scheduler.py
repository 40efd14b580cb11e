import asyncio
import datetime as dt

from bot.core.config import Config, FeedConfig, RefreshConfig
from bot.core.library import Library
from bot.core.scheduler import LONGEST_BACKOFF, RefreshScheduler, backoff_delay
from bot.core.sync import Syncer
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
        for _ in range(3):
            assert await scheduler.refresh() is None
        state = await store.feed_state(url)  # the start-up sync may have failed once more meanwhile
        assert state.consecutive_failures >= 3 and "HTTP 500" in state.last_error
        wait = scheduler.next_run_time() - dt.datetime.now(dt.UTC)
        expected = backoff_delay(15, state.consecutive_failures)
        assert expected >= dt.timedelta(minutes=60)
        assert expected - dt.timedelta(seconds=5) < wait <= expected
    finally:
        scheduler.shutdown()


def test_backoff_doubles_up_to_six_hours():
    assert [backoff_delay(15, n) for n in (1, 2, 3)] == [dt.timedelta(minutes=m) for m in (15, 30, 60)]
    assert backoff_delay(15, 40) == LONGEST_BACKOFF
    assert backoff_delay(600, 3) == dt.timedelta(minutes=600)


async def test_closing_stops_a_refresh_under_way_quietly_and_writes_nothing(tmp_path, feed_server, caplog):
    url = feed_server.serve(body=numbered_feed(3), delay=3)
    path = tmp_path / "episodes.db"
    async with await Library.open(Config(), db=path, feed=url) as library:
        library.start_refreshing()
        while not feed_server.requests:  # the start-up sync is waiting for the slow feed
            await asyncio.sleep(0.01)
        started = asyncio.get_running_loop().time()
    assert asyncio.get_running_loop().time() - started < 1.5  # closing did not wait for the feed
    refreshing = [task for task in asyncio.all_tasks() if "RefreshScheduler.refresh" in repr(task.get_coro())]
    assert refreshing == []  # and nothing goes on syncing into the closed store
    assert "raised an exception" not in caplog.text and "Traceback" not in caplog.text
    async with await Library.open(Config(), db=path, feed=url) as reopened:
        assert (await reopened.health()).episodes == 0
