"""/admin commands: permission checks, resync, status and announcement settings."""

from tests.fake_discord import (
    ADMIN_ID,
    FANS_ROLE,
    GUILD_ID,
    LOCKED_CHANNEL,
    MEMBER_ID,
    NEWS_CHANNEL,
    SEND_MESSAGES,
    VIEW_CHANNEL,
)


def channel_option(channel_id, name):
    option = [{"name": "channel", "type": 7, "value": str(channel_id)}]
    resolved = {
        "channels": {
            str(channel_id): {
                "id": str(channel_id),
                "name": name,
                "type": 0,
                "permissions": str(VIEW_CHANNEL | SEND_MESSAGES),
                "guild_id": str(GUILD_ID),
            }
        }
    }
    return option, resolved


async def admin(fake, name, options=None, resolved=None):
    return await fake.command(name, options, user_id=ADMIN_ID, resolved=resolved)


async def followup_of(fake, record):
    await fake.wait_for(record, lambda r: r.followups)
    return record.followups[0]


async def test_member_without_manage_server_is_refused_privately(discord_env):
    record = await discord_env.fake.command("admin status", user_id=MEMBER_ID)
    assert record.ephemeral
    assert record.callback["data"]["content"] == "You need the Manage Server permission to use this command."


async def test_commands_register_and_admin_defaults_to_manage_server(discord_env):
    await discord_env.bot.tree.sync()
    registered = {command["name"]: command for command in discord_env.fake.commands["global"]}
    assert set(registered) == {"episode", "search", "latest", "topic", "topics", "admin"}
    assert int(registered["admin"]["default_member_permissions"]) == 1 << 5
    assert {option["name"] for option in registered["admin"]["options"]} == {"resync", "status", "announce", "podcasts"}
    assert registered["episode"]["options"][0]["autocomplete"] is True


async def test_status_shows_feed_and_episode_facts(discord_env):
    record = await admin(discord_env.fake, "admin status")
    assert record.ephemeral
    fields = {f["name"]: f["value"] for f in record.callback["data"]["embeds"][0]["fields"]}
    assert fields["Episodes"] == "61"
    assert fields["Announcements"].startswith("not set")
    assert fields["Version"]
    assert "Gateway latency" in fields


async def test_resync_with_no_options_reports_an_unchanged_feed(discord_env):
    fake = discord_env.fake
    record = await admin(fake, "admin resync")
    assert record.callback["type"] == 5 and record.ephemeral
    message = await followup_of(fake, record)
    assert message["embeds"][0]["title"] == "Resync"
    assert "has not changed" in message["embeds"][0]["description"]


async def test_resync_dry_run_reports_the_diff_and_cooldown_applies(discord_env):
    fake = discord_env.fake
    record = await admin(fake, "admin resync", [{"name": "dry_run", "type": 5, "value": True}])
    embed = (await followup_of(fake, record))["embeds"][0]
    assert embed["title"] == "Resync (dry run)"
    assert embed["description"].startswith("0 new, 0 changed, 0 removed, 61 unchanged episodes would be found")
    again = await admin(fake, "admin resync")
    assert again.ephemeral and again.callback["data"]["content"].startswith("Slow down")


async def test_announce_channel_checks_the_bots_permissions(discord_env):
    fake = discord_env.fake
    options, resolved = channel_option(LOCKED_CHANNEL, "locked")
    record = await admin(fake, "admin announce channel", options, resolved)
    content = record.callback["data"]["content"]
    assert f"<#{LOCKED_CHANNEL}>" in content
    assert "Missing permission: Send Messages in #locked" in content
    status = await admin(fake, "admin status")
    fields = {f["name"]: f["value"] for f in status.callback["data"]["embeds"][0]["fields"]}
    assert "Missing permission: Send Messages in #locked" in fields["Announcements"]
    test = await admin(fake, "admin announce test")
    message = await followup_of(fake, test)
    assert "Discord error 50013" in message["content"] and "Send Messages" in message["content"]


async def test_announce_channel_role_test_and_off(discord_env):
    fake = discord_env.fake
    options, resolved = channel_option(NEWS_CHANNEL, "news")
    record = await admin(fake, "admin announce channel", options, resolved)
    assert record.callback["data"]["content"] == f"New episodes will be announced in <#{NEWS_CHANNEL}>."
    role = {
        "id": str(FANS_ROLE),
        "name": "fans",
        "permissions": "0",
        "position": 1,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": True,
        "flags": 0,
    }
    record = await admin(
        fake,
        "admin announce role",
        [{"name": "role", "type": 8, "value": str(FANS_ROLE)}],
        {"roles": {str(FANS_ROLE): role}},
    )
    assert record.callback["data"]["content"] == f"Announcements will ping <@&{FANS_ROLE}>."
    settings = await discord_env.store.guild_settings(GUILD_ID)
    assert (settings.announce_channel_id, settings.announce_role_id) == (NEWS_CHANNEL, FANS_ROLE)
    test = await admin(fake, "admin announce test")
    assert "Posted a sample announcement" in (await followup_of(fake, test))["content"]
    (posted,) = fake.messages[NEWS_CHANNEL]
    assert posted["embeds"][0]["title"].startswith("86:")
    assert posted["allowed_mentions"]["parse"] == [] and not posted["allowed_mentions"].get("roles")
    off = await admin(fake, "admin announce off")
    assert off.callback["data"]["content"] == "Announcements are off for this server."
    assert (await discord_env.store.guild_settings(GUILD_ID)).announce_channel_id is None


async def test_everyone_role_is_refused(discord_env):
    everyone = {
        "id": str(GUILD_ID),
        "name": "@everyone",
        "permissions": "0",
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    record = await admin(
        discord_env.fake,
        "admin announce role",
        [{"name": "role", "type": 8, "value": str(GUILD_ID)}],
        {"roles": {str(GUILD_ID): everyone}},
    )
    assert "never pings everyone" in record.callback["data"]["content"]


async def test_owner_can_sync_commands_by_mentioning_the_bot_and_others_cannot(discord_env):
    import asyncio

    from tests.fake_discord import APP_ID

    fake = discord_env.fake
    await fake.message(f"<@{APP_ID}> sync-commands", user_id=MEMBER_ID)
    await fake.message(f"<@{APP_ID}> sync-commands", user_id=ADMIN_ID)  # the application's owner
    for _ in range(100):
        if fake.messages.get(NEWS_CHANNEL):
            break
        await asyncio.sleep(0.02)
    (reply,) = fake.messages[NEWS_CHANNEL]
    assert reply["content"] == "Registered 6 slash commands globally."
    assert len(fake.commands["global"]) == 6
