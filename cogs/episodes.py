"""/episode, /search and /latest: what every member of a server uses."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.library import Library
from bot.core.models import Found, Match, MatchReason
from bot.core.search.moments import asks_for_moments
from bot.core.search.searcher import MAX_QUERY_CHARS
from bot.discord_app import embeds
from bot.discord_app.app import PodBot
from bot.discord_app.autocomplete import AutocompleteGate
from bot.discord_app.choices import MAX_CHOICES, choices, chosen_episode_id
from bot.discord_app.podcasts import PODCAST_OPTION, PodcastDirectory, Scope, podcast_autocomplete
from bot.discord_app.views import EpisodeView, SearchView, podcast_of, respond_with

SEARCH_RESULTS = 25
EVERYWHERE, TRANSCRIPT = "everywhere", "transcript"


class Episodes(commands.Cog):
    def __init__(self, library: Library, autocomplete: AutocompleteGate, podcasts: PodcastDirectory) -> None:
        self.library = library
        self.autocomplete = autocomplete
        self.podcasts = podcasts

    @app_commands.autocomplete(podcast=podcast_autocomplete)
    @app_commands.command(name="episode", description="Find an episode and show its chapters")
    @app_commands.describe(query="A title, number (#64), guest, chapter title or topic", podcast=PODCAST_OPTION)
    async def episode(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, MAX_QUERY_CHARS],
        podcast: str | None = None,
    ) -> None:
        scope = await self.podcasts.scope(interaction.guild_id, podcast)
        found = await self._find(query, scope)
        if found.best is None:
            if found.unclear_about:
                message = f"No episode is clearly about “{embeds.plain(found.unclear_about, 200)}”."
            else:
                hint = f" ({found.hint})" if found.hint else ""
                message = f"No episode matches “{embeds.plain(query, 200)}”{hint}."
            if found.closest:
                message += "\nClosest: " + "; ".join(embeds.plain(m.episode.display_title, 100) for m in found.closest)
            else:
                message += " Try fewer words or /search."
            await interaction.response.send_message(message[:2000], ephemeral=True)
            return
        best = found.best.episode
        info, extras = await podcast_of(self.library, best), await self.library.extras(best.id)
        view = EpisodeView(
            interaction.user.id, found.best, list(found.alternatives), info, extras, self.library, scope.show
        )
        await respond_with(interaction, view)

    async def _find(self, query: str, scope: Scope) -> Found:
        """A picked suggestion names its episode exactly; anything typed is searched."""
        episode_id = chosen_episode_id(query)
        episode = await self.library.episode(episode_id) if episode_id is not None else None
        if episode is not None and (scope.podcasts is None or episode.podcast in scope.podcasts):
            return Found(Match(episode, 100.0, MatchReason("title", episode.title)))
        return await self.library.find(query, podcasts=scope.podcasts)

    @episode.autocomplete("query")
    async def episode_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.autocomplete.answer(interaction, lambda: self._suggest(interaction, current))

    async def _suggest(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        scope = await self.podcasts.typing_scope(interaction)
        return choices(await self.library.suggest(current, MAX_CHOICES, podcasts=scope.podcasts), scope.show)

    @app_commands.autocomplete(podcast=podcast_autocomplete)
    @app_commands.command(name="search", description="List the episodes matching a query")
    @app_commands.describe(
        query="Words from a title, a guest, a chapter or the notes ('in:transcript' for what was said)",
        where="Everywhere (the default), or the moments the transcripts say it",
        podcast=PODCAST_OPTION,
    )
    @app_commands.choices(
        where=[
            app_commands.Choice(name="everywhere", value=EVERYWHERE),
            app_commands.Choice(name="transcript", value=TRANSCRIPT),
        ]
    )
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, MAX_QUERY_CHARS],
        where: str = EVERYWHERE,
        podcast: str | None = None,
    ) -> None:
        scope = await self.podcasts.scope(interaction.guild_id, podcast)
        text, asked_for_moments = asks_for_moments(query)
        moments = where == TRANSCRIPT or asked_for_moments
        matches = await self.library.search(
            text if moments else query, limit=SEARCH_RESULTS, in_transcripts=moments, podcasts=scope.podcasts
        )
        if not matches:
            what = "No transcript says" if moments else "No episodes match"
            await interaction.response.send_message(f"{what} “{embeds.plain(text, 200)}”.", ephemeral=True)
            return
        title = f"Moments saying “{text}”" if moments else None
        view = SearchView(interaction.user.id, query, matches, self.library, title=title, show=scope.show)
        await respond_with(interaction, view)

    @app_commands.autocomplete(podcast=podcast_autocomplete)
    @app_commands.command(name="latest", description="The newest episodes")
    @app_commands.describe(count="How many (1 to 10)", podcast=PODCAST_OPTION)
    async def latest(
        self, interaction: discord.Interaction, podcast: str | None = None, count: app_commands.Range[int, 1, 10] = 5
    ) -> None:
        scope = await self.podcasts.scope(interaction.guild_id, podcast)
        episodes = await self.library.latest(count, podcasts=scope.podcasts)
        await interaction.response.send_message(embed=embeds.latest_embed(episodes, scope.show))


async def setup(bot: PodBot) -> None:
    await bot.add_cog(Episodes(bot.library, bot.autocomplete, bot.podcasts))
