"""Autocomplete as Discord takes it: at most 25 choices, names of at most 100 characters, and a
value (`id:N`) that names the picked episode exactly when the command runs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from discord import app_commands

from bot.core import formatting
from bot.core.models import Episode, Match, TopicCount
from bot.discord_app.embeds import ShowOf, no_show
from bot.discord_app.markdown import visible

MAX_CHOICES = 25
MAX_CHOICE_NAME = 100
UNTITLED = "Untitled episode"
_CHOICE_VALUE = re.compile(r"^id:(\d{1,12})$")


def choice_value(episode: Episode) -> str:
    return f"id:{episode.id}"


def chosen_episode_id(value: str) -> int | None:
    """The episode an autocomplete value names, if VALUE is one (else it is what was typed)."""
    match = _CHOICE_VALUE.match(value.strip())
    return int(match.group(1)) if match else None


def choices(matches: list[Match], show: ShowOf = no_show) -> list[app_commands.Choice[str]]:
    """Suggestions for MATCHES; SHOW gives the title to name each episode's podcast by (None: not named)."""
    return [
        app_commands.Choice(name=choice_name(m, show(m.episode.podcast)), value=choice_value(m.episode))
        for m in matches[:MAX_CHOICES]
    ]


def choice_name(match: Match, show: str | None = None) -> str:
    """A suggestion's name within 100 characters: when a chapter or guest matched, that is the
    useful part, so the title gives way first; SHOW, the podcast, comes last."""
    detail = ""
    if match.matched.field == "chapter":
        detail = f" · chapter: {visible(match.matched.text)}"
    elif match.matched.field == "guest":
        detail = f" · guest: {visible(match.matched.text)}"
    if show:
        detail = detail[: MAX_CHOICE_NAME // 4] + f" · {' '.join(visible(show).split())[: MAX_CHOICE_NAME // 4]}"
    detail = detail[: MAX_CHOICE_NAME // 2]
    title = " ".join(visible(match.episode.display_title).split()) or UNTITLED
    room = MAX_CHOICE_NAME - len(detail)
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return title + detail


def topic_choices(topics: list[TopicCount]) -> list[app_commands.Choice[str]]:
    """Topics as choices: "Security (5 episodes)", valued by the topic's name."""
    found = []
    for topic in topics[:MAX_CHOICES]:
        count = f" ({formatting.counted(topic.episodes, 'episode')})"
        label = (" ".join(visible(topic.label).split()) or topic.name)[: MAX_CHOICE_NAME - len(count)]
        found.append(app_commands.Choice(name=label + count, value=topic.name[:MAX_CHOICE_NAME]))
    return found


def podcast_choices(podcasts: Sequence[tuple[str, str]], current: str) -> list[app_commands.Choice[str]]:
    """The podcasts (name, title) whose name or title holds what was typed, those that start
    with it first, in the instance's order otherwise: "Title (name)", valued by the name."""
    typed = " ".join(current.casefold().split())
    ranked = []
    for position, (name, title) in enumerate(podcasts):
        shown = " ".join(visible(title).split())
        words = f"{name} {shown}".casefold()
        if typed and typed not in words:
            continue
        starts = name.casefold().startswith(typed) or shown.casefold().startswith(typed)
        ranked.append((not starts, position, name, shown))
    found = []
    for _, _, name, shown in sorted(ranked)[:MAX_CHOICES]:
        suffix = f" ({name})"
        label = shown[: MAX_CHOICE_NAME - len(suffix)] + suffix if shown and shown != name else name
        found.append(app_commands.Choice(name=label[:MAX_CHOICE_NAME], value=name[:MAX_CHOICE_NAME]))
    return found
