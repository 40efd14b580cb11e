"""`python -m bot run` on a large store, as a process of its own: how long until it answers its
first /episode through the fake Discord, and how much memory it holds by then."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web

from tests.fake_discord import FakeDiscord
from tests.loopback import serve_on_loopback

ROOT = Path(__file__).resolve().parent.parent


async def first_answer(database: Path, query: str = "caddy") -> tuple[float, float]:
    """Seconds from starting the process to the first /episode answer, and its peak RSS in MB.
    The feed answers 304, as a feed that has not changed since the last sync does."""

    async def not_modified(request: web.Request) -> web.Response:
        return web.Response(status=304, headers={"ETag": '"bench"'})

    app = web.Application()
    app.router.add_get("/feed.xml", not_modified)
    feed_runner, port = await serve_on_loopback(app)
    feed = f"http://127.0.0.1:{port}/feed.xml"
    _remember_validator(database, feed)
    fake = FakeDiscord()
    await fake.start()
    with tempfile.TemporaryDirectory(prefix="podbot-bench-") as folder:
        config = Path(folder) / "config.toml"
        config.write_text(f'[feed]\nurl = "{feed}"\n[refresh]\ninterval_minutes = 60\njitter_seconds = 0\n')
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DISCORD_TOKEN": "fake-token",
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
        }
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--db", str(database), "--config", str(config),
            cwd=folder, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            await asyncio.wait_for(fake.ready.wait(), 60)
            record = await fake.command("episode", [{"name": "query", "type": 3, "value": query}])
            seconds = time.perf_counter() - started
            assert record.callback is not None, "the bot did not answer"
            peak = _peak_rss_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            await process.wait()
            await fake.stop()
            await feed_runner.cleanup()
    return seconds, peak


def _remember_validator(database: Path, feed: str) -> None:
    connection = sqlite3.connect(database)
    with connection:
        connection.execute(
            """INSERT INTO feed_state (source, etag, last_success, consecutive_failures)
               VALUES (?, '"bench"', '2026-01-01T00:00:00+00:00', 0)
               ON CONFLICT (source) DO UPDATE SET etag = excluded.etag""",
            (feed,),
        )
    connection.close()


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
