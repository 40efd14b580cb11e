import asyncio
import datetime as dt

from bot.config import FeedConfig, RefreshConfig
from bot.embeds import StatusFacts, status_embed
from bot.scheduler import LONGEST_BACKOFF, RefreshScheduler, backoff_delay
from bot.sync import Syncer
from tests.conftest import numbered_feed


async def test_syncs_at_start_up_and_tells_listeners(store, feed_server):
    url = feed_server.serve(body=numbered_feed(3))
    scheduler = RefreshScheduler(Syncer(store, FeedConfig(), url), RefreshConfig(interval_minutes=15))
    reports = asyncio.Queue()
    scheduler.listeners.append(reports.put)
    scheduler.start()
    try:
        report = await asyncio.wait_for(reports.get(), 10)
        assert len(report.new) == 3
        next_run = scheduler.next_run_time()
        assert dt.timedelta(minutes=14) < next_run - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(minutes=16, seconds=60)
    finally:
        scheduler.shutdown()


async def test_failures_back_off_and_never_raise(store, feed_server):
    url = feed_server.serve(status=500, body=b"down")
    scheduler = RefreshScheduler(Syncer(store, FeedConfig(), url), RefreshConfig(interval_minutes=15, jitter_seconds=0))
    scheduler.start()
    try:
        for _ in range(3):
            assert await scheduler.refresh() is None
        state = await store.feed_state(url)  # the start-up sync may have failed once more meanwhile
        assert state.consecutive_failures >= 3 and "HTTP 500" in state.last_error
        wait = scheduler.next_run_time() - dt.datetime.now(dt.timezone.utc)
        expected = backoff_delay(15, state.consecutive_failures)
        assert expected >= dt.timedelta(minutes=60)
        assert expected - dt.timedelta(seconds=5) < wait <= expected
    finally:
        scheduler.shutdown()


def test_backoff_doubles_up_to_six_hours():
    assert [backoff_delay(15, n) for n in (1, 2, 3)] == [dt.timedelta(minutes=m) for m in (15, 30, 60)]
    assert backoff_delay(15, 40) == LONGEST_BACKOFF
    assert backoff_delay(600, 3) == dt.timedelta(minutes=600)


def facts(**overrides):
    base = dict(episodes=90, last_attempt=None, last_success=None, last_error=None, consecutive_failures=0,
                last_result=None, next_sync=None, syncing=False, announce_channel=None, announce_problem=None,
                announce_role=None, outbox=None, last_announce_failure=None, latency_ms=42.0, version="1",
                feed="https://example.com/rss")
    return StatusFacts(**{**base, **overrides})


def test_status_flags_a_feed_failing_for_over_a_day():
    now = dt.datetime.now(dt.timezone.utc)
    dead = status_embed(facts(last_error="HTTP 500", consecutive_failures=96, last_success=now - dt.timedelta(days=2),
                              last_attempt=now))
    assert any(f.name.startswith("⛔ Feed is dead") for f in dead.fields)
    failing = status_embed(facts(last_error="HTTP 500", consecutive_failures=2, last_success=now - dt.timedelta(hours=1),
                                 last_attempt=now))
    assert any(f.name.startswith("Feed problem (2 failed attempts") for f in failing.fields)


def test_long_lists_fit_discord_limits_and_say_what_was_left_out():
    from bot.embeds import fit_lines

    text = fit_lines([f"line {n:03d} " + "x" * 90 for n in range(100)], 1024)
    assert len(text) <= 1024
    shown = text.splitlines()
    assert shown[-1] == f"…and {100 - (len(shown) - 1)} more"
    assert fit_lines(["a", "b", "c"], 1024, max_items=2, more="…and {} more in the notes").splitlines() == [
        "a", "b", "…and 1 more in the notes"]
    assert fit_lines(["a", "b"], 1024) == "a\nb"
