"""The Discord client: a commands.Bot that is handed its resources, and a tree that explains errors."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.library import Library, UnknownPodcast
from bot.core.models import SyncReport
from bot.discord_app import markdown
from bot.discord_app.autocomplete import AutocompleteGate, QuietDrops
from bot.discord_app.podcasts import PodcastDirectory
from bot.discord_app.sharding import IdentifyPacing

log = logging.getLogger(__name__)

COG_MODULES = ("cogs.episodes", "cogs.topics", "cogs.admin", "cogs.announce")
# Rate limits longer than this surface as discord.RateLimited instead of blocking the caller.
MAX_RATELIMIT_WAIT_SECONDS = 60.0


class PodTree(app_commands.CommandTree):
    """Every failure becomes a short private message to the user; unexpected ones are logged."""

    def __init__(self, client: discord.Client, **options: object) -> None:
        super().__init__(client, **options)  # type: ignore[arg-type]
        tree_log = logging.getLogger("discord.app_commands.tree")
        if not any(isinstance(f, QuietDrops) for f in tree_log.filters):
            tree_log.addFilter(QuietDrops())

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        message = user_message(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=error)
            message = "Something went wrong on our side. It has been logged; please try again later."
        try:
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True)
            else:
                await interaction.response.send_message(message, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user about an error (interaction %s)", interaction.id)


def user_message(error: app_commands.AppCommandError) -> str | None:
    """The words for an error the user can act on; None for our own bugs."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: you can run this again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions):
        missing = ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions)
        return f"You need the {missing} permission to use this command."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.TransformerError):
        return f"“{error.value}” is not a valid {error.type.name.replace('_', ' ')}."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, app_commands.CommandInvokeError) and isinstance(error.original, UnknownPodcast):
        return _unknown_podcast_message(error.original)
    return None


def _unknown_podcast_message(error: UnknownPodcast) -> str:
    name = markdown.escape(markdown.visible(error.name))[:200]
    return f"No podcast here is called “{name}”. Pick one of the suggestions as you type its name."


class PodBot(commands.Bot):
    """Owns nothing it did not receive: the entry point opens and closes the library. Cogs get
    what they need from it through their constructors (see each cog's setup)."""

    def __init__(
        self,
        *,
        library: Library,
        refresh: bool = True,
        cog_modules: tuple[str, ...] = COG_MODULES,
        **options: object,
    ) -> None:
        config = library.config
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            tree_cls=PodTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT_SECONDS,
            # Without configured owners, discord.py asks Discord who owns the application.
            owner_ids=set(config.discord.owner_ids) or None,
            **options,  # type: ignore[arg-type]
        )
        self.library = library
        self.config = config
        self.refresh = refresh
        self.cog_modules = cog_modules
        self.failed_cogs: dict[str, str] = {}
        self.autocomplete = AutocompleteGate()  # shared: every autocomplete waits on one search thread
        self.podcasts = PodcastDirectory(library)

    async def setup_hook(self) -> None:
        await self.podcasts.refresh()
        for module in self.cog_modules:
            try:
                await self.load_extension(module)
            except commands.ExtensionError as error:
                self.failed_cogs[module] = str(error.__cause__ or error)
                log.exception("could not load %s; the other commands still work", module)
        guild_id = self.config.discord.test_guild_id
        if guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to test guild %d", len(synced), guild_id)
        self.library.on_synced(self._announce_sync)
        if self.refresh:
            self.library.start_refreshing()

    async def _announce_sync(self, report: SyncReport) -> None:
        """Tell the cogs a sync finished (listeners: on_podcast_synced), whoever started it."""
        await self.podcasts.synced(report.podcast)  # a new podcast's title, once its feed has said it
        self.dispatch("podcast_synced", report)

    async def on_command_error(self, context: commands.Context, error: commands.CommandError) -> None:
        """Mention commands are for owners; anyone else mentioning the bot is simply ignored."""
        if isinstance(error, (commands.CommandNotFound, commands.CheckFailure)):
            log.debug("ignored %r from %s: %s", context.message.content, context.author, error)
            return
        log.error("command %s failed", context.command, exc_info=error)

    async def on_ready(self) -> None:
        log.info("connected as %s to %d guilds", self.user, len(self.guilds))

    async def close(self) -> None:
        await self.library.stop_refreshing()
        await super().close()


class ShardedPodBot(PodBot, commands.AutoShardedBot):
    """PodBot over several gateway connections (discord.py's AutoShardedBot), for bots in more
    servers than one connection may serve. Each server's events arrive on its own shard; nothing
    else changes."""

    async def setup_hook(self) -> None:
        try:
            limits = await self.fetch_session_start_limits()
        except discord.GatewayNotFound:
            limits = None
        self.identify_pacing = IdentifyPacing(limits.max_concurrency if limits else 1)
        await super().setup_hook()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await self.identify_pacing.wait_turn(shard_id or 0)


def bot_for(library: Library, **options: Any) -> PodBot:
    """The bot the configuration asks for: one connection, or shards (discord.shards)."""
    shards = library.config.discord.shards
    if shards is None:
        return PodBot(library=library, **options)
    count = None if shards == "auto" else shards
    return ShardedPodBot(library=library, shard_count=count, **options)
