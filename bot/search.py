"""Finding the episode a person meant: episode numbers, typo-tolerant words, guests, chapters, notes.

How a query is scored:
  * `64`, `#64`, `ep 64`, `episode 64`, `ep64` go straight to that episode number.
  * Each remaining word is expanded to the indexed terms it may mean: itself, completions (as you
    type), and close spellings (rapidfuzz). Common words ("meta", "the", "building") weigh little:
    every word is weighted by how rare its term is (inverse document frequency).
  * A word found in the title counts most, then a guest's name, then a chapter title, then the
    notes (found through SQLite FTS5, with every term quoted so user text is never FTS syntax).
  * An episode's score is the weighted share of the query's words it matches, 0 to 100.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .models import Episode, Match, MatchReason
from .store import Store

MAX_QUERY_CHARS = 200
MAX_AUTOCOMPLETE_CHOICES = 25
MAX_CHOICE_NAME = 100
MIN_SCORE = 30.0
FIELD_WEIGHTS = {"title": 1.0, "guest": 0.9, "chapter": 0.8, "description": 0.5}
_FIELD_RANK = {"number": 0, "title": 1, "guest": 2, "chapter": 3, "description": 4}
_EXPANSIONS_PER_WORD = 12
_NUMBER_QUERY = re.compile(r"^\s*(?:(?:episode|ep|no|nr|number)\.?\s*#?\s*|#\s*)?(\d{1,6})\s*$", re.IGNORECASE)
_EPISODE_ID_QUERY = re.compile(r"^id:(\d{1,12})$")
STOPWORDS = frozenset(
    "a an and are as at be by can do for from how i in is it its of on or our the this to we what when "
    "where who why with you your episode ep podcast".split()
)


def tokenize(text: str) -> list[str]:
    """Lower-case ASCII-folded words, split as SQLite's unicode61 tokenizer splits them."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", folded)


def number_in_query(query: str) -> int | None:
    """The episode number a query asks for: `64`, `#64`, `ep 64`, `ep. 64`, `episode 64`, `ep64`."""
    match = _NUMBER_QUERY.match(query)
    return int(match.group(1)) if match else None


def is_choice_value(query: str) -> bool:
    return bool(_EPISODE_ID_QUERY.match(query.strip()))


def choice_value(episode: Episode) -> str:
    """What autocomplete sends back when a suggestion is picked; `best` resolves it exactly."""
    return f"id:{episode.id}"


@dataclass(frozen=True, slots=True)
class _Posting:
    episode: int  # position in SearchIndex.episodes
    field: str
    chapter: int  # chapter position, or -1


class SearchIndex:
    """An in-memory view of the store's episodes, rebuilt when the store's generation changes."""

    def __init__(self, episodes: list[Episode], document_counts: dict[str, int], generation: int) -> None:
        self.generation = generation
        self.episodes = episodes
        self.position_of_id = {episode.id: index for index, episode in enumerate(episodes)}
        self.by_number: dict[int, list[int]] = defaultdict(list)
        self.postings: dict[str, list[_Posting]] = defaultdict(list)
        for index, episode in enumerate(episodes):
            if episode.number is not None:
                self.by_number[episode.number].append(index)
            if not episode.title_is_derived:  # a title made up from the notes is not a title match
                self._add(index, "title", -1, episode.title)
            for guest in episode.guests:
                self._add(index, "guest", -1, guest)
            for position, chapter in enumerate(episode.chapters):
                self._add(index, "chapter", position, chapter.title)
        self.document_counts = document_counts
        self.vocabulary = sorted(document_counts)
        self.titles = [" ".join(tokenize(episode.title)) for episode in episodes]
        self.title_words = [
            {word for word in tokenize(episode.title) if word not in STOPWORDS} for episode in episodes
        ]

    def _add(self, index: int, field: str, chapter: int, text: str) -> None:
        for term in set(tokenize(text)):
            self.postings[term].append(_Posting(index, field, chapter))

    def weight(self, term: str | None) -> float:
        """Inverse document frequency: rare words decide, words in every episode barely count."""
        count = self.document_counts.get(term, 0) if term else 0
        total = max(len(self.episodes), 1)
        return max(math.log((total + 1) / (count + 0.5)), 0.05)

    def expand(self, word: str, completing: bool) -> dict[str, float]:
        """Indexed terms WORD may stand for, each with how sure we are (1.0 = the word itself)."""
        found: dict[str, float] = {}
        if word in self.document_counts:
            found[word] = 1.0
        for variant in _variants(word):
            if variant in self.document_counts:
                found.setdefault(variant, 0.95)
        if len(word) >= 3 or (completing and len(word) >= 2):
            start = bisect.bisect_left(self.vocabulary, word)
            for term in self.vocabulary[start : start + 200]:
                if not term.startswith(word) or len(found) >= _EXPANSIONS_PER_WORD:
                    break
                # As you type, a prefix is probably the word; otherwise a long one still likely is.
                found.setdefault(term, 0.9 if completing else 0.85 if len(word) >= 5 else 0.7)
        if len(word) >= 4 and not word.isdigit():
            cutoff = 80 if len(word) <= 5 else 75
            for term, score, _ in process.extract(
                word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=_EXPANSIONS_PER_WORD
            ):
                # Squared, so a near miss ("trust" for "rust") ranks below an exact chapter match.
                found.setdefault(term, 0.95 * (score / 100) ** 2)
        return found


class Searcher:
    """Answers queries against a Store; cheap to call on every keystroke."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: SearchIndex | None = None

    async def index(self) -> SearchIndex:
        generation = await self.store.generation()
        if self._index is None or self._index.generation != generation:
            self._index = SearchIndex(
                await self.store.episodes(), await self.store.term_document_counts(), generation
            )
        return self._index

    async def best(self, query: str) -> Match | None:
        """The single episode meant by QUERY (or by an autocomplete value), if any."""
        index = await self.index()
        if match := _EPISODE_ID_QUERY.match(query.strip()):
            position = index.position_of_id.get(int(match.group(1)))
            if position is not None:
                episode = index.episodes[position]
                return Match(episode, 100.0, MatchReason("title", episode.title))
        results = await self.search(query, limit=1)
        return results[0] if results else None

    async def search(self, query: str, limit: int = 10, *, completing: bool = False) -> list[Match]:
        """Episodes matching QUERY, best first. Never raises on user text."""
        query = (query or "").strip()[:MAX_QUERY_CHARS]
        if not query or limit <= 0:
            return []
        index = await self.index()
        results: list[Match] = []
        number = number_in_query(query)
        if number is not None:
            for position in index.by_number.get(number, []):
                episode = index.episodes[position]
                results.append(Match(episode, 100.0, MatchReason("number", f"#{number}")))
        seen = {match.episode.id for match in results}
        for match in await self._text_search(index, query, completing):
            if match.episode.id not in seen:
                results.append(match)
        return results[:limit]

    async def autocomplete(self, query: str) -> list[tuple[str, str]]:
        """Up to 25 (name, value) suggestions; names fit Discord's 100 characters."""
        if not (query or "").strip():
            index = await self.index()
            episodes = index.episodes[:MAX_AUTOCOMPLETE_CHOICES]
            return [(_choice_name(episode, None), choice_value(episode)) for episode in episodes]
        matches = await self.search(query, MAX_AUTOCOMPLETE_CHOICES, completing=True)
        return [(_choice_name(m.episode, m.matched), choice_value(m.episode)) for m in matches]

    async def _text_search(self, index: SearchIndex, query: str, completing: bool) -> list[Match]:
        words = tokenize(query)
        content = [word for word in words if word not in STOPWORDS] or words
        content = list(dict.fromkeys(content))[:12]
        if not content:
            return []
        expansions = [index.expand(word, completing and i == len(content) - 1) for i, word in enumerate(content)]
        weights = [
            index.weight(max(terms, key=terms.get)) if terms else 1.0 for terms in expansions
        ]
        # best[episode][word] = (value, reason)
        best: dict[int, list[tuple[float, MatchReason | None]]] = {}
        # chapter_cover[episode][chapter][word] = certainty, to name the chapter matching most words
        chapter_cover: dict[int, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))

        def offer(episode: int, word: int, value: float, reason: MatchReason) -> None:
            slots = best.setdefault(episode, [(0.0, None)] * len(content))
            if value > slots[word][0]:
                slots[word] = (value, reason)

        for word, terms in enumerate(expansions):
            for term, certainty in terms.items():
                for posting in index.postings.get(term, ()):
                    value = certainty * FIELD_WEIGHTS[posting.field]
                    episode = index.episodes[posting.episode]
                    if posting.field == "chapter":
                        chapter = episode.chapters[posting.chapter]
                        cover = chapter_cover[posting.episode][posting.chapter]
                        cover[word] = max(cover.get(word, 0.0), certainty)
                        reason = MatchReason("chapter", chapter.title, chapter.start_seconds)
                    elif posting.field == "guest":
                        reason = MatchReason("guest", next(
                            (g for g in episode.guests if term in tokenize(g)), term))
                    else:
                        reason = MatchReason("title", episode.title)
                    offer(posting.episode, word, value, reason)
            for position, certainty in await self._description_hits(index, terms):
                reason = MatchReason("description", _snippet(index.episodes[position].description_text, terms))
                offer(position, word, certainty * FIELD_WEIGHTS["description"], reason)

        total_weight = sum(weights)
        phrase = " ".join(content)
        scored = []
        for position, slots in best.items():
            score = 100 * sum(w * value for w, (value, _) in zip(weights, slots)) / total_weight
            title = index.titles[position]
            if len(content) > 1 and phrase in title:
                score = min(100.0, score + 10)
            # Of two titles that both match, the one that is more nearly the query ranks first.
            title_words = index.title_words[position]
            if title_words:
                covered = sum(1 for value, reason in slots if reason and reason.field == "title")
                score *= 0.95 + 0.05 * min(covered / len(title_words), 1.0)
            if score < MIN_SCORE:
                continue
            reason = _main_reason(slots, weights, index.episodes[position], chapter_cover.get(position, {}))
            scored.append((score, position, reason))
        scored.sort(key=lambda item: (
            -round(item[0], 6), _FIELD_RANK[item[2].field], -_timestamp(index.episodes[item[1]])
        ))
        return [Match(index.episodes[position], round(score, 1), reason) for score, position, reason in scored]

    async def _description_hits(self, index: SearchIndex, terms: dict[str, float]) -> list[tuple[int, float]]:
        """Episodes whose notes contain one of TERMS, with the best certainty among those found."""
        if not terms:
            return []
        hits: dict[int, float] = {}
        # One FTS query per certainty level keeps the certainty of the term that actually matched.
        for certainty in sorted(set(terms.values()), reverse=True):
            group = [term for term, value in terms.items() if value == certainty]
            expression = "description : (" + " OR ".join(_quote(term) for term in group) + ")"
            for episode_id, _rank in await self.store.full_text_matches(expression, limit=2000):
                position = index.position_of_id.get(episode_id)
                if position is not None and position not in hits:
                    hits[position] = certainty
        return list(hits.items())


_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")


def _variants(word: str) -> list[str]:
    """Plural and singular forms, and roman numerals for small numbers ("Part 1" is "Part I")."""
    if word.isdigit():
        return [_ROMAN[int(word) - 1]] if 1 <= int(word) <= len(_ROMAN) else []
    variants = [word + "s", word + "es"]
    if word.endswith("y"):
        variants.append(word[:-1] + "ies")
    if word.endswith("ies"):
        variants.append(word[:-3] + "y")
    if word.endswith("es"):
        variants.append(word[:-2])
    if word.endswith("s") and len(word) > 3:
        variants.append(word[:-1])
    return variants


def _quote(term: str) -> str:
    """An FTS5 string literal: user text stays text, never syntax (NEAR, *, :, -, parentheses)."""
    return '"' + term.replace('"', '""') + '"'


def _main_reason(
    slots: list[tuple[float, MatchReason | None]],
    weights: list[float],
    episode: Episode,
    covers: dict[int, dict[int, float]],
) -> MatchReason:
    """Why the episode matched: the field that carried most of the score; for chapters, the
    chapter that covers the most of the query."""
    contribution: dict[str, float] = defaultdict(float)
    example: dict[str, MatchReason] = {}
    for weight, (value, reason) in zip(weights, slots):
        if reason is not None:
            contribution[reason.field] += weight * value
            example.setdefault(reason.field, reason)
    field = max(contribution, key=lambda name: (contribution[name], -_FIELD_RANK[name]))
    if field != "chapter":
        return example[field]
    chapter_position = max(covers, key=lambda c: (sum(weights[w] * v for w, v in covers[c].items()), -c))
    chapter = episode.chapters[chapter_position]
    return MatchReason("chapter", chapter.title, chapter.start_seconds)


def _snippet(text: str, terms: dict[str, float], width: int = 120) -> str:
    lowered = text.lower()
    positions = [lowered.find(term) for term in terms if lowered.find(term) >= 0]
    if not positions:
        return text[:width]
    start = max(0, min(positions) - width // 3)
    snippet = text[start : start + width].strip()
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")


def _timestamp(episode: Episode) -> float:
    return episode.published.timestamp() if episode.published else 0.0


def _choice_name(episode: Episode, reason: MatchReason | None) -> str:
    name = episode.display_title
    if reason and reason.field == "chapter":
        name += f" · chapter: {reason.text}"
    elif reason and reason.field == "guest":
        name += f" · guest: {reason.text}"
    return name if len(name) <= MAX_CHOICE_NAME else name[: MAX_CHOICE_NAME - 1] + "…"
