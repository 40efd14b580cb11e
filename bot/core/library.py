"""The front door to the core: one podcast's episodes, searchable and kept in sync with its feed.

Every front end (the CLI, the console, the Discord bot, the tests and the benchmarks) opens a
Library and asks it; nothing else assembles the store, the syncer, the searcher and the refresh
schedule:

    async with await Library.open(config, db="data/episodes.db") as library:
        found = await library.find("caddy")
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import aiohttp

from bot.core.ingest.feed import BUNDLED_SNAPSHOT, FeedError, resolve_source
from bot.core.ingest.urls import redacted
from bot.core.search.moments import MOST_MOMENTS, asks_for_moments, transcript_moments
from bot.core.search.searcher import Asking, Searcher
from bot.core.search.synonyms import Synonyms
from bot.core.sync.companions import CompanionSyncer, companions_for
from bot.core.sync.scheduler import RefreshScheduler
from bot.core.sync.syncer import Syncer
from bot.core.topics import answers as topic_search
from bot.core.topics.labels import TopicWords

from .config import Config
from .models import (
    Episode,
    EpisodeExtras,
    EpisodeTopic,
    FeedState,
    Found,
    Match,
    PodcastInfo,
    Reading,
    Related,
    SyncReport,
    TopicAnswer,
    TopicCount,
)
from .store import Store, StoreError

log = logging.getLogger(__name__)

SyncListener = Callable[[SyncReport], Awaitable[None]]
# Related episodes: this many kept per episode, computed this many at a time (each batch holds the
# search thread for a moment) and at most this many per sync.
_RELATED_STORED = 10
_RELATED_BATCH = 8
_RELATED_PER_SYNC = 500


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """What an operator asks first: is the feed syncing, and how many episodes are there."""

    source: str
    episodes: int
    state: FeedState | None
    last_report: SyncReport | None
    next_sync: dt.datetime | None
    syncing: bool
    companions: tuple[tuple[str, FeedState | None], ...] = ()  # each companion feed's name and state
    store_problem: str | None = None  # the database file was deleted or replaced under podbot
    transcripts: tuple[int, int] = (0, 0)  # transcripts stored, and those whose last download failed


class Library:
    """Opened with `await Library.open(config, ...)`; closed with `close()` or `async with`."""

    def __init__(
        self,
        config: Config,
        store: Store,
        syncer: Syncer,
        searcher: Searcher,
        companions: list[CompanionSyncer] | None = None,
    ) -> None:
        self.config = config
        self.store = store  # guild settings and the announcement outbox, for the Discord layer
        self.syncer = syncer
        self.searcher = searcher
        self.companions = companions or []
        self._listeners: list[SyncListener] = []
        self._refresher: RefreshScheduler | None = None

    @classmethod
    async def open(
        cls,
        config: Config,
        *,
        db: str | Path | None = None,
        feed: str | None = None,
        http: aiohttp.ClientSession | None = None,
        create: bool = True,
    ) -> Self:
        """The store at DB (default: the config's), synced from FEED (default: the config's feed
        URL, else the feed the store already holds, else the bundled snapshot). HTTP, when given,
        is used for every sync and must come from feed.new_http_session with this feed's address
        policy; else each sync makes its own. Without CREATE, a missing database is an error
        instead of a new empty one."""
        store = await Store.open(
            db or config.store.path, busy_timeout_seconds=config.store.busy_timeout_seconds, create=create
        )
        try:
            if feed is None:
                feed = config.feed.url.strip() or await store.feed_source() or ""
            source = resolve_source(feed)
            syncer = Syncer(store, config.feed, source, http)
        except BaseException:
            await store.close()  # its worker thread would keep the process alive
            raise
        companions = [
            CompanionSyncer(store, companion, config.feed)
            for companion in companions_for(config.companions, source == str(BUNDLED_SNAPSHOT))
        ]
        searcher = Searcher(store.path, Synonyms(config.search.synonyms), TopicWords(dict(config.topics.aliases)))
        return cls(config, store, syncer, searcher, companions)

    async def close(self) -> None:
        await self.stop_refreshing()
        await self.searcher.close()
        await self.store.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def source(self) -> str:
        return self.syncer.source

    # -- asking -----------------------------------------------------------------------------

    async def find(self, query: str) -> Found:
        """The episode QUERY means and close alternatives ("Did you mean"), in one search; or,
        when nothing matches, a hint and the closest episodes."""
        return await self.searcher.find(query)

    async def search(self, query: str, limit: int = 10, *, in_transcripts: bool = False) -> list[Match]:
        """Episodes matching QUERY, best first; with IN_TRANSCRIPTS (or "in:transcript" in the
        query), the moments of their transcripts that say it instead, up to MOST_MOMENTS."""
        text, asked_for_moments = asks_for_moments(query)
        if in_transcripts or asked_for_moments:
            return await self.searcher.run(transcript_moments, text, min(limit, MOST_MOMENTS))
        return await self.searcher.search(query, limit)

    async def suggest(self, query: str, limit: int) -> list[Match]:
        """Autocomplete: what QUERY may become as it is typed."""
        return await self.searcher.suggest(query, limit)

    async def episode(self, episode_id: int) -> Episode | None:
        return await self.searcher.episode(episode_id)

    async def topics(self) -> list[TopicCount]:
        """Every topic, with how many episodes and articles have it; the largest first."""
        return await self.searcher.run(topic_search.all_topics)

    async def suggest_topics(self, typed: str, limit: int) -> list[TopicCount]:
        """Autocomplete for a topic name: the largest topics, or those TYPED begins or resembles."""
        return await self.searcher.run(topic_search.suggest_topics, typed, limit)

    async def topic(self, name: str, limit: int = 25) -> TopicAnswer:
        """The episodes (and articles) of the topic NAME names; for words no topic has, the
        episodes substantially about them; when none is, the closest topics instead."""
        return await self.searcher.run(topic_search.topic_answer, name, limit)

    async def related(self, episode_id: int, limit: int = 5) -> list[Related]:
        """The episodes most like EPISODE_ID, by shared topics and words, best first: as the last
        sync computed them, or (for an episode it has not reached yet) computed now."""
        stored = await self.store.stored_related(episode_id, limit)
        if stored is None:
            return await self.searcher.run(topic_search.related, episode_id, limit)
        episodes = {episode.id: episode for episode in await self.store.episodes([i for i, _, _ in stored])}
        return [Related(episodes[i], score, reason) for i, score, reason in stored if i in episodes]

    async def update_related(self) -> None:
        """Compute and store the related episodes of the episodes a sync wrote (and of those like
        them), a few at a time in the search thread, at most _RELATED_PER_SYNC a call: later
        syncs go on, and replies compute the rest meanwhile."""
        done = 0
        while done < _RELATED_PER_SYNC and (due := await self.store.related_due(_RELATED_BATCH)):
            ids = [episode_id for episode_id, _ in due]
            found = await self.searcher.run(topic_search.related_many, ids, _RELATED_STORED)
            stored = {i: [(r.episode.id, r.score, r.reason) for r in found[i]] for i in ids}
            await self.store.save_related(stored, [episode_id for episode_id, written in due if written])
            done += len(ids)

    async def topics_of(self, episode_ids: list[int]) -> dict[int, list[EpisodeTopic]]:
        """Each episode's topics, the most trusted source first."""

        def labelled(asking: Asking) -> dict[int, list[EpisodeTopic]]:
            return {
                episode_id: [EpisodeTopic(name, topic_search.label_of(asking, name), source) for name, source in topics]
                for episode_id, topics in asking.reader.topics_of(episode_ids).items()
            }

        return await self.searcher.run(labelled)

    async def reading(self, episode_ids: list[int]) -> dict[int, list[Reading]]:
        """Each episode's companion articles, strongest link first."""
        return await self.store.reading(episode_ids)

    async def extras(self, episode_id: int, related: int = 5) -> EpisodeExtras:
        """An episode's topics, companion posts and up to RELATED episodes like it."""
        return EpisodeExtras(
            topics=tuple((await self.topics_of([episode_id]))[episode_id]),
            reading=tuple((await self.reading([episode_id]))[episode_id]),
            related=tuple(await self.related(episode_id, related)) if related else (),
        )

    async def latest(self, count: int) -> list[Episode]:
        return await self.store.latest(count)

    async def episodes(self) -> list[Episode]:
        """Every episode in the feed, newest first (an export; searches never need this)."""
        return await self.store.episodes()

    async def podcast(self) -> PodcastInfo | None:
        return await self.store.podcast()

    async def health(self) -> FeedHealth:
        return FeedHealth(
            source=self.source,
            episodes=await self.store.episode_count(),
            state=await self.store.feed_state(self.source),
            last_report=self.syncer.last_report,
            next_sync=self._refresher.next_run_time() if self._refresher else None,
            syncing=self.syncer.running,
            companions=tuple(
                [
                    (companion.companion.name, await self.store.feed_state(companion.source))
                    for companion in self.companions
                ]
            ),
            store_problem=self.store.whereabouts(),
            transcripts=await self.store.transcript_status(),
        )

    # -- syncing ----------------------------------------------------------------------------

    def on_synced(self, listener: SyncListener) -> None:
        """Call LISTENER after every sync that wrote (scheduled or asked for); a failing
        listener is logged and never stops the others."""
        self._listeners.append(listener)

    async def sync(self, *, dry_run: bool = False, wait: bool = True, force: bool = False) -> SyncReport:
        """Bring the store up to date with the feed (see Syncer.sync); listeners hear of it."""
        try:
            report = await self.syncer.sync(dry_run=dry_run, wait=wait, force=force)
        except FeedError:
            if not dry_run:
                await self.refresh_reading(force=force)
            raise
        if not dry_run:
            report.warnings.extend(await self.refresh_reading(force=force))
            await self._tell_listeners(report)
        return report

    async def refresh_reading(self, *, force: bool = False) -> list[str]:
        """Sync the companion feeds, then bring links and topics up to date. A failing companion
        is recorded and returned as a warning; it never stops the podcast's own sync or the
        others."""
        warnings = []
        for companion in self.companions:
            try:
                await companion.sync(force=force)
            except FeedError as error:
                warnings.append(str(error))
        try:
            caught_up = await self.store.relate()
            while not caught_up:  # each step is bounded and awaits the database
                caught_up = await self.store.relate()
            await self.update_related()
        except StoreError as error:
            log.warning("could not update topics and companion links: %s", error)
            warnings.append(f"topics not updated ({error})")
        return warnings

    async def ensure_loaded(self) -> None:
        """A fresh store loads its feed once, so the first search on a new machine just works. A
        store that holds a feed is only read: what it holds changes with a sync, never a question."""
        if await self.store.feed_source() is None and await self.store.episode_count() == 0:
            log.info("store is empty; loading episodes from %s", redacted(self.source))
            await self.sync()

    def start_refreshing(self) -> None:
        """Sync now, then every refresh interval, with back-off after failures."""
        if self._refresher is None:
            self._refresher = RefreshScheduler(
                self.syncer, self.config.refresh, self._tell_listeners, after_each=self.refresh_reading
            )
            self._refresher.start()

    async def stop_refreshing(self) -> None:
        """Refresh no more; a refresh under way is stopped (it writes nothing part way)."""
        if self._refresher is not None:
            refresher, self._refresher = self._refresher, None
            await refresher.stop()

    async def _tell_listeners(self, report: SyncReport) -> None:
        for listener in self._listeners:
            try:
                await listener(report)
            except Exception:
                log.exception("sync listener %r failed", listener)
