"""`python -m bot run` and `python -m bot sync-commands`: open the library, hand it to the bot.

DISCORD_TOKEN comes from the environment only. DISCORD_API_BASE and DISCORD_GATEWAY_URL point the
client at another Discord (the tests' fake one on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import signal

import discord

from bot.core.config import Config
from bot.core.ingest.heap import settle_after_startup
from bot.core.library import Library

from .app import PodBot, bot_for
from .endpoints import endpoints_from_environment

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The bot cannot start; the message says why in one line."""


def discord_token() -> str:
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise StartupError("DISCORD_TOKEN is not set; create a bot token in the Discord developer portal")
    return token


class _NoVoiceWarnings(logging.Filter):
    """podbot never joins a voice channel, so discord.py's missing voice libraries are no news."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


async def run_bot(config: Config, db_path: str | None, *, sync_commands_only: bool = False) -> None:
    token = discord_token()
    logging.getLogger("discord.client").addFilter(_NoVoiceWarnings())
    with endpoints_from_environment():
        async with await Library.open(config, db=db_path) as library:
            bot = bot_for(library, refresh=not sync_commands_only)
            settle_after_startup()
            async with bot:
                if sync_commands_only:
                    await _login(bot, token)
                    synced = await bot.tree.sync()
                    log.info("registered %d global commands", len(synced))
                    print(f"Registered {len(synced)} slash commands globally (they may take a while to appear).")
                    return
                _close_on_signals(bot)
                await _login(bot, token)
                await bot.connect()


async def _login(bot: PodBot, token: str) -> None:
    try:
        await bot.login(token)
    except discord.LoginFailure:
        raise StartupError("Discord rejected DISCORD_TOKEN; check the token in the developer portal") from None
    except (discord.HTTPException, OSError) as error:
        raise StartupError(f"cannot reach Discord to log in ({error})") from None


def _close_on_signals(bot: PodBot) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, functools.partial(_begin_close, bot, signum.name))


def _begin_close(bot: PodBot, signal_name: str) -> None:
    log.info("%s received; closing the gateway, scheduler, HTTP session and database", signal_name)
    asyncio.get_running_loop().create_task(bot.close())
