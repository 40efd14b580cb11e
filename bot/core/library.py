"""The front door to the core: one podcast's episodes, searchable and kept in sync with its feed.

Every front end (the CLI, the console, the Discord bot, the tests and the benchmarks) opens a
Library and asks it; nothing else assembles the store, the syncer, the searcher and the refresh
schedule:

    async with await Library.open(config, db="data/episodes.db") as library:
        found = await library.find("caddy")
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Self

import aiohttp

from bot.core.ingest.feed import BUNDLED_SNAPSHOT, FeedError, resolve_source
from bot.core.search.moments import MOST_MOMENTS, asks_for_moments, transcript_moments
from bot.core.search.searcher import Asking, Searcher
from bot.core.search.synonyms import Synonyms
from bot.core.sync.companions import CompanionSyncer, companions_for
from bot.core.sync.scheduler import RefreshScheduler
from bot.core.sync.syncer import Syncer
from bot.core.topics import answers as topic_search
from bot.core.topics.labels import TopicWords

from .config import Config, PodcastConfig, single_podcast
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
# Topic counts: this many topics counted at a time (5 to 10 ms each on a real show), so a reply
# waits for the search thread no more than a few tens of milliseconds while a sync counts.
_TOPICS_COUNTED_BATCH = 4


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
    podcast: str = ""  # the podcast's name


@dataclass(frozen=True, slots=True)
class PodcastSummary:
    """One podcast as `podcasts` lists it."""

    name: str
    title: str
    episodes: int
    health: FeedHealth
    configured: bool  # False: removed from the config; its episodes are kept, it is not synced


class UnknownPodcast(Exception):
    """A podcast name the instance does not follow; the message names the ones it does."""

    def __init__(self, name: str, known: Sequence[str] = (), *, removed: bool = False) -> None:
        self.name = name
        listed = f" (podcasts: {', '.join(known)})" if known else ""
        if removed:
            super().__init__(
                f"podcast {name!r} was removed from the config: its episodes are kept, not synced or searched{listed}"
            )
        else:
            super().__init__(f"no podcast named {name!r}{listed}")


@dataclass(slots=True)
class Followed:
    """A configured podcast: its feed's syncer and its companion feeds."""

    config: PodcastConfig
    syncer: Syncer
    companions: list[CompanionSyncer]

    @property
    def name(self) -> str:
        return self.config.name


# "show:64", "show: caddy": a query for one podcast, by its name.
_PODCAST_PREFIX = re.compile(r"^\s*([a-z0-9][a-z0-9-]{0,31})\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)


class Library:
    """Opened with `await Library.open(config, ...)`; closed with `close()` or `async with`."""

    def __init__(
        self,
        config: Config,
        store: Store,
        followed: Sequence[Followed],
        searcher: Searcher,
    ) -> None:
        self.config = config
        self.store = store  # guild settings and the announcement outbox, for the Discord layer
        self.followed = {podcast.name: podcast for podcast in followed}
        self.searcher = searcher
        self._ids: dict[str, int] = {}
        self._listeners: list[SyncListener] = []
        self._refresher: RefreshScheduler | None = None
        self._relating = asyncio.Lock()
        self._deriving: asyncio.Task[None] | None = None
        self._derive_wanted = False
        self._current_at: str | None = None  # the store generation links, topics and related are current for

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
        """The store at DB (default: the config's), syncing the config's podcasts; FEED, when
        given, is the one podcast instead. A config that names no feed follows the podcasts the
        store already holds, else the bundled snapshot. HTTP, when given, is used for every sync
        and must come from feed.new_http_session with the feeds' address policy; else each sync
        makes its own. Without CREATE, a missing database is an error instead of a new empty one."""
        store = await Store.open(
            db or config.store.path, busy_timeout_seconds=config.store.busy_timeout_seconds, create=create
        )
        try:
            podcasts = await _podcasts_to_follow(config, store, feed)
            followed = [
                Followed(
                    podcast,
                    Syncer(store, config.feed, resolve_source(podcast.url), http, podcast=podcast.name),
                    [
                        CompanionSyncer(store, companion, config.feed, podcast.name)
                        for companion in companions_for(
                            podcast.companions, resolve_source(podcast.url) == str(BUNDLED_SNAPSHOT)
                        )
                    ],
                )
                for podcast in podcasts
            ]
        except BaseException:
            await store.close()  # its worker thread would keep the process alive
            raise
        searcher = Searcher(store.path, Synonyms(config.search.synonyms), TopicWords(dict(config.topics.aliases)))
        return cls(config, store, followed, searcher)

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

    # -- which podcasts ---------------------------------------------------------------------

    @property
    def podcast_names(self) -> tuple[str, ...]:
        """The configured podcasts' names, in config order."""
        return tuple(self.followed)

    @property
    def several(self) -> bool:
        """More than one podcast in play: results then say whose they are."""
        return len(self.followed) > 1

    @property
    def syncer(self) -> Syncer:
        """The first podcast's syncer (a single podcast's, as before)."""
        return self._first.syncer

    @property
    def companions(self) -> list[CompanionSyncer]:
        return self._first.companions

    @property
    def source(self) -> str:
        return self.syncer.source

    @property
    def _first(self) -> Followed:
        return next(iter(self.followed.values()))

    def _podcast(self, name: str | None) -> Followed:
        if name is None:
            return self._first
        if name not in self.followed:
            raise UnknownPodcast(name, self.podcast_names)
        return self.followed[name]

    async def _scope(self, podcasts: Sequence[str] | None) -> list[int]:
        """The store's ids of PODCASTS (None: every configured podcast); a podcast never synced
        has none yet, and no episodes."""
        names = list(self.followed) if podcasts is None else list(dict.fromkeys(podcasts))
        for name in names:
            await self._configured(name)
            if name not in self._ids and (found := await self.store.podcast_id(name)) is not None:
                self._ids[name] = found
        return [self._ids[name] for name in names if name in self._ids]

    async def _configured(self, name: str | None) -> Followed:
        """Podcast NAME (None: the first), which the config must list; a podcast it no longer
        lists is named as removed."""
        if name is not None and name not in self.followed and await self.store.podcast_id(name) is not None:
            raise UnknownPodcast(name, self.podcast_names, removed=True)
        return self._podcast(name)

    async def _id_of(self, name: str) -> int | None:
        """The store's id of podcast NAME; None before its first sync."""
        return next(iter(await self._scope([name])), None)

    def _narrowed(self, query: str, podcasts: Sequence[str] | None) -> tuple[str, Sequence[str] | None]:
        """`show:64` asks show's 64: the query without the prefix, for that podcast alone (when
        it is one of PODCASTS). Any other colon is the query's own."""
        match = _PODCAST_PREFIX.match(query or "")
        if match is None or match.group(1).lower() not in self.followed:
            return query, podcasts
        name = match.group(1).lower()
        if podcasts is not None and name not in podcasts:
            return query, podcasts
        return match.group(2), [name]

    # -- asking -----------------------------------------------------------------------------

    async def find(self, query: str, podcasts: Sequence[str] | None = None) -> Found:
        """The episode QUERY means and close alternatives ("Did you mean"), in one search; or,
        when nothing matches, a hint and the closest episodes. PODCASTS: the names to search
        (None: every configured podcast); `show:QUERY` searches that show alone."""
        query, podcasts = self._narrowed(query, podcasts)
        return await self.searcher.find(query, podcasts=await self._scope(podcasts))

    async def search(
        self, query: str, limit: int = 10, podcasts: Sequence[str] | None = None, *, in_transcripts: bool = False
    ) -> list[Match]:
        """Episodes matching QUERY, best first; with IN_TRANSCRIPTS (or "in:transcript" in the
        query), the moments of their transcripts that say it instead, up to MOST_MOMENTS."""
        query, podcasts = self._narrowed(query, podcasts)
        scope = await self._scope(podcasts)
        text, asked_for_moments = asks_for_moments(query)
        if in_transcripts or asked_for_moments:
            return await self.searcher.run(transcript_moments, text, min(limit, MOST_MOMENTS), podcasts=scope)
        return await self.searcher.search(query, limit, podcasts=scope)

    async def suggest(self, query: str, limit: int, podcasts: Sequence[str] | None = None) -> list[Match]:
        """Autocomplete: what QUERY may become as it is typed."""
        query, podcasts = self._narrowed(query, podcasts)
        return await self.searcher.suggest(query, limit, podcasts=await self._scope(podcasts))

    async def episode(self, episode_id: int) -> Episode | None:
        return await self.searcher.episode(episode_id)

    async def topics(self, podcasts: Sequence[str] | None = None) -> list[TopicCount]:
        """Every topic, with how many episodes `topic` lists and how many articles have it; the
        largest first (TopicCount.worth_browsing says which /topics shows)."""
        return await self.searcher.run(topic_search.all_topics, podcasts=await self._scope(podcasts))

    async def suggest_topics(self, typed: str, limit: int, podcasts: Sequence[str] | None = None) -> list[TopicCount]:
        """Autocomplete for a topic name: the largest topics, or those TYPED begins or resembles."""
        return await self.searcher.run(topic_search.suggest_topics, typed, limit, podcasts=await self._scope(podcasts))

    async def topic(
        self, name: str, limit: int = topic_search.MOST_LISTED, podcasts: Sequence[str] | None = None
    ) -> TopicAnswer:
        """The episodes (and articles) of the topic NAME names; for words no topic has, the
        episodes substantially about them; when none is, the closest topics instead. Across
        several podcasts, each result's episode names its podcast; `show:NAME` is show's topic."""
        name, podcasts = self._narrowed(name, podcasts)
        return await self.searcher.run(topic_search.topic_answer, name, limit, podcasts=await self._scope(podcasts))

    async def related(self, episode_id: int, limit: int = 5) -> list[Related]:
        """The episodes most like EPISODE_ID, by shared topics and words, best first: as the last
        sync computed them, or (for an episode it has not reached yet) computed now."""
        stored = await self.store.stored_related(episode_id, limit)
        if stored is None:
            return await self.searcher.run(topic_search.related, episode_id, limit)
        episodes = {episode.id: episode for episode in await self.store.episodes([i for i, _, _ in stored])}
        return [Related(episodes[i], score, reason) for i, score, reason in stored if i in episodes]

    async def update_related(self) -> bool:
        """Compute and store the related episodes of the episodes a sync wrote (and of those like
        them), a few at a time in the search thread, at most _RELATED_PER_SYNC a call: later
        syncs go on, and replies compute the rest meanwhile. Whether none is left to compute."""
        done = 0
        while done < _RELATED_PER_SYNC:
            if not (due := await self.store.related_due(_RELATED_BATCH)):
                return True
            ids = [episode_id for episode_id, _ in due]
            found = await self.searcher.run(topic_search.related_many, ids, _RELATED_STORED)
            stored = {i: [(r.episode.id, r.score, r.reason) for r in found[i]] for i in ids}
            await self.store.save_related(stored, [episode_id for episode_id, written in due if written])
            done += len(ids)
        return False

    async def update_topic_counts(self) -> None:
        """Count the episodes `topic NAME` lists for every topic after a sync changed the store,
        a few topics at a time in the search thread, and store the counts for /topics. Only the
        podcasts whose episodes, topics or articles changed since their last count are counted
        again (a sync of one show among a hundred counts that show's topics)."""
        generation = await self.store.topic_counts_due()
        if generation is None:
            return
        counted_from = await self.store.topic_count_prints()
        counted: dict[int, list[tuple[str, int, int]]] = {}
        prints: dict[int, str] = {}
        for podcast_id in await self.searcher.run(lambda asking: list(asking.reader.podcasts())):
            scope = [podcast_id]
            prints[podcast_id] = await self.searcher.run(
                lambda asking: asking.reader.topic_inputs_print(), podcasts=scope
            )
            if counted_from.get(podcast_id) == prints[podcast_id]:
                continue
            tagged = await self.searcher.run(lambda asking: asking.reader.tagged_topic_counts(), podcasts=scope)
            counted[podcast_id] = []
            for start in range(0, len(tagged), _TOPICS_COUNTED_BATCH):
                batch = tagged[start : start + _TOPICS_COUNTED_BATCH]
                counted[podcast_id] += await self.searcher.run(topic_search.listed_counts, batch, podcasts=scope)
        await self.store.save_topic_counts(counted, generation, prints)

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

    async def latest(self, count: int, podcasts: Sequence[str] | None = None) -> list[Episode]:
        return await self.store.latest(count, await self._store_scope(podcasts))

    async def episodes(self, podcasts: Sequence[str] | None = None) -> list[Episode]:
        """Every episode of PODCASTS (None: every configured podcast), newest first (an export;
        searches never need this)."""
        return await self.store.episodes(podcast_ids=await self._store_scope(podcasts))

    async def _store_scope(self, podcasts: Sequence[str] | None) -> list[int] | None:
        """The ids of PODCASTS, or None when they are every podcast the store holds."""
        ids = await self._scope(podcasts)
        return None if len(ids) == await self.store.podcast_count() else ids

    async def podcast(self, name: str | None = None) -> PodcastInfo | None:
        """What the feed of podcast NAME (default: the first) says of itself, with the config's title."""
        followed = self._podcast(name)
        podcast_id = await self._id_of(followed.name)
        info = await self.store.podcast(podcast_id) if podcast_id is not None else None
        if info is not None and followed.config.title:
            info = replace(info, title=followed.config.title)
        return info

    async def health(self, podcast: str | None = None) -> FeedHealth:
        """How podcast PODCAST's feed (default: the first) is syncing."""
        followed = self._podcast(podcast)
        syncer = followed.syncer
        podcast_id = await self._id_of(followed.name)
        return FeedHealth(
            source=syncer.source,
            episodes=await self.store.episode_count(podcast_id) if podcast_id is not None else 0,
            state=await self.store.feed_state(syncer.source),
            last_report=syncer.last_report,
            next_sync=self._refresher.next_run_time(followed.name) if self._refresher else None,
            syncing=syncer.running,
            companions=tuple(
                [
                    (companion.companion.name, await self.store.feed_state(companion.source))
                    for companion in followed.companions
                ]
            ),
            store_problem=self.store.whereabouts(),
            transcripts=await self.store.transcript_status(podcast_id),
            podcast=followed.name,
        )

    async def healths(self) -> list[FeedHealth]:
        """Every configured podcast's health, in config order."""
        return [await self.health(name) for name in self.followed]

    async def podcasts(self) -> list[PodcastSummary]:
        """Every podcast: the configured ones in config order, then those the store still holds
        from before (removed from the config: kept, no longer synced or announced)."""
        stored = {podcast.name: podcast for podcast in await self.store.stored_podcasts()}
        summaries = []
        for name, followed in self.followed.items():
            health = await self.health(name)
            title = followed.config.title or (stored[name].title if name in stored else "")
            summaries.append(PodcastSummary(name, title, health.episodes, health, configured=True))
        for name, kept in stored.items():
            if name in self.followed:
                continue
            state = await self.store.feed_state(kept.source) if kept.source else None
            health = FeedHealth(
                source=kept.source or "",
                episodes=kept.episodes,
                state=state,
                last_report=None,
                next_sync=None,
                syncing=False,
                podcast=name,
            )
            summaries.append(PodcastSummary(name, kept.title, kept.episodes, health, configured=False))
        return summaries

    # -- syncing ----------------------------------------------------------------------------

    def on_synced(self, listener: SyncListener) -> None:
        """Call LISTENER after every sync that wrote (scheduled or asked for); a failing
        listener is logged and never stops the others."""
        self._listeners.append(listener)

    async def sync(
        self, podcast: str | None = None, *, dry_run: bool = False, wait: bool = True, force: bool = False
    ) -> SyncReport:
        """Bring the store up to date with PODCAST's feed (default: the first; see Syncer.sync)
        and its companions, then topics, links and related episodes; listeners hear of it."""
        return await self._sync(await self._configured(podcast), dry_run=dry_run, wait=wait, force=force, derive=True)

    async def _sync(self, followed: Followed, *, dry_run: bool, wait: bool, force: bool, derive: bool) -> SyncReport:
        try:
            report = await followed.syncer.sync(dry_run=dry_run, wait=wait, force=force)
        except FeedError:
            if not dry_run:
                await self._sync_companions(followed, force)
                if derive:
                    await self._derive()
            raise
        if not dry_run:
            report.warnings.extend(await self._sync_companions(followed, force))
            if derive:
                report.warnings.extend(await self._derive())
            await self._tell_listeners(report)
        return report

    async def sync_all(
        self, podcasts: Sequence[str] | None = None, *, dry_run: bool = False, wait: bool = True, force: bool = False
    ) -> list[SyncReport | FeedError]:
        """Sync PODCASTS (None: every configured podcast), at most `refresh.feeds_at_once` feeds
        at a time, then bring topics, links and related episodes up to date once: each podcast's
        report (listeners hear of each as it is done), or the FeedError its feed failed with
        (which changed nothing of it and nothing of the others), in the order given."""
        chosen = (
            list(self.followed.values()) if podcasts is None else [await self._configured(name) for name in podcasts]
        )
        limit = asyncio.Semaphore(self.config.refresh.feeds_at_once)

        async def one(followed: Followed) -> SyncReport | FeedError:
            async with limit:
                try:
                    return await self._sync(followed, dry_run=dry_run, wait=wait, force=force, derive=False)
                except FeedError as error:
                    return error

        reports = list(await asyncio.gather(*(one(followed) for followed in chosen)))
        if not dry_run:
            warnings = await self._derive()
            for report in reports:
                if isinstance(report, SyncReport):
                    report.warnings.extend(warnings)
        return reports

    async def _sync_companions(self, followed: Followed, force: bool) -> list[str]:
        warnings = []
        for companion in followed.companions:
            try:
                await companion.sync(force=force)
            except FeedError as error:
                warnings.append(str(error))
        return warnings

    async def _derive(self) -> list[str]:
        """Bring the store-wide links, topics and related episodes up to date, one caller at a
        time (another's would only repeat the same work meanwhile)."""
        try:
            async with self._relating:
                generation = await self.store.generation()
                if generation == self._current_at and generation is not None:
                    return []  # nothing was written since all of it was brought up to date
                caught_up = await self.store.relate()
                while not caught_up:  # each step is bounded and awaits the database
                    caught_up = await self.store.relate()
                related_done = await self.update_related()
                await self.update_topic_counts()
                if related_done:
                    self._current_at = generation
        except StoreError as error:
            log.warning("could not update topics and companion links: %s", error)
            return [f"topics not updated ({error})"]
        return []

    def _derive_soon(self) -> None:
        """_derive in the background, once more after the run under way when one is: a scheduled
        sync of one podcast among many does not hold its feed slot (nor its announcements) for
        work that covers them all."""
        self._derive_wanted = True
        if self._deriving is None or self._deriving.done():
            self._deriving = asyncio.create_task(self._derive_while_wanted())

    async def _derive_while_wanted(self) -> None:
        while self._derive_wanted:
            self._derive_wanted = False
            try:
                await self._derive()
            except Exception:
                log.exception("updating topics and related episodes crashed")

    async def _after_scheduled(self, syncer: Syncer) -> None:
        """After a scheduled sync: its companions; then topics and related episodes, in the
        background when several podcasts share them."""
        followed = self.followed[syncer.podcast]
        await self._sync_companions(followed, force=False)
        if self.several:
            self._derive_soon()
        else:
            await self._derive()

    async def ensure_loaded(self) -> None:
        """A fresh store loads its feeds once, so the first search on a new machine just works. A
        store that holds a feed is only read: what it holds changes with a sync, never a question."""
        if await self.store.feed_source() is None and await self.store.episode_count() == 0:
            for name, followed in self.followed.items():
                log.info("store is empty; loading episodes from %s", followed.syncer.shown_source)
                if self.several:
                    with contextlib.suppress(FeedError):  # recorded; the other podcasts still load
                        await self.sync(name)
                else:
                    await self.sync(name)

    def start_refreshing(self) -> None:
        """Sync each podcast now, then every refresh interval, with back-off after failures."""
        if self._refresher is None:
            self._refresher = RefreshScheduler(
                [followed.syncer for followed in self.followed.values()],
                self.config.refresh,
                self._tell_listeners,
                after_each=self._after_scheduled,
                intervals={
                    name: followed.config.refresh_minutes
                    for name, followed in self.followed.items()
                    if followed.config.refresh_minutes
                },
            )
            self._refresher.start()

    async def stop_refreshing(self) -> None:
        """Refresh no more; a refresh under way is stopped (it writes nothing part way)."""
        if self._refresher is not None:
            refresher, self._refresher = self._refresher, None
            await refresher.stop()
        if self._deriving is not None:
            self._deriving.cancel()  # its writes are transactions: a stopped one wrote nothing
            with contextlib.suppress(asyncio.CancelledError):
                await self._deriving

    async def _tell_listeners(self, report: SyncReport) -> None:
        for listener in self._listeners:
            try:
                await listener(report)
            except Exception:
                log.exception("sync listener %r failed", listener)


async def _podcasts_to_follow(config: Config, store: Store, feed: str | None) -> tuple[PodcastConfig, ...]:
    """FEED alone when given; else the config's podcasts; for a config that names no feed, the
    podcasts the store holds (what it was synced from), else the bundled snapshot. A single
    podcast (FEED, `[feed] url`) in a store of one podcast is that podcast, whatever its feed was:
    a new feed's first sync replaces its episodes, as a moved feed's should; in a store of
    several, it is the stored podcast of the same feed, when there is one. A [[podcasts]] entry
    whose name the store lacks takes over the stored podcast of the same feed (a renamed entry)."""
    held = [p for p in await store.stored_podcasts() if p.source]
    if feed is None and config.listed_podcasts:
        named = {podcast.name for podcast in config.listed_podcasts}
        for podcast in config.listed_podcasts:
            source = resolve_source(podcast.url)
            if podcast.name not in {p.name for p in held}:
                for kept in held:
                    if kept.source == source and kept.name not in named:
                        await store.rename_podcast(kept.id, podcast.name)
        return config.podcasts
    if feed is None and not config.names_feeds and held:
        return tuple(PodcastConfig(name=p.name, url=p.source or "", companions=config.companions) for p in held)
    single = single_podcast(feed if feed is not None else config.feed.url, config.companions)
    if len(held) == 1:
        return (replace(single, name=held[0].name),)
    # In a store of several, the feed may be one of them, held under its [[podcasts]] name.
    same_feed = [p for p in held if p.source == resolve_source(single.url)]
    return (replace(single, name=same_feed[0].name) if same_feed else single,)
