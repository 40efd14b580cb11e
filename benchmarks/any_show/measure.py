"""One feed's figures, asked of podbot in-process through `Library`, as a listener would ask them."""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import stopwordsiso
except ModuleNotFoundError:  # the bench extra; the runner's only dependency beyond podbot's
    raise SystemExit("benchmarks.any_show needs stopwordsiso: pip install -e '.[bench]'") from None

from bot.core.config import Config
from bot.core.library import Library

SEARCH_DEPTH = 10
RELATED_EPISODES = 5
NEVER = "never-covered"
# A reason names what the two episodes share after its framing words ("both discuss X", "also about X").
FRAMING = re.compile(r"^(?:both (?:discuss|mention|feature|cover|with)|also (?:about|with)|same guest:?|with)\s+", re.I)
PARTS = re.compile(r",\s*|\s+and\s+|\s*;\s*")
# The topic counts checked against what `topic NAME` lists, the largest first.
COUNTS_CHECKED = 30
SPONSOR_LINE = re.compile(r"\bsponsor(?:ed by)?:\s*(\S.*)", re.I)
SPONSORED_BY = re.compile(r"^sponsored by:?$", re.I)
MONTHS = {name.casefold() for name in (*calendar.month_name, *calendar.month_abbr) if name}


@dataclass
class QueryResult:
    kind: str
    query: str
    answers: list[str]
    top1: bool = False
    rank: int | None = None  # 1-based rank in `search`, None when not in the first SEARCH_DEPTH
    got: str = ""  # what `episode` answered: a title, or "(refused)"
    refused_by_topic: bool = False

    @property
    def reciprocal_rank(self) -> float:
        return 1.0 / self.rank if self.rank else 0.0


@dataclass
class FeedResult:
    name: str
    language: str
    episodes: int
    queries: list[QueryResult] = field(default_factory=list)
    topics: int = 0
    show_wide: list[str] = field(default_factory=list)
    worth_browsing: int = 0
    miscounted: list[str] = field(default_factory=list)  # "label: N counted, M listed"
    sponsors: list[str] = field(default_factory=list)  # topics the notes' sponsor reads name
    reasons: list[tuple[str, str, bool]] = field(default_factory=list)  # (episode title, reason, weak)

    def by_kind(self) -> dict[str, list[QueryResult]]:
        kinds: dict[str, list[QueryResult]] = defaultdict(list)
        for result in self.queries:
            kinds[result.kind].append(result)
        return dict(kinds)

    def as_json(self) -> dict[str, Any]:
        return {
            "feed": self.name,
            "language": self.language,
            "episodes": self.episodes,
            "kinds": kind_figures(self.queries),
            "topics": {
                "total": self.topics,
                "show_wide": len(self.show_wide),
                "show_wide_labels": self.show_wide,
                "worth_browsing": self.worth_browsing,
                "miscounted": self.miscounted,
                "sponsors": self.sponsors,
            },
            "related": {
                "reasons": len(self.reasons),
                "weak": sum(weak for *_, weak in self.reasons),
                "examples": [{"episode": e, "reason": r, "weak": w} for e, r, w in self.reasons],
            },
            "queries": [vars(q) | {"reciprocal_rank": q.reciprocal_rank} for q in self.queries],
        }


def kind_figures(queries: list[QueryResult]) -> dict[str, dict[str, float]]:
    kinds: dict[str, list[QueryResult]] = defaultdict(list)
    for result in queries:
        kinds[result.kind].append(result)
    figures: dict[str, dict[str, float]] = {}
    for kind, results in sorted(kinds.items()):
        count = len(results)
        if kind == NEVER:
            figures[kind] = {
                "n": count,
                "refused": sum(r.got == "(refused)" for r in results),
                "topic_refused": sum(r.refused_by_topic for r in results),
            }
        else:
            figures[kind] = {
                "n": count,
                "top1": sum(r.top1 for r in results) / count,
                "mrr": sum(r.reciprocal_rank for r in results) / count,
            }
    return figures


async def measure_feed(
    name: str, language: str, feed_file: Path, db: Path, queries: list[dict[str, Any]], topics_only: bool = False
) -> FeedResult:
    async with await Library.open(Config(), db=db, feed=str(feed_file)) as library:
        await library.sync()
        episodes = await library.episodes()
        result = FeedResult(name, language, len(episodes))
        for query in queries:
            result.queries.append(await _ask(library, query))
        topics = await library.topics()
        result.topics = len(topics)
        result.show_wide = [t.label for t in topics if t.episodes > len(episodes) / 2]
        result.worth_browsing = sum(t.worth_browsing for t in topics)
        for topic in topics[:COUNTS_CHECKED]:
            listed = len((await library.topic(topic.name)).results)
            if listed != topic.episodes:
                result.miscounted.append(f"{topic.label}: {topic.episodes} counted, {listed} listed")
        names = _sponsor_names(episodes)
        result.sponsors = [t.label for t in topics if t.label.casefold() in names]
        if topics_only:
            return result
        weak_words = _weak_words(language, result.show_wide)
        step = max(1, len(episodes) // RELATED_EPISODES)
        for episode in episodes[::step][:RELATED_EPISODES]:
            for related in await library.related(episode.id):
                result.reasons.append((episode.title, related.reason, _is_weak(related.reason, weak_words)))
        return result


async def _ask(library: Library, query: dict[str, Any]) -> QueryResult:
    result = QueryResult(query["kind"], query["query"], list(query["answers"]))
    found = await library.find(result.query)
    if found.best is None:
        result.got = "(refused)"
    else:
        result.got = found.best.episode.title
        result.top1 = found.best.episode.guid in result.answers
    matches = await library.search(result.query, limit=SEARCH_DEPTH)
    result.rank = next((i for i, m in enumerate(matches, 1) if m.episode.guid in result.answers), None)
    if result.kind == NEVER:
        answer = await library.topic(result.query)
        result.refused_by_topic = not answer.results and not answer.articles
    return result


def _sponsor_names(episodes: list[Any]) -> set[str]:
    """What the notes name as sponsors: "0:50 Sponsor: A Cloud Guru", and the "Name: tagline"
    lines under a "Sponsored by:" line; case-folded."""
    names = set()
    for episode in episodes:
        under_heading = False
        for line in episode.description_text.splitlines():
            if found := SPONSOR_LINE.search(line):
                names.add(found.group(1).strip().casefold())
            if under_heading and ":" in line:
                names.add(line.split(":")[0].strip().casefold())
            else:
                under_heading = bool(SPONSORED_BY.match(line.strip()))
    return names - {""}


def _weak_words(language: str, show_wide: list[str]) -> set[str]:
    code = language.split("-")[0].lower()
    stop = set(stopwordsiso.stopwords(code)) if stopwordsiso.has_lang(code) else set()
    return {w.casefold() for w in stop} | MONTHS | {label.casefold() for label in show_wide}


def _is_weak(reason: str, weak_words: set[str]) -> bool:
    """Weak when everything the reason names is a stop word, a month, a word of one or two letters
    or a show-wide topic."""
    named = FRAMING.sub("", reason.strip()).strip(" .\"'“”")
    parts = [p.strip(" .\"'“”").casefold() for p in PARTS.split(named) if p.strip(" .\"'“”")]
    return all(len(p) <= 2 or p in weak_words for p in parts) if parts else True
