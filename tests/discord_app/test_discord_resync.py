"""/admin resync against a feed that changes between syncs."""

import pytest

from bot.core.config import Config, DiscordConfig
from tests.conftest import numbered_feed
from tests.fake_discord import ADMIN_ID


@pytest.fixture
def bot_config():
    return Config(discord=DiscordConfig(resync_cooldown_seconds=0))


@pytest.fixture
def bot_feed(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(numbered_feed(5))
    return str(path)


async def resync(fake, dry_run):
    options = [{"name": "dry_run", "type": 5, "value": True}] if dry_run else []
    record = await fake.command("admin resync", options, user_id=ADMIN_ID)
    await fake.wait_for(record, lambda r: r.followups)
    return record.followups[0]["embeds"][0]


async def test_dry_run_shows_the_diff_without_writing_then_resync_applies_it(discord_env, bot_feed):
    with open(bot_feed, "wb") as feed:
        feed.write(numbered_feed(6).replace(b"Topic 3:", b"Renamed 3:"))
    embed = await resync(discord_env.fake, dry_run=True)
    assert embed["description"].startswith("1 new, 1 changed, 0 removed, 4 unchanged episodes would be found")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "6: Topic 6" in fields["New"] and "3: Renamed 3" in fields["Changed"] and "(title)" in fields["Changed"]
    assert await discord_env.store.episode_count() == 5
    status = await discord_env.fake.command("admin status", user_id=ADMIN_ID)
    assert status.callback["data"]["embeds"][0]["fields"][0]["value"] == "5"
    applied = await resync(discord_env.fake, dry_run=False)
    assert applied["description"].startswith("1 new, 1 changed, 0 removed, 4 unchanged episodes were found")
    assert await discord_env.store.episode_count() == 6
    unchanged = await resync(discord_env.fake, dry_run=False)
    assert "has not changed" in unchanged["description"]
