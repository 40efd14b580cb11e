"""/admin resync, /admin status and /admin announce: for people who can manage the server."""

from __future__ import annotations

import math

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.core.ingest.feed import FeedError
from bot.core.ingest.urls import redact_addresses, redacted
from bot.core.library import Library
from bot.core.models import GuildSettings
from bot.core.store import StoreError
from bot.core.sync.syncer import SyncInProgress
from bot.discord_app import embeds
from bot.discord_app.app import PodBot
from bot.discord_app.permissions import missing_permissions


def resync_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    seconds = interaction.client.config.discord.resync_cooldown_seconds  # type: ignore[attr-defined]
    return app_commands.Cooldown(1, seconds) if seconds else None


class Admin(commands.Cog):
    admin = app_commands.Group(
        name="admin",
        description="podbot settings and maintenance",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    announce = app_commands.Group(name="announce", description="New-episode announcements", parent=admin)

    def __init__(self, bot: PodBot, library: Library) -> None:
        self.bot = bot
        self.library = library
        self.store = library.store

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """default_permissions only hides the commands; a server can override that, so check again."""
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @admin.command(name="resync", description="Read the feed now and report what changed")
    @app_commands.describe(dry_run="Only report what would change")
    @app_commands.checks.dynamic_cooldown(resync_cooldown, key=lambda interaction: interaction.guild_id)
    async def resync(self, interaction: discord.Interaction, dry_run: bool = False) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            report = await self.library.sync(dry_run=dry_run, wait=False, force=dry_run)
        except SyncInProgress:
            await interaction.followup.send("A sync is already running; try again in a moment.", ephemeral=True)
            return
        except FeedError as error:
            await interaction.followup.send(f"Sync failed and nothing was changed: {error}", ephemeral=True)
            return
        except StoreError as error:
            await interaction.followup.send(f"Sync not saved, nothing was changed: {error}", ephemeral=True)
            return
        await interaction.followup.send(embed=embeds.sync_report_embed(report), ephemeral=True)

    @admin.command(name="status", description="Feed health, announcements and the bot's connection")
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        store = self.store
        health = await self.library.health()
        state, report = health.state, health.last_report
        settings = await store.guild_settings(interaction.guild.id)
        channel_text, problem = self._channel_report(interaction.guild, settings)
        role = interaction.guild.get_role(settings.announce_role_id) if settings.announce_role_id else None
        outbox = await store.outbox_summary(interaction.guild.id)
        failure = outbox.last_failure
        latency, shard = self._gateway(interaction.guild)
        facts = embeds.StatusFacts(
            episodes=health.episodes,
            last_attempt=state.last_attempt if state else None,
            last_success=state.last_success if state else None,
            last_error=redact_addresses(state.last_error) if state and state.last_error else None,
            consecutive_failures=state.consecutive_failures if state else 0,
            last_result=embeds.report_summary(report) if report else None,
            next_sync=health.next_sync,
            syncing=health.syncing,
            announce_channel=channel_text,
            announce_problem=problem,
            announce_note=settings.announce_note,
            announce_role=role.mention if role else None,
            outbox=", ".join(f"{count} {state}" for state, count in sorted(outbox.counts.items())) or None,
            last_announce_failure=(
                f"{failure.last_error} (Discord error {failure.error_code}, {failure.attempts} attempts, {failure.state})"
                if failure
                else None
            ),
            latency_ms=None if math.isnan(latency) or math.isinf(latency) else latency * 1000,
            shard=shard,
            version=__version__,
            feed=redacted(health.source),
            feed_warnings=tuple(redact_addresses(warning) for warning in report.warnings) if report else (),
            companions=health.companions,
            store_problem=health.store_problem,
        )
        await interaction.response.send_message(embed=embeds.status_embed(facts), ephemeral=True)

    def _gateway(self, guild: discord.Guild) -> tuple[float, str | None]:
        """The latency of the connection this server is served by, and which shard that is."""
        if isinstance(self.bot, commands.AutoShardedBot) and (shard := self.bot.get_shard(guild.shard_id)):
            return shard.latency, f"shard {shard.id} of {shard.shard_count}"
        return self.bot.latency, None

    def _channel_report(self, guild: discord.Guild, settings: GuildSettings) -> tuple[str | None, str | None]:
        if settings.announce_channel_id is None:
            return None, None
        channel = guild.get_channel(settings.announce_channel_id)
        if channel is None:
            return f"<#{settings.announce_channel_id}>", "That channel no longer exists or I cannot see it."
        return channel.mention, missing_permissions(channel, guild.me)

    @announce.command(name="channel", description="Post new episodes in this channel")
    @app_commands.describe(channel="Where announcements go")
    async def announce_channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        assert interaction.guild is not None
        await self.store.set_announce_channel(interaction.guild.id, channel.id)
        problem = missing_permissions(channel, interaction.guild.me)
        message = f"New episodes will be announced in {channel.mention}."
        if problem:
            message += f"\n⚠️ {problem}. Announcements will fail until that is fixed."
        await interaction.response.send_message(message, ephemeral=True)

    @announce.command(name="role", description="Ping this role with each announcement")
    @app_commands.describe(role="The role to mention")
    async def announce_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        assert interaction.guild is not None
        if role.is_default():
            await interaction.response.send_message(
                "Pick a role other than @everyone; podbot never pings everyone.", ephemeral=True
            )
            return
        await self.store.set_announce_role(interaction.guild.id, role.id)
        message = f"Announcements will ping {role.mention}."
        if not role.mentionable and not interaction.guild.me.guild_permissions.mention_everyone:
            message += (
                "\n⚠️ The role is not mentionable and I lack the Mention Everyone permission, "
                "so the ping will not notify anyone."
            )
        await interaction.response.send_message(message, ephemeral=True)

    @announce.command(name="off", description="Stop announcing new episodes here")
    async def announce_off(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await self.store.set_announce_channel(interaction.guild.id, None)
        await self.store.set_announce_role(interaction.guild.id, None)
        await interaction.response.send_message("Announcements are off for this server.", ephemeral=True)

    @announce.command(name="test", description="Post a sample announcement to check the setup")
    async def announce_test(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        settings = await self.store.guild_settings(interaction.guild.id)
        channel = interaction.guild.get_channel(settings.announce_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            await interaction.response.send_message(
                "No announcement channel is set. Use /admin announce channel first.", ephemeral=True
            )
            return
        latest = await self.library.latest(1)
        if not latest:
            await interaction.response.send_message("No episodes are stored yet.", ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            await channel.send(
                content="Test announcement from podbot (no one was pinged):",
                embed=embeds.announcement_embed(latest[0]),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            detail = missing_permissions(channel, interaction.guild.me) or error.text
            await interaction.followup.send(
                f"Could not post in {channel.mention}: {detail} (Discord error {error.code}).", ephemeral=True
            )
            return
        await interaction.followup.send(f"Posted a sample announcement in {channel.mention}.", ephemeral=True)


class Owner(commands.Cog):
    """Commands for the bot's owners only, sent as a message mentioning the bot."""

    def __init__(self, bot: PodBot) -> None:
        self.bot = bot

    @commands.command(name="sync-commands")
    @commands.is_owner()
    async def sync_commands(self, ctx: commands.Context) -> None:
        """@podbot sync-commands: register the slash commands globally (not done on start)."""
        synced = await self.bot.tree.sync()
        await ctx.reply(f"Registered {len(synced)} slash commands globally.", mention_author=False)


async def setup(bot: PodBot) -> None:
    await bot.add_cog(Admin(bot, bot.library))
    await bot.add_cog(Owner(bot))
