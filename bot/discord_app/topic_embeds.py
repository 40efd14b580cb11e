"""/topic and /topics as Discord embeds, within Discord's limits like every reply (embeds.py)."""

from __future__ import annotations

import discord

from bot.core import formatting
from bot.core.models import TopicAnswer, TopicCount
from bot.discord_app.embeds import (
    COLOUR,
    DESCRIPTION_LIMIT,
    FIELD_LIMIT,
    ShowOf,
    fit_lines,
    no_show,
    plain,
    reading_lines,
    results_embed,
    within_total,
)

UNTAGGED_NOTE = "*Not a tagged topic: these episodes talk about it.*"


def topic_embed(answer: TopicAnswer, page: int, show: ShowOf = no_show) -> discord.Embed:
    """A page of a topic's episodes, each with why it is in the topic (and its podcast, SHOW, when
    several are in play); its articles on the first page."""
    matches = [result.match for result in answer.results]
    title = answer.label if answer.tagged else f"Episodes about “{answer.label}”"
    embed = results_embed(
        answer.asked, matches, page, title=title, reasons=[r.reason for r in answer.results], show=show
    )
    if not matches:
        embed.description = "*No episodes in this topic yet; its articles are below.*"
        embed.remove_footer()
    elif not answer.tagged:
        embed.description = f"{UNTAGGED_NOTE}\n\n{embed.description or ''}"[:DESCRIPTION_LIMIT]
    if page == 0 and answer.articles:
        embed.add_field(name="Articles", value=reading_lines(answer.articles)[:FIELD_LIMIT], inline=False)
    return within_total(embed)


TOPICS_PER_PAGE = 20


def topics_embed(topics: list[TopicCount], shown: list[TopicCount], page: int) -> discord.Embed:
    """A page of the topics SHOWN (those worth browsing, of all TOPICS), each with its counts; the
    footer says what else there is."""
    embed = discord.Embed(title="Topics", colour=COLOUR)
    if not topics:
        embed.description = "No topics yet: no companion articles or feed categories tag the episodes."
        return embed
    first = page * TOPICS_PER_PAGE
    lines = [
        f"**{plain(topic.label, 100)}** · {formatting.counted(topic.episodes, 'episode')} · {formatting.counted(topic.articles, 'article')}"
        for topic in shown[first : first + TOPICS_PER_PAGE]
    ]
    embed.description = fit_lines(lines, DESCRIPTION_LIMIT, more="…and {} more topics")
    footer = [f"Page {page + 1} of {topics_pages(shown)}"] if len(shown) > TOPICS_PER_PAGE else []
    if len(shown) < len(topics):
        footer.append(f"{len(topics) - len(shown):,} more on a single episode or article")
    footer.append("/topic NAME lists a topic's episodes and articles")
    embed.set_footer(text=" · ".join(footer))
    return within_total(embed)


def topics_pages(shown: list[TopicCount]) -> int:
    return formatting.page_count(len(shown), TOPICS_PER_PAGE)


def unknown_topic_message(answer: TopicAnswer) -> str:
    message = f"No episode is about “{plain(answer.asked, 200)}”, and it is not a topic."
    if answer.suggestions:
        message += " Closest topics: " + ", ".join(
            f"{plain(topic.label, 100)} ({formatting.counted(topic.episodes, 'episode')})"
            for topic in answer.suggestions
        )
    return message[:2000]
