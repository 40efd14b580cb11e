"""Transcript moments: where in an episode its speakers said what a query asks about.

A passage is a match of its own kind (MatchReason field "transcript", its start second), weighed
below titles, guests and chapters and above the notes; the words said as typed rank first. The
passages have their own full-text index, read only by full searches, never by autocomplete.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.models import Match, MatchReason
from bot.core.search.index import quote_term
from bot.core.search.questions import read_question
from bot.core.words.text import tokenize

if TYPE_CHECKING:
    from bot.core.search.searcher import Asking

# Scores (0-100) as the searcher's: between a chapter's (0.8) and the notes' (0.5) field weights.
TRANSCRIPT_WEIGHT = 0.65
PHRASE_WEIGHT = 0.75  # the query's words said together, in its order
MOST_MOMENTS = 10
MAX_QUERY_CHARS = 200
_PER_EPISODE = 3
_CANDIDATES = 200
_MIN_COVERAGE = 0.5
_QUOTE_CHARS = 300
_MAX_WORDS = 8


_IN_TRANSCRIPT_RE = re.compile(r"(?<!\S)in:transcripts?(?!\S)", re.IGNORECASE)


def asks_for_moments(query: str) -> tuple[str, bool]:
    """QUERY without an "in:transcript" in it, and whether it had one."""
    rest, found = _IN_TRANSCRIPT_RE.subn(" ", query or "")
    return " ".join(rest.split()), bool(found)


def transcript_moments(asking: Asking, query: str, limit: int = MOST_MOMENTS) -> list[Match]:
    """Up to LIMIT moments saying what QUERY asks about, best first, at most a few from one episode."""
    return _best_moments(asking, read_question(query[:MAX_QUERY_CHARS]).words, limit, _PER_EPISODE)


def with_moments(asking: Asking, words: Sequence[str], matches: list[Match], limit: int) -> list[Match]:
    """MATCHES with each episode's best transcript moment merged in: an episode found only in
    what was said is added where its score places it; one whose moment scores above its match
    is answered by the moment instead. The others keep their order."""
    moments = {m.episode.id: m for m in _best_moments(asking, words, limit, 1)}
    if not moments:
        return matches
    merged = [moments.pop(m.episode.id) if moments.get(m.episode.id, m).score > m.score else m for m in matches]
    moments = {i: m for i, m in moments.items() if all(i != other.episode.id for other in merged)}
    for moment in sorted(moments.values(), key=lambda m: -m.score):
        place = next((i for i, m in enumerate(merged) if m.score < moment.score), len(merged))
        merged.insert(place, moment)
    return merged


def _best_moments(asking: Asking, words: Sequence[str], limit: int, per_episode: int) -> list[Match]:
    language = asking.reader.language()
    typed = [word for word in dict.fromkeys(words) if word][:_MAX_WORDS]
    content = [word for word in typed if word not in language.stop_words] or typed
    if not content or limit <= 0:
        return []
    stems = [language.stem(word) for word in content]
    terms = [quote_term(stem) + "*" for stem in stems]
    rows = asking.reader.transcript_passages(" AND ".join(terms), _CANDIDATES)
    if not rows and len(terms) > 1:
        rows = asking.reader.transcript_passages(" OR ".join(terms), _CANDIDATES)
    phrase = " ".join(typed) if len(typed) > 1 else None
    scored: list[tuple[float, float, int, int | None, str]] = []
    for episode_id, start, _speakers, text, strength in rows:
        said = tokenize(text)
        coverage = sum(1 for stem in stems if any(word.startswith(stem) for word in said)) / len(stems)
        if coverage < _MIN_COVERAGE:
            continue
        exact = phrase is not None and f" {phrase} " in f" {' '.join(said)} "
        score = 100 * (PHRASE_WEIGHT if exact else TRANSCRIPT_WEIGHT * coverage)
        scored.append((score, strength, episode_id, start, text))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    taken: dict[int, int] = {}
    chosen: list[tuple[float, int, int | None, str]] = []
    for score, _, episode_id, start, text in scored:
        if taken.get(episode_id, 0) < per_episode and len(chosen) < limit:
            taken[episode_id] = taken.get(episode_id, 0) + 1
            chosen.append((score, episode_id, start, text))
    episodes = {episode.id: episode for episode in asking.reader.episodes(list(taken))}
    return [
        Match(episodes[episode_id], round(score, 1), _reason(text, start, stems))
        for score, episode_id, start, text in chosen
        if episode_id in episodes
    ]


def _reason(text: str, start: int | None, stems: list[str]) -> MatchReason:
    """The passage as a quote around the words it matched, and the first of them as it says it."""
    from bot.core.search.searcher import _snippet  # the searcher imports this module

    quote, stem = _snippet(text, [dict.fromkeys(stems, 1.0)], width=_QUOTE_CHARS)
    said = re.search(rf"{re.escape(stem)}\w*", quote) if stem else None
    return MatchReason("transcript", quote, start, highlight=said.group() if said else None)
