"""/topic and /topics: the episodes and companion articles of a topic, and every topic."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.library import Library
from bot.core.search.searcher import MAX_QUERY_CHARS
from bot.core.topics.answers import MOST_LISTED
from bot.discord_app import topic_embeds
from bot.discord_app.app import PodBot
from bot.discord_app.autocomplete import AutocompleteGate
from bot.discord_app.choices import MAX_CHOICES, topic_choices
from bot.discord_app.podcasts import PODCAST_OPTION, PodcastDirectory, podcast_autocomplete
from bot.discord_app.views import TopicsView, TopicView, respond_with

TOPIC_RESULTS = MOST_LISTED  # every episode /topics counts, five a page


class Topics(commands.Cog):
    def __init__(self, library: Library, autocomplete: AutocompleteGate, podcasts: PodcastDirectory) -> None:
        self.library = library
        self.autocomplete = autocomplete
        self.podcasts = podcasts

    @app_commands.autocomplete(podcast=podcast_autocomplete)
    @app_commands.command(name="topic", description="The episodes and articles about a topic")
    @app_commands.describe(
        name="A topic (security, ml, virtual reality) or any subject (kotlin, open source)", podcast=PODCAST_OPTION
    )
    async def topic(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, MAX_QUERY_CHARS],
        podcast: str | None = None,
    ) -> None:
        scope = await self.podcasts.scope(interaction.guild_id, podcast)
        answer = await self.library.topic(name, limit=TOPIC_RESULTS, podcasts=scope.podcasts)
        if not answer.results and not answer.articles:
            await interaction.response.send_message(topic_embeds.unknown_topic_message(answer), ephemeral=True)
            return
        await respond_with(interaction, TopicView(interaction.user.id, answer, self.library, scope.show))

    @topic.autocomplete("name")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.autocomplete.answer(interaction, lambda: self._suggest(interaction, current))

    async def _suggest(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        scope = await self.podcasts.typing_scope(interaction)
        return topic_choices(await self.library.suggest_topics(current, MAX_CHOICES, podcasts=scope.podcasts))

    @app_commands.autocomplete(podcast=podcast_autocomplete)
    @app_commands.command(name="topics", description="The topics worth browsing, with how many episodes and articles")
    @app_commands.describe(podcast=PODCAST_OPTION)
    async def topics(self, interaction: discord.Interaction, podcast: str | None = None) -> None:
        scope = await self.podcasts.scope(interaction.guild_id, podcast)
        topics = await self.library.topics(podcasts=scope.podcasts)
        await respond_with(interaction, TopicsView(interaction.user.id, topics))


async def setup(bot: PodBot) -> None:
    await bot.add_cog(Topics(bot.library, bot.autocomplete, bot.podcasts))
