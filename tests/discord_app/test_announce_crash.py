"""A bot killed between posting an announcement and recording it does not post it twice."""

import asyncio
import signal
import sqlite3

from bot.core.config import Config
from bot.core.library import Library
from tests.conftest import numbered_feed, start_bot_process
from tests.fake_discord import GUILD_ID, NEWS_CHANNEL


def outbox_states(db_path):
    connection = sqlite3.connect(db_path)
    try:
        return dict(connection.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
    finally:
        connection.close()


async def test_killed_mid_post_resumes_without_posting_again(tmp_path, feed_server, fake_discord):
    url = feed_server.serve(body=numbered_feed(90), etag='"v1"')
    async with await Library.open(Config(), db=tmp_path / "bot.db", feed=url) as library:
        await library.sync()
        await library.store.set_announce_channel(GUILD_ID, NEWS_CHANNEL)
    config = tmp_path / "config.toml"
    config.write_text(f'[feed]\nurl = "{url}"\n[refresh]\ninterval_minutes = 60\njitter_seconds = 0\n')
    feed_server.serve(body=numbered_feed(91), etag='"v2"')

    fake_discord.hold_posts = asyncio.Event()
    first = await start_bot_process(tmp_path, fake_discord, "--config", str(config))
    await asyncio.wait_for(fake_discord.post_held.wait(), 30)
    first.kill()  # Discord has the message; the bot never learns its id
    await first.wait()
    fake_discord.hold_posts.set()
    fake_discord.hold_posts = None
    assert outbox_states(tmp_path / "bot.db")["sending"] == 1

    fake_discord.ready.clear()
    second = await start_bot_process(tmp_path, fake_discord, "--config", str(config))
    try:
        await asyncio.wait_for(fake_discord.ready.wait(), 30)
        for _ in range(150):
            if outbox_states(tmp_path / "bot.db").get("sending", 0) == 0:
                break
            await asyncio.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(second.communicate(), 30)
    assert second.returncode == 0, stderr.decode()
    assert outbox_states(tmp_path / "bot.db") == {"skipped": 90, "sent": 1}
    posts = [r for r in fake_discord.requests if r[:2] == ("POST", f"channels/{NEWS_CHANNEL}/messages")]
    assert len(posts) == 1
    assert len(fake_discord.messages[NEWS_CHANNEL]) == 1
    assert b"posted before a restart; not posting again" in stderr
