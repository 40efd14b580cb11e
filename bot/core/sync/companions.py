"""Syncing companion feeds (a blog's articles) the way the podcast feed is synced: the same
fetch with its address checks, size cap and conditional GET, parsing off the event loop, one
transaction per feed, and every failure recorded as that feed's last error."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.core.config import CompanionConfig, FeedConfig
from bot.core.formatting import shorten
from bot.core.ingest.articles import parse_articles
from bot.core.ingest.feed import FeedError, body_digest, fetch
from bot.core.ingest.urls import redact_addresses, redacted
from bot.core.models import FeedState
from bot.core.store import Store, StoreBusy, StoreError, StoreMoved, utcnow
from bot.core.sync.syncer import record_failure

log = logging.getLogger(__name__)

BUNDLED_BLOG = Path(__file__).resolve().parents[2] / "data" / "engineering-at-meta.rss"
BUNDLED_COMPANION = CompanionConfig(name="Engineering at Meta", url=str(BUNDLED_BLOG))


def companions_for(configured: tuple[CompanionConfig, ...] | None, podcast_is_bundled: bool) -> list[CompanionConfig]:
    """The companion feeds to sync: those configured; when none are configured, the bundled
    blog snapshot for the bundled podcast (it is that podcast's blog) and nothing for any other."""
    if configured is not None:
        return list(configured)
    return [BUNDLED_COMPANION] if podcast_is_bundled else []


@dataclass(frozen=True, slots=True)
class CompanionReport:
    name: str
    source: str
    new: int = 0
    changed: int = 0
    not_modified: bool = False


class CompanionSyncer:
    """Syncs one companion feed; one sync at a time."""

    def __init__(
        self, store: Store, companion: CompanionConfig, config: FeedConfig, podcast: str | None = None
    ) -> None:
        self.store = store
        self.companion = companion
        self.config = config
        self.podcast = podcast  # the name of the podcast whose articles these are (None: any podcast's)
        self._lock = asyncio.Lock()

    @property
    def source(self) -> str:
        return self.companion.url

    async def sync(self, *, force: bool = False) -> CompanionReport:
        """Fetch and store the feed's articles. On failure nothing changes, the failure is
        recorded as this feed's last error, and FeedError is raised."""
        async with self._lock:
            try:
                return await self._sync(force)
            except (StoreBusy, StoreMoved) as error:  # nothing wrong with the feed: not recorded
                raise FeedError(f"companion '{self.companion.name}': not synced ({error})") from error
            except (FeedError, StoreError) as error:
                message = f"companion '{self.companion.name}': {error}"
            except Exception as error:  # a surprise from a library is a failed sync, not a crash
                log.exception("sync of companion %s crashed", redacted(self.source))
                message = f"companion '{self.companion.name}': sync failed ({type(error).__name__}: {error})"
            message = redact_addresses(shorten(message, 500))
            log.warning("%s", message)
            await record_failure(self.store, self.source, message)
            raise FeedError(message)

    async def _sync(self, force: bool) -> CompanionReport:
        started = utcnow()
        state = await self.store.feed_state(self.source)
        result = await fetch(self.source, self.config, None, None if force else state)
        digest = None if result.body is None else await asyncio.to_thread(body_digest, result.body)
        new_state = FeedState(
            source=self.source,
            etag=result.etag or (state.etag if state and result.not_modified else None),
            last_modified=result.last_modified or (state.last_modified if state and result.not_modified else None),
            body_sha256=digest or (state.body_sha256 if state else None),
            last_attempt=started,
            last_success=started,
        )
        if state and (result.not_modified or (not force and digest == state.body_sha256)):
            await self.store.record_feed_success(new_state)
            return CompanionReport(self.companion.name, self.source, not_modified=True)
        assert result.body is not None
        articles = await asyncio.to_thread(parse_articles, result.body, self.source, self.config)
        podcast_id = await self.store.add_podcast(self.podcast) if self.podcast else None
        new, changed = await self.store.apply_companion(
            self.companion.name, self.source, articles, new_state, podcast_id
        )
        log.info("sync of companion %s: %d new, %d changed articles", redacted(self.source), new, changed)
        return CompanionReport(self.companion.name, self.source, new=new, changed=changed)
