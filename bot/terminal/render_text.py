"""Episodes and matches as terminal text, and as the JSON documents the CLI promises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core import formatting
from bot.core.ingest import boilerplate
from bot.core.ingest.urls import redacted
from bot.core.library import PodcastSummary
from bot.core.models import Episode, Match, PodcastInfo, SyncReport


def match_json(match: Match) -> dict[str, Any]:
    episode = match.episode
    matched: dict[str, Any] = {
        "field": match.matched.field,
        "text": match.matched.text,
        "start_seconds": match.matched.start_seconds,
    }
    if match.matched.field == "transcript" and match.matched.start_seconds is not None:
        matched["audio_url"] = formatting.audio_at(episode.audio_url, match.matched.start_seconds)
        chapter = formatting.chapter_at(episode.chapters, match.matched.start_seconds)
        matched["chapter"] = chapter.title if chapter else None
    return {**_episode_fields(episode), "score": match.score, "matched": matched}


def episode_match_json(match: Match) -> dict[str, Any]:
    return {**match_json(match), "chapters": _chapters_json(match.episode)}


def export_json(podcasts: Sequence[tuple[str, PodcastInfo | None]], episodes: list[Episode]) -> dict[str, Any]:
    """Every exported podcast (name, info) described under "podcasts"; "podcast" is the one
    exported, null when there are several."""
    described = [_feed_json(name, info) for name, info in podcasts]
    return {
        "podcast": described[0] if len(described) == 1 else None,
        "podcasts": described,
        "episodes": [episode_json(episode) for episode in episodes],
    }


def _feed_json(name: str, podcast: PodcastInfo | None) -> dict[str, Any]:
    return {
        "name": name,
        "title": podcast.title if podcast else None,
        "link": podcast.link if podcast else None,
        "description": podcast.description if podcast else None,
        "image_url": podcast.image_url if podcast else None,
        "language": podcast.language if podcast else None,
    }


def episode_json(episode: Episode) -> dict[str, Any]:
    return {
        **_episode_fields(episode),
        "description_text": episode.description_text,
        "guests": list(episode.guests),
        "links": [{"label": link.label, "url": link.url} for link in episode.links],
        "chapters": _chapters_json(episode),
    }


def sync_json(report: SyncReport) -> dict[str, Any]:
    def changes(items):
        return [{"guid": c.guid, "number": c.number, "title": c.title, "fields": list(c.fields)} for c in items]

    return {
        "podcast": report.podcast,
        "source": redacted(report.source),
        "new": changes(report.new),
        "changed": changes(report.changed),
        "removed": changes(report.removed),
        "unchanged": report.unchanged,
        "not_modified": report.not_modified,
        "dry_run": report.dry_run,
        "skipped_items": list(report.skipped_items),
        "warnings": list(report.warnings),
        "chapters_files": {"downloaded": report.linked_fetched, "pending": report.linked_pending},
        "transcript_files": {"failed": report.transcripts_failed},
    }


def _episode_fields(episode: Episode) -> dict[str, Any]:
    return {
        "podcast": episode.podcast,
        "guid": episode.guid,
        "number": episode.number,
        "title": episode.title,
        "published": formatting.iso(episode.published),
        "duration_seconds": episode.duration_seconds,
        "link": episode.link,
        "audio_url": episode.audio_url,
    }


def _chapters_json(episode: Episode) -> list[dict[str, Any]]:
    return [
        {"start_seconds": c.start_seconds, "title": c.title, **({"url": c.url} if c.url else {})}
        for c in episode.chapters
    ]


def titled(episode: Episode, named: bool) -> str:
    """The episode's title with its number, after its podcast's name when NAMED (several
    podcasts in play)."""
    return f"[{episode.podcast}] {episode.display_title}" if named else episode.display_title


def episode_text(
    match: Match,
    alternatives: Sequence[Match] = (),
    extra: Sequence[str] = (),
    podcast: PodcastInfo | None = None,
    *,
    named: bool = False,
) -> str:
    """The /episode reply as terminal text, with EXTRA lines (topics, companion posts) and the
    other close matches ("Did you mean"); the summary leaves out what PODCAST's notes repeat.
    NAMED: each title says its podcast."""
    episode = match.episode
    lines = [titled(episode, named)]
    facts = [f for f in (formatting.date(episode.published), formatting.duration(episode.duration_seconds)) if f]
    if facts:
        lines.append(" · ".join(facts))
    if match.matched.field == "chapter":
        lines.append(f"Matched chapter {formatting.timestamp(match.matched.start_seconds or 0)} {match.matched.text}")
    elif match.matched.field == "guest":
        lines.append(f"Matched guest: {match.matched.text}")
    elif match.matched.field == "transcript":
        lines += _moment_lines(match)
    for label, url in (("Episode page", episode.link), ("Audio", episode.audio_url)):
        if url:
            lines.append(f"{label}: {url}")
    lines += extra
    if summary := boilerplate.episode_summary(episode, podcast):
        lines += ["", formatting.shorten(summary, 400)]
    if episode.chapters:
        lines += ["", "Chapters:"]
        width = max(len(formatting.timestamp(c.start_seconds)) for c in episode.chapters)
        lines += [f"  {formatting.timestamp(c.start_seconds):>{width}}  {c.title}" for c in episode.chapters]
    else:
        lines += ["", "No chapter timestamps in the show notes."]
    if alternatives:
        lines += ["", "Did you mean:"]
        lines += [f"  {titled(other.episode, named)}  ({why_matched(other)})" for other in alternatives]
    return "\n".join(lines)


def _moment_lines(match: Match) -> list[str]:
    """What was said, when, in which chapter, and the audio from that moment."""
    reason, episode = match.matched, match.episode
    lines = [f"{formatting.said_at(reason)}: \u201c{reason.text}\u201d"]
    if reason.start_seconds is not None:
        if chapter := formatting.chapter_at(episode.chapters, reason.start_seconds):
            lines.append(f"  in chapter {formatting.timestamp(chapter.start_seconds)} {chapter.title}")
        if listen := formatting.audio_at(episode.audio_url, reason.start_seconds):
            lines.append(f"  Listen from there: {listen}")
    return lines


def no_match_text(
    query: str, hint: str, suggestions: list[Match], *, about: str = "", one_line: bool = False, named: bool = False
) -> str:
    """Nothing matched QUERY (or no episode is clearly ABOUT what a question asks): say what is
    there instead, and offer the closest episodes."""
    text = f"no episode is clearly about {about!r}" if about else f"no episode matches {query!r}"
    text += f" ({hint})" if hint else ""
    if not suggestions:
        return text
    titles = [titled(m.episode, named) for m in suggestions]
    if one_line:
        return f"{text}; closest: " + "; ".join(formatting.shorten(t, 60) for t in titles)
    return text[0].upper() + text[1:] + ". Closest:\n" + "\n".join(f"  {title}" for title in titles)


def results_text(query: str, matches: list[Match], *, named: bool = False) -> str:
    if not matches:
        return f"No episodes match {query!r}."
    return "\n".join(ranked_lines(matches, [why_matched(match) for match in matches], named=named))


def ranked_lines(matches: Sequence[Match], reasons: Sequence[str], *, named: bool = False) -> list[str]:
    """A numbered list of MATCHES, each with its date, and under it its reason."""
    lines = []
    for rank, (match, reason) in enumerate(zip(matches, reasons), start=1):
        date = formatting.date(match.episode.published) or "date unknown"
        lines.append(f"{rank:>2}. {titled(match.episode, named)}  ({date})")
        lines.append(f"    {reason}")
    return lines


def why_matched(match: Match) -> str:
    """Why a result is one, in words people read (internal scores stay in --json)."""
    field, text = match.matched.field, formatting.shorten(match.matched.text.replace("\n", " "), 100)
    if field == "chapter":
        return f"matched chapter {formatting.timestamp(match.matched.start_seconds or 0)} {text}"
    if field == "guest":
        return f"matched guest {text}"
    if field == "description":
        return f"matched the notes: {text}"
    if field == "number":
        return f"matched episode number {text}"
    if field == "topic":
        return f"about {text}"
    if field == "transcript":
        said = f"{formatting.said_at(match.matched).lower()}: \u201c{formatting.shorten(match.matched.text, 200)}\u201d"
        listen = formatting.audio_at(match.episode.audio_url, match.matched.start_seconds or 0)
        return f"{said} {listen}" if listen and match.matched.start_seconds is not None else said
    return "matched title words"


def latest_text(episodes: list[Episode], *, named: bool = False) -> str:
    return (
        "\n".join(f"{formatting.date(e.published) or '????-??-??'}  {titled(e, named)}" for e in episodes)
        or "No episodes stored yet."
    )


def export_text(episodes: list[Episode], *, named: bool = False) -> str:
    width = max((len(e.podcast) for e in episodes), default=0)
    return "\n".join(
        f"{e.podcast.ljust(width) + '  ' if named else ''}{e.number if e.number is not None else '-':>4}  {e.title}  "
        f"({len(e.chapters)} chapters)"
        for e in episodes
    )


SYNC_LINES_SHOWN = 10


def sync_text(report: SyncReport) -> str:
    """A summary and the first few titles of each kind: a 10,000-item first sync stays readable."""
    prefix = "Dry run: would find" if report.dry_run else "Found"
    if report.not_modified:
        return f"Feed unchanged since the last sync ({report.unchanged} episodes stored)."
    lines = [
        f"{prefix} {len(report.new)} new, {len(report.changed)} changed, {len(report.removed)} removed, "
        f"{report.unchanged} unchanged episodes."
    ]
    for label, items in (("new", report.new), ("changed", report.changed), ("removed", report.removed)):
        for change in items[:SYNC_LINES_SHOWN]:
            detail = f" ({', '.join(change.fields)})" if change.fields else ""
            lines.append(f"  {label}: {change.display_title}{detail}")
        if len(items) > SYNC_LINES_SHOWN:
            lines.append(f"  …and {len(items) - SYNC_LINES_SHOWN:,} more {label} (all of them with --json)")
    for skipped in report.skipped_items[:SYNC_LINES_SHOWN]:
        lines.append(f"  skipped {skipped}")
    if len(report.skipped_items) > SYNC_LINES_SHOWN:
        lines.append(f"  …and {len(report.skipped_items) - SYNC_LINES_SHOWN:,} more skipped")
    for warning in report.warnings:
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)


def podcasts_json(podcasts: Sequence[PodcastSummary]) -> dict[str, Any]:
    return {"podcasts": [_podcast_json(podcast) for podcast in podcasts]}


def _podcast_json(podcast: PodcastSummary) -> dict[str, Any]:
    state = podcast.health.state
    return {
        "name": podcast.name,
        "title": podcast.title,
        "episodes": podcast.episodes,
        "configured": podcast.configured,
        "source": redacted(podcast.health.source),
        "last_sync": formatting.iso(state.last_success) if state else None,
        "last_error": state.last_error if state else None,
        "failures": state.consecutive_failures if state else 0,
    }


def podcasts_text(podcasts: Sequence[PodcastSummary]) -> str:
    """A line per podcast: its name, title, episodes and how its syncing goes."""
    lines = []
    for podcast in podcasts:
        state = podcast.health.state
        if not podcast.configured:
            status = "removed from the config: kept, not synced"
        elif state is None or state.last_success is None:
            status = "never synced" + (f"; last error: {state.last_error}" if state and state.last_error else "")
        else:
            status = f"last sync {formatting.date(state.last_success)} {state.last_success:%H:%M} UTC"
            if state.last_error:
                status += f"; failing ({state.consecutive_failures}x): {state.last_error}"
        lines.append(f"{podcast.name}  {podcast.title or '(untitled)'}  {podcast.episodes} episodes  {status}")
    return "\n".join(lines)
