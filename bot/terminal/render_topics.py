"""Topics, companion reading and related episodes as terminal text and as the CLI's JSON."""

from __future__ import annotations

from typing import Any

from bot.core import formatting
from bot.core.models import (
    LINK_REASONS,
    Episode,
    EpisodeExtras,
    EpisodeTopic,
    Reading,
    Related,
    TopicAnswer,
    TopicCount,
)
from bot.terminal.render_text import episode_json, match_json, ranked_lines, titled

TOPIC_RESULTS_SHOWN = 10


NO_TOPICS = "No topics yet: no companion articles or feed categories tag the episodes."


def topic_count_json(topic: TopicCount) -> dict[str, Any]:
    return {
        "name": topic.name,
        "label": topic.label,
        "episodes": topic.episodes,
        "articles": topic.articles,
        "worth_browsing": topic.worth_browsing,
    }


def topics_json(topics: list[TopicCount], shown: list[TopicCount] | None = None) -> dict[str, Any]:
    """Every topic, or those SHOWN of them and how many are left out."""
    document: dict[str, Any] = {"topics": [topic_count_json(topic) for topic in (topics if shown is None else shown)]}
    if shown is not None:
        document["left_out"] = len(topics) - len(shown)
    return document


def topics_text(shown: list[TopicCount], left_out: str = "") -> str:
    """SHOWN topics a line each, then the LEFT_OUT line (what else there is and how to see it)."""
    width = max((len(topic.label) for topic in shown), default=0)
    lines = [
        f"{topic.label:<{width}}  {formatting.counted(topic.episodes, 'episode')}, {formatting.counted(topic.articles, 'article')}"
        for topic in shown
    ]
    return "\n".join([*lines, left_out] if left_out else lines) or NO_TOPICS


def left_out_text(topics: list[TopicCount], shown: list[TopicCount], more: str, every: str) -> str:
    """What of TOPICS is not SHOWN, as one line naming how to see it: MORE for the next topics
    worth browsing, EVERY for those on one episode; "" when nothing is left out."""
    listed = {topic.name for topic in shown}
    worth = [t for t in topics if t.name not in listed and t.worth_browsing]
    rare = [t for t in topics if t.name not in listed and not t.worth_browsing]
    parts = []
    if worth:
        parts.append(f"{len(worth):,} more worth browsing ({more})")
    if rare:
        parts.append(f"{len(rare):,} on a single episode or article ({every})")
    return f"…and {' and '.join(parts)}" if parts else ""


def reading_json(reading: Reading) -> dict[str, Any]:
    return {
        "title": reading.title,
        "url": reading.url,
        "published": formatting.iso(reading.published),
        "topics": list(reading.topics),
        "reason": reading.reason or None,
    }


def episode_topics_json(topics: list[EpisodeTopic]) -> list[dict[str, Any]]:
    return [{"name": topic.name, "label": topic.label, "source": topic.source} for topic in topics]


def topic_json(answer: TopicAnswer) -> dict[str, Any]:
    return {
        "topic": answer.name,
        "label": answer.label,
        "tagged": answer.tagged,
        "results": [{**match_json(result.match), "reason": result.reason} for result in answer.results],
        "articles": [reading_json(article) for article in answer.articles],
        "suggestions": [topic_count_json(topic) for topic in answer.suggestions],
    }


def topic_text(answer: TopicAnswer, *, named: bool = False) -> str:
    """A topic's episodes (each after its podcast's name when NAMED) and its articles."""
    lines = [answer.label if answer.tagged else f"{answer.label!r} (not a tagged topic: episodes about the words)"]
    shown = answer.results[:TOPIC_RESULTS_SHOWN]
    lines += ranked_lines([result.match for result in shown], [result.reason for result in shown], named=named)
    if len(answer.results) > TOPIC_RESULTS_SHOWN:
        lines.append(f"  …and {len(answer.results) - TOPIC_RESULTS_SHOWN} more (all of them with --json)")
    if answer.articles:
        lines += ["", "Articles:"]
        lines += [f"  {reading_line(article)}" for article in answer.articles]
    return "\n".join(lines)


def unknown_topic_text(answer: TopicAnswer) -> str:
    """One line: no episode is about what was asked; the closest topics instead."""
    text = f"no episode is about {answer.asked!r} and it is not a topic"
    if answer.suggestions:
        text += "; closest topics: " + ", ".join(topic.name for topic in answer.suggestions)
    return text


def reading_line(reading: Reading) -> str:
    """ "Title (2024-07-18): https://...": a post without an address is named, never linked."""
    date = f" ({formatting.date(reading.published)})" if reading.published else ""
    if reading.title is None and reading.url:
        return reading.url + date  # an untitled post is its address
    line = reading.display_title + date
    return f"{line}: {reading.url}" if reading.url else line


def reading_text(extras: EpisodeExtras) -> list[str]:
    """The lines an episode's text gains: its topics and its companion posts."""
    lines = []
    if extras.topics:
        lines.append("Topics: " + ", ".join(topic.label for topic in extras.topics))
    for article in extras.reading:
        lines.append(f"Read: {reading_line(article)}  ({LINK_REASONS.get(article.reason, article.reason)})")
    return lines


def related_json(episode: Episode, related: list[Related]) -> dict[str, Any]:
    return {
        "episode": episode_json(episode),
        "related": [{**episode_json(r.episode), "score": r.score, "reason": r.reason} for r in related],
    }


def related_text(episode: Episode, related: list[Related], *, named: bool = False) -> str:
    if not related:
        return f"Nothing in the feed is much like {titled(episode, named)}."
    lines = [f"Like {titled(episode, named)}:"]
    for rank, other in enumerate(related, start=1):
        lines.append(f"{rank:>2}. {titled(other.episode, named)}  ({other.reason})")
    return "\n".join(lines)
