"""Transcript moments: where in an episode its speakers said what a query asks about.

A passage is a match of its own kind (MatchReason field "transcript", its start second), weighed
below titles, guests and chapters and above the notes; the words said as typed rank first. The
passages have their own full-text index, read only by full searches, never by autocomplete.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.core.models import Match, MatchReason
from bot.core.search.index import IndexReader, quote_term
from bot.core.search.questions import MAX_QUERY_CHARS, read_question
from bot.core.words.text import tokenize

if TYPE_CHECKING:
    from bot.core.search.searcher import Asking

# Scores (0-100) as the searcher's: between a chapter's (0.8) and the notes' (0.5) field weights.
TRANSCRIPT_WEIGHT = 0.65
PHRASE_WEIGHT = 0.75  # the query's words said together, in its order
MOST_MOMENTS = 10
_PER_EPISODE = 3
_CANDIDATES = 200
_MIN_COVERAGE = 0.5
_QUOTE_CHARS = 300
_MAX_WORDS = 8
_MIN_TYPO_CHARS = 4
_MIN_PREFIX = 3
_RANKED_UP_TO = 5_000
_TYPO_SCORE = 75


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
    if len(matches) >= limit and matches[limit - 1].score >= 100 * PHRASE_WEIGHT:
        return matches  # no moment could place among the first LIMIT
    moments = {m.episode.id: m for m in _best_moments(asking, words, limit, 1, only_telling=True)}
    if not moments:
        return matches
    merged = [moments.pop(m.episode.id) if moments.get(m.episode.id, m).score > m.score else m for m in matches]
    moments = {i: m for i, m in moments.items() if all(i != other.episode.id for other in merged)}
    for moment in sorted(moments.values(), key=lambda m: -m.score):
        place = next((i for i, m in enumerate(merged) if m.score < moment.score), len(merged))
        merged.insert(place, moment)
    return merged


def _best_moments(
    asking: Asking, words: Sequence[str], limit: int, per_episode: int, *, only_telling: bool = False
) -> list[Match]:
    """The best moments saying WORDS; with ONLY_TELLING, none when every word is said in thousands
    of passages (too common to point at a moment, and costly to look for beside every search)."""
    reader = asking.reader
    language = reader.language()
    typed = [word for word in dict.fromkeys(words) if word][:_MAX_WORDS]
    content = [word for word in typed if word not in language.stop_words] or typed
    if not content or limit <= 0:
        return []
    stems = [_prefix(word, language.stem(word)) for word in content]
    total, documents = reader.transcript_documents(stems)
    if not total:
        return []
    stems = [_spelt_as_said(reader, word, stem, documents) for word, stem in zip(content, stems)]
    # A rare word says more about the moment meant than a common one; a word no transcript
    # says weighs most of all, so a moment without it is no answer ("kubernetes operators").
    weights = [math.log(1 + total / (1 + documents.get(stem, 0))) for stem in stems]
    said_stems = [stem for stem in stems if documents.get(stem)]
    if not said_stems:
        return []
    terms = [quote_term(stem) + "*" for stem in said_stems]
    # Ranking every passage that says a common word costs more than a reply may; such words say
    # little about the moment, so any of those passages will do.
    counts = [documents[stem] for stem in said_stems]
    if only_telling and min(counts) > _RANKED_UP_TO:
        return []
    rows = reader.transcript_passages(" AND ".join(terms), _CANDIDATES, ranked=min(counts) <= _RANKED_UP_TO)
    if len(terms) > 1 and len(rows) < limit:
        either = " OR ".join(terms)
        rows += reader.transcript_passages(either, _CANDIDATES, ranked=sum(counts) <= _RANKED_UP_TO)
    phrase = " ".join(typed) if len(typed) > 1 else None
    scored: dict[tuple[int, int | None], tuple[float, float, str]] = {}
    for episode_id, start, speakers, text, strength in rows:
        said = tokenize(f"{speakers} {text}")
        found = sum(w for stem, w in zip(stems, weights) if any(word.startswith(stem) for word in said))
        coverage = found / sum(weights)
        if coverage < _MIN_COVERAGE:
            continue
        exact = phrase is not None and f" {phrase} " in f" {' '.join(tokenize(text))} "
        score = 100 * (PHRASE_WEIGHT if exact else TRANSCRIPT_WEIGHT * coverage)
        scored.setdefault((episode_id, start), (score, strength, text))
    # BM25 differences under a point are mostly passage length; of passages that match about as
    # well, the earliest is where the subject comes up.
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], -round(item[1][1]), item[0][1] or 0))
    taken: dict[int, int] = {}
    chosen: list[tuple[float, int, int | None, str]] = []
    for (episode_id, start), (score, _, text) in ranked:
        if taken.get(episode_id, 0) < per_episode and len(chosen) < limit:
            taken[episode_id] = taken.get(episode_id, 0) + 1
            chosen.append((score, episode_id, start, text))
    episodes = {episode.id: episode for episode in reader.episodes(list(taken))}
    return [
        Match(episodes[episode_id], round(score, 1), _reason(text, start, stems))
        for score, episode_id, start, text in chosen
        if episode_id in episodes
    ]


def _prefix(word: str, stem: str) -> str:
    """What every form of WORD starts with: its stem, as far as the word spells it ("query" stems
    to "queri", and the transcripts say "query")."""
    shared = next((i for i, (a, b) in enumerate(zip(word, stem)) if a != b), min(len(word), len(stem)))
    return word[:shared] if shared >= _MIN_PREFIX else word


def _spelt_as_said(reader: IndexReader, word: str, stem: str, documents: dict[str, int]) -> str:
    """STEM, or when no transcript says a word starting with it, the word the transcripts say
    that WORD most nearly spells ("bindgn" is "bindgen"); DOCUMENTS learns its count."""
    if documents.get(stem) or len(word) < _MIN_TYPO_CHARS or not word.isalpha():
        return stem
    candidates = dict(reader.transcript_terms_like(word))
    best = process.extractOne(word, list(candidates), scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE)
    if best is None:
        return stem
    documents[best[0]] = candidates[best[0]]
    return str(best[0])


def _reason(text: str, start: int | None, stems: list[str]) -> MatchReason:
    """The passage as a quote around the words it matched, and the first of them as it says it."""
    from bot.core.search.searcher import _snippet  # the searcher imports this module

    quote, stem = _snippet(text, [dict.fromkeys(stems, 1.0)], width=_QUOTE_CHARS)
    said = re.search(rf"{re.escape(stem)}\w*", quote) if stem else None
    return MatchReason("transcript", quote, start, highlight=said.group() if said else None)
