"""One sync: fetch, parse, reconcile with the store, write. Shared by the scheduler, CLI and admins."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiohttp
from rapidfuzz import fuzz

from bot.core.config import FeedConfig, podcast_name_of
from bot.core.formatting import shorten
from bot.core.ingest.boilerplate import find_boilerplate
from bot.core.ingest.feed import (
    FeedError,
    FetchResult,
    address_policy,
    body_digest,
    fetch,
    is_url,
    new_http_session,
    parse,
)
from bot.core.ingest.heap import spare_new_objects, sparing_the_collector
from bot.core.ingest.linked import LinkedRound, download_due, is_due, with_linked_chapters
from bot.core.ingest.urls import redact_addresses, redacted
from bot.core.models import EpisodeChange, FeedState, LinkedFile, ParsedEpisode, ParsedFeed, PodcastInfo, SyncReport
from bot.core.store import Store, StoreBusy, StoreError, StoreMoved, utcnow
from bot.core.sync.identity import EpisodeWrite, StoredKey, audio_key, fingerprint, is_rerelease, normalise_title

log = logging.getLogger(__name__)

_CLOSE_TITLE = 80


class SyncInProgress(Exception):
    """Another sync holds the lock; callers that must not wait say so to the user."""


@dataclass
class Plan:
    writes: list[EpisodeWrite] = field(default_factory=list)
    new: list[EpisodeChange] = field(default_factory=list)
    changed: list[EpisodeChange] = field(default_factory=list)
    removed: list[StoredKey] = field(default_factory=list)
    unchanged: int = 0


def reconcile(stored: Sequence[StoredKey], incoming: Sequence[ParsedEpisode], *, announce_new: bool = True) -> Plan:
    """Match each feed item to a stored episode (GUID, then audio, number+title, title+date).
    New episodes are marked announceable unless ANNOUNCE_NEW is off (a feed's first sync)."""
    plan = Plan()
    by_guid = {key.guid: key for key in stored}
    incoming_guids = {episode.guid for episode in incoming}
    claimed: set[int] = set()
    unmatched: list[ParsedEpisode] = []
    pairs: list[tuple[ParsedEpisode, StoredKey | None]] = []
    for episode in incoming:
        key = by_guid.get(episode.guid)
        if key is not None:
            claimed.add(key.id)
            pairs.append((episode, key))
        else:
            unmatched.append(episode)
    # Only episodes whose GUID left the feed can have been renamed to a new GUID.
    orphans = _Orphans(key for key in stored if key.id not in claimed and key.guid not in incoming_guids)
    for episode in unmatched:
        key = orphans.claim(episode)
        if key is not None:
            claimed.add(key.id)
        pairs.append((episode, key))
    for episode, key in pairs:
        prints = fingerprint(episode)
        change = EpisodeChange(guid=episode.guid, title=episode.title, number=episode.number)
        if key is None:
            plan.writes.append(EpisodeWrite(id=None, episode=episode, fingerprint=prints, announceable=announce_new))
            plan.new.append(change)
            continue
        groups = dict.fromkeys([*prints, *key.fingerprint])  # a group present on one side only changed too
        change.fields = tuple(name for name in groups if key.fingerprint.get(name) != prints.get(name))
        if key.removed:
            change.fields = ("restored", *change.fields)
        if change.fields:
            plan.writes.append(EpisodeWrite(id=key.id, episode=episode, fingerprint=prints))
            plan.changed.append(change)
        else:
            plan.unchanged += 1
    plan.removed = [key for key in stored if key.id not in claimed and not key.removed]
    return plan


class _Orphans:
    """Stored episodes whose GUID left the feed, looked up by what else identifies an episode.
    Indexed, so a feed that changed every GUID at once costs one pass, not one per pair."""

    def __init__(self, keys: Iterable[StoredKey]) -> None:
        self.claimed: set[int] = set()
        self.by_audio: dict[str, list[StoredKey]] = defaultdict(list)
        self.by_number: dict[int, list[StoredKey]] = defaultdict(list)
        self.by_title_day: dict[tuple[str, str], list[StoredKey]] = defaultdict(list)
        self.titles: dict[int, str] = {}
        for key in keys:
            self.titles[key.id] = normalise_title(key.title)
            if key.audio_key:
                self.by_audio[key.audio_key].append(key)
            if key.number is not None:
                self.by_number[key.number].append(key)
            if self.titles[key.id] and key.published:
                self.by_title_day[(self.titles[key.id], key.published[:10])].append(key)

    def claim(self, episode: ParsedEpisode) -> StoredKey | None:
        """The stored episode this feed item is (same audio; else same number and a close title;
        else same title and day), taken so no other item can claim it too."""
        title = normalise_title(episode.title)
        rerelease = is_rerelease(episode.title)
        audio = audio_key(episode.audio_url)
        by_number = self.by_number.get(episode.number, []) if episode.number is not None else []
        day = episode.published.date().isoformat() if episode.published else None
        rules = (
            self.by_audio.get(audio, []) if audio else [],
            [key for key in by_number if fuzz.ratio(self.titles[key.id], title) >= _CLOSE_TITLE],
            self.by_title_day.get((title, day), []) if title and day else [],
        )
        for candidates in rules:
            for key in candidates:
                if key.id not in self.claimed and is_rerelease(key.title) == rerelease:
                    self.claimed.add(key.id)
                    return key
        return None


class Syncer:
    """The one way to sync: a lock so the scheduler, CLI and admins never sync at once."""

    def __init__(
        self,
        store: Store,
        config: FeedConfig,
        source: str,
        session: aiohttp.ClientSession | None = None,
        *,
        podcast: str | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.source = source
        self.podcast = podcast or podcast_name_of(source)  # the name its episodes are stored under
        self.shown_source = redacted(source)  # for logs and messages: no password, no query values
        self.policy = address_policy(source, config)
        self.session = session  # made with new_http_session(self.policy); else one per sync
        self._lock = asyncio.Lock()
        self.last_report: SyncReport | None = None

    @property
    def running(self) -> bool:
        return self._lock.locked()

    async def sync(self, *, dry_run: bool = False, wait: bool = True, force: bool = False) -> SyncReport:
        """Bring the store up to date with the feed. On any failure nothing changes, the failure is
        recorded as the feed's last error, and FeedError (or StoreError) is raised."""
        if not wait and self._lock.locked():
            raise SyncInProgress("a sync is already running")
        async with self._lock:
            started = utcnow()
            try:
                with sparing_the_collector():
                    if self.session is None and is_url(self.source):
                        async with new_http_session(self.policy) as session:
                            report = await self._sync(session, dry_run=dry_run, force=force)
                    else:
                        report = await self._sync(self.session, dry_run=dry_run, force=force)
            except (StoreBusy, StoreMoved) as error:
                # Nothing is wrong with the feed: another process is writing, or the store is gone.
                log.warning("sync of %s not run: %s", self.shown_source, error)
                raise
            except (FeedError, StoreError) as error:
                log.warning("sync of %s failed: %s", self.shown_source, error)
                await self._record_failure(str(error), dry_run)
                raise
            except Exception as error:
                # A bug or a surprise from a library must not stop syncing silently: it is a
                # failed sync like any other, visible to the operator and counted for back-off.
                log.exception("sync of %s crashed", self.shown_source)
                message = f"{self.source}: sync failed unexpectedly ({type(error).__name__}: {error})"
                await self._record_failure(message, dry_run)
                raise FeedError(shorten(message, 500)) from error
            report.seconds = (utcnow() - started).total_seconds()
            if not dry_run:
                self.last_report = report
            return report

    async def _record_failure(self, message: str, dry_run: bool) -> None:
        if not dry_run:
            await record_failure(self.store, self.source, message)

    async def _sync(self, session: aiohttp.ClientSession | None, *, dry_run: bool, force: bool) -> SyncReport:
        started = utcnow()
        state = await self.store.feed_state(self.source)
        # While linked files are pending, the feed is read in full even when unchanged, so later
        # syncs catch up on them.
        catching_up = bool(state and state.linked_pending)
        result = await fetch(self.source, self.config, session, None if force or catching_up else state)
        digest = None if result.body is None else await asyncio.to_thread(body_digest, result.body)
        if state and not catching_up and (result.not_modified or (not force and digest == state.body_sha256)):
            return await self._unchanged(state, result, started, dry_run)
        assert result.body is not None
        parsed = await parse(result.body, self.source, self.config)
        first_sync = state is None or state.last_success is None
        report = SyncReport(source=self.source, dry_run=dry_run, first_sync=first_sync, podcast=self.podcast)
        report.warnings.extend(parsed.warnings)
        generation = await self.store.generation()
        chapters_urls = [e.chapters_url for e in parsed.episodes if e.chapters_url]
        known_files = await self.store.linked_files(chapters_urls)
        podcast_id = await self.store.podcast_id(self.podcast)
        stored = await self.store.stored_keys(podcast_id) if podcast_id is not None else []
        spare_new_objects()
        plan = await _reconcile_in_thread(stored, parsed, known_files, announce_new=not first_sync)
        self._refuse_a_shrink(parsed, stored, plan, first_sync)
        due = _due_files(parsed.episodes, known_files, plan)
        linked = LinkedRound(pending=len(due))
        # Only a sync that will be written downloads what the feed names: never a dry run, and
        # never a feed refused above.
        if due and not dry_run:
            feed_folder = None if is_url(self.source) else Path(self.source).parent
            linked = await download_due(due, known_files, self.config, session, self.policy, feed_folder)
            if linked.files:
                known_files.update({file.url: file for file in linked.files})
                plan = await _reconcile_in_thread(stored, parsed, known_files, announce_new=not first_sync)
        if not dry_run:
            podcast = await asyncio.to_thread(_with_boilerplate, parsed)
            async with self.store.writing():
                podcast_id = await self.store.add_podcast(self.podcast)
                # Another writer (a CLI sync beside the bot) may have changed the store since it
                # was read above: what is written is reconciled against what it holds now.
                if await self.store.generation() != generation:
                    state = await self.store.feed_state(self.source)
                    first_sync = report.first_sync = state is None or state.last_success is None
                    known_files = {**await self.store.linked_files(chapters_urls), **{f.url: f for f in linked.files}}
                    stored = await self.store.stored_keys(podcast_id)
                    plan = await _reconcile_in_thread(stored, parsed, known_files, announce_new=not first_sync)
                    self._refuse_a_shrink(parsed, stored, plan, first_sync)
                new_state = FeedState(
                    source=self.source,
                    etag=result.etag,
                    last_modified=result.last_modified,
                    body_sha256=digest,
                    last_attempt=started,
                    last_success=started,
                    linked_pending=linked.pending,
                )
                await self.store.apply_sync(
                    podcast, plan.writes, [k.id for k in plan.removed], new_state, linked.files, podcast_id=podcast_id
                )
        report.warnings.extend(linked.warnings)
        report.linked_fetched = linked.downloaded
        report.linked_pending = linked.pending
        if linked.pending:
            verb = "would be downloaded" if dry_run else "still to download; later syncs catch up"
            report.warnings.append(f"{linked.pending} chapters files {verb}")
        report.new = plan.new
        report.changed = plan.changed
        report.removed = [EpisodeChange(guid=k.guid, title=k.title, number=k.number) for k in plan.removed]
        report.unchanged = plan.unchanged
        report.skipped_items = parsed.skipped_items
        for warning in report.warnings:
            log.warning("feed %s: %s", self.shown_source, warning)
        log.info(
            "sync of %s: %d new, %d changed, %d removed, %d unchanged%s",
            self.shown_source,
            len(plan.new),
            len(plan.changed),
            len(plan.removed),
            plan.unchanged,
            " (dry run)" if dry_run else "",
        )
        return report

    async def _unchanged(
        self, state: FeedState, result: FetchResult, started: dt.datetime, dry_run: bool
    ) -> SyncReport:
        """A feed that answered 304 or the same bytes: its validators are kept, nothing else changes."""
        report = SyncReport(
            source=self.source, dry_run=dry_run, first_sync=False, not_modified=True, podcast=self.podcast
        )
        podcast_id = await self.store.podcast_id(self.podcast)
        report.unchanged = await self.store.episode_count(podcast_id) if podcast_id is not None else 0
        if not dry_run:
            async with self.store.writing():
                current = await self.store.feed_state(self.source) or state
                await self.store.record_feed_success(
                    replace(
                        current,
                        etag=result.etag or current.etag,
                        last_modified=result.last_modified or current.last_modified,
                        last_attempt=started,
                        last_success=started,
                    )
                )
        return report

    def _refuse_a_shrink(self, parsed: ParsedFeed, stored: Sequence[StoredKey], plan: Plan, first_sync: bool) -> None:
        """The first sync of a source may replace another feed's episodes; after that, a feed that
        suddenly lost most of its items is more likely broken than pruned."""
        active = sum(1 for key in stored if not key.removed)
        if not first_sync and plan.removed and len(plan.removed) > self.config.max_shrink_ratio * active:
            raise FeedError(
                f"{self.source}: feed lists {len(parsed.episodes)} episodes but would remove {len(plan.removed)} of "
                f"{active} stored; refusing (a broken or truncated feed?)"
            )


async def record_failure(store: Store, source: str, message: str) -> None:
    """Keep MESSAGE as SOURCE's last error, for the operator (redacted: /admin status shows it in
    every server); a store that cannot is logged."""
    try:
        await store.record_feed_failure(source, redact_addresses(message))
    except StoreError as error:
        log.warning("could not record the failed sync of %s: %s", redacted(source), error)


async def _reconcile_in_thread(
    stored: Sequence[StoredKey],
    parsed: ParsedFeed,
    known_files: dict[str, LinkedFile],
    *,
    announce_new: bool,
) -> Plan:
    """Reconcile off the event loop: fingerprints and title comparisons of a 10,000-item feed
    take a while, and the bot must keep answering meanwhile."""

    def work() -> Plan:
        plan = reconcile(stored, with_linked_chapters(parsed.episodes, known_files), announce_new=announce_new)
        if not parsed.complete:
            plan.removed = []  # a cut-off feed says nothing about the items it never got to
        return plan

    return await asyncio.to_thread(work)


def _with_boilerplate(parsed: ParsedFeed) -> PodcastInfo:
    sentences, urls = find_boilerplate(
        [e.description_text for e in parsed.episodes], [e.links for e in parsed.episodes]
    )
    return replace(parsed.podcast, boilerplate_sentences=sentences, boilerplate_urls=urls)


def _due_files(episodes: Sequence[ParsedEpisode], known: dict[str, LinkedFile], plan: Plan) -> list[str]:
    """Linked files to download in this sync, in feed order (newest episodes first)."""
    touched = {change.guid for change in (*plan.new, *plan.changed)}
    now = utcnow()
    due = {
        episode.chapters_url: None
        for episode in episodes
        if episode.chapters_url and is_due(known.get(episode.chapters_url), episode.guid in touched, now)
    }
    return list(due)
