"""/admin status for several podcasts: one compact line of health per podcast, in pages.

A network's bot may follow a hundred shows; each line says what an operator looks for (last sync,
failures, warnings, next sync) and the shows with problems come first, so the first page is the
one to read. The server's own facts (announcements, latency, version) lead the first page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.core import formatting
from bot.core.ingest.urls import redact_addresses
from bot.core.library import PodcastSummary
from bot.discord_app.embeds import (
    DESCRIPTION_LIMIT,
    StatusFacts,
    add_server_fields,
    add_store_problem,
    is_dead,
    plain,
    when,
    within_total,
)

# Lines a page holds at most, and the characters they may fill: the rest of the first page
# (the server's fields, the title, the footer) fits what Discord allows beside them.
PODCASTS_PER_PAGE = 15
PAGE_CHARS = 3000
ERROR_CHARS = 150


# Each state's place in the list and in the count above it: the worst first.
STATES = ("dead", "failing", "with warnings", "removed", "fine")
COLOURS = {"dead": discord.Colour.red(), "failing": discord.Colour.orange(), "with warnings": discord.Colour.orange()}


@dataclass(frozen=True, slots=True)
class PodcastLine:
    text: str
    state: str  # one of STATES


def podcast_line(podcast: PodcastSummary) -> PodcastLine:
    """One podcast's health in a line: `**name** · Title · 120 episodes · synced 2 h ago · next in 13 min`,
    its problem (failures, warnings) after it."""
    health, state = podcast.health, podcast.health.state
    head = f"**{plain(podcast.name, 60)}**"
    if title := plain(" ".join(podcast.title.split()), 60):
        head += f" · {title}"
    episodes = formatting.counted(podcast.episodes, "episode")
    if not podcast.configured:
        return PodcastLine(f"⏸️ {head} · removed from the config: {episodes} kept, not synced", "removed")
    last_success = state.last_success if state else None
    facts = [head, episodes, f"synced {when(last_success)}"]
    facts.append("syncing now" if health.syncing else f"next {when(health.next_sync)}")
    status, mark = "fine", "✅"
    warnings = len(health.last_report.warnings) if health.last_report else 0
    if warnings:
        facts.append(formatting.counted(warnings, "warning"))
        status, mark = "with warnings", "⚠️"
    line = " · ".join(facts)
    if state and state.last_error:
        dead = is_dead(last_success)
        status, mark = ("dead", "⛔") if dead else ("failing", "❗")
        error = plain(redact_addresses(state.last_error), ERROR_CHARS)
        line += f"\n  {state.consecutive_failures} failed in a row{' (dead for over a day)' if dead else ''}: {error}"
    return PodcastLine(f"{mark} {line}", status)


def status_pages(podcasts: Sequence[PodcastSummary], server: StatusFacts) -> list[discord.Embed]:
    """Every podcast's line, problems first, in pages within Discord's limits; the first page
    also carries the server's facts."""
    # sorted() is stable: within a state, the config's order.
    lines = sorted((podcast_line(p) for p in podcasts), key=lambda line: STATES.index(line.state))
    chunks = _chunks([line.text for line in lines])
    counts = _counts(lines)
    colour = COLOURS.get(lines[0].state, discord.Colour.green()) if lines else discord.Colour.green()
    embeds = []
    for number, chunk in enumerate(chunks):
        embed = discord.Embed(
            title=f"podbot status: {formatting.counted(len(podcasts), 'podcast')}",
            description=formatting.shorten(f"{counts}\n\n" + "\n".join(chunk), DESCRIPTION_LIMIT),
            colour=colour,
        )
        if number == 0:
            add_store_problem(embed, server.store_problem)
            add_server_fields(embed, server)
        embed.set_footer(text=f"Page {number + 1} of {len(chunks)} · /admin status podcast:NAME for one podcast")
        embeds.append(within_total(embed))
    return embeds


def _chunks(lines: list[str]) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        page = pages[-1]
        if page and (len(page) >= PODCASTS_PER_PAGE or size + len(line) + 1 > PAGE_CHARS):
            pages.append(page := [])
            size = 0
        page.append(line)
        size += len(line) + 1
    return pages


def _counts(lines: list[PodcastLine]) -> str:
    """How many are fine, failing and so on, said once above the list."""
    parts = [f"{sum(1 for line in lines if line.state == state)} {state}" for state in STATES]
    return " · ".join(part for part in parts if not part.startswith("0 ")) or "no podcasts"
