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

import asyncio
import bisect
import heapq
import math
import re
from array import array
from collections import defaultdict
from operator import itemgetter

from rapidfuzz import fuzz, process

from .formatting import shorten
from .models import Episode, Match, MatchReason
from .store import Store
from .text import tokenize

MAX_QUERY_CHARS = 200
MAX_AUTOCOMPLETE_CHOICES = 25
MAX_CHOICE_NAME = 100
MIN_SCORE = 30.0
# Field codes, in order of preference: a lower code ranks first among equal scores.
TITLE, GUEST, CHAPTER, DESCRIPTION = range(4)
# The best a query word reached in an episode: (value, field, the indexed term that matched).
_Hit = tuple[float, int, str]
FIELD_WEIGHTS = (1.0, 0.9, 0.8, 0.5)
_EXPANSIONS_PER_WORD = 12
_NUMBER_QUERY = re.compile(r"^\s*(?:(?:episode|ep|no|nr|number)\.?\s*#?\s*|#\s*)?(\d{1,6})\s*$", re.IGNORECASE)
_EPISODE_ID_QUERY = re.compile(r"^id:(\d{1,12})$")
STOPWORDS = frozenset(
    "a an and are as at be by can do for from how i in is it its of on or our the this to we what when "
    "where who why with you your episode ep podcast".split()
)


def number_in_query(query: str) -> int | None:
    """The episode number a query asks for: `64`, `#64`, `ep 64`, `ep. 64`, `episode 64`, `ep64`."""
    match = _NUMBER_QUERY.match(query)
    return int(match.group(1)) if match else None


def is_choice_value(query: str) -> bool:
    return bool(_EPISODE_ID_QUERY.match(query.strip()))


def choice_value(episode: Episode) -> str:
    """What autocomplete sends back when a suggestion is picked; `best` resolves it exactly."""
    return f"id:{episode.id}"


class _Postings:
    """Where a term occurs: per field, the positions of the episodes (newest first) as an array."""

    __slots__ = ("by_field",)

    def __init__(self) -> None:
        self.by_field: dict[int, array] = {}

    def add(self, episode: int, field: int) -> None:
        positions = self.by_field.setdefault(field, array("i"))
        if not positions or positions[-1] != episode:
            positions.append(episode)

    def best_for(self, episode: int, certainty: float, term: str) -> _Hit | None:
        """The best hit this term gives EPISODE, found by binary search."""
        for field in sorted(self.by_field):  # the first field found is the best: weights fall
            positions = self.by_field[field]
            at = bisect.bisect_left(positions, episode)
            if at < len(positions) and positions[at] == episode:
                return (certainty * FIELD_WEIGHTS[field], field, term)
        return None


class SearchIndex:
    """An in-memory view of the store's episodes, rebuilt when the store's generation changes."""

    def __init__(self, episodes: list[Episode], document_counts: dict[str, int], generation: int) -> None:
        self.generation = generation
        self.episodes = episodes
        self.position_of_id = {episode.id: index for index, episode in enumerate(episodes)}
        self.by_number: dict[int, list[int]] = defaultdict(list)
        self.postings: dict[str, _Postings] = defaultdict(_Postings)
        self.titles: list[str] = []
        self.title_words: list[set[str]] = []
        for index, episode in enumerate(episodes):
            if episode.number is not None:
                self.by_number[episode.number].append(index)
            title = tokenize(episode.title)
            self.titles.append(" ".join(title))
            self.title_words.append({word for word in title if word not in STOPWORDS})
            if not episode.title_is_derived:  # a title made up from the notes is not a title match
                self._add(index, TITLE, title)
            for guest in episode.guests:
                self._add(index, GUEST, tokenize(guest))
            for chapter in episode.chapters:
                self._add(index, CHAPTER, tokenize(chapter.title))
        self.document_counts = document_counts
        self.vocabulary = sorted(document_counts)
        self._similar = _spelling_buckets(document_counts)

    def _add(self, index: int, field: int, terms: list[str]) -> None:
        for term in terms:
            self.postings[term].add(index, field)

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
                word,
                self.spelling_candidates(word),
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                limit=_EXPANSIONS_PER_WORD,
            ):
                # Squared, so a near miss ("trust" for "rust") ranks below an exact chapter match.
                found.setdefault(term, 0.95 * (score / 100) ** 2)
        return found

    def spelling_candidates(self, word: str) -> list[str]:
        """Indexed terms that may be WORD misspelt: same first letter, similar length. At most
        SPELLING_CANDIDATES of them (the most common first), so a typo costs the same in a feed
        whose notes hold two million distinct words as in a small one."""
        candidates: list[str] = []
        for offset in (0, -1, 1, -2, 2, -3, 3):  # the likeliest lengths first, in case the cap cuts
            candidates.extend(self._similar.get((word[0], len(word) + offset), ()))
            if len(candidates) >= SPELLING_CANDIDATES:
                return candidates[:SPELLING_CANDIDATES]
        return candidates


# A typo keeps its first letter and about its length (fuzz.ratio >= 75 allows no more than 3 off).
SPELLING_CANDIDATES = 5_000


def _spelling_buckets(document_counts: dict[str, int]) -> dict[tuple[str, int], list[str]]:
    """Terms by (first character, length), each bucket most common first and capped."""
    buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for term in sorted(filter(None, document_counts), key=lambda t: -document_counts[t]):
        bucket = buckets[(term[0], len(term))]
        if len(bucket) < SPELLING_CANDIDATES:
            bucket.append(term)
    return dict(buckets)


class Searcher:
    """Answers queries against a Store; cheap to call on every keystroke."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: SearchIndex | None = None
        self._rebuild: asyncio.Task[SearchIndex] | None = None

    async def index(self) -> SearchIndex:
        """The index for the store as it is now. After a sync changed the store, queries keep
        using the previous index while a new one is built in a worker thread (seconds for a
        100,000-episode catalogue), so no keystroke waits for it and the event loop never stalls."""
        generation = await self.store.generation()
        if self._index is not None and self._index.generation == generation:
            return self._index
        if self._rebuild is None or self._rebuild.done():
            self._rebuild = asyncio.create_task(self._build(generation))
        if self._index is None:
            return await asyncio.shield(self._rebuild)
        done, _ = await asyncio.wait({self._rebuild}, timeout=_FRESH_INDEX_WAIT_SECONDS)
        return self._rebuild.result() if done and not self._rebuild.exception() else self._index

    async def _build(self, generation: int) -> SearchIndex:
        episodes = await self.store.episodes()
        counts = await self.store.term_document_counts()
        self._index = await asyncio.to_thread(SearchIndex, episodes, counts, generation)
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
        for match in await self._text_search(index, query, limit + len(results), completing):
            if match.episode.id not in seen:
                results.append(match)
        return results[:limit]

    async def nearest(self, query: str, limit: int = 3) -> tuple[str, list[Match]]:
        """For a query nothing matched: what is there instead, in words, and the closest episodes
        ("episodes 1-86; no episode numbered 65", then 64 and 66), so no answer is a dead end."""
        index = await self.index()
        number = number_in_query(query)
        if number is None or not index.by_number:
            return "", await self.search(query, limit, completing=True)
        numbers = sorted(index.by_number)
        closest = sorted(numbers, key=lambda n: (abs(n - number), n))[:limit]
        matches = [
            Match(index.episodes[index.by_number[n][0]], 0.0, MatchReason("number", f"#{n}")) for n in sorted(closest)
        ]
        return f"episodes {numbers[0]}–{numbers[-1]} are indexed; none is numbered {number}", matches

    async def autocomplete(self, query: str) -> list[tuple[str, str]]:
        """Up to 25 (name, value) suggestions; names fit Discord's 100 characters."""
        if not (query or "").strip():
            index = await self.index()
            episodes = index.episodes[:MAX_AUTOCOMPLETE_CHOICES]
            return [(_choice_name(episode, None), choice_value(episode)) for episode in episodes]
        matches = await self.search(query, MAX_AUTOCOMPLETE_CHOICES, completing=True)
        return [(_choice_name(m.episode, m.matched), choice_value(m.episode)) for m in matches]

    async def _text_search(self, index: SearchIndex, query: str, limit: int, completing: bool) -> list[Match]:
        words = tokenize(query)
        content = list(dict.fromkeys([word for word in words if word not in STOPWORDS] or words))[:12]
        if not content:
            return []
        expansions = [index.expand(word, completing and i == len(content) - 1) for i, word in enumerate(content)]
        weights = [index.weight(max(terms, key=terms.get)) if terms else 1.0 for terms in expansions]
        fuzzy = [_misspellings(word, terms) for word, terms in zip(content, expansions)]
        hits: list[dict[int, _Hit]] = []
        truncated: list[bool] = []
        for terms in expansions:
            word_hits, cut = _short_field_hits(index, terms)
            hits.append(word_hits)
            truncated.append(cut)
        # As you type, titles, guests and chapters are what people mean; the notes are searched
        # for full queries, or when those fields find too little.
        if not completing or sum(len(h) for h in hits) < limit:
            for word_hits, notes_hits in zip(hits, await self._description_hits(index, expansions, fuzzy)):
                for position, (certainty, misspelt) in notes_hits.items():
                    value = certainty * FIELD_WEIGHTS[DESCRIPTION]
                    if value > word_hits.get(position, _NO_HIT)[0]:
                        word_hits[position] = (value, DESCRIPTION, _MISSPELT if misspelt else "")
        total_weight = sum(weights)
        shortlist = _shortlist(hits, weights, max(limit * 2, _SHORTLIST))
        if any(truncated):
            _complete_truncated(index, shortlist, hits, expansions, truncated)
        phrase = " ".join(content)
        scored = []
        for position in shortlist:
            word_hits = [h.get(position, _NO_HIT) for h in hits]
            score = 100 * sum(w * hit[0] for w, hit in zip(weights, word_hits)) / total_weight
            if len(content) > 1 and phrase in index.titles[position]:
                score = min(100.0, score + 10)
            # Of two titles that both match, the one that is more nearly the query ranks first.
            title_words = index.title_words[position]
            if title_words:
                covered = sum(1 for hit in word_hits if hit[1] == TITLE)
                score *= 0.95 + 0.05 * min(covered / len(title_words), 1.0)
            if score >= MIN_SCORE:
                scored.append((score, position, _main_field(word_hits, weights), word_hits))
        # A result found only through a misspelling of the query's words ("rust" -> "trust") comes
        # after every result that has the words themselves, and is left out when those fill the page.
        exact = {
            position
            for _, position, _, word_hits in scored
            if any(hit[1] >= 0 and hit[2] != _MISSPELT and hit[2] not in fuzzy[i] for i, hit in enumerate(word_hits))
        }
        if len(exact) >= limit:
            scored = [item for item in scored if item[1] in exact]
        scored.sort(
            key=lambda item: (item[1] not in exact, -round(item[0], 6), item[2], -_timestamp(index.episodes[item[1]]))
        )
        return [
            Match(
                index.episodes[position],
                round(score, 1),
                _reason(index.episodes[position], field, word_hits, expansions),
            )
            for score, position, field, word_hits in scored[:limit]
        ]

    async def _description_hits(
        self, index: SearchIndex, expansions: list[dict[str, float]], fuzzy: list[set[str]]
    ) -> list[dict[int, tuple[float, bool]]]:
        """Per query word, the episodes whose notes contain one of its terms, with the best
        certainty among the terms found there and whether those terms are only misspellings of the
        word. One round trip to SQLite for the whole query."""
        # A term in a large share of all notes says little about which episode is meant, and
        # would cost a scan of most of the index; such terms are left to the other fields.
        common = max(_MIN_COMMON, len(index.episodes) * _COMMON_SHARE)
        questions: list[tuple[int, float, bool, tuple[str, bool]]] = []
        for word, terms in enumerate(expansions):
            kept = {term: value for term, value in terms.items() if index.document_counts.get(term, 0) <= common}
            # One expression per certainty level keeps the certainty of the term that matched.
            for certainty in sorted(set(kept.values()), reverse=True):
                group = [term for term, value in kept.items() if value == certainty]
                expression = "description : (" + " OR ".join(_quote(term) for term in group) + ")"
                ranked = sum(index.document_counts.get(term, 0) for term in group) <= _DESCRIPTION_HITS
                misspelt = all(term in fuzzy[word] for term in group)
                questions.append((word, certainty, misspelt, (expression, ranked)))
        answers = await self.store.full_text_matches([q[3] for q in questions], _DESCRIPTION_HITS)
        hits: list[dict[int, tuple[float, bool]]] = [{} for _ in expansions]
        for (word, certainty, misspelt, _), episode_ids in zip(questions, answers):
            for rank, episode_id in enumerate(episode_ids):
                position = index.position_of_id.get(episode_id)
                if position is not None and position not in hits[word]:
                    # Notes that mention the word more (bm25) rank a little higher.
                    spread = 1 - _NOTES_RANK_SPREAD * rank / len(episode_ids)
                    hits[word][position] = (certainty * spread, misspelt)
        return hits


_NO_HIT: _Hit = (0.0, -1, "")
_MISSPELT = "~"  # the term of a notes hit found only through misspellings of the query word
# A small catalogue's new index is ready within this; a large one's is used once it is.
_FRESH_INDEX_WAIT_SECONDS = 0.5
_SHORTLIST = 50
_DESCRIPTION_HITS = 500
_COMMON_SHARE = 0.1
_NOTES_RANK_SPREAD = 0.1
_MIN_COMMON = 50
# Postings visited per query word, newest first. A very common word's older matches are looked
# up only for the shortlist, which keeps every keystroke fast at any catalogue size.
POSTINGS_PER_WORD = 1000


def _shortlist(hits: list[dict[int, _Hit]], weights: list[float], size: int) -> list[int]:
    """The SIZE episodes with the best weighted sum of their words' hits (the hot loop)."""
    if len(hits) == 1:
        return [position for position, _ in heapq.nlargest(size, hits[0].items(), key=itemgetter(1))]
    first_weight = weights[0]
    partial = {position: first_weight * hit[0] for position, hit in hits[0].items()}
    get = partial.get
    for weight, word_hits in zip(weights[1:], hits[1:]):
        for position, hit in word_hits.items():
            partial[position] = get(position, 0.0) + weight * hit[0]
    return heapq.nlargest(size, partial, key=partial.__getitem__)


def _short_field_hits(index: SearchIndex, terms: dict[str, float]) -> tuple[dict[int, _Hit], bool]:
    """Best hit per episode for one query word over titles, guests and chapters; and whether the
    word's postings were cut short."""
    layers = sorted(
        (
            (certainty * FIELD_WEIGHTS[field], field, term, positions)
            for term, certainty in terms.items()
            if term in index.postings
            for field, positions in index.postings[term].by_field.items()
        ),
        key=lambda layer: -layer[0],
    )
    hits: dict[int, _Hit] = {}
    budget = POSTINGS_PER_WORD
    truncated = False
    for value, field, term, positions in layers:
        take = positions[:budget] if len(positions) > budget else positions
        truncated = truncated or len(take) < len(positions)
        budget -= len(take)
        # Layers come best first, so a hit already recorded is never replaced; done in C.
        layer = dict.fromkeys(take, (value, field, term))
        layer.update(hits)
        hits = layer
        if budget <= 0:
            break
    return hits, truncated


def _complete_truncated(
    index: SearchIndex,
    shortlist: list[int],
    hits: list[dict[int, _Hit]],
    expansions: list[dict[str, float]],
    truncated: list[bool],
) -> None:
    """Fill in, for the shortlist only, what words whose postings were cut short contribute."""
    for word, cut in enumerate(truncated):
        if not cut:
            continue
        for position in shortlist:
            best = hits[word].get(position)
            for term, certainty in expansions[word].items():
                postings = index.postings.get(term)
                found = postings.best_for(position, certainty, term) if postings is not None else None
                if found is not None and (best is None or found[0] > best[0]):
                    best = found
            if best is not None:
                hits[word][position] = best


def _main_field(word_hits: list[_Hit], weights: list[float]) -> int:
    """The field that carried most of the score (ties go to the more specific field)."""
    contribution: dict[int, float] = defaultdict(float)
    for weight, (value, field, _) in zip(weights, word_hits):
        if field >= 0:
            contribution[field] += weight * value
    return max(contribution, key=lambda field: (contribution[field], -field))


def _reason(episode: Episode, field: int, word_hits: list[_Hit], expansions: list[dict[str, float]]) -> MatchReason:
    if field == CHAPTER:
        # The chapter holding the most of the terms the query's words matched.
        matched = {term for _, hit_field, term in word_hits if hit_field == CHAPTER}
        chapter = max(episode.chapters, key=lambda c: len(matched.intersection(tokenize(c.title))))
        return MatchReason("chapter", chapter.title, chapter.start_seconds)
    if field == GUEST:
        terms = {term for terms in expansions for term in terms}
        guest = next(
            (g for g in episode.guests if terms & set(tokenize(g))), episode.guests[0] if episode.guests else ""
        )
        return MatchReason("guest", guest)
    if field == DESCRIPTION:
        snippet, word = _snippet(episode.description_text, expansions)
        return MatchReason("description", snippet, highlight=word)
    return MatchReason("title", episode.title)


def _misspellings(word: str, terms: dict[str, float]) -> set[str]:
    """The terms WORD was expanded to only because they are spelt alike: not the word itself, its
    plural or singular, or a completion of it."""
    variants = set(_variants(word))
    return {term for term in terms if term != word and term not in variants and not term.startswith(word)}


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


def _snippet(text: str, expansions: list[dict[str, float]], width: int = 120) -> tuple[str, str | None]:
    """A short piece of the notes around the first matched word, cut at word boundaries (never
    inside a URL), and that word as the notes write it."""
    flat = " ".join(text.split())
    lowered = flat.lower()
    found = [
        (match.start(), match.end())
        for terms in expansions
        for term in terms
        if (match := re.search(rf"(?<!\w){re.escape(term)}", lowered))
    ]
    if not found:
        return shorten(flat, width), None
    start, end = min(found)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", flat)]
    # Whole words (a URL is one word) around the match, up to WIDTH characters.
    first = last = next(i for i, (a, b) in enumerate(words) if b > start)
    while last + 1 < len(words) and words[last + 1][1] - words[first][0] <= width * 2 // 3:
        last += 1
    while first > 0 and words[last][1] - words[first - 1][0] <= width:
        first -= 1
    snippet = flat[words[first][0] : words[last][1]]
    prefix = "…" if first > 0 else ""
    suffix = "…" if last + 1 < len(words) else ""
    return prefix + snippet + suffix, flat[start:end] if end <= words[last][1] else None


def _timestamp(episode: Episode) -> float:
    return episode.published.timestamp() if episode.published else 0.0


def _choice_name(episode: Episode, reason: MatchReason | None) -> str:
    """A suggestion's name within 100 characters: when a chapter or guest matched, that is the
    useful part, so the title gives way first."""
    detail = ""
    if reason and reason.field == "chapter":
        detail = f" · chapter: {reason.text}"
    elif reason and reason.field == "guest":
        detail = f" · guest: {reason.text}"
    detail = detail[: MAX_CHOICE_NAME // 2]
    title = episode.display_title
    room = MAX_CHOICE_NAME - len(detail)
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return title + detail
