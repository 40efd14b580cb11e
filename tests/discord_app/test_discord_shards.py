"""discord.shards: the bot over several gateway connections, each server heard on its own shard."""

import asyncio

import pytest

from bot.core.config import Config, DiscordConfig
from bot.discord_app.app import PodBot, ShardedPodBot, bot_for
from bot.discord_app.sharding import IDENTIFY_INTERVAL_SECONDS, IdentifyPacing
from tests.conftest import numbered_feed
from tests.fake_discord import ADMIN_ID, GUILD_ID, NEWS_CHANNEL, OTHER_GUILD_CHANNEL, SECOND_GUILD_ID


@pytest.fixture
def bot_config():
    return Config(discord=DiscordConfig(shards="auto"))


@pytest.fixture
def prepare_fake():
    def two_servers_two_shards(fake):
        fake.guild_ids = (GUILD_ID, SECOND_GUILD_ID)
        fake.recommended_shards = 2

    return two_servers_two_shards


@pytest.fixture
async def bot_feed(feed_server):
    return feed_server.serve(body=numbered_feed(20), etag='"v1"')


async def test_auto_connects_the_shards_discord_recommends_and_serves_both_servers(discord_env, feed_server):
    fake, bot = discord_env.fake, discord_env.bot
    assert isinstance(bot, ShardedPodBot)
    assert ("GET", "gateway/bot", None) in fake.requests
    assert sorted(fake.identifies) == [[0, 2], [1, 2]]
    assert {guild.id: guild.shard_id for guild in bot.guilds} == {GUILD_ID: 0, SECOND_GUILD_ID: 1}

    for guild_id in (GUILD_ID, SECOND_GUILD_ID):  # each command arrives on its server's shard
        reply = await fake.command("episode", [{"name": "query", "type": 3, "value": "7"}], guild_id=guild_id)
        assert reply.callback["data"]["embeds"][0]["title"].startswith("7: Topic 7")

    status = await fake.command("admin status", user_id=ADMIN_ID, guild_id=SECOND_GUILD_ID)
    fields = {f["name"]: f["value"] for f in status.callback["data"]["embeds"][0]["fields"]}
    assert "shard 1 of 2" in fields["Gateway latency"]

    await discord_env.store.set_announce_channel(GUILD_ID, NEWS_CHANNEL)
    await discord_env.store.set_announce_channel(SECOND_GUILD_ID, OTHER_GUILD_CHANNEL)
    feed_server.serve(body=numbered_feed(21), etag='"v2"')
    await discord_env.library.syncer.sync()
    await bot.get_cog("Announcements").deliver()
    for channel in (NEWS_CHANNEL, OTHER_GUILD_CHANNEL):
        (post,) = fake.messages[channel]
        assert post["embeds"][0]["title"].startswith("21: Topic 21")


class TestAFixedCount:
    @pytest.fixture
    def bot_config(self):
        return Config(discord=DiscordConfig(shards=3))

    async def test_a_number_connects_that_many_shards(self, discord_env):
        assert sorted(discord_env.fake.identifies) == [[0, 3], [1, 3], [2, 3]]
        assert {guild.shard_id for guild in discord_env.bot.guilds} == {0, 1}


def test_shards_identify_together_as_far_as_max_concurrency_allows():
    pacing = IdentifyPacing(max_concurrency=16)
    for shard_id in range(16):
        assert pacing.delay(shard_id, now=100.0) == 0
        pacing.identified(shard_id, now=100.0)
    assert pacing.delay(16, now=101.0) == IDENTIFY_INTERVAL_SECONDS - 1  # shard 0's bucket again
    one_at_a_time = IdentifyPacing(max_concurrency=1)
    one_at_a_time.identified(0, now=100.0)
    assert one_at_a_time.delay(1, now=100.0) == IDENTIFY_INTERVAL_SECONDS


async def test_without_the_key_the_bot_is_one_connection(library):
    assert type(bot_for(library, refresh=False)) is PodBot


async def test_a_shard_with_a_new_session_posts_what_its_servers_permissions_held_back(discord_env, feed_server):
    fake, bot = discord_env.fake, discord_env.bot
    await discord_env.store.set_announce_channel(SECOND_GUILD_ID, OTHER_GUILD_CHANNEL)
    fake.locked_channels.add(OTHER_GUILD_CHANNEL)
    feed_server.serve(body=numbered_feed(21), etag='"v2"')
    await discord_env.library.syncer.sync()
    announcer = bot.get_cog("Announcements")
    await announcer.deliver()
    assert (await discord_env.store.outbox_summary(SECOND_GUILD_ID)).counts == {"failed": 1, "skipped": 20}
    fake.locked_channels.discard(OTHER_GUILD_CHANNEL)  # the permission came back while shard 1 was away
    await announcer.deliver()
    assert OTHER_GUILD_CHANNEL not in fake.messages  # nothing told the bot yet

    await fake.new_session(1)
    for _ in range(200):  # shard_ready comes after the shard's servers arrived
        if fake.messages.get(OTHER_GUILD_CHANNEL):
            break
        await asyncio.sleep(0.01)
    (post,) = fake.messages[OTHER_GUILD_CHANNEL]
    assert post["embeds"][0]["title"].startswith("21: Topic 21")
