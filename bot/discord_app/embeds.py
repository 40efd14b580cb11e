"""Episodes, results and reports as Discord embeds, kept inside Discord's limits.

Limits (Discord rejects a message past any of them): title 256, description 4096, field value
1024, 25 fields, footer 2048, 6000 characters in all. Long chapter lists are split into pages
rather than cut.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import discord

from bot.core import formatting
from bot.core.ingest import boilerplate
from bot.core.ingest.netguard import UnsafeUrl, check_url
from bot.core.models import Episode, EpisodeExtras, FeedState, Match, PodcastInfo, Reading, SyncReport
from bot.discord_app import markdown

COLOUR = discord.Colour(0x1877F2)
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
CHAPTER_PAGE_CHARS = 3000
SUMMARY_CHARS = 350
MAX_LINKS = 5
RESULTS_PER_PAGE = 5
DEAD_FEED_AFTER = dt.timedelta(days=1)


EMBED_TOTAL_LIMIT = 6000
# The title to name a podcast by in a reply (from its name), or None when the reply names no shows:
# only when more than one podcast is in play does a line say whose episode it is.
ShowOf = Callable[[str], "str | None"]


def no_show(name: str) -> str | None:
    return None


def link_target(url: str | None) -> str | None:
    """URL if Discord accepts it as an embed URL or a markdown link target: http(s), well formed,
    at most 2,048 characters. None otherwise: the text stays, the link goes."""
    if not url:
        return None
    try:
        check_url(url)
    except UnsafeUrl:
        return None
    # A bracket would end the markdown link early; encoded, it is the same address.
    return url.replace("(", "%28").replace(")", "%29")


def episode_target(episode: Episode) -> str | None:
    """Where an episode's title leads: its page, else its audio (when either is a usable link)."""
    return link_target(episode.link) or link_target(episode.audio_url)


# A link longer than this is not repeated in a line of a list: it would crowd out the list.
INLINE_URL_CHARS = 300


def plain(text: str, limit: int) -> str:
    """Feed text shown literally (markdown.literal), cut so the escaped form (which is longer)
    fits LIMIT. Only the start of a long text is read: escaping never shortens it, so what lies
    past four times LIMIT could never be shown (and a 250,000-character title costs nothing)."""
    head = 4 * limit
    text = markdown.visible(text[:head]) + ("…" if len(text) > head else "")
    room = limit
    # Only what escaping adds to the first LIMIT characters is to be made room for.
    escaped = markdown.escape(formatting.shorten(text, room))
    while len(escaped) > limit and room > 0:
        room -= len(escaped) - limit
        escaped = markdown.escape(formatting.shorten(text, max(room, 0)))
    return escaped if len(escaped) <= limit else ""


def title_text(text: str, limit: int = TITLE_LIMIT) -> str:
    """An embed title or field name from feed text: never empty, within LIMIT."""
    return formatting.shorten(markdown.visible(text).strip(), limit) or "Untitled"


def linked(label: str, url: str | None) -> str:
    target = link_target(url)
    return f"[{label}]({target})" if target else label


def embed_size(embed: discord.Embed) -> int:
    """Characters Discord counts toward the 6,000 of a message's embeds."""
    size = len(embed.title or "") + len(embed.description or "") + len(embed.footer.text or "")
    size += len(embed.author.name or "")
    return size + sum(len(f.name or "") + len(f.value or "") for f in embed.fields)


def within_total(embed: discord.Embed) -> discord.Embed:
    """EMBED cut to Discord's 6,000-character total: the description gives way first, then the
    last fields."""
    excess = embed_size(embed) - EMBED_TOTAL_LIMIT
    if excess > 0 and embed.description:
        keep = max(len(embed.description) - excess - 1, 0)
        embed.description = formatting.shorten(embed.description, keep) or None
    while embed_size(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed


MATCHED_MARK = "▶ "


def timestamp_link(episode: Episode, seconds: int) -> str:
    """`12:34`, linked to that moment of the audio where the player supports #t=."""
    stamp = f"`{formatting.timestamp(seconds)}`"
    audio = link_target(episode.audio_url)
    if audio and len(audio) < INLINE_URL_CHARS:
        return f"[{stamp}]({audio}#t={seconds})"
    return stamp


def matched_chapter(match: Match) -> int | None:
    """The position of the chapter the search matched, if it matched a chapter (or the one a
    transcript moment falls in)."""
    if match.matched.field == "transcript" and match.matched.start_seconds is not None:
        playing = formatting.chapter_at(match.episode.chapters, match.matched.start_seconds)
        return match.episode.chapters.index(playing) if playing else None
    if match.matched.field != "chapter":
        return None
    return next(
        (
            i
            for i, c in enumerate(match.episode.chapters)
            if c.start_seconds == match.matched.start_seconds and c.title == match.matched.text
        ),
        None,
    )


def chapter_lines(episode: Episode, marked: int | None = None) -> list[str]:
    """`12:34` Title lines, times linked into the audio; the MARKED chapter (the one a search
    matched) stands out."""
    lines = []
    for position, chapter in enumerate(episode.chapters):
        title = plain(" ".join(chapter.title.split()), 400)  # one line each, whatever the file held
        line = f"{timestamp_link(episode, chapter.start_seconds)} {title}"
        lines.append(f"{MATCHED_MARK}**{line}**" if position == marked else line)
    return lines


def chapter_pages(episode: Episode, marked: int | None = None) -> list[str]:
    """The chapter lines cut into pages that each fit the embed description."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for line in chapter_lines(episode, marked):
        if current and size + len(line) + 1 > CHAPTER_PAGE_CHARS:
            pages.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        pages.append("\n".join(current))
    return pages or [""]


def page_of_chapter(pages: list[str]) -> int:
    """The page that holds the marked chapter (0 when none is marked)."""
    marked = f"\n{MATCHED_MARK}**"
    return next((number for number, text in enumerate(pages) if marked in "\n" + text), 0)


def episode_embed(
    match: Match,
    page: int = 0,
    pages: list[str] | None = None,
    podcast: PodcastInfo | None = None,
    extras: EpisodeExtras | None = None,
    show: str | None = None,
) -> discord.Embed:
    """The /episode reply; PAGES (from chapter_pages) are passed in by views that show several.
    The title links to the episode's page, else the podcast's; the podcast's artwork is the
    thumbnail. EXTRAS add the episode's companion posts ("Read") and topics; SHOW, the podcast's
    title, heads it when several podcasts are in play."""
    episode = match.episode
    pages = pages if pages is not None else chapter_pages(episode, matched_chapter(match))
    page = max(0, min(page, len(pages) - 1))
    # As podcast apps head an episode: "2024-07-04 · 1 h 04 min", the date said once.
    facts = [f for f in (formatting.date(episode.published), formatting.duration(episode.duration_seconds)) if f]
    intro = [" · ".join(facts)] if facts else []
    if match.matched.field == "chapter":
        stamp = timestamp_link(episode, match.matched.start_seconds or 0)
        intro.append(f"Matched chapter {stamp} **{plain(match.matched.text, 400)}**")
    elif match.matched.field == "guest":
        intro.append(f"Matched guest **{plain(match.matched.text, 200)}**")
    elif match.matched.field == "transcript":
        intro.append(_moment_text(match))
    if summary := boilerplate.episode_summary(episode, podcast):
        intro.append(plain(summary, SUMMARY_CHARS))
    if pages[0]:
        heading = "**Chapters**" if len(pages) == 1 else f"**Chapters** (page {page + 1} of {len(pages)})"
        intro.append(f"{heading}\n{pages[page]}")
    else:
        intro.append("*No chapter timestamps in the show notes.*")
    embed = discord.Embed(
        title=title_text(episode.display_title),
        url=link_target(episode.link)
        or link_target(podcast.link if podcast else None)
        or link_target(episode.audio_url),
        description=formatting.shorten("\n\n".join(intro), DESCRIPTION_LIMIT),
        colour=COLOUR,
    )
    if show:
        embed.set_author(name=title_text(show))
    if artwork := link_target(episode.image_url) or link_target(podcast.image_url if podcast else None):
        embed.set_thumbnail(url=artwork)
    if listen := _listen_field(episode):
        embed.add_field(name="Listen", value=listen, inline=True)
    if extras and extras.reading:
        embed.add_field(name="Read", value=reading_lines(extras.reading), inline=False)
    if extras and extras.topics:
        topics = " · ".join(plain(topic.label, 100) for topic in extras.topics)
        embed.add_field(name="Topics", value=formatting.shorten(topics, FIELD_LIMIT), inline=False)
    if links := _links_field(episode, podcast.boilerplate_urls if podcast else ()):
        embed.add_field(name="Links", value=links, inline=False)
    return within_total(embed)


def _moment_text(match: Match) -> str:
    """ "Said at 23:10: '…'", the time linked to the audio from there, and the chapter it is in."""
    reason, episode = match.matched, match.episode
    quote = highlighted(reason.text, reason.highlight, 600)
    if reason.start_seconds is None:
        return f"Said: “{quote}”"
    said = f"Said at {timestamp_link(episode, reason.start_seconds)}: “{quote}”"
    if chapter := formatting.chapter_at(episode.chapters, reason.start_seconds):
        said += f"\nIn chapter `{formatting.timestamp(chapter.start_seconds)}` {plain(chapter.title, 200)}"
    return said


def reading_lines(reading: Sequence[Reading]) -> str:
    """Companion posts, each linked when its address is known (a post without one is named only)."""
    lines = []
    for article in reading:
        title = plain(article.display_title, 200) or "a post"
        date = formatting.date(article.published)
        line = linked(title, article.url if article.url and len(article.url) < INLINE_URL_CHARS else None)
        lines.append(f"{line} ({date})" if date else line)
    return fit_lines(lines, FIELD_LIMIT, max_items=MAX_LINKS)


def _listen_field(episode: Episode) -> str:
    """Links to the episode's page and audio, each only if it fits the field with the others."""
    parts: list[str] = []
    for label, url in (("Episode page", episode.link), ("Audio", episode.audio_url)):
        if link_target(url) and len(" · ".join([*parts, linked(label, url)])) <= FIELD_LIMIT:
            parts.append(linked(label, url))
    return " · ".join(parts)


def fit_lines(lines: list[str], limit: int, *, max_items: int | None = None, more: str = "…and {} more") -> str:
    """LINES joined within LIMIT characters (and at most MAX_ITEMS of them); a last line counts
    the ones left out, so nothing is cut silently."""
    room = limit - 40  # for the "…and N more" line
    shown: list[str] = []
    size = 0
    for line in lines[:max_items]:
        if size + len(line) + 1 > room:
            break
        shown.append(line)
        size += len(line) + 1
    if len(shown) < len(lines):
        shown.append(more.format(len(lines) - len(shown)))
    return "\n".join(shown)


def _links_field(episode: Episode, boilerplate_urls: tuple[str, ...] = ()) -> str:
    """The episode's own links (not the show's social accounts every episode repeats), labelled."""
    lines = []
    for link in boilerplate.own_links(episode.links, boilerplate_urls):
        label = plain(link.label, 120) or "link"
        lines.append(linked(label, link.url) if len(link.url) < INLINE_URL_CHARS else label)
    return fit_lines(lines, FIELD_LIMIT, max_items=MAX_LINKS, more="…and {} more in the show notes")


def results_embed(
    query: str,
    matches: list[Match],
    page: int,
    *,
    title: str | None = None,
    reasons: Sequence[str] | None = None,
    show: ShowOf = no_show,
) -> discord.Embed:
    """A page of results: each linked title, then its podcast (SHOW), date and why it matched (or
    its REASON, one per match, worded by the caller). TITLE replaces "Episodes matching “QUERY”"."""
    pages = formatting.page_count(len(matches), RESULTS_PER_PAGE)
    first = page * RESULTS_PER_PAGE
    shown = matches[first : first + RESULTS_PER_PAGE]
    heading_text = title or f"Episodes matching “{query}”"
    embed = discord.Embed(title=formatting.shorten(heading_text, TITLE_LIMIT), colour=COLOUR)
    blocks = []
    for rank, match in enumerate(shown, start=first + 1):
        episode = match.episode
        title = plain(" ".join(episode.display_title.split()), 200) or "Untitled"
        target = episode_target(episode)
        heading = f"**{rank}.** {title}"
        if target and len(target) < INLINE_URL_CHARS:
            heading = f"**{rank}.** [{title}]({target})"
        line = _result_line(match) if reasons is None else _reason_line(match, reasons[rank - 1])
        if named := show(episode.podcast):
            line = f"{plain(named, 100)} · {line}"
        blocks.append(f"{heading}\n{formatting.shorten(line, 700)}")
    embed.description = fit_lines(blocks, DESCRIPTION_LIMIT, more="…and {} more")
    embed.set_footer(text=f"Page {page + 1} of {pages} · {len(matches)} results")
    return within_total(embed)


def _result_line(match: Match) -> str:
    facts = [formatting.date(match.episode.published) or "date unknown"]
    if match.matched.field == "chapter":
        facts.append(
            f"chapter {timestamp_link(match.episode, match.matched.start_seconds or 0)} "
            f"{plain(match.matched.text, 400)}"
        )
    elif match.matched.field == "guest":
        facts.append(f"guest {plain(match.matched.text, 200)}")
    elif match.matched.field == "description":
        facts.append(f"notes: {highlighted(match.matched.text, match.matched.highlight, 300)}")
    elif match.matched.field == "transcript":
        when = match.matched.start_seconds
        stamp = f"said at {timestamp_link(match.episode, when)}" if when is not None else "said"
        facts.append(f"{stamp}: “{highlighted(match.matched.text, match.matched.highlight, 300)}”")
    return " · ".join(facts)


def _reason_line(match: Match, reason: str) -> str:
    return f"{formatting.date(match.episode.published) or 'date unknown'} · {plain(reason, 400)}"


def highlighted(text: str, word: str | None, limit: int) -> str:
    """TEXT as plain() shows it, with the first WORD in it bold."""
    shown = plain(text, limit)
    if not word:
        return shown
    escaped = plain(word, 100)
    at = shown.lower().find(escaped.lower())
    return shown if at < 0 else f"{shown[:at]}**{shown[at : at + len(escaped)]}**{shown[at + len(escaped) :]}"


def latest_embed(episodes: list[Episode], show: ShowOf = no_show) -> discord.Embed:
    embed = discord.Embed(title="Latest episodes", colour=COLOUR)
    for episode in episodes:
        named = show(episode.podcast)
        facts = [
            f
            for f in (
                plain(named, 100) if named else None,
                formatting.date(episode.published),
                formatting.duration(episode.duration_seconds),
            )
            if f
        ]
        target = episode_target(episode)
        if target and len(" · ".join([*facts, f"[listen]({target})"])) <= FIELD_LIMIT:
            facts.append(f"[listen]({target})")
        embed.add_field(name=title_text(episode.display_title), value=" · ".join(facts) or "—", inline=False)
    if not episodes:
        embed.description = "No episodes stored yet."
    return within_total(embed)


def announcement_embed(episode: Episode, show: str | None = None) -> discord.Embed:
    """A new episode's post; SHOW, its podcast's title, is named when several are announced."""
    embed = discord.Embed(
        title=title_text(episode.display_title),
        url=episode_target(episode),
        description=plain(episode.description_text, 600) or None,
        colour=COLOUR,
        timestamp=episode.published,
    )
    embed.set_author(name=title_text(f"New episode · {show}") if show else "New episode")
    if length := formatting.duration(episode.duration_seconds):
        embed.add_field(name="Duration", value=length, inline=True)
    if episode.chapters:
        embed.add_field(name="Chapters", value=str(len(episode.chapters)), inline=True)
    return within_total(embed)


def minimal_announcement_embed(episodes: list[Episode]) -> discord.Embed:
    """The smallest announcement of EPISODES: for when Discord refused the full one (50035,
    invalid form body)."""
    if len(episodes) > 1:
        return discord.Embed(title=f"{len(episodes)} new episodes")
    title = re.sub(r"[^\w\s:#.,'!?-]", "", episodes[0].display_title)
    embed = discord.Embed(title=title_text(title, 200), colour=COLOUR)
    embed.set_author(name="New episode")
    return embed


def digest_title(episode: Episode) -> str:
    return plain(episode.display_title, 200) or "Untitled"


def digest_embed(episodes: list[Episode], show: ShowOf = no_show) -> discord.Embed:
    """Several new episodes in one message, newest first, each with its podcast (SHOW) when named."""
    newest_first = sorted(episodes, key=lambda e: (e.published is not None, e.published), reverse=True)
    lines: list[str] = []
    for episode in newest_first:
        line = f"**{linked(digest_title(episode), episode_target(episode))}**"
        if named := show(episode.podcast):
            line += f" · {plain(named, 100)}"
        if published := formatting.date(episode.published):
            line += f" · {published}"
        lines.append(line)
    embed = discord.Embed(
        title=f"{len(episodes)} new episodes", description=fit_lines(lines, DESCRIPTION_LIMIT), colour=COLOUR
    )
    embed.set_author(name="New episodes")
    return within_total(embed)


def sync_report_embed(report: SyncReport) -> discord.Embed:
    title = "Resync (dry run)" if report.dry_run else "Resync"
    embed = discord.Embed(title=title, colour=COLOUR)
    if report.not_modified:
        embed.description = f"The feed has not changed. {report.unchanged} episodes stored."
        return embed
    verb = "would be" if report.dry_run else "were"
    embed.description = f"{report_summary(report)} episodes {verb} found."
    for name, changes in (("New", report.new), ("Changed", report.changed), ("Removed", report.removed)):
        if changes:
            lines = [c.display_title for c in changes]
            if name == "Changed":
                lines = [f"{line} ({', '.join(c.fields)})" for line, c in zip(lines, changes)]
            embed.add_field(name=name, value=_bounded_list(lines), inline=False)
    if report.skipped_items:
        embed.add_field(name="Skipped feed items", value=_bounded_list(list(report.skipped_items)), inline=False)
    if report.warnings:
        embed.add_field(name="Warnings", value=_bounded_list(report.warnings), inline=False)
    return within_total(embed)


def sync_all_embed(outcomes: Mapping[str, SyncReport | Exception], dry_run: bool) -> discord.Embed:
    """/admin resync of every podcast: a line each, what changed or why its feed failed."""
    lines = []
    for name, outcome in outcomes.items():
        if isinstance(outcome, SyncReport):
            lines.append(f"✅ **{plain(name, 60)}**: {report_summary(outcome)}")
        else:
            lines.append(f"❗ **{plain(name, 60)}**: failed, nothing changed: {plain(str(outcome), 300)}")
    title = "Resync of every podcast (dry run)" if dry_run else "Resync of every podcast"
    embed = discord.Embed(title=title, description=fit_lines(lines, DESCRIPTION_LIMIT), colour=COLOUR)
    embed.set_footer(text="/admin resync podcast:NAME shows one podcast's changes in full")
    return within_total(embed)


def report_summary(report: SyncReport) -> str:
    if report.not_modified:
        return f"feed unchanged ({report.unchanged} episodes)"
    return (
        f"{len(report.new)} new, {len(report.changed)} changed, {len(report.removed)} removed, "
        f"{report.unchanged} unchanged"
    )


def _bounded_list(lines: list[str]) -> str:
    return fit_lines(["• " + plain(line, 200) for line in lines], FIELD_LIMIT)


@dataclass(frozen=True)
class StatusFacts:
    episodes: int
    last_attempt: dt.datetime | None
    last_success: dt.datetime | None
    last_error: str | None
    consecutive_failures: int
    last_result: str | None
    next_sync: dt.datetime | None
    syncing: bool
    announce_channel: str | None
    announce_problem: str | None
    announce_note: str | None
    announce_role: str | None
    outbox: str | None
    last_announce_failure: str | None
    latency_ms: float | None
    version: str
    feed: str
    feed_warnings: tuple[str, ...] = ()
    companions: tuple[tuple[str, FeedState | None], ...] = ()
    store_problem: str | None = None
    transcripts: tuple[int, int] = (0, 0)  # stored, failing (retried later)
    shard: str | None = None  # "shard 1 of 4" when the bot runs several gateway connections
    title: str = "podbot status"
    sees: str | None = None  # which podcasts the server sees, when the instance has several


def status_embed(facts: StatusFacts) -> discord.Embed:
    healthy = facts.last_error is None and facts.last_success is not None
    colour = discord.Colour.green() if healthy else discord.Colour.orange()
    embed = discord.Embed(title=title_text(facts.title), colour=colour)
    embed.add_field(name="Episodes", value=str(facts.episodes), inline=True)
    last_sync = when(facts.last_success)
    if facts.last_result:
        last_sync += f"\n{facts.last_result}"
    embed.add_field(name="Last successful sync", value=last_sync, inline=True)
    embed.add_field(name="Next sync", value="running now" if facts.syncing else when(facts.next_sync), inline=True)
    add_store_problem(embed, facts.store_problem)
    if facts.last_error:
        dead = is_dead(facts.last_success)
        name = "Feed is dead: no successful sync for over a day" if dead else "Feed problem"
        embed.add_field(
            name=f"{'⛔ ' if dead else ''}{name} ({facts.consecutive_failures} failed attempts in a row)",
            value=formatting.shorten(f"{facts.last_error} (last try {when(facts.last_attempt)})", FIELD_LIMIT),
            inline=False,
        )
    if facts.feed_warnings:
        embed.add_field(name="Feed warnings (last sync)", value=_bounded_list(list(facts.feed_warnings)), inline=False)
    stored, failing = facts.transcripts
    if stored or failing:
        text = f"{stored} stored" + (f" · ⚠️ {failing} failed to download (retried later)" if failing else "")
        embed.add_field(name="Transcripts", value=text, inline=False)
    if facts.companions:
        lines = ["• " + _companion_line(name, state) for name, state in facts.companions]
        embed.add_field(name="Companion feeds", value=fit_lines(lines, FIELD_LIMIT), inline=False)
    add_server_fields(embed, facts)
    embed.set_footer(text=formatting.shorten(f"Feed: {facts.feed}", 2048))
    return within_total(embed)


def add_store_problem(embed: discord.Embed, problem: str | None) -> None:
    if problem:
        embed.colour = discord.Colour.red()
        embed.add_field(
            name="⛔ Database file gone: nothing is synced or announced",
            value=formatting.shorten(problem, FIELD_LIMIT),
            inline=False,
        )


def is_dead(last_success: dt.datetime | None) -> bool:
    """A feed with no successful sync for over a day (or ever) is flagged as dead."""
    return last_success is None or dt.datetime.now(dt.UTC) - last_success > DEAD_FEED_AFTER


def add_server_fields(embed: discord.Embed, facts: StatusFacts) -> None:
    """What /admin status says about this server and the bot, whatever the podcasts' health."""
    channel = facts.announce_channel or "not set (use /admin announce channel)"
    if facts.announce_problem:
        channel += f"\n⚠️ {facts.announce_problem}"
    if facts.announce_note:
        channel += f"\n{facts.announce_note}"
    if facts.outbox:
        channel += f"\nOutbox: {facts.outbox}"
    if facts.last_announce_failure:
        channel += f"\nLast failure: {facts.last_announce_failure}"
    embed.add_field(name="Announcements", value=formatting.shorten(channel, FIELD_LIMIT), inline=False)
    if facts.sees:
        embed.add_field(name="Podcasts this server sees", value=plain(facts.sees, FIELD_LIMIT), inline=False)
    embed.add_field(name="Role ping", value=facts.announce_role or "none", inline=True)
    latency = f"{facts.latency_ms:.0f} ms" if facts.latency_ms is not None else "unknown"
    if facts.shard:
        latency += f" ({facts.shard})"
    embed.add_field(name="Gateway latency", value=latency, inline=True)
    embed.add_field(name="Version", value=facts.version, inline=True)


def _companion_line(name: str, state: FeedState | None) -> str:
    """One companion feed's health: its name and error escaped, the time a Discord timestamp."""
    if state is None:
        return f"{plain(name, 100)}: not synced yet"
    if state.last_error:
        return f"⚠️ {plain(name, 100)}: {state.consecutive_failures} failed in a row: {plain(state.last_error, 200)}"
    return f"{plain(name, 100)}: synced {when(state.last_success)}"


def when(moment: dt.datetime | None) -> str:
    return discord.utils.format_dt(moment, "R") if moment else "never"
