"""`python -m bot run` and `python -m bot sync-commands`: build every resource, hand them to the bot.

DISCORD_TOKEN comes from the environment only. DISCORD_API_BASE and DISCORD_GATEWAY_URL point the
client at another Discord (the tests' fake one on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import discord
import yarl

from bot.core.config import Config
from bot.core.feed import address_policy, new_http_session, resolve_source
from bot.core.scheduler import RefreshScheduler
from bot.core.search import Searcher
from bot.core.store import Store
from bot.core.sync import Syncer

from .app import PodBot

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


def aim_at_discord_endpoints() -> None:
    if api := os.environ.get("DISCORD_API_BASE"):
        discord.http.Route.BASE = api.rstrip("/")
    if gateway := os.environ.get("DISCORD_GATEWAY_URL"):
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


async def run_bot(config: Config, db_path: str | None, *, sync_commands_only: bool = False) -> None:
    token = discord_token()
    logging.getLogger("discord.client").addFilter(_NoVoiceWarnings())
    aim_at_discord_endpoints()
    store = await Store.open(db_path or config.store.path)
    try:
        source = resolve_source(config.feed.url)
        async with new_http_session(address_policy(source, config.feed)) as session:
            syncer = Syncer(store, config.feed, source, session)
            scheduler = None if sync_commands_only else RefreshScheduler(syncer, config.refresh)
            bot = PodBot(
                config=config,
                store=store,
                syncer=syncer,
                searcher=Searcher(store),
                scheduler=scheduler,
                http_session=session,
            )
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
    finally:
        await store.close()


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
        loop.add_signal_handler(signum, lambda name=signum.name: _begin_close(bot, name))


def _begin_close(bot: PodBot, signal_name: str) -> None:
    log.info("%s received; closing the gateway, scheduler, HTTP session and database", signal_name)
    asyncio.get_running_loop().create_task(bot.close())
