"""Files a feed's items name (podcast:chapters JSON, podcast:transcript): which to download in a
sync, within its budget.

Each file is remembered in the store with its validators, so it is downloaded once, revalidated
when its episode changes, and retried with back-off when it failed. A sync downloads at most
`feed.linked_files_per_sync` files and `feed.linked_bytes_per_sync` bytes, a few at a time; the
rest are pending and later syncs catch up. A file that fails never fails the sync: the notes'
chapters stand until it succeeds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiohttp

from bot.core.config import FeedConfig
from bot.core.formatting import shorten
from bot.core.ingest.chapters import chapters_from_json
from bot.core.ingest.feed import FeedError, body_digest, fetch_linked, is_url, new_http_session, read_local_file
from bot.core.ingest.netguard import AddressPolicy
from bot.core.ingest.transcripts import passages_of, read_transcript
from bot.core.models import FeedState, LinkedFile, ParsedEpisode

log = logging.getLogger(__name__)
FIRST_RETRY = dt.timedelta(minutes=15)
LONGEST_RETRY = dt.timedelta(days=1)


def is_due(known: LinkedFile | None, episode_changed: bool, now: dt.datetime) -> bool:
    """Whether a sync should download the file: never fetched, a failure whose retry time came,
    or its episode changed in the feed (then a conditional GET revalidates it)."""
    if known is None:
        return True
    waiting = known.next_attempt_at is not None and known.next_attempt_at > now
    if known.failures:
        return not waiting
    return episode_changed


def with_linked_chapters(episodes: Iterable[ParsedEpisode], files: dict[str, LinkedFile]) -> list[ParsedEpisode]:
    """Episodes with the chapters their podcast:chapters file gave, which win over the notes';
    and, when the notes name no guests, the speakers their transcript names (but the hosts)."""
    episodes = list(episodes)
    hosts = _hosts(episodes, files)
    result = []
    for episode in episodes:
        known = files.get(episode.chapters_url or "")
        if known is not None and known.chapters:
            episode = replace(episode, chapters=known.chapters)
        transcript = files.get(episode.transcript_url or "")
        speakers = tuple(s for s in transcript.speakers if s not in hosts) if transcript else ()
        if speakers and not episode.guests:
            episode = replace(episode, guests=speakers)
        result.append(episode)
    return result


def _hosts(episodes: list[ParsedEpisode], files: dict[str, LinkedFile]) -> set[str]:
    """Who speaks in most of a show's transcripts (of three or more): its hosts, not its guests."""
    transcripts = [files[e.transcript_url] for e in episodes if e.transcript_url in files]
    if len(transcripts) < 3:
        return set()
    counts = Counter(speaker for file in transcripts for speaker in set(file.speakers))
    return {speaker for speaker, count in counts.items() if count > len(transcripts) / 2}


@dataclass
class LinkedRound:
    """What one sync's downloads did: the files to remember, and what to tell the operator."""

    files: list[LinkedFile] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    failed_transcripts: list[str] = field(default_factory=list)
    empty_transcripts: list[str] = field(default_factory=list)
    pending: int = 0

    @property
    def downloaded(self) -> int:
        """Files this round read (or found unchanged), not those it tried and failed."""
        return sum(1 for file in self.files if file.failures == 0)

    @property
    def warnings(self) -> list[str]:
        """One line per kind of problem, however many files had it."""
        lines = []
        for problem, cases in (
            ("chapters file not used (retried later)", self.failed),
            ("chapters file has no usable chapters", self.empty),
            ("transcript file not used (retried later)", self.failed_transcripts),
            ("transcript file has no usable text", self.empty_transcripts),
        ):
            if len(cases) == 1:
                lines.append(f"{problem}: {cases[0]}")
            elif cases:
                lines.append(f"{len(cases)} {problem.replace('file', 'files', 1)}; the first: {cases[0]}")
        return lines


class _Budget:
    """Bytes left for this sync's downloads; a download reserves its whole cap before it starts,
    so several at once can never overspend. One that does not fit waits for those in flight to
    give back what they did not use; with none in flight, the budget is spent."""

    def __init__(self, total: int) -> None:
        self.left = total
        self.in_flight = 0
        self.changed = asyncio.Condition()

    async def reserve(self, amount: int) -> bool:
        async with self.changed:
            while self.left < amount:
                if not self.in_flight:
                    return False
                await self.changed.wait()
            self.left -= amount
            self.in_flight += 1
            return True

    async def refund(self, amount: int) -> None:
        async with self.changed:
            self.left += amount
            self.in_flight -= 1
            self.changed.notify_all()


async def download_due(
    urls: Sequence[str],
    known: dict[str, LinkedFile],
    config: FeedConfig,
    session: aiohttp.ClientSession | None,
    policy: AddressPolicy,
    feed_folder: Path | None,
    transcripts: Mapping[str, str | None] | None = None,
) -> LinkedRound:
    """Download the files in URLS (due ones, best first) within the per-sync limits; those in
    TRANSCRIPTS (with their declared type) are transcripts, the others chapters files. Without a
    SESSION (a feed read from a file), web addresses get one made with POLICY for this round."""
    taken = list(urls[: config.linked_files_per_sync])
    if session is None and any(is_url(url) for url in taken):
        async with new_http_session(policy) as own_session:
            return await download_due(urls, known, config, own_session, policy, feed_folder, transcripts)
    round_ = LinkedRound()
    budget = _Budget(config.linked_bytes_per_sync)
    gate = asyncio.Semaphore(config.linked_fetches_at_once)
    kinds = transcripts or {}

    async def one(url: str) -> LinkedFile | None:
        async with gate:
            kind = _Kind.transcript(kinds[url], config) if url in kinds else _Kind.chapters(config)
            if not await budget.reserve(kind.max_bytes):
                return None
            used = kind.max_bytes  # a download that failed part way counts in full
            try:
                file, used = await _download(url, kind, known.get(url), config, session, policy, feed_folder, round_)
                return file
            finally:
                await budget.refund(kind.max_bytes - used)

    done = await asyncio.gather(*(one(url) for url in taken))
    round_.files = [file for file in done if file is not None]
    round_.pending = len(urls) - len(round_.files)
    return round_


@dataclass(frozen=True, slots=True)
class _Kind:
    """What a linked file is: its size cap (and the key that sets it), and how it is read."""

    name: str
    max_bytes: int
    limit_key: str
    declared_type: str | None = None

    @classmethod
    def chapters(cls, config: FeedConfig) -> _Kind:
        return cls("chapters", config.linked_file_max_bytes, "feed.linked_file_max_bytes")

    @classmethod
    def transcript(cls, declared_type: str | None, config: FeedConfig) -> _Kind:
        return cls("transcript", config.transcript_max_bytes, "feed.transcript_max_bytes", declared_type)

    def read(self, url: str, body: bytes, config: FeedConfig, round_: LinkedRound) -> LinkedFile:
        """The file's record with what BODY holds (run in a worker thread: a transcript is megabytes)."""
        if self.name == "chapters":
            chapters = chapters_from_json(body, config.max_chapters)
            if not chapters:
                round_.empty.append(shorten(url, 200))
            return LinkedFile(url=url, chapters=chapters)
        passages = tuple(passages_of(read_transcript(body, self.declared_type)))
        if not passages:
            round_.empty_transcripts.append(shorten(url, 200))
        speakers = tuple(dict.fromkeys(speaker for passage in passages for speaker in passage.speakers))
        return LinkedFile(url=url, passages=passages, speakers=speakers[:_MAX_SPEAKERS], is_transcript=True)


# More names than this are a transcript's numbered "Speaker 12"s, not its guests.
_MAX_SPEAKERS = 8


async def _download(
    url: str,
    kind: _Kind,
    previous: LinkedFile | None,
    config: FeedConfig,
    session: aiohttp.ClientSession | None,
    policy: AddressPolicy,
    feed_folder: Path | None,
    round_: LinkedRound,
) -> tuple[LinkedFile, int]:
    """The file's new record, and the bytes its download used."""
    now = dt.datetime.now(dt.UTC)
    base = previous or LinkedFile(url=url, is_transcript=kind.name == "transcript")
    validators = FeedState(source=url, etag=base.etag, last_modified=base.last_modified)
    try:
        if is_url(url):
            assert session is not None  # download_due makes one when a web address is due
            limit = (kind.max_bytes, kind.limit_key)
            result = await fetch_linked(url, config, session, policy, validators if base.was_read else None, limit)
            body, etag, last_modified = result.body, result.etag, result.last_modified
        else:
            body = await asyncio.to_thread(_read_local, url, feed_folder, config, kind)
            etag = last_modified = None
    except FeedError as error:
        failures = base.failures + 1
        retry = min(FIRST_RETRY * 2 ** min(failures - 1, 16), LONGEST_RETRY)
        (round_.failed_transcripts if kind.name == "transcript" else round_.failed).append(shorten(str(error), 300))
        log.info("%s file %s failed (%d in a row): %s", kind.name, url, failures, error)
        failed = replace(base, last_error=str(error), failures=failures, next_attempt_at=now + retry)
        return failed, kind.max_bytes
    digest = None if body is None else await asyncio.to_thread(body_digest, body)  # transcripts run to megabytes
    if body is None or (base.body_sha256 is not None and digest == base.body_sha256):
        unchanged = replace(
            base,
            fetched_at=now,
            last_error=None,
            failures=0,
            next_attempt_at=None,
            etag=etag or base.etag,
            last_modified=last_modified or base.last_modified,
        )
        return unchanged, len(body or b"")
    read = await asyncio.to_thread(kind.read, url, body, config, round_)
    return replace(read, etag=etag, last_modified=last_modified, body_sha256=digest, fetched_at=now), len(body)


def _read_local(path_text: str, feed_folder: Path | None, config: FeedConfig, kind: _Kind) -> bytes:
    """A chapters or transcript file next to a local feed file; never one outside the feed's folder."""
    path = Path(path_text).resolve()
    if feed_folder is None or not path.is_relative_to(feed_folder.resolve()):
        raise FeedError(f"{path_text}: local {kind.name} files must be in the feed file's folder")
    return read_local_file(str(path), kind.max_bytes, config.linked_file_timeout_seconds, kind.limit_key)
