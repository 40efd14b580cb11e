"""Files a feed's items name (podcast:chapters JSON): which to download in a sync, within its budget.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiohttp

from bot.core.config import FeedConfig
from bot.core.formatting import shorten
from bot.core.ingest.chapters import chapters_from_json
from bot.core.ingest.feed import FeedError, body_digest, fetch_linked, is_url, new_http_session, read_local_file
from bot.core.ingest.netguard import AddressPolicy
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
    """Episodes with the chapters their podcast:chapters file gave, which win over the notes'."""
    result = []
    for episode in episodes:
        known = files.get(episode.chapters_url or "")
        if known is not None and known.chapters:
            episode = replace(episode, chapters=known.chapters)
        result.append(episode)
    return result


@dataclass
class LinkedRound:
    """What one sync's downloads did: the files to remember, and what to tell the operator."""

    files: list[LinkedFile] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
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
        ):
            if len(cases) == 1:
                lines.append(f"{problem}: {cases[0]}")
            elif cases:
                lines.append(f"{len(cases)} {problem.replace('file', 'files', 1)}; the first: {cases[0]}")
        return lines


class _Budget:
    """Bytes left for this sync's downloads; a download reserves its whole cap before it starts,
    so several at once can never overspend."""

    def __init__(self, total: int) -> None:
        self.left = total

    def reserve(self, amount: int) -> bool:
        if self.left < amount:
            return False
        self.left -= amount
        return True

    def refund(self, amount: int) -> None:
        self.left += amount


async def download_due(
    urls: Sequence[str],
    known: dict[str, LinkedFile],
    config: FeedConfig,
    session: aiohttp.ClientSession | None,
    policy: AddressPolicy,
    feed_folder: Path | None,
) -> LinkedRound:
    """Download the files in URLS (due ones, best first) within the per-sync limits. Without a
    SESSION (a feed read from a file), web addresses get one made with POLICY for this round."""
    taken = list(urls[: config.linked_files_per_sync])
    if session is None and any(is_url(url) for url in taken):
        async with new_http_session(policy) as own_session:
            return await download_due(urls, known, config, own_session, policy, feed_folder)
    round_ = LinkedRound()
    budget = _Budget(config.linked_bytes_per_sync)
    gate = asyncio.Semaphore(config.linked_fetches_at_once)

    async def one(url: str) -> LinkedFile | None:
        async with gate:
            cap = config.linked_file_max_bytes
            if not budget.reserve(cap):
                return None
            used = cap  # a download that failed part way counts in full
            try:
                file, used = await _download(url, known.get(url), config, session, policy, feed_folder, round_)
                return file
            finally:
                budget.refund(cap - used)

    done = await asyncio.gather(*(one(url) for url in taken))
    round_.files = [file for file in done if file is not None]
    round_.pending = len(urls) - len(round_.files)
    return round_


async def _download(
    url: str,
    previous: LinkedFile | None,
    config: FeedConfig,
    session: aiohttp.ClientSession | None,
    policy: AddressPolicy,
    feed_folder: Path | None,
    round_: LinkedRound,
) -> tuple[LinkedFile, int]:
    """The file's new record, and the bytes its download used."""
    now = dt.datetime.now(dt.UTC)
    base = previous or LinkedFile(url=url)
    validators = FeedState(source=url, etag=base.etag, last_modified=base.last_modified)
    try:
        if is_url(url):
            assert session is not None  # download_due makes one when a web address is due
            result = await fetch_linked(url, config, session, policy, validators if base.chapters is not None else None)
            body, etag, last_modified = result.body, result.etag, result.last_modified
        else:
            body = await asyncio.to_thread(_read_local, url, feed_folder, config)
            etag = last_modified = None
    except FeedError as error:
        failures = base.failures + 1
        retry = min(FIRST_RETRY * 2 ** min(failures - 1, 16), LONGEST_RETRY)
        round_.failed.append(shorten(str(error), 300))
        log.info("chapters file %s failed (%d in a row): %s", url, failures, error)
        failed = replace(base, last_error=str(error), failures=failures, next_attempt_at=now + retry)
        return failed, config.linked_file_max_bytes
    if body is None or (base.body_sha256 is not None and body_digest(body) == base.body_sha256):
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
    chapters = await asyncio.to_thread(chapters_from_json, body, config.max_chapters)
    if not chapters:
        round_.empty.append(shorten(url, 200))
    read = LinkedFile(
        url=url,
        etag=etag,
        last_modified=last_modified,
        body_sha256=body_digest(body),
        chapters=chapters,
        fetched_at=now,
    )
    return read, len(body)


def _read_local(path_text: str, feed_folder: Path | None, config: FeedConfig) -> bytes:
    """A chapters file next to a local feed file; never one outside the feed's folder."""
    path = Path(path_text).resolve()
    if feed_folder is None or not path.is_relative_to(feed_folder.resolve()):
        raise FeedError(f"{path_text}: local chapters files must be in the feed file's folder")
    return read_local_file(
        str(path), config.linked_file_max_bytes, config.linked_file_timeout_seconds, "feed.linked_file_max_bytes"
    )
