"""One sync measurement in its own process, so its peak RSS is its own: prints JSON."""

from __future__ import annotations

import asyncio
import json
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import feedparser
from aiohttp import web

from bot.core.config import Config, FeedConfig
from bot.core.library import Library
from tests.loopback import serve_on_loopback

_CONFIG = Config(feed=FeedConfig(max_bytes=500_000_000))


async def run(mode: str, feed: str, database: str) -> float:
    if mode == "parse":
        return _feedparser_only(feed)
    if mode == "bomb":
        return await _chapter_bomb(database)
    if mode == "sync":
        return await _timed_sync(database, feed)
    return await _sync_304(database, feed)


async def _timed_sync(database: str, feed: str, *, expect_not_modified: bool = False) -> float:
    async with await Library.open(_CONFIG, db=database, feed=feed) as library:
        started = time.perf_counter()
        report = await library.sync()
        seconds = time.perf_counter() - started
        assert report.not_modified or not expect_not_modified
        return seconds


def _feedparser_only(feed: str) -> float:
    """What reading the feed costs at the least: feedparser's own parse of the same bytes."""
    body = Path(feed).read_bytes()
    started = time.perf_counter()
    feedparser.parse(body)
    return time.perf_counter() - started


async def _sync_304(database: str, feed: str) -> float:
    """A loopback server with an ETag: the first sync fills the state, the timed one gets a 304."""
    body = Path(feed).read_bytes()

    async def serve(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"bench"':
            return web.Response(status=304)
        return web.Response(body=body, headers={"ETag": '"bench"'}, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", serve)
    runner, port = await serve_on_loopback(app)
    url = f"http://127.0.0.1:{port}/feed.xml"
    try:
        await _timed_sync(database, url)
        return await _timed_sync(database, url, expect_not_modified=True)
    finally:
        await runner.cleanup()


# Serves a folder with chunked responses (no Content-Length), so a size cap must hold while streaming.
_CHUNKED_SERVER = """
import sys
from pathlib import Path
import feedparser
from aiohttp import web
folder = Path(sys.argv[2])
async def serve(request):
    response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    data = (folder / request.path.lstrip("/")).read_bytes()
    for start in range(0, len(data), 65536):
        await response.write(data[start:start + 65536])
    await response.write_eof()
    return response
app = web.Application()
app.router.add_get("/{tail:.*}", serve)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


async def _chapter_bomb(database: str) -> float:
    """A feed of 50 items, each naming its own 20 MB podcast:chapters file on the feed's server.
    The files are served by another process, so this one's peak RSS is podbot's alone."""
    folder = Path(tempfile.mkdtemp(prefix="podbot-bomb-"))
    (folder / "chapters").mkdir()
    big = folder / "chapters" / "0.json"
    big.write_bytes(b'{"chapters": [' + b'{"startTime": 1, "title": "x"},' * 650_000 + b'{"startTime": 2}]}')
    for n in range(1, 50):
        (folder / "chapters" / f"{n}.json").symlink_to(big)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    items = "".join(
        f"<item><title>Episode {n}</title><guid>bomb-{n}</guid><enclosure url='https://cdn.example/{n}.mp3' "
        f"type='audio/mpeg' length='1'/><podcast:chapters url='http://127.0.0.1:{port}/chapters/{n}.json' type='application/json'/></item>"
        for n in range(50)
    )
    (folder / "feed.xml").write_text(
        "<?xml version='1.0'?><rss version='2.0' xmlns:podcast='https://podcastindex.org/namespace/1.0'>"
        f"<channel><title>Bomb</title>{items}</channel></rss>"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", _CHUNKED_SERVER, str(port), str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            await asyncio.sleep(0.05)
        return await _timed_sync(database, f"http://127.0.0.1:{port}/feed.xml")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder)


def peak_rss_kb() -> int:
    """This process's own high-water mark. ru_maxrss would also count the parent's pages that
    this process held between fork and exec; VmHWM starts afresh at exec."""
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    seconds = asyncio.run(run(*sys.argv[1:4]))
    # A large feed is parsed in a child process of its own (bot/feed.py); its peak is reported too.
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_kb() / 1024, "parser_rss_mb": children / 1024}))
