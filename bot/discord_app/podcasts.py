"""Which podcasts a command is about: the server's chosen podcasts, narrowed by the `podcast`
option, and whether the reply must say whose each episode is.

Titles for autocomplete and for naming shows are read once on start and after every sync (the
library's `podcasts()`), never per keystroke.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import discord
from discord import app_commands

from bot.core.library import Library, UnknownPodcast
from bot.discord_app.choices import podcast_choices

PODCAST_OPTION = "Only this podcast (default: every podcast this server follows)"


@dataclass(frozen=True, slots=True)
class Scope:
    """What a command searches, and how its reply names shows."""

    podcasts: tuple[str, ...] | None  # the names to search; None: every podcast
    shows: Mapping[str, str] | None  # name -> title when more than one podcast is in play

    def show(self, name: str) -> str | None:
        """The title to name an episode of podcast NAME by, when the reply names shows."""
        return self.shows.get(name, name) if self.shows is not None else None


class PodcastDirectory:
    def __init__(self, library: Library) -> None:
        self.library = library
        self._titles: dict[str, str] = {}

    async def refresh(self) -> None:
        self._titles = {
            summary.name: " ".join(summary.title.split()) or summary.name
            for summary in await self.library.podcasts()
            if summary.configured
        }

    async def synced(self, name: str) -> None:
        """Podcast NAME was synced: its feed may have a title now (one read, not one per podcast)."""
        if name in self.library.podcast_names:
            info = await self.library.podcast(name)
            self._titles[name] = " ".join((info.title if info else "").split()) or name

    def title(self, name: str) -> str:
        return self._titles.get(name) or name

    def titles(self, names: tuple[str, ...]) -> dict[str, str]:
        return {name: self.title(name) for name in names}

    async def visible(self, guild_id: int | None) -> tuple[str, ...]:
        """The podcasts the server sees (its admins' choice, default all), in config order. A
        choice whose podcasts all left the config falls back to all rather than to none."""
        names = self.library.podcast_names
        chosen = await self.library.store.guild_podcasts(guild_id) if guild_id else None
        seen = tuple(name for name in names if chosen is None or name in chosen)
        return seen or names

    def resolve(self, typed: str, among: tuple[str, ...]) -> str:
        """The podcast TYPED names (a picked choice's name, or a name or title typed out)."""
        wanted = " ".join(typed.split()).casefold()
        for name in among:
            if wanted in (name.casefold(), self.title(name).casefold()):
                return name
        raise UnknownPodcast(typed.strip()[:100], among)

    async def scope(self, guild_id: int | None, option: str | None = None) -> Scope:
        visible = await self.visible(guild_id)
        chosen = (self.resolve(option, visible),) if option else visible
        return Scope(
            podcasts=None if chosen == self.library.podcast_names else chosen,
            shows=self.titles(chosen) if len(chosen) > 1 else None,
        )

    async def typing_scope(self, interaction: discord.Interaction) -> Scope:
        """The scope while another option is typed: the `podcast` option if already filled in and
        known, else every podcast the server sees (a half-typed name narrows nothing)."""
        typed = interaction.namespace.podcast
        try:
            return await self.scope(interaction.guild_id, typed if isinstance(typed, str) and typed.strip() else None)
        except UnknownPodcast:
            return await self.scope(interaction.guild_id)

    async def choices(self, guild_id: int | None, current: str) -> list[app_commands.Choice[str]]:
        visible = await self.visible(guild_id)
        return podcast_choices([(name, self.title(name)) for name in visible], current)


async def podcast_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The `podcast` option's choices: the podcasts the member's server sees."""
    return await _directory(interaction).choices(interaction.guild_id, current)


async def any_podcast_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The `podcast` option of /admin commands: every podcast of the instance, seen here or not."""
    return await _directory(interaction).choices(None, current)


def _directory(interaction: discord.Interaction) -> PodcastDirectory:
    directory = getattr(interaction.client, "podcasts", None)
    assert isinstance(directory, PodcastDirectory), "the client is a PodBot"
    return directory
