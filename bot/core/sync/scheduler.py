"""Periodic feed refresh with APScheduler 3 (AsyncIOScheduler), calling the one sync function."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.config import RefreshConfig
from bot.core.ingest.feed import FeedError
from bot.core.models import SyncReport
from bot.core.store import StoreError
from bot.core.sync.syncer import Syncer

log = logging.getLogger(__name__)
JOB_ID = "refresh-feed"
LONGEST_BACKOFF = dt.timedelta(hours=6)

ReportListener = Callable[[SyncReport], Awaitable[None]]


def backoff_delay(interval_minutes: int, failures: int) -> dt.timedelta:
    """The wait before the next try after FAILURES failed syncs in a row."""
    interval = dt.timedelta(minutes=interval_minutes)
    return min(interval * 2 ** min(max(failures - 1, 0), 16), max(LONGEST_BACKOFF, interval))


class RefreshScheduler:
    """Syncs each podcast at start-up, then every refresh interval (its own, with jitter): one run
    per podcast at a time, missed runs coalesced, at most `refresh.feeds_at_once` feeds fetched
    at once. A failing podcast backs off alone; the others keep their schedules."""

    def __init__(
        self,
        syncers: Syncer | Sequence[Syncer],
        config: RefreshConfig,
        on_report: ReportListener | None = None,
        after_each: Callable[[Syncer], Awaitable[object]] | None = None,
        intervals: dict[str, int] | None = None,
    ) -> None:
        self.syncers = {s.podcast: s for s in ([syncers] if isinstance(syncers, Syncer) else syncers)}
        self.config = config
        self.on_report = on_report
        self.after_each = after_each  # runs after every try, failed or not (companion feeds)
        self.intervals = intervals or {}  # minutes per podcast name; else config.interval_minutes
        self._scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self._running: set[asyncio.Task[object]] = set()
        self._stopping = False
        self._fetching = asyncio.Semaphore(config.feeds_at_once)

    def _interval(self, podcast: str) -> int:
        return self.intervals.get(podcast) or self.config.interval_minutes

    def start(self) -> None:
        now = dt.datetime.now(dt.UTC)
        for podcast in self.syncers:
            minutes = self._interval(podcast)
            self._scheduler.add_job(
                self.refresh,
                "interval",
                args=(podcast,),
                id=_job_id(podcast),
                minutes=minutes,
                jitter=self.config.jitter_seconds or None,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(60, minutes * 30),
                next_run_time=now,
            )
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def stop(self) -> None:
        """Schedule no more refreshes, and stop those under way (a sync stopped part way writes
        nothing), before the store they use closes."""
        self._stopping = True
        self.shutdown()
        for task in self._running:
            task.cancel()
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _back_off(self, syncer: Syncer) -> None:
        """After repeated failures, wait longer before the next try: doubling, at most six hours."""
        state = await syncer.store.feed_state(syncer.source)
        failures = state.consecutive_failures if state else 1
        delay = backoff_delay(self._interval(syncer.podcast), failures)
        job = self._scheduler.get_job(_job_id(syncer.podcast))
        if job is not None and failures > 1:
            job.modify(next_run_time=dt.datetime.now(dt.UTC) + delay)
            log.info("feed of %s failed %d times in a row; next try in %s", syncer.podcast, failures, delay)

    def next_run_time(self, podcast: str | None = None) -> dt.datetime | None:
        """When PODCAST (default: the first) syncs next."""
        name = podcast if podcast is not None else next(iter(self.syncers), "")
        job = self._scheduler.get_job(_job_id(name))
        return job.next_run_time if job else None

    async def refresh(self, podcast: str | None = None) -> SyncReport | None:
        """One scheduled sync of PODCAST (default: the first); a failing feed is recorded by the
        syncer and never stops the bot."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            syncer = self.syncers[podcast] if podcast is not None else next(iter(self.syncers.values()))
            return await self._refresh(syncer)
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            log.info("refresh stopped: shutting down")  # expected, and nothing was written
            return None
        finally:
            if task is not None:
                self._running.discard(task)

    async def _refresh(self, syncer: Syncer) -> SyncReport | None:
        async with self._fetching:
            try:
                report = await syncer.sync()
            except (FeedError, StoreError):  # recorded by the syncer, shown in /admin status
                await self._back_off(syncer)
                report = None
            except Exception:
                log.exception("scheduled sync of %s crashed", syncer.podcast)
                await self._back_off(syncer)
                report = None
        if self.after_each is not None:
            try:
                await self.after_each(syncer)
            except Exception:
                log.exception("refreshing the companion feeds crashed")
        if report is None:
            return None
        if self.on_report is not None:
            await self.on_report(report)
        return report


def _job_id(podcast: str) -> str:
    return f"{JOB_ID}:{podcast}"
