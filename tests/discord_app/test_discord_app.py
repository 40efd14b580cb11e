"""The bot as a whole: cog loading, errors, the real process with its token and signals."""

import asyncio
import logging
import signal

from bot.discord_app.app import COG_MODULES, PodBot
from tests.conftest import start_bot_process


def offline_bot(library, cog_modules=COG_MODULES):
    return PodBot(library=library, refresh=False, cog_modules=cog_modules)


async def test_every_cog_loads_and_command_names_do_not_clash(library):
    bot = offline_bot(library)
    for module in COG_MODULES:
        await bot.load_extension(module)  # a clash raises CommandAlreadyRegistered here
    names = [command.qualified_name for command in bot.tree.walk_commands()]
    assert len(names) == len(set(names))
    assert {
        "episode",
        "search",
        "latest",
        "admin resync",
        "admin status",
        "admin announce channel",
        "admin announce role",
        "admin announce off",
        "admin announce test",
    } <= set(names)
    await bot.close()


async def test_a_failing_cog_is_logged_and_the_others_still_load(library, caplog):
    bot = offline_bot(library, cog_modules=("tests.broken_cog", "cogs.episodes"))
    with caplog.at_level(logging.ERROR, logger="bot.discord_app.app"):
        await bot.setup_hook()
    assert "broken on purpose" in bot.failed_cogs["tests.broken_cog"]
    assert bot.tree.get_command("episode") is not None
    assert "could not load tests.broken_cog" in caplog.text
    await bot.close()


async def test_an_exception_inside_a_command_becomes_a_private_message(discord_env, caplog):
    await discord_env.store.close()  # every query now fails inside the command
    with caplog.at_level(logging.ERROR, logger="bot.discord_app.app"):
        record = await discord_env.fake.command("latest")
    assert record.ephemeral
    assert record.callback["data"]["content"].startswith("Something went wrong on our side")
    assert "command /latest failed" in caplog.text and "Traceback" in caplog.text


async def test_the_real_process_answers_episode_caddy_and_exits_cleanly_on_sigterm(tmp_path, fake_discord):
    process = await start_bot_process(tmp_path, fake_discord)
    try:
        await asyncio.wait_for(fake_discord.ready.wait(), 30)
        record = None
        for _ in range(50):  # the first sync runs in the background right after start-up
            record = await fake_discord.command("episode", [{"name": "query", "type": 3, "value": "caddy"}])
            if not record.ephemeral:
                break
            await asyncio.sleep(0.1)
        embed = record.callback["data"]["embeds"][0]
        assert embed["title"].startswith("64: Caddy")
        assert "`1:03:35`" in embed["description"] and "Outro" in embed["description"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert b"SIGTERM received" in stderr
    assert b"voice will NOT be supported" not in stderr  # podbot has no voice; no warning about it


async def test_a_rejected_token_is_one_line_and_exit_2(tmp_path, fake_discord):
    process = await start_bot_process(tmp_path, fake_discord, token="wrong")
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines()[-1] == (
        "podbot: Discord rejected DISCORD_TOKEN; check the token in the developer portal"
    )
    assert b"Traceback" not in stderr


async def test_a_missing_token_is_one_line_and_exit_2(tmp_path, fake_discord):
    process = await start_bot_process(tmp_path, fake_discord, token="")
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines()[-1].startswith("podbot: DISCORD_TOKEN is not set")


async def test_sync_commands_registers_globally_and_exits(tmp_path, fake_discord):
    process = await start_bot_process(tmp_path, fake_discord, command="sync-commands")
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert b"Registered 6 slash commands globally" in stdout
    assert {c["name"] for c in fake_discord.commands["global"]} == {
        "episode",
        "search",
        "latest",
        "topic",
        "topics",
        "admin",
    }


async def test_a_test_guild_gets_the_commands_on_start_and_nothing_goes_global(tmp_path, fake_discord):
    from tests.fake_discord import GUILD_ID

    (tmp_path / "config.toml").write_text(f"[discord]\ntest_guild_id = {GUILD_ID}\n")
    process = await start_bot_process(tmp_path, fake_discord)
    try:
        await asyncio.wait_for(fake_discord.ready.wait(), 30)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
    assert len(fake_discord.commands[f"guild:{GUILD_ID}"]) == 6
    assert "global" not in fake_discord.commands
