"""Interactive message parts: chapter pages, "Did you mean", and search result pages.

Only the person who ran the command can use them; they disable themselves when they time out.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.core import formatting
from bot.core.models import Episode, EpisodeExtras, Match, MatchReason, PodcastInfo, TopicAnswer
from bot.discord_app import embeds, topic_embeds

log = logging.getLogger(__name__)
VIEW_TIMEOUT_SECONDS = 300
MAX_OPTIONS = 25  # Discord's most options in one select menu
ExtrasLookup = Callable[[int], Awaitable[EpisodeExtras]]


class PagedView(discord.ui.View):
    """Previous/next buttons over pages of one embed, usable only by the command's invoker,
    greyed out when the view times out."""

    previous_label = "◀ Previous"
    next_label = "Next ▶"

    def __init__(self, invoker_id: int) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_SECONDS)
        self.invoker_id = invoker_id
        self.message: discord.InteractionMessage | discord.Message | None = None
        self.page = 0
        self.previous_button: discord.ui.Button[PagedView] = discord.ui.Button(
            label=self.previous_label, style=discord.ButtonStyle.secondary
        )
        self.next_button: discord.ui.Button[PagedView] = discord.ui.Button(
            label=self.next_label, style=discord.ButtonStyle.secondary
        )
        # Assigning a component's callback is discord.py's documented way; its stubs call it a method.
        self.previous_button.callback = self._previous  # type: ignore[method-assign]
        self.next_button.callback = self._next  # type: ignore[method-assign]

    def page_count(self) -> int:
        raise NotImplementedError

    def embed(self) -> discord.Embed:
        raise NotImplementedError

    def extra_items(self) -> list[discord.ui.Item]:
        return []

    def layout(self) -> None:
        self.clear_items()
        if self.page_count() > 1:
            self.previous_button.disabled = self.page == 0
            self.next_button.disabled = self.page >= self.page_count() - 1
            self.add_item(self.previous_button)
            self.add_item(self.next_button)
        for item in self.extra_items():
            self.add_item(item)

    async def show(self, interaction: discord.Interaction) -> None:
        self.layout()
        await interaction.response.edit_message(embed=self.embed(), view=self)

    async def _previous(self, interaction: discord.Interaction) -> None:
        self.page = max(0, self.page - 1)
        await self.show(interaction)

    async def _next(self, interaction: discord.Interaction) -> None:
        self.page = min(self.page + 1, self.page_count() - 1)
        await self.show(interaction)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.invoker_id:
            return True
        await interaction.response.send_message(
            "Only the person who ran this command can use these controls. Run it yourself to browse.",
            ephemeral=True,
        )
        return False

    async def on_timeout(self) -> None:
        for item in self.children:
            item.disabled = True  # type: ignore[attr-defined]
        if self.message is not None and self.children:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as error:
                log.debug("could not disable an expired view: %s", error)


async def respond_with(interaction: discord.Interaction, view: PagedView) -> None:
    """Answer with the view's embed, attaching the view only when it has controls."""
    if not view.children:
        await interaction.response.send_message(embed=view.embed())
        return
    callback = await interaction.response.send_message(embed=view.embed(), view=view)
    view.message = callback.resource if isinstance(callback.resource, discord.InteractionMessage) else None


class EpisodeView(PagedView):
    """Chapter pages, and a "Did you mean" select that swaps the episode shown."""

    previous_label = "◀ Chapters"
    next_label = "Chapters ▶"

    def __init__(
        self,
        invoker_id: int,
        shown: Match,
        alternatives: list[Match],
        podcast: PodcastInfo | None = None,
        extras: EpisodeExtras | None = None,
        extras_of: ExtrasLookup | None = None,
    ) -> None:
        super().__init__(invoker_id)
        self.podcast = podcast
        self.choices = [shown, *alternatives]
        self.shown = shown
        self.extras = extras  # the shown episode's topics, companion posts and related episodes
        self.extras_of = extras_of  # how to look them up for another episode
        self._page_cache: dict[int, list[str]] = {}
        self.did_you_mean: discord.ui.Select | None = None
        if alternatives:
            self.did_you_mean = discord.ui.Select(placeholder="Did you mean…")
            self.did_you_mean.callback = self._choose  # type: ignore[method-assign]
            self._offer_the_others()
        self.related: discord.ui.Select | None = None
        self._offer_related()
        self.page = embeds.page_of_chapter(self._pages())  # open where the matched chapter is
        self.layout()

    def _offer_related(self) -> None:
        """The "Related episodes" menu of the shown episode, each option saying why it is alike."""
        related = self.extras.related if self.extras else ()
        self.related = None
        if related:
            self.related = discord.ui.Select(placeholder="Related episodes…")
            self.related.callback = self._open_related  # type: ignore[method-assign]
            self.related.options = [
                discord.SelectOption(
                    label=embeds.title_text(other.episode.display_title, 100),
                    value=str(index),
                    description=embeds.title_text(other.reason, 100),
                )
                for index, other in enumerate(related[:MAX_OPTIONS])
            ]

    def _offer_the_others(self) -> None:
        """The "Did you mean" options: every choice but the one shown, each saying why it matched."""
        assert self.did_you_mean is not None
        self.did_you_mean.options = [
            discord.SelectOption(
                label=embeds.title_text(match.episode.display_title, 100),
                value=str(index),
                description=embeds.title_text(_why(match), 100),
            )
            for index, match in enumerate(self.choices)
            if match is not self.shown
        ]

    def page_count(self) -> int:
        return len(self._pages())

    def embed(self) -> discord.Embed:
        return embeds.episode_embed(self.shown, self.page, self._pages(), self.podcast, self.extras)

    def _pages(self) -> list[str]:
        """The shown match's chapter pages, cut once per match however often it is paged."""
        key = id(self.shown)
        if key not in self._page_cache:
            self._page_cache[key] = embeds.chapter_pages(self.shown.episode, embeds.matched_chapter(self.shown))
        return self._page_cache[key]

    def extra_items(self) -> list[discord.ui.Item]:
        return [item for item in (self.did_you_mean, self.related) if item is not None]

    async def _choose(self, interaction: discord.Interaction) -> None:
        assert self.did_you_mean is not None
        self.shown = self.choices[int(self.did_you_mean.values[0])]
        self.extras = await self.extras_of(self.shown.episode.id) if self.extras_of else None
        self.page = embeds.page_of_chapter(self._pages())
        self._offer_the_others()
        self._offer_related()
        await self.show(interaction)

    async def _open_related(self, interaction: discord.Interaction) -> None:
        assert self.related is not None and self.extras is not None
        other = self.extras.related[int(self.related.values[0])].episode
        await open_episode(interaction, self.invoker_id, other, self.podcast, self.extras_of)


async def open_episode(
    interaction: discord.Interaction,
    invoker_id: int,
    episode: Episode,
    podcast: PodcastInfo | None,
    extras_of: ExtrasLookup | None,
    match: Match | None = None,
) -> None:
    """Answer with the full /episode reply for EPISODE (a chosen result or related episode)."""
    match = match or Match(episode, 100.0, MatchReason("title", episode.title))
    extras = await extras_of(episode.id) if extras_of else None
    await respond_with(interaction, EpisodeView(invoker_id, match, [], podcast, extras, extras_of))


def _why(match: Match) -> str:
    """Why a match matched, for the option under its title: the chapter, guest or field, and when."""
    reason = {
        "chapter": f"chapter {formatting.timestamp(match.matched.start_seconds or 0)} {match.matched.text}",
        "guest": f"guest {match.matched.text}",
        "number": f"episode {match.matched.text}",
        "description": "mentioned in the notes",
        "topic": f"about {match.matched.text}",
    }.get(match.matched.field, "title words")
    published = formatting.date(match.episode.published)
    return f"{reason} · {published}" if published else reason


class SearchView(PagedView):
    """Pages of search results, and an "Open episode" menu of the page's results that answers
    with the full /episode reply."""

    def __init__(
        self,
        invoker_id: int,
        query: str,
        matches: list[Match],
        podcast: PodcastInfo | None = None,
        extras_of: ExtrasLookup | None = None,
    ) -> None:
        super().__init__(invoker_id)
        self.podcast = podcast
        self.extras_of = extras_of
        self.query = query
        self.matches = matches
        self.open_episode: discord.ui.Select[SearchView] = discord.ui.Select(placeholder="Open episode…")
        self.open_episode.callback = self._open  # type: ignore[method-assign]
        self.layout()

    def page_count(self) -> int:
        return max(1, -(-len(self.matches) // embeds.RESULTS_PER_PAGE))

    def embed(self) -> discord.Embed:
        return embeds.results_embed(self.query, self.matches, self.page)

    def extra_items(self) -> list[discord.ui.Item]:
        first = self.page * embeds.RESULTS_PER_PAGE
        shown = self.matches[first : first + embeds.RESULTS_PER_PAGE]
        self.open_episode.options = [
            discord.SelectOption(
                label=embeds.title_text(f"{first + rank}. {match.episode.display_title}", 100),
                value=str(first + rank - 1),
                description=embeds.title_text(_why(match), 100),
            )
            for rank, match in enumerate(shown, start=1)
        ]
        return [self.open_episode] if shown else []

    async def _open(self, interaction: discord.Interaction) -> None:
        chosen = self.matches[int(self.open_episode.values[0])]
        await open_episode(interaction, self.invoker_id, chosen.episode, self.podcast, self.extras_of, chosen)


class TopicView(SearchView):
    """Pages of a topic's episodes (each with why it is in the topic) and an "Open episode" menu."""

    def __init__(
        self,
        invoker_id: int,
        answer: TopicAnswer,
        podcast: PodcastInfo | None = None,
        extras_of: ExtrasLookup | None = None,
    ) -> None:
        self.answer = answer
        super().__init__(invoker_id, answer.asked, [result.match for result in answer.results], podcast, extras_of)

    def embed(self) -> discord.Embed:
        return topic_embeds.topic_embed(self.answer, self.page)
