"""/episode, /search and /latest: what every member of a server uses."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.search import MAX_QUERY_CHARS, Searcher, is_choice_value
from bot.core.store import Store
from bot.discord_app import embeds
from bot.discord_app.app import PodBot
from bot.discord_app.views import MAX_ALTERNATIVES, EpisodeView, SearchView, close_alternatives, respond_with

SEARCH_RESULTS = 25


class Episodes(commands.Cog):
    def __init__(self, searcher: Searcher, store: Store) -> None:
        self.searcher = searcher
        self.store = store

    @app_commands.command(name="episode", description="Find an episode and show its chapters")
    @app_commands.describe(query="A title, number (#64), guest, chapter title or topic")
    async def episode(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, MAX_QUERY_CHARS]
    ) -> None:
        best = await self.searcher.best(query)
        if best is None:
            hint, closest = await self.searcher.nearest(query)
            message = f"No episode matches “{embeds.plain(query, 200)}”" + (f" ({hint})" if hint else "") + "."
            if closest:
                message += "\nClosest: " + "; ".join(embeds.plain(m.episode.display_title, 100) for m in closest)
            else:
                message += " Try fewer words or /search."
            await interaction.response.send_message(message[:2000], ephemeral=True)
            return
        alternatives = (
            []
            if is_choice_value(query)
            else close_alternatives(await self.searcher.search(query, limit=1 + MAX_ALTERNATIVES))
        )
        podcast = await self.store.podcast()
        await respond_with(interaction, EpisodeView(interaction.user.id, best, alternatives, podcast))

    @episode.autocomplete("query")
    async def episode_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=name, value=value) for name, value in await self.searcher.autocomplete(current)
        ]

    @app_commands.command(name="search", description="List the episodes matching a query")
    @app_commands.describe(query="Words from a title, a guest, a chapter or the notes")
    async def search(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, MAX_QUERY_CHARS]
    ) -> None:
        matches = await self.searcher.search(query, limit=SEARCH_RESULTS)
        if not matches:
            await interaction.response.send_message(
                f"No episodes match “{discord.utils.escape_markdown(query)}”.", ephemeral=True
            )
            return
        podcast = await self.store.podcast()
        await respond_with(interaction, SearchView(interaction.user.id, query, matches, podcast))

    @app_commands.command(name="latest", description="The newest episodes")
    @app_commands.describe(count="How many (1 to 10)")
    async def latest(self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 10] = 5) -> None:
        await interaction.response.send_message(embed=embeds.latest_embed(await self.store.latest(count)))


async def setup(bot: PodBot) -> None:
    await bot.add_cog(Episodes(bot.searcher, bot.store))
