"""What the /admin commands show, and they are global: a feed address carrying a password and a
token reaches the admins of every server the bot is in; a database file taken away is said."""

import pytest

from bot.core.config import Config, DiscordConfig
from tests.conftest import numbered_feed
from tests.fake_discord import ADMIN_ID


@pytest.fixture
def bot_config():
    return Config(discord=DiscordConfig(resync_cooldown_seconds=0))


@pytest.fixture
def bot_feed(feed_server):
    return (
        feed_server.serve("/private.xml", body=numbered_feed(3)).replace("http://", "http://reader:s3cr3t@")
        + "?auth=s3cr3t"
    )


async def test_admin_status_and_resync_never_show_the_feeds_secrets(discord_env, feed_server):
    feed_server.serve("/private.xml", status=404, body=b"gone")
    record = await discord_env.fake.command("admin resync", [], user_id=ADMIN_ID)
    await discord_env.fake.wait_for(record, lambda r: r.followups)
    reply = record.followups[0]["content"]
    assert reply.startswith("Sync failed and nothing was changed") and "s3cr3t" not in reply
    status = await discord_env.fake.command("admin status", user_id=ADMIN_ID)
    embed = status.callback["data"]["embeds"][0]
    problem = next(f["value"] for f in embed["fields"] if f["name"].startswith("Feed problem"))
    assert "http://***@127.0.0.1" in problem and "auth=***" in problem
    assert "s3cr3t" not in str(embed) and "http://***@127.0.0.1" in embed["footer"]["text"]


async def test_admin_status_says_when_the_database_file_was_deleted(discord_env, tmp_path):
    (tmp_path / "episodes.db").unlink()
    status = await discord_env.fake.command("admin status", user_id=ADMIN_ID)
    fields = {f["name"]: f["value"] for f in status.callback["data"]["embeds"][0]["fields"]}
    gone = fields["⛔ Database file gone: nothing is synced or announced"]
    assert "the database file was deleted while podbot was running; restart podbot" in gone
