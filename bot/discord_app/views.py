"""Interactive message parts: chapter pages, "Did you mean", and search result pages.

Only the person who ran the command can use them; they disable themselves when they time out.

A view lives for minutes and a member can open many, so it keeps only what its components need:
episode ids, titles, dates and why each matched (`outline`), never notes or chapters; a pressed
button reads the episode again. A view that times out or stops lets go of everything (discord.py
views and their items refer to each other, a cycle only a full collection would free), and at most
MAX_LIVE_VIEWS listen at once: past that the oldest stops, and its buttons answer no more.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from typing import Protocol

import discord

from bot.core import formatting
from bot.core.library import UnknownPodcast
from bot.core.models import (
    Episode,
    EpisodeExtras,
    Match,
    MatchReason,
    PodcastInfo,
    TopicAnswer,
    TopicCount,
    TopicResult,
    browsable,
)
from bot.discord_app import embeds, topic_embeds
from bot.discord_app.embeds import ShowOf, no_show

log = logging.getLogger(__name__)
VIEW_TIMEOUT_SECONDS = 300
MAX_LIVE_VIEWS = 500  # about 22 kB each with discord.py's components: 11 MB at most
MAX_OPTIONS = 25  # Discord's most options in one select menu
# A notes snippet is shown in at most a few hundred characters; a view keeps no more of it.
KEPT_REASON_CHARS = 1000


class Reader(Protocol):
    """What a pressed button reads again (the Library)."""

    async def episode(self, episode_id: int) -> Episode | None: ...

    async def extras(self, episode_id: int, related: int = 5) -> EpisodeExtras: ...

    async def podcast(self, name: str | None = None) -> PodcastInfo | None: ...


async def podcast_of(reader: Reader, episode: Episode) -> PodcastInfo | None:
    """The episode's own podcast (its artwork, its repeated links); None for a podcast the
    instance no longer follows."""
    try:
        return await reader.podcast(episode.podcast or None)
    except UnknownPodcast:
        return None


def outline(match: Match) -> Match:
    """MATCH as a results line shows it: the episode without its notes, links, chapters and guests."""
    episode = dataclasses.replace(match.episode, description_text="", links=(), chapters=(), guests=())
    reason = dataclasses.replace(match.matched, text=match.matched.text[:KEPT_REASON_CHARS])
    return Match(episode, match.score, reason)


class LiveViews:
    """The views still listening, oldest first; past LIMIT the oldest is stopped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._views: dict[int, PagedView] = {}

    def add(self, view: PagedView) -> None:
        self._views[id(view)] = view
        while len(self._views) > self.limit:
            next(iter(self._views.values())).stop()

    def discard(self, view: PagedView) -> None:
        self._views.pop(id(view), None)

    def __len__(self) -> int:
        return len(self._views)

    def __iter__(self) -> Iterator[PagedView]:
        return iter(list(self._views.values()))


live_views = LiveViews(MAX_LIVE_VIEWS)


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
        self.opening: discord.Embed | None = None  # the first reply's embed, until it is sent
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

    async def render(self) -> discord.Embed:
        """The current page's embed, read again where it needs more than the view keeps."""
        raise NotImplementedError

    def embed(self) -> discord.Embed:
        """The embed the view opens with."""
        assert self.opening is not None, "the opening embed was sent already"
        return self.opening

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
        embed = await self.render()
        self.layout()
        await interaction.response.edit_message(embed=embed, view=self)

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
        message = self.message
        try:
            if message is not None and self.children:
                await message.edit(view=self)
        except discord.HTTPException as error:
            log.debug("could not disable an expired view: %s", error)
        finally:
            self.stop()

    def stop(self) -> None:
        super().stop()
        live_views.discard(self)
        self.release()

    def release(self) -> None:
        """Let go of the message, the results and the components, which all refer back to the view."""
        self.clear_items()
        self.message = None
        self.opening = None
        self.previous_button.callback = _stopped  # type: ignore[method-assign]
        self.next_button.callback = _stopped  # type: ignore[method-assign]


async def _stopped(interaction: discord.Interaction) -> None:
    """A stopped view's component: discord.py no longer dispatches to it."""


async def respond_with(interaction: discord.Interaction, view: PagedView, *, ephemeral: bool = False) -> None:
    """Answer with the view's embed, attaching the view only when it has controls."""
    embed = view.embed()
    view.opening = None
    if not view.children:
        view.stop()
        await interaction.response.send_message(embed=embed, ephemeral=ephemeral)
        return
    callback = await interaction.response.send_message(embed=embed, view=view, ephemeral=ephemeral)
    view.message = callback.resource if isinstance(callback.resource, discord.InteractionMessage) else None
    live_views.add(view)


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
        reader: Reader | None = None,
        show: ShowOf = no_show,
    ) -> None:
        super().__init__(invoker_id)
        self.reader = reader
        self.show_of = show
        self.choices = [outline(match) for match in (shown, *alternatives)]
        self.shown = self.choices[0]
        self.did_you_mean: discord.ui.Select | None = None
        if alternatives:
            self.did_you_mean = discord.ui.Select(placeholder="Did you mean…")
            self.did_you_mean.callback = self._choose  # type: ignore[method-assign]
            self._offer_the_others()
        self.related: discord.ui.Select | None = None
        self._offer_related(extras)
        pages = embeds.chapter_pages(shown.episode, embeds.matched_chapter(shown))
        self._pages = len(pages)
        self.page = embeds.page_of_chapter(pages)  # open where the matched chapter is
        self.opening = embeds.episode_embed(shown, self.page, pages, podcast, extras, show(shown.episode.podcast))
        self.layout()

    def _offer_related(self, extras: EpisodeExtras | None) -> None:
        """The "Related episodes" menu of the shown episode, each option saying why it is alike."""
        related = extras.related[:MAX_OPTIONS] if extras else ()
        self.related = None
        self.related_ids = [other.episode.id for other in related]
        if related:
            self.related = discord.ui.Select(placeholder="Related episodes…")
            self.related.callback = self._open_related  # type: ignore[method-assign]
            self.related.options = [
                discord.SelectOption(
                    label=embeds.title_text(other.episode.display_title, 100),
                    value=str(index),
                    description=embeds.title_text(other.reason, 100),
                )
                for index, other in enumerate(related)
            ]

    def _offer_the_others(self) -> None:
        """The "Did you mean" options: every choice but the one shown, each saying why it matched."""
        assert self.did_you_mean is not None
        self.did_you_mean.options = [
            discord.SelectOption(
                label=embeds.title_text(match.episode.display_title, 100),
                value=str(index),
                description=embeds.title_text(_why(match, self.show_of), 100),
            )
            for index, match in enumerate(self.choices)
            if match is not self.shown
        ]

    def page_count(self) -> int:
        return self._pages

    async def render(self, *, at_matched_chapter: bool = False) -> discord.Embed:
        assert self.reader is not None, "a view with controls reads through the library"
        episode = await self.reader.episode(self.shown.episode.id)
        if episode is None:
            self._pages, self.page = 1, 0
            self._offer_related(None)
            return discord.Embed(title="This episode is no longer in the feed.", colour=embeds.COLOUR)
        shown = Match(episode, self.shown.score, self.shown.matched)
        extras = await self.reader.extras(episode.id)
        pages = embeds.chapter_pages(episode, embeds.matched_chapter(shown))
        self._pages = len(pages)
        self.page = embeds.page_of_chapter(pages) if at_matched_chapter else min(self.page, len(pages) - 1)
        self._offer_related(extras)
        podcast = await podcast_of(self.reader, episode)
        return embeds.episode_embed(shown, self.page, pages, podcast, extras, self.show_of(episode.podcast))

    def extra_items(self) -> list[discord.ui.Item]:
        return [item for item in (self.did_you_mean, self.related) if item is not None]

    async def _choose(self, interaction: discord.Interaction) -> None:
        assert self.did_you_mean is not None
        self.shown = self.choices[int(self.did_you_mean.values[0])]
        self._offer_the_others()
        embed = await self.render(at_matched_chapter=True)
        self.layout()
        await interaction.response.edit_message(embed=embed, view=self)

    async def _open_related(self, interaction: discord.Interaction) -> None:
        assert self.related is not None and self.reader is not None
        chosen = self.related_ids[int(self.related.values[0])]
        await open_episode(interaction, self.invoker_id, chosen, self.reader, show=self.show_of)

    def release(self) -> None:
        super().release()
        self.choices = []
        self.did_you_mean = self.related = None
        self.show_of = no_show


async def open_episode(
    interaction: discord.Interaction,
    invoker_id: int,
    episode_id: int,
    reader: Reader,
    match: Match | None = None,
    show: ShowOf = no_show,
) -> None:
    """Answer with the full /episode reply for the episode EPISODE_ID (a chosen result or a
    related episode), read again: the view that offered it keeps no more than its title."""
    episode = await reader.episode(episode_id)
    if episode is None:
        await interaction.response.send_message("That episode is no longer in the feed.", ephemeral=True)
        return
    match = (
        Match(episode, match.score, match.matched)
        if match
        else Match(episode, 100.0, MatchReason("title", episode.title))
    )
    podcast, extras = await podcast_of(reader, episode), await reader.extras(episode_id)
    await respond_with(interaction, EpisodeView(invoker_id, match, [], podcast, extras, reader, show))


def _why(match: Match, show: ShowOf = no_show) -> str:
    """Why a match matched, for the option under its title: the podcast (when named), the
    chapter, guest or field, and when."""
    reason = {
        "chapter": f"chapter {formatting.timestamp(match.matched.start_seconds or 0)} {match.matched.text}",
        "guest": f"guest {match.matched.text}",
        "number": f"episode {match.matched.text}",
        "description": "mentioned in the notes",
        "topic": f"about {match.matched.text}",
        "transcript": f"{formatting.said_at(match.matched).lower()}: {match.matched.text}",
    }.get(match.matched.field, "title words")
    published = formatting.date(match.episode.published)
    reason = f"{reason} · {published}" if published else reason
    named = show(match.episode.podcast)
    return f"{named} · {reason}" if named else reason


class SearchView(PagedView):
    """Pages of search results, and an "Open episode" menu of the page's results that answers
    with the full /episode reply."""

    def __init__(
        self,
        invoker_id: int,
        query: str,
        matches: list[Match],
        reader: Reader | None = None,
        title: str | None = None,
        show: ShowOf = no_show,
    ) -> None:
        super().__init__(invoker_id)
        self.reader = reader
        self.show_of = show
        self.query = query
        self.title = title
        self.matches = [outline(match) for match in matches]
        self.open_episode: discord.ui.Select[SearchView] = discord.ui.Select(placeholder="Open episode…")
        self.open_episode.callback = self._open  # type: ignore[method-assign]
        self.opening = self._page_embed()
        self.layout()

    def page_count(self) -> int:
        return formatting.page_count(len(self.matches), embeds.RESULTS_PER_PAGE)

    def _page_embed(self) -> discord.Embed:
        return embeds.results_embed(self.query, self.matches, self.page, title=self.title, show=self.show_of)

    async def render(self) -> discord.Embed:
        return self._page_embed()

    def extra_items(self) -> list[discord.ui.Item]:
        first = self.page * embeds.RESULTS_PER_PAGE
        shown = self.matches[first : first + embeds.RESULTS_PER_PAGE]
        self.open_episode.options = [
            discord.SelectOption(
                label=embeds.title_text(f"{first + rank}. {match.episode.display_title}", 100),
                value=str(first + rank - 1),
                description=embeds.title_text(_why(match, self.show_of), 100),
            )
            for rank, match in enumerate(shown, start=1)
        ]
        return [self.open_episode] if shown else []

    async def _open(self, interaction: discord.Interaction) -> None:
        assert self.reader is not None, "a view with controls reads through the library"
        chosen = self.matches[int(self.open_episode.values[0])]
        await open_episode(interaction, self.invoker_id, chosen.episode.id, self.reader, chosen, self.show_of)

    def release(self) -> None:
        super().release()
        self.matches = []
        self.open_episode.callback = _stopped  # type: ignore[method-assign]
        self.show_of = no_show


class TopicView(SearchView):
    """Pages of a topic's episodes (each with why it is in the topic) and an "Open episode" menu."""

    def __init__(
        self, invoker_id: int, answer: TopicAnswer, reader: Reader | None = None, show: ShowOf = no_show
    ) -> None:
        self.answer = dataclasses.replace(
            answer, results=tuple(TopicResult(outline(result.match), result.reason) for result in answer.results)
        )
        super().__init__(invoker_id, answer.asked, [result.match for result in self.answer.results], reader, show=show)

    def _page_embed(self) -> discord.Embed:
        return topic_embeds.topic_embed(self.answer, self.page, self.show_of)

    def release(self) -> None:
        super().release()
        self.answer = dataclasses.replace(self.answer, results=(), articles=())


class StatusPagesView(PagedView):
    """/admin status for several podcasts: pages of their health, made once when asked."""

    def __init__(self, invoker_id: int, pages: list[discord.Embed]) -> None:
        super().__init__(invoker_id)
        self.pages = pages
        self.opening = pages[0]
        self.layout()

    def page_count(self) -> int:
        return len(self.pages)

    async def render(self) -> discord.Embed:
        return self.pages[self.page]

    def release(self) -> None:
        super().release()
        self.pages = []


class TopicsView(PagedView):
    """Pages of the topics worth browsing, the largest first."""

    def __init__(self, invoker_id: int, topics: list[TopicCount]) -> None:
        super().__init__(invoker_id)
        self.topics = topics
        self.shown = browsable(topics)
        self.opening = topic_embeds.topics_embed(self.topics, self.shown, 0)
        self.layout()

    def page_count(self) -> int:
        return topic_embeds.topics_pages(self.shown)

    async def render(self) -> discord.Embed:
        return topic_embeds.topics_embed(self.topics, self.shown, self.page)

    def release(self) -> None:
        super().release()
        self.topics = self.shown = []
