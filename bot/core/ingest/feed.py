"""Fetching a podcast feed (a URL or a local file) and parsing it into ParsedEpisodes."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import pickle
import re
import select
import stat
import sys
import time
import xml.sax
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import feedparser
import yarl

from bot import __version__
from bot.core.config import FeedConfig
from bot.core.formatting import shorten
from bot.core.ingest.heap import spare_new_objects
from bot.core.ingest.items import (
    FeedWarnings,
    ItemContext,
    RawItems,
    clean_text,
    episode_from_entry,
    guests_by_item,
    transcripts_by_item,
    with_transcript,
)
from bot.core.ingest.netguard import AddressPolicy, BlockedAddress, GuardedResolver, UnsafeUrl, is_url, origin_of
from bot.core.ingest.notes import html_to_text
from bot.core.ingest.parse_worker import PARENT_VARIABLE, from_plain
from bot.core.ingest.urls import redact_addresses
from bot.core.models import FeedState, ParsedEpisode, ParsedFeed, PodcastInfo

BUNDLED_SNAPSHOT = Path(__file__).resolve().parents[2] / "data" / "meta-tech-podcast.rss"
# `--feed example`: a made-up show with transcripts, to try transcript search offline.
EXAMPLE_FEED_NAME = "example"
EXAMPLE_FEED = BUNDLED_SNAPSHOT.parent / "example" / "example.rss"
USER_AGENT = f"podbot/{__version__} (podcast episode bot; +feed reader)"
_CHUNK = 64 * 1024
_FILE_CHUNK = 1024 * 1024
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_YIELD_EVERY = 1024 * 1024


class FeedError(Exception):
    """The feed could not be fetched or is not a usable podcast feed. The message is one line,
    with any address in it redacted (it reaches logs, the store and other servers' admins)."""

    def __init__(self, message: str) -> None:
        super().__init__(redact_addresses(message))


@dataclass(frozen=True, slots=True)
class FetchResult:
    body: bytes | None  # None when the server answered 304 Not Modified
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


def resolve_source(configured: str) -> str:
    """The feed to read: the configured URL or path ("example" is the bundled example show), else
    the snapshot bundled with the package."""
    if configured.strip() == EXAMPLE_FEED_NAME:
        return str(EXAMPLE_FEED)
    return configured.strip() or str(BUNDLED_SNAPSHOT)


def address_policy(source: str, config: FeedConfig) -> AddressPolicy:
    """What requests a sync of SOURCE may make: anything at the feed's own origin (the operator
    chose it), public addresses elsewhere (or LAN ones too, when the operator allowed them)."""
    return AddressPolicy(
        trusted=origin_of(source) if is_url(source) else None, allow_private=config.allow_private_addresses
    )


def new_http_session(policy: AddressPolicy) -> aiohttp.ClientSession:
    """The session every podbot download uses: its resolver enforces POLICY on each connection."""
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(policy), limit_per_host=8)
    return aiohttp.ClientSession(connector=connector, headers={"User-Agent": USER_AGENT}, trust_env=False)


async def fetch(
    source: str,
    config: FeedConfig,
    session: aiohttp.ClientSession | None = None,
    state: FeedState | None = None,
) -> FetchResult:
    """Download the feed SOURCE (conditional GET when STATE has validators) or read it from disk.
    A SESSION passed in must come from new_http_session with this source's address_policy."""
    if not is_url(source):
        if _SCHEME.match(source):
            raise FeedError(f"{source}: podbot reads feeds from http(s) addresses or local files only")
        return FetchResult(
            body=await asyncio.to_thread(
                read_local_file, source, config.max_bytes, config.timeout_seconds, "raise feed.max_bytes in the config"
            )
        )
    request = _Request(
        url=source,
        policy=address_policy(source, config),
        max_bytes=config.max_bytes,
        timeout_seconds=config.timeout_seconds,
        max_redirects=config.max_redirects,
        limit_hint="raise feed.max_bytes in the config to accept it",
    )
    if session is None:
        async with new_http_session(request.policy) as own_session:
            return await _fetch_url(request, own_session, state)
    return await _fetch_url(request, session, state)


async def fetch_linked(
    url: str,
    config: FeedConfig,
    session: aiohttp.ClientSession,
    policy: AddressPolicy,
    validators: FeedState | None = None,
    limit: tuple[int, str] | None = None,
) -> FetchResult:
    """A file the feed names (a podcast:chapters file, a transcript): the address policy applies
    to it and to every redirect, with the timeout of a secondary file and its size cap (LIMIT,
    bytes and the config key that sets them, for kinds with a cap of their own)."""
    max_bytes, limit_hint = limit or (config.linked_file_max_bytes, "feed.linked_file_max_bytes")
    request = _Request(
        url=url,
        policy=policy,
        max_bytes=max_bytes,
        timeout_seconds=config.linked_file_timeout_seconds,
        max_redirects=config.max_redirects,
        limit_hint=limit_hint,
    )
    return await _fetch_url(request, session, validators)


def read_local_file(source: str, limit: int, timeout_seconds: float, limit_hint: str) -> bytes:
    """A local file, within the same byte cap and timeout as a download: a device (/dev/zero),
    a pipe nobody writes to or a file growing as it is read never holds a sync for ever."""
    too_big = f"{source}: file is over the {limit:,}-byte limit ({limit_hint} to accept it)"
    try:
        # Non-blocking, so that opening a pipe with no writer does not wait for one.
        descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FeedError(f"{source}: file not found") from None
    except OSError as error:
        raise FeedError(f"{source}: cannot read the file ({error.strerror or error})") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise FeedError(f"{source}: is a directory, not a file")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise FeedError(too_big)
        deadline = time.monotonic() + timeout_seconds
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                chunk = os.read(descriptor, min(_FILE_CHUNK, limit + 1 - size))
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([descriptor], [], [], left)[0]:
                    raise FeedError(f"{source}: nothing more to read after {timeout_seconds:g} s") from None
                continue
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise FeedError(too_big)
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise FeedError(f"{source}: reading took over {timeout_seconds:g} s")
    except OSError as error:
        raise FeedError(f"{source}: cannot read the file ({error.strerror or error})") from None
    finally:
        os.close(descriptor)


@dataclass(frozen=True, slots=True)
class _Request:
    url: str
    policy: AddressPolicy
    max_bytes: int
    timeout_seconds: float
    max_redirects: int
    limit_hint: str

    @property
    def label(self) -> str:
        """The URL as error messages name it: a hostile one can be thousands of characters."""
        return shorten(self.url, 200)


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


async def _fetch_url(request: _Request, session: aiohttp.ClientSession, state: FeedState | None) -> FetchResult:
    """GET with redirects followed by hand, so each hop passes the address policy first."""
    try:
        return await _follow(request, session, state)
    except FeedError:
        raise
    except UnsafeUrl as error:
        raise FeedError(f"{request.label}: {error}") from None
    except TimeoutError:
        raise FeedError(f"{request.label}: timed out after {request.timeout_seconds:g} s") from None
    except aiohttp.InvalidURL:
        raise FeedError(f"{request.label}: not a valid URL") from None
    except aiohttp.ClientConnectorError as error:
        cause = error.os_error
        reason = str(cause) if isinstance(cause, BlockedAddress) else (cause.strerror or str(cause))
        raise FeedError(f"{request.label}: cannot connect ({reason})") from None
    except aiohttp.ClientError as error:
        raise FeedError(f"{request.label}: download failed ({type(error).__name__}: {error})") from None
    except (ValueError, UnicodeError) as error:
        # aiohttp encodes hosts (IDNA) and headers late; whatever it trips on is the URL's fault.
        raise FeedError(f"{request.label}: not a valid URL ({type(error).__name__}: {error})") from None


async def _follow(request: _Request, session: aiohttp.ClientSession, state: FeedState | None) -> FetchResult:
    headers = {"Accept": "application/rss+xml, application/xml;q=0.9, application/json;q=0.9, */*;q=0.5"}
    if state and state.etag:
        headers["If-None-Match"] = state.etag
    if state and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    timeout = aiohttp.ClientTimeout(total=request.timeout_seconds)
    target = request.policy.check(request.url)
    for _ in range(request.max_redirects + 1):
        async with session.get(target, headers=headers, timeout=timeout, allow_redirects=False) as response:
            location = response.headers.get("Location")
            if response.status in _REDIRECTS and location:
                target = request.policy.check(str(target.join(yarl.URL(location))))
                continue
            if response.status == 304:
                return FetchResult(
                    body=None, etag=state.etag if state else None, last_modified=state.last_modified if state else None
                )
            if response.status >= 400:
                raise FeedError(f"{request.label}: HTTP {response.status} {response.reason or ''}".rstrip())
            body = await _read_capped(response, request)
            return FetchResult(
                body=body,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    raise FeedError(f"{request.label}: more than {request.max_redirects} redirects")


async def _read_capped(response: aiohttp.ClientResponse, request: _Request) -> bytes:
    """The body, read in chunks and given up on as soon as it passes the cap (compressed bodies
    are counted after decompression, so a gzip bomb stops at the cap too)."""
    too_big = FeedError(
        f"{request.label}: response is over the {request.max_bytes:,}-byte limit ({request.limit_hint})"
    )
    if response.content_length is not None and response.content_length > request.max_bytes:
        raise too_big
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        if len(body) + len(chunk) > request.max_bytes:
            raise too_big
        body += chunk
        if len(body) % _YIELD_EVERY < len(chunk):
            # Buffered chunks come back without suspending; let the loop breathe between megabytes.
            await asyncio.sleep(0)
    return bytes(body)


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# Feeds at least this large are parsed in a child process (see parse).
CHILD_PARSE_BYTES = 2_000_000


async def parse(body: bytes, source: str, config: FeedConfig | None = None) -> ParsedFeed:
    """Parse off the event loop. A small feed is parsed in a worker thread. A large one is parsed
    in a child process (bot/parse_worker.py): feedparser decodes and re-encodes the whole document
    and builds millions of objects, and those steps and the collector's passes over them hold the
    GIL for 100 ms and more at 10,000 items, stalling the event loop however the work is threaded."""
    if len(body) < CHILD_PARSE_BYTES:
        return await asyncio.to_thread(parse_sync, body, source, config)
    return await _parse_in_child(body, source, config or FeedConfig())


async def _parse_in_child(body: bytes, source: str, config: FeedConfig) -> ParsedFeed:
    package_root = str(Path(__file__).resolve().parents[3])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        PARENT_VARIABLE: str(os.getpid()),
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.core.ingest.parse_worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    stdin, stdout = child.stdin, child.stdout

    async def exchange() -> list[bytes]:
        header = pickle.dumps((source, config))
        stdin.write(len(header).to_bytes(8, "big") + header)
        stdin.write(body)
        await stdin.drain()
        stdin.close()
        frames = []
        while size := int.from_bytes(await stdout.readexactly(8), "big"):
            frames.append(await stdout.readexactly(size))
        return frames

    try:
        frames = await asyncio.wait_for(exchange(), config.parse_timeout_seconds)
    except TimeoutError:
        raise FeedError(
            f"{source}: parsing took longer than {config.parse_timeout_seconds:g} s "
            f"(feed.parse_timeout_seconds); gave up"
        ) from None
    except (asyncio.IncompleteReadError, BrokenPipeError, ConnectionResetError):
        error = (await child.stderr.read()).decode(errors="replace").strip().splitlines()
        raise FeedError(f"{source}: the feed parser stopped ({error[-1] if error else 'no message'})") from None
    finally:
        if child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
        await child.wait()
    kind, payload = await asyncio.to_thread(pickle.loads, frames[0])
    if kind == "error":
        raise FeedError(payload)
    podcast, skipped, warnings, complete = payload
    episodes: list[ParsedEpisode] = []
    for frame in frames[1:]:
        episodes.extend(await asyncio.to_thread(_episodes_from_frame, frame))
        spare_new_objects()
    return ParsedFeed(
        podcast=podcast, episodes=tuple(episodes), skipped_items=skipped, warnings=warnings, complete=complete
    )


def _episodes_from_frame(frame: bytes) -> list[ParsedEpisode]:
    _, batch = pickle.loads(frame)
    return [from_plain(values) for values in batch]


ItemsReader = Callable[
    [list[Any], str, FeedConfig, dict[int, list[str]]], tuple[list[ParsedEpisode | None], FeedWarnings]
]


def read_entries(
    entries: list[Any], source: str, limits: FeedConfig, people: dict[int, list[str]], first_position: int = 1
) -> tuple[list[ParsedEpisode | None], FeedWarnings]:
    """feedparser's ENTRIES (item FIRST_POSITION on) as ParsedEpisodes (None: nothing usable)."""
    warnings = FeedWarnings()
    read = [
        episode_from_entry(entry, ItemContext(position, source, limits, warnings, people))
        for position, entry in enumerate(entries, start=first_position)
    ]
    return read, warnings


def parse_sync(
    body: bytes, source: str, config: FeedConfig | None = None, read_items: ItemsReader | None = None
) -> ParsedFeed:
    """The feed's podcast and episodes; every item's size bounded by CONFIG's limits. READ_ITEMS
    turns feedparser's entries into episodes (read_entries, unless the parser process spreads the
    work over the machine's cores)."""
    limits = config or FeedConfig()
    document, xml_error, body = read_document(body, source, "a podcast feed")
    if not document.entries:
        raise FeedError(f"{source}: feed has no episodes" + (f" (malformed XML: {xml_error})" if xml_error else ""))
    episodes: list[ParsedEpisode] = []
    skipped: list[str] = []
    first_with_guid: dict[str, ParsedEpisode] = {}
    raw_items = RawItems(body)
    people = guests_by_item(raw_items, len(document.entries))
    read, warnings = (read_items or read_entries)(document.entries, source, limits, people)
    transcripts = transcripts_by_item(raw_items, document.entries)
    language = document.feed.get("language")
    for position, episode in enumerate(read, start=1):
        if episode is None:
            skipped.append(f"item {position}: no title, audio or description")
            continue
        if position in transcripts:
            item = ItemContext(position, source, limits, warnings)
            episode = with_transcript(episode, transcripts[position], item, language)
        earlier = first_with_guid.get(episode.guid)
        if earlier is not None:
            if earlier.audio_url == episode.audio_url or earlier.published == episode.published:
                skipped.append(f"item {position}: repeats guid {episode.guid}")
                continue
            # Another file on another day: a publisher reused a GUID by mistake. Two episodes.
            warnings.add(
                "reuses another item's guid for a different episode; kept as its own",
                position,
                shorten(episode.guid, 100),
            )
            episode = replace(episode, guid=f"{episode.guid}#{position}")
        first_with_guid.setdefault(episode.guid, episode)
        episodes.append(episode)
    if not episodes:
        raise FeedError(f"{source}: no usable episodes ({len(skipped)} items skipped)")
    channel = document.feed
    podcast = PodcastInfo(
        title=clean_text(channel.get("title")) or "Untitled podcast",
        link=channel.get("link"),
        description=html_to_text(channel.get("summary") or channel.get("subtitle") or "") or None,
        image_url=(channel.get("image") or {}).get("href"),
        language=channel.get("language"),
    )
    # Like a podcast app, read what can be read from broken XML, and say so. A feed cut off part
    # way (a dropped connection, a full disk at the publisher) ends in a half item: that one is
    # not trusted, and nothing is taken as removed from the feed.
    truncated = bool(xml_error) and _ends_mid_document(document.bozo_exception, body)
    recovered: tuple[str, ...] = ()
    if truncated and len(episodes) > 1:
        episodes.pop()
    if xml_error:
        cut = "; the feed ends mid-item, so its last item is left out" if truncated else ""
        recovered = (f"feed has XML errors: {xml_error}; {len(episodes)} items read{cut}",)
    return ParsedFeed(
        podcast=podcast,
        episodes=tuple(episodes),
        skipped_items=tuple(skipped),
        warnings=recovered + warnings.lines(),
        complete=not truncated,
    )


def read_document(body: bytes, source: str, expected: str) -> tuple[Any, str | None, bytes]:
    """feedparser's reading of BODY, what was wrong with its XML (None when nothing), and the
    repaired bytes read. FeedError when it is not an RSS or Atom feed at all (EXPECTED names what
    was wanted, for the message)."""
    body = _repaired(body)
    head = body[:2048].lower()
    if not head.strip():
        raise FeedError(f"{source}: empty response, not a feed")
    if head.lstrip()[:1] in (b"{", b"["):
        raise FeedError(f"{source}: response is JSON, not an RSS or Atom feed")
    # No sanitizing: podbot never renders the notes as HTML, it reads them as text (notes.py).
    document = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    xml_error = None
    if isinstance(document.get("bozo_exception"), xml.sax.SAXException):
        line = getattr(document.bozo_exception, "getLineNumber", lambda: None)()
        where = f" at line {line}" if line else ""
        xml_error = f"{document.bozo_exception.getMessage()}{where}"
    if not document.get("version"):
        is_html = b"<html" in head or b"<!doctype html" in head
        if xml_error and not is_html:
            raise FeedError(f"{source}: malformed XML ({xml_error}), and no feed could be read from it")
        kind = "an HTML page" if is_html else "not an RSS or Atom feed"
        raise FeedError(f"{source}: response is {kind}, not {expected}")
    return document, xml_error, body


def _ends_mid_document(error: Exception, body: bytes) -> bool:
    """Whether the XML error is the document stopping early (no closing tags), not a bad character."""
    message = str(getattr(error, "getMessage", lambda: error)())
    return "no element found" in message or "unclosed token" in message or not body.rstrip().endswith(b">")


_XML_ILLEGAL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _repaired(body: bytes) -> bytes:
    """BODY with what no XML reader accepts taken out: anything before the first '<' (blank lines,
    a BOM, whitespace) and control characters, NUL included (which also never reach a terminal)."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:4] in (b"\x00<\x00?", b"<\x00?\x00"):
        return body  # UTF-16: NUL bytes are half of every character
    start = body.find(b"<")
    if start > 0 and not body[:start].strip(b" \t\r\n\xef\xbb\xbf"):
        body = body[start:]
    return _XML_ILLEGAL_BYTES.sub(b"", body)
