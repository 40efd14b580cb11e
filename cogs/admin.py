"""/admin resync, /admin status and /admin announce: for people who can manage the server."""

from __future__ import annotations

import math
from collections.abc import Callable

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
from bot.discord_app.podcasts import PodcastDirectory, any_podcast_autocomplete
from bot.discord_app.status_pages import status_pages
from bot.discord_app.views import StatusPagesView, respond_with


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
    podcasts_group = app_commands.Group(name="podcasts", description="Which podcasts this server sees", parent=admin)

    def __init__(self, bot: PodBot, library: Library) -> None:
        self.bot = bot
        self.library = library
        self.store = library.store
        self.podcasts = bot.podcasts

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """default_permissions only hides the commands; a server can override that, so check again."""
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @app_commands.autocomplete(podcast=any_podcast_autocomplete)
    @admin.command(name="resync", description="Read the feed now and report what changed")
    @app_commands.describe(dry_run="Only report what would change", podcast="Only this podcast's feed (default: all)")
    @app_commands.checks.dynamic_cooldown(resync_cooldown, key=lambda interaction: interaction.guild_id)
    async def resync(self, interaction: discord.Interaction, dry_run: bool = False, podcast: str | None = None) -> None:
        name = self.podcasts.resolve(podcast, self.library.podcast_names) if podcast else None
        await interaction.response.defer(ephemeral=True, thinking=True)
        if name is None and self.library.several:
            outcomes = await self.library.sync_all(dry_run=dry_run, wait=False, force=dry_run)
            lines = dict(zip(self.library.podcast_names, outcomes))
            await interaction.followup.send(embed=embeds.sync_all_embed(lines, dry_run), ephemeral=True)
            return
        try:
            report = await self.library.sync(name, dry_run=dry_run, wait=False, force=dry_run)
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

    @app_commands.autocomplete(podcast=any_podcast_autocomplete)
    @admin.command(name="status", description="Feed health, announcements and the bot's connection")
    @app_commands.describe(podcast="One podcast in full (default: every podcast, a line each)")
    async def status(self, interaction: discord.Interaction, podcast: str | None = None) -> None:
        assert interaction.guild is not None
        name = self.podcasts.resolve(podcast, self.library.podcast_names) if podcast else None
        facts = await self._status_facts(interaction.guild, name)
        if name is None and self.library.several:
            pages = status_pages(await self.library.podcasts(), facts)
            await respond_with(interaction, StatusPagesView(interaction.user.id, pages), ephemeral=True)
            return
        await interaction.response.send_message(embed=embeds.status_embed(facts), ephemeral=True)

    async def _status_facts(self, guild: discord.Guild, podcast: str | None) -> embeds.StatusFacts:
        store = self.store
        health = await self.library.health(podcast)
        state, report = health.state, health.last_report
        settings = await store.guild_settings(guild.id)
        channel_text, problem = await self._routes_report(guild, settings)
        role = guild.get_role(settings.announce_role_id) if settings.announce_role_id else None
        outbox = await store.outbox_summary(guild.id)
        failure = outbox.last_failure
        latency, shard = self._gateway(guild)
        return embeds.StatusFacts(
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
            version=__version__,
            feed=redacted(health.source),
            feed_warnings=tuple(redact_addresses(warning) for warning in report.warnings) if report else (),
            companions=health.companions,
            store_problem=health.store_problem,
            transcripts=health.transcripts,
            shard=shard,
            title=f"podbot status: {name_of(podcast, self.podcasts)}" if podcast else "podbot status",
            sees=await self._sees(guild.id),
        )

    async def _sees(self, guild_id: int) -> str | None:
        """Which podcasts the server sees, said when the instance has several."""
        if not self.library.several:
            return None
        visible = await self.podcasts.visible(guild_id)
        if visible == self.library.podcast_names:
            return f"every podcast ({len(visible)})"
        return ", ".join(visible)

    async def _routes_report(self, guild: discord.Guild, settings: GuildSettings) -> tuple[str | None, str | None]:
        """Where announcements go: the server's channel (as before), and each podcast's own."""
        channel_text, problem = self._channel_report(guild, settings.announce_channel_id)
        lines = [f"{channel_text}: every podcast" if channel_text and self.library.several else channel_text]
        problems = [problem]
        for route in await self.store.announce_routes(guild.id):
            if route.podcast is None:
                continue
            text, route_problem = self._channel_report(guild, route.channel_id)
            lines.append(f"{text}: {embeds.plain(name_of(route.podcast, self.podcasts), 100)}")
            problems.append(route_problem)
        shown = [line for line in lines if line]
        found = [p for p in problems if p]
        return ("\n".join(shown) or None), ("\n".join(dict.fromkeys(found)) or None)

    def _gateway(self, guild: discord.Guild) -> tuple[float, str | None]:
        """The latency of the connection this server is served by, and which shard that is."""
        if isinstance(self.bot, commands.AutoShardedBot) and (shard := self.bot.get_shard(guild.shard_id)):
            return shard.latency, f"shard {shard.id} of {shard.shard_count}"
        return self.bot.latency, None

    def _channel_report(self, guild: discord.Guild, channel_id: int | None) -> tuple[str | None, str | None]:
        if channel_id is None:
            return None, None
        channel = guild.get_channel(channel_id)
        if channel is None:
            return f"<#{channel_id}>", "That channel no longer exists or I cannot see it."
        return channel.mention, missing_permissions(channel, guild.me)

    @app_commands.autocomplete(podcast=any_podcast_autocomplete)
    @announce.command(name="channel", description="Post new episodes in this channel")
    @app_commands.describe(
        channel="Where announcements go", podcast="Only this podcast's, in addition to the others' (default: all)"
    )
    async def announce_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel, podcast: str | None = None
    ) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        if podcast:
            name = self.podcasts.resolve(podcast, self.library.podcast_names)
            role = (await self.store.guild_settings(guild_id)).announce_role_id
            await self.store.add_announce_route(guild_id, channel.id, name, role)
            shows = f"New episodes of {embeds.plain(name_of(name, self.podcasts), 200)}"
        else:
            await self.store.set_announce_channel(guild_id, channel.id)
            shows = "New episodes of every podcast" if self.library.several else "New episodes"
        problem = missing_permissions(channel, interaction.guild.me)
        message = f"{shows} will be announced in {channel.mention}."
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

    @app_commands.autocomplete(podcast=any_podcast_autocomplete)
    @announce.command(name="off", description="Stop announcing new episodes here")
    @app_commands.describe(podcast="Only this podcast's own channels (default: every announcement)")
    async def announce_off(self, interaction: discord.Interaction, podcast: str | None = None) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        name = self.podcasts.resolve(podcast, self.library.podcast_names) if podcast else None
        for route in await self.store.announce_routes(guild_id):
            if route.podcast is not None and (name is None or route.podcast == name):
                await self.store.remove_announce_route(guild_id, route.channel_id, route.podcast)
        if name is not None:
            await interaction.response.send_message(
                f"{embeds.plain(name_of(name, self.podcasts), 200)} is no longer announced in its own channels.",
                ephemeral=True,
            )
            return
        await self.store.set_announce_channel(guild_id, None)
        await self.store.set_announce_role(guild_id, None)
        await interaction.response.send_message("Announcements are off for this server.", ephemeral=True)

    @announce.command(name="test", description="Post a sample announcement to check the setup")
    async def announce_test(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        settings = await self.store.guild_settings(interaction.guild.id)
        routes = await self.store.announce_routes(interaction.guild.id)
        channel_id = settings.announce_channel_id or next((route.channel_id for route in routes), 0)
        channel = interaction.guild.get_channel(channel_id)
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

    @podcasts_group.command(name="list", description="The podcasts this server sees and those it does not")
    async def podcasts_list(self, interaction: discord.Interaction) -> None:
        await self._tell_podcasts(interaction, "")

    @app_commands.autocomplete(podcast=any_podcast_autocomplete)
    @podcasts_group.command(name="show", description="Let this server see a podcast too")
    @app_commands.describe(podcast="The podcast to add")
    async def podcasts_show(self, interaction: discord.Interaction, podcast: str) -> None:
        await self._choose_podcasts(interaction, podcast, lambda seen, name: (*seen, name))

    @app_commands.autocomplete(podcast=any_podcast_autocomplete)
    @podcasts_group.command(name="hide", description="Hide a podcast from this server's commands and announcements")
    @app_commands.describe(podcast="The podcast to hide")
    async def podcasts_hide(self, interaction: discord.Interaction, podcast: str) -> None:
        await self._choose_podcasts(interaction, podcast, lambda seen, name: tuple(n for n in seen if n != name))

    @app_commands.autocomplete(podcast=any_podcast_autocomplete)
    @podcasts_group.command(name="only", description="This server sees this podcast alone")
    @app_commands.describe(podcast="The one podcast to see")
    async def podcasts_only(self, interaction: discord.Interaction, podcast: str) -> None:
        await self._choose_podcasts(interaction, podcast, lambda seen, name: (name,))

    @podcasts_group.command(name="all", description="This server sees every podcast (the default)")
    async def podcasts_all(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await self.store.set_guild_podcasts(interaction.guild.id, None)
        await self._tell_podcasts(interaction, "This server now sees every podcast.\n")

    async def _choose_podcasts(
        self,
        interaction: discord.Interaction,
        podcast: str,
        change: Callable[[tuple[str, ...], str], tuple[str, ...]],
    ) -> None:
        assert interaction.guild is not None
        everything = self.library.podcast_names
        name = self.podcasts.resolve(podcast, everything)
        chosen = change(await self.podcasts.visible(interaction.guild.id), name)
        if not chosen:
            await interaction.response.send_message(
                "A server sees at least one podcast; use /admin podcasts only to pick another.", ephemeral=True
            )
            return
        seen = tuple(n for n in everything if n in chosen)
        await self.store.set_guild_podcasts(interaction.guild.id, None if seen == everything else seen)
        await self._tell_podcasts(interaction, "")

    async def _tell_podcasts(self, interaction: discord.Interaction, heading: str) -> None:
        assert interaction.guild is not None
        visible = await self.podcasts.visible(interaction.guild.id)
        lines = [
            f"{'✅' if name in visible else '🚫'} **{embeds.plain(name, 60)}** · "
            f"{embeds.plain(self.podcasts.title(name), 100)}"
            for name in self.library.podcast_names
        ]
        text = heading + embeds.fit_lines(lines, 1800, more="…and {} more")
        await interaction.response.send_message(text, ephemeral=True)


def name_of(podcast: str, directory: PodcastDirectory) -> str:
    """A podcast as a reply names it: its title, and its name when that differs."""
    title = directory.title(podcast)
    return title if title == podcast else f"{title} ({podcast})"


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
