"""Periodic feed refresh with APScheduler 3 (AsyncIOScheduler), calling the one sync function."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from .config import RefreshConfig
from .feed import FeedError
from .models import SyncReport
from .sync import Syncer

log = logging.getLogger(__name__)
JOB_ID = "refresh-feed"

ReportListener = Callable[[SyncReport], Awaitable[None]]


class RefreshScheduler:
    """Syncs at start-up, then every refresh interval; one run at a time, missed runs coalesced."""

    def __init__(self, syncer: Syncer, config: RefreshConfig) -> None:
        self.syncer = syncer
        self.config = config
        self.listeners: list[ReportListener] = []
        self._scheduler = AsyncIOScheduler(timezone=dt.timezone.utc)

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
            next_run_time=dt.datetime.now(dt.timezone.utc),
        )
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def next_run_time(self) -> dt.datetime | None:
        job = self._scheduler.get_job(JOB_ID)
        return job.next_run_time if job else None

    async def refresh(self) -> SyncReport | None:
        """One scheduled sync; a failing feed is recorded by the syncer and never stops the bot."""
        try:
            report = await self.syncer.sync()
        except FeedError:
            return None
        except Exception:
            log.exception("scheduled sync crashed")
            return None
        for listener in self.listeners:
            try:
                await listener(report)
            except Exception:
                log.exception("sync listener %r failed", listener)
        return report
