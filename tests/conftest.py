"""Shared fixtures: a real feed server on 127.0.0.1, feeds built from item specs, a store on disk."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import os
import shutil
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from bot.core.config import Config, FeedConfig
from bot.core.ingest.feed import BUNDLED_SNAPSHOT
from bot.core.models import Episode
from bot.core.store import Store
from tests.loopback import serve_on_loopback

if TYPE_CHECKING:
    from bot.core.library import Library
    from bot.discord_app.app import PodBot
    from tests.fake_discord import FakeDiscord

ROOT = Path(__file__).resolve().parents[1]


@dataclasses.dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    content_type: str = "application/rss+xml"
    delay: float = 0.0
    hold: bool = False  # answer only after release() or when the server stops: a feed that hangs
    redirect_to: str | None = None


class FeedServer:
    """A real HTTP server whose answers a test sets per path, recording every request."""

    def __init__(self) -> None:
        self.replies: dict[str, Reply] = {}
        self.requests: list[web.BaseRequest] = []
        self._runner: web.AppRunner | None = None
        self._released = asyncio.Event()
        self.port = 0

    def url(self, path: str = "/feed.xml") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str = "/feed.xml", **reply: object) -> str:
        self.replies[path] = Reply(**reply)  # type: ignore[arg-type]
        return self.url(path)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        reply = self.replies.get(request.path)
        if reply is None:
            return web.Response(status=404, text="no such feed")
        if reply.hold:
            await self._released.wait()
        elif reply.delay:
            # A slow answer, cut short when the server stops so no test waits for it at teardown.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._released.wait(), reply.delay)
        if reply.redirect_to:
            raise web.HTTPFound(reply.redirect_to)
        if reply.etag and request.headers.get("If-None-Match") == reply.etag:
            return web.Response(status=304, headers={"ETag": reply.etag})
        headers = {"ETag": reply.etag} if reply.etag else {}
        return web.Response(status=reply.status, body=reply.body, content_type=reply.content_type, headers=headers)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, self.port = await serve_on_loopback(app)

    def release(self) -> None:
        """Let every held request answer."""
        self._released.set()

    async def requested(self, count: int = 1) -> None:
        """Wait until COUNT requests have arrived: a state, not a time."""
        while len(self.requests) < count:
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        self._released.set()
        if self._runner:
            await self._runner.cleanup()


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "episodes.db")
    yield opened
    await opened.close()


@pytest.fixture(scope="session")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled snapshot synced once into a database file that tests open (and never change)."""
    from bot.core.library import Library

    path = tmp_path_factory.mktemp("snapshot") / "episodes.db"

    async def build() -> None:
        async with await Library.open(Config(), db=path) as library:
            await library.sync()

    asyncio.run(build())
    return path


@pytest.fixture(scope="session")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example show (with transcripts) synced once into a database file tests only read."""
    from bot.core.library import Library

    path = tmp_path_factory.mktemp("example") / "example.db"

    async def build() -> None:
        async with await Library.open(Config(), db=path, feed="example") as library:
            await library.sync()

    asyncio.run(build())
    return path


@pytest.fixture
async def example_library(example_db: Path) -> AsyncIterator[Library]:
    from bot.core.library import Library

    async with await Library.open(Config(), db=example_db, feed="example") as opened:
        yield opened


@pytest.fixture
async def snapshot_library(snapshot_db: Path) -> AsyncIterator[Library]:
    """The front door over the synced snapshot: what the CLI, console and bot search through."""
    from bot.core.library import Library

    async with await Library.open(Config(), db=snapshot_db) as opened:
        yield opened


def is_expected(episode: Episode, expected: int | str) -> bool:
    """EXPECTED names an episode by its number, or by the start of its title when it has none."""
    return episode.number == expected if isinstance(expected, int) else episode.title.startswith(expected)


@pytest.fixture
async def library(tmp_path: Path) -> AsyncIterator[Library]:
    """The core's front door over an empty store in TMP_PATH, reading the bundled snapshot."""
    from bot.core.library import Library

    opened = await Library.open(Config(), db=tmp_path / "episodes.db")
    yield opened
    await opened.close()


@pytest.fixture
def feed_config() -> FeedConfig:
    return FeedConfig(timeout_seconds=2.0)


@pytest.fixture(scope="session")
def snapshot_bytes() -> bytes:
    return BUNDLED_SNAPSHOT.read_bytes()


def rss_item(
    title: str | None = "An episode",
    guid: str | None = "guid-1",
    number: int | None = None,
    pub_date: str | None = "Tue, 05 Dec 2023 23:37:00 +0000",
    audio: str | None = "https://cdn.example/audio/ep1.mp3?dest-id=1",
    notes: str = "<p>Notes.</p>",
    duration: str | None = "45:00",
    extra: str = "",
) -> str:
    parts = ["<item>"]
    if title is not None:
        parts.append(f"<title>{html.escape(title)}</title>")
    if pub_date:
        parts.append(f"<pubDate>{pub_date}</pubDate>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{html.escape(guid)}</guid>')
    parts.append(f"<description><![CDATA[{notes}]]></description>")
    if audio:
        parts.append(f'<enclosure url="{html.escape(audio)}" type="audio/mpeg" length="1"/>')
    if duration:
        parts.append(f"<itunes:duration>{duration}</itunes:duration>")
    if number is not None:
        parts.append(f"<itunes:episode>{number}</itunes:episode>")
    parts.append(extra)
    parts.append("</item>")
    return "".join(parts)


def rss(*items: str, title: str = "Test Podcast") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:psc="http://podlove.org/simple-chapters">'
        f"<channel><title>{title}</title><link>https://example.com</link>" + "".join(items) + "</channel></rss>"
    ).encode()


def numbered_feed(count: int, start: int = 1, guid_prefix: str = "g", newer_items: tuple[str, ...] = ()) -> bytes:
    """COUNT distinct episodes numbered from START, newest first, after NEWER_ITEMS."""
    items = [
        rss_item(
            title=f"Topic {n}: {WORDS[n % len(WORDS)]} engineering",
            guid=f"{guid_prefix}-{n}",
            number=n,
            audio=f"https://cdn.example/audio/ep{n}.mp3",
            pub_date=f"Mon, {1 + n % 28:02d} Jan {2000 + n // 28} 12:00:00 +0000",
        )
        for n in range(start + count - 1, start - 1, -1)
    ]
    return rss(*newer_items, *items)


def hostile_catalogue(count: int, guid_prefix: str) -> bytes:
    """COUNT items with long titles, chapter-heavy notes and GUIDs that change between calls."""
    notes = "".join(f"<p>{n}:00 Chapter {n} about things</p>" for n in range(40))
    items = [
        rss_item(
            title=f"{n} " + "long title words " * 80,
            guid=f"{guid_prefix}-{n}",
            number=n,
            audio=f"https://cdn.example/{n}.mp3",
            notes=notes,
        )
        for n in range(count)
    ]
    return rss(*items)


WORDS = ["kotlin", "rust", "python", "compilers", "networking", "privacy", "video", "batteries"]


@dataclasses.dataclass
class DiscordEnv:
    fake: FakeDiscord
    bot: PodBot
    library: Library

    @property
    def store(self) -> Store:
        return self.library.store


@pytest.fixture
def bot_feed() -> str | None:
    """The feed the in-process bot loads ("": the bundled snapshot; None: the config's podcasts);
    a test module overrides this fixture for another feed."""
    return ""


@pytest.fixture
def bot_config() -> Config:
    """The in-process bot's configuration; a test module overrides this fixture to change it."""
    from bot.core.config import Config

    return Config()


@pytest.fixture
def prepare_fake() -> Callable[[FakeDiscord], None]:
    """Sets the fake Discord up before the bot connects (its servers, its shard advice); a test
    module overrides this fixture to change them."""
    return lambda fake: None


@pytest.fixture
async def discord_env(
    tmp_path: Path,
    bot_feed: str | None,
    bot_config: Config,
    snapshot_db: Path,
    prepare_fake: Callable[[FakeDiscord], None],
) -> AsyncIterator[DiscordEnv]:
    """The real bot, in process, connected to the fake Discord, with the snapshot loaded."""
    from bot.core.library import Library
    from tests.fake_discord import FakeDiscord

    fake = FakeDiscord()
    prepare_fake(fake)
    await fake.start()
    database = tmp_path / "episodes.db"
    if not bot_feed and bot_config == Config():
        shutil.copyfile(snapshot_db, database)  # synced once per session; the sync below finds it current
    library = await Library.open(bot_config, db=database, feed=bot_feed)
    if library.several:
        await library.sync_all()
    else:
        await library.sync()
    try:
        async with connected_bot(fake, library) as bot:
            yield DiscordEnv(fake, bot, library)
    finally:
        await library.close()
        await fake.stop()
    assert fake.violations == []


@contextlib.asynccontextmanager
async def connected_bot(fake: FakeDiscord, library: Library) -> AsyncIterator[PodBot]:
    """The real bot over LIBRARY, connected to FAKE until the block ends (a restart is two blocks)."""
    from bot.discord_app.app import bot_for
    from bot.discord_app.endpoints import discord_endpoints

    with discord_endpoints(fake.api_base, fake.gateway_url):
        bot = bot_for(library, refresh=False, guild_ready_timeout=0.05)
        await bot.login("fake-token")
        connection = asyncio.create_task(bot.connect())
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        try:
            yield bot
        finally:
            await bot.close()
            await asyncio.wait_for(connection, 10)


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """The fake Discord alone, for tests that run the bot as a separate process."""
    from tests.fake_discord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.stop()
    assert fake.violations == []


async def start_bot_process(
    tmp_path: Path, fake: FakeDiscord, *args: str, token: str = "fake-token", command: str = "run"
):
    """`python -m bot run` (or COMMAND) aimed at the fake Discord, with its database in TMP_PATH."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        command,
        "--db",
        str(tmp_path / "bot.db"),
        *args,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
