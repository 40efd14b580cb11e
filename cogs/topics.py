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
from bot.discord_app.views import TopicsView, TopicView, respond_with

TOPIC_RESULTS = MOST_LISTED  # every episode /topics counts, five a page


class Topics(commands.Cog):
    def __init__(self, library: Library, autocomplete: AutocompleteGate) -> None:
        self.library = library
        self.autocomplete = autocomplete

    @app_commands.command(name="topic", description="The episodes and articles about a topic")
    @app_commands.describe(name="A topic (security, ml, virtual reality) or any subject (kotlin, open source)")
    async def topic(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, MAX_QUERY_CHARS]) -> None:
        answer = await self.library.topic(name, limit=TOPIC_RESULTS)
        if not answer.results and not answer.articles:
            await interaction.response.send_message(topic_embeds.unknown_topic_message(answer), ephemeral=True)
            return
        await respond_with(interaction, TopicView(interaction.user.id, answer, self.library))

    @topic.autocomplete("name")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.autocomplete.answer(interaction, lambda: self._suggest(current))

    async def _suggest(self, current: str) -> list[app_commands.Choice[str]]:
        return topic_choices(await self.library.suggest_topics(current, MAX_CHOICES))

    @app_commands.command(name="topics", description="The topics worth browsing, with how many episodes and articles")
    async def topics(self, interaction: discord.Interaction) -> None:
        await respond_with(interaction, TopicsView(interaction.user.id, await self.library.topics()))


async def setup(bot: PodBot) -> None:
    await bot.add_cog(Topics(bot.library, bot.autocomplete))
