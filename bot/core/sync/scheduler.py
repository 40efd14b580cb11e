"""Periodic feed refresh with APScheduler 3 (AsyncIOScheduler), calling the one sync function."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

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
    """Syncs at start-up, then every refresh interval; one run at a time, missed runs coalesced."""

    def __init__(
        self,
        syncer: Syncer,
        config: RefreshConfig,
        on_report: ReportListener | None = None,
        after_each: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.syncer = syncer
        self.config = config
        self.on_report = on_report
        self.after_each = after_each  # runs after every try, failed or not (companion feeds)
        self._scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self._running: set[asyncio.Task[object]] = set()
        self._stopping = False

    def start(self) -> None:
        self._scheduler.add_job(
            self.refresh,
            "interval",
            id=JOB_ID,
            minutes=self.config.interval_minutes,
            jitter=self.config.jitter_seconds or None,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(60, self.config.interval_minutes * 30),
            next_run_time=dt.datetime.now(dt.UTC),
        )
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def stop(self) -> None:
        """Schedule no more refreshes, and stop one under way (a sync stopped part way writes
        nothing), before the store it uses closes."""
        self._stopping = True
        self.shutdown()
        for task in self._running:
            task.cancel()
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _back_off(self) -> None:
        """After repeated failures, wait longer before the next try: doubling, at most six hours."""
        state = await self.syncer.store.feed_state(self.syncer.source)
        failures = state.consecutive_failures if state else 1
        delay = backoff_delay(self.config.interval_minutes, failures)
        job = self._scheduler.get_job(JOB_ID)
        if job is not None and failures > 1:
            job.modify(next_run_time=dt.datetime.now(dt.UTC) + delay)
            log.info("feed failed %d times in a row; next try in %s", failures, delay)

    def next_run_time(self) -> dt.datetime | None:
        job = self._scheduler.get_job(JOB_ID)
        return job.next_run_time if job else None

    async def refresh(self) -> SyncReport | None:
        """One scheduled sync; a failing feed is recorded by the syncer and never stops the bot."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            return await self._refresh()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            log.info("refresh stopped: shutting down")  # expected, and nothing was written
            return None
        finally:
            if task is not None:
                self._running.discard(task)

    async def _refresh(self) -> SyncReport | None:
        try:
            report = await self.syncer.sync()
        except (FeedError, StoreError):  # recorded by the syncer, shown in /admin status
            await self._back_off()
            report = None
        except Exception:
            log.exception("scheduled sync crashed")
            await self._back_off()
            report = None
        if self.after_each is not None:
            try:
                await self.after_each()
            except Exception:
                log.exception("refreshing the companion feeds crashed")
        if report is None:
            return None
        if self.on_report is not None:
            await self.on_report(report)
        return report
