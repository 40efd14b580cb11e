"""Finding the episode a person meant: episode numbers, typo-tolerant words, guests, chapters, notes.

How a query is scored:
  * `64`, `#64`, `ep 64`, `episode 64`, `ep64` go straight to that episode number.
  * Each remaining word is expanded to the indexed terms it may mean: itself, completions (as you
    type), and close spellings (rapidfuzz over a bounded slice of the vocabulary). Common words
    ("meta", "the", "building") weigh little: every word is weighted by how rare its term is
    (inverse document frequency).
  * A word found in the title counts most, then a guest's name, then a chapter title, then the
    notes. Every field is searched in SQLite's FTS5 index (bot/core/search/index.py), with every term
    quoted so user text is never FTS syntax.
  * An episode's score is the weighted share of the query's words it matches, 0 to 100.

A query runs whole in the Searcher's one worker thread, on the index's own read-only connection:
the event loop only waits for the answer, and a sync writing meanwhile is never waited for.
"""

from __future__ import annotations

import asyncio
import heapq
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import islice, pairwise, product
from operator import itemgetter
from pathlib import Path
from typing import TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot.core.formatting import shorten
from bot.core.ingest.urls import without_urls
from bot.core.models import Episode, Found, Match, MatchReason
from bot.core.search.index import CHAPTER, DESCRIPTION, GUEST, TITLE, IndexReader, quote_term
from bot.core.search.moments import with_moments
from bot.core.search.questions import MAX_QUERY_CHARS, NEWEST, Question, read_question
from bot.core.search.synonyms import Synonyms
from bot.core.store import StoreError, describe_error
from bot.core.sync.identity import is_rerelease
from bot.core.topics.labels import TopicWords, inverse_document_frequency, topic_label
from bot.core.words.language import Language
from bot.core.words.text import tokenize

MIN_SCORE = 30.0
MAX_ALTERNATIVES = 5
# "Did you mean" offers the matches scoring within this of the best.
CLOSE_SCORE_GAP = 15.0
# The best a query word reached in an episode: (value, field, the indexed term that matched).
_Hit = tuple[float, int, str]
FIELD_WEIGHTS = (1.0, 0.9, 0.8, 0.5)
SHORT_FIELDS = (TITLE, GUEST, CHAPTER)
_EXPANSIONS_PER_WORD = 12
_NUMBER_QUERY = re.compile(r"^\s*(?:(?:episode|ep|no|nr|number)\.?\s*#?\s*|#\s*)?(\d{1,6})\s*$", re.IGNORECASE)
_T = TypeVar("_T")


# "season 3 episode 9", "season one, ep 8", "s3e9", "s03 e09", and "3.09" or "3x09" as rewatch
# shows number their episodes.
_SEASON_QUERY = re.compile(
    r"^\s*(?:season\s+(\w+)\s*,?\s*(?:episode|ep|e)\.?\s*#?\s*(\w+)"
    r"|s\s*(\d{1,2})\s*[-.]?\s*e(?:p|pisode)?\.?\s*(\d{1,4})"
    r"|(\d{1,2})[.x](\d{1,2}))\s*$",
    re.IGNORECASE,
)


def season_in_query(query: str, language: Language) -> tuple[int, int] | None:
    """The season and episode a query asks for, numbers written any way the feed's language
    writes them ("season one episode 8")."""
    match = _SEASON_QUERY.match(query)
    if not match:
        return None
    season, number = (int(word) if word.isdigit() else language.number(word.lower()) for word in match.groups() if word)
    return (season, number) if season is not None and number is not None else None


def number_in_query(query: str) -> int | None:
    """The episode number a query asks for: `64`, `#64`, `ep 64`, `ep. 64`, `episode 64`, `ep64`."""
    match = _NUMBER_QUERY.match(query)
    return int(match.group(1)) if match else None


# A word in more than this share of the titles is the show's name ("SE-Radio Episode 12: ...").
_SHOW_TITLE_SHARE = 0.5


def number_beside_the_show_name(reader: IndexReader, query: str) -> tuple[int | None, list[int] | None]:
    """`coder radio 100`, `se radio 89`, `techsnap 313`: a number with nothing beside it but the
    show's own name (words of the podcast's title or their initials, "se" for Software
    Engineering Radio, or words most episode titles carry), and the podcasts whose name it is
    (None: any in focus)."""
    words = tokenize(query)
    numbers = [word for word in words if word.isdigit() and len(word) <= 6]
    rest = set(words).difference(numbers)
    if len(numbers) != 1 or not rest:
        return None, None
    titles = {i: _name_words(tokenize(title)) for i, title in reader.podcast_titles().items()}
    named = [i for i, words in titles.items() if rest <= words]
    if named and len(titles) > 1:
        return int(numbers[0]), named
    rest -= {word for words in titles.values() for word in words}
    total = max(reader.episode_total(), 1)
    in_titles = {word: fields.get(TITLE, 0) for word, (_, fields) in reader.term_counts(rest).items()}
    if all(in_titles.get(word, 0) > total * _SHOW_TITLE_SHARE for word in rest):
        return int(numbers[0]), None
    return None, None


def _name_words(title: list[str]) -> set[str]:
    """The words of a show's title and the initials of each run of two or more of them."""
    runs = (title[start:end] for start in range(len(title)) for end in range(start + 2, len(title) + 1))
    return {*title, *("".join(word[0] for word in run) for run in runs)}


def close_alternatives(matches: list[Match]) -> tuple[Match, ...]:
    """Other matches scoring close to the best: worth offering as "Did you mean". For a number,
    the other episodes with that number (a re-run, another season's)."""
    if len(matches) < 2:
        return ()
    if matches[0].matched.field == "number":
        return tuple(m for m in matches[1:] if m.matched == matches[0].matched)[:MAX_ALTERNATIVES]
    best = matches[0].score
    return tuple(m for m in matches[1:] if best - m.score <= CLOSE_SCORE_GAP)[:MAX_ALTERNATIVES]


class Searcher:
    """Answers queries against one store's file; cheap to call on every keystroke, and as cheap
    in a fresh process as in one that has answered a thousand."""

    def __init__(
        self, path: str | Path, synonyms: Synonyms | None = None, topic_words: TopicWords | None = None
    ) -> None:
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="podbot-search")
        self._reader: IndexReader | None = None
        self._path = path
        self._synonyms = synonyms or Synonyms()
        self._topic_words = topic_words or TopicWords()

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._worker, self._close_reader)
        self._worker.shutdown(wait=True)

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    async def run(self, call: Callable[..., _T], *args: object, podcasts: Sequence[int] | None = None) -> _T:
        """CALL(asking, *ARGS) in the search thread, inside one snapshot of the index, for the
        episodes of PODCASTS (ids; None: every podcast): how questions other than search
        (topics, related episodes) read the index."""
        return await self._query(call, *args, podcasts=podcasts)

    async def _query(self, call: Callable[..., _T], *args: object, podcasts: Sequence[int] | None = None) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, partial(self._in_snapshot, call, podcasts, *args))

    def _in_snapshot(self, call: Callable[..., _T], podcasts: Sequence[int] | None, *args: object) -> _T:
        try:
            if self._reader is None:  # opened in the worker thread, the only one that uses it
                self._reader = IndexReader(self._path)
            with self._reader.snapshot():
                self._reader.focus(podcasts)
                return call(Asking(self._reader, self._synonyms, self._topic_words), *args)
        except sqlite3.Error as error:
            raise StoreError(f"{self._path}: {describe_error(error)}") from error

    async def search(
        self, query: str, limit: int = 10, *, completing: bool = False, podcasts: Sequence[int] | None = None
    ) -> list[Match]:
        """Episodes matching QUERY (of PODCASTS, ids; None: every podcast), best first. Never
        raises on user text."""
        return await self._query(_search, query, limit, completing, podcasts=podcasts)

    async def find(self, query: str, *, podcasts: Sequence[int] | None = None) -> Found:
        """The episode QUERY means, with close alternatives; or what is there instead."""
        return await self._query(_find, query, podcasts=podcasts)

    async def suggest(self, query: str, limit: int, *, podcasts: Sequence[int] | None = None) -> list[Match]:
        """Suggestions as someone types: completions of the last word; the newest episodes for
        an empty query."""
        return await self._query(_suggest, query, limit, podcasts=podcasts)

    async def episode(self, episode_id: int) -> Episode | None:
        found = await self._query(_episodes, [episode_id])
        return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Asking:
    """What one query runs against: the index, the words that mean the same, and the words
    that name topics."""

    reader: IndexReader
    synonyms: Synonyms
    topic_words: TopicWords


def _episodes(asking: Asking, ids: list[int]) -> list[Episode]:
    return asking.reader.episodes(ids)


def _search(asking: Asking, query: str, limit: int, completing: bool, *, moments: bool = True) -> list[Match]:
    """Podcasts in several languages: each language's read of the query, best of all first.
    MOMENTS: transcript moments merged in (a full search, not autocomplete, that shows them)."""
    groups = asking.reader.language_groups()
    if len(groups) < 2:
        return _search_one_language(asking, query, limit, completing, moments)
    found: list[Match] = []
    for podcast_ids in groups:
        with asking.reader.focused(podcast_ids):
            found += _search_one_language(asking, query, limit, completing, moments)
    found.sort(key=lambda match: (match.matched.field != "number", -match.score))
    return found[:limit]


def _search_one_language(asking: Asking, query: str, limit: int, completing: bool, moments: bool) -> list[Match]:
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    if not query or limit <= 0:
        return []
    reader = asking.reader
    language = reader.language()
    if (in_season := season_in_query(query, language)) is not None:
        season, episode = in_season
        label = MatchReason("number", f"season {season}, episode {episode}")
        if found_in_season := [Match(e, 100.0, label) for e in reader.numbered(episode, season=season)]:
            return found_in_season[:limit]
    results: list[Match] = []
    number = number_in_query(query)
    shows = None
    if number is None:
        number, shows = number_beside_the_show_name(reader, query)
    if number is not None:
        numbered = reader.numbered(number, shows, limit)
        results += [Match(e, 100.0, MatchReason("number", f"#{number}")) for e in numbered]
    seen = {match.episode.id for match in results}
    question = read_question(query)
    typed = query
    if number is not None:  # "episode 300": the rest of the text is the number's
        typed = str(number)
        question = Question((typed,))
    elif question.asked and all(language.is_number(word) for word in question.words):
        # "the last of us part 2" is a title of common words, not a question about "2".
        question = Question(tuple(tokenize(query)))
    wanted = limit + len(results)
    found = _text_search(asking, question, max(wanted, _ORDERED_FROM) if question.order else wanted, completing, typed)
    topic = topic_named(asking, " ".join(question.words))
    if topic is not None:
        found = _topic_first(reader, found, topic, wanted)
    # "The Last of Us" says "last" as a title does, not as a wish for the newest.
    if question.order and found and question.order_word not in tokenize(found[0].episode.title):
        found = _in_order(found, question)
    if question.when and found:
        found[0] = _at_the_moment(found[0], question, language)
    if moments and not completing and number is None:
        found = with_moments(asking, question.words, found, wanted)
    results += [m for m in found if m.episode.id not in seen]
    return results[:limit]


def common_words(reader: IndexReader, words: list[str]) -> set[str]:
    """Those of WORDS that barely tell one episode from another: stop words of the feed's
    language that many episodes say ("the", not "ml", which stopwordsiso also lists), and words
    most episodes say."""
    vocabulary = _Vocabulary(reader)
    vocabulary.learn(set(words))
    return {word for word in words if vocabulary.is_common(word)}


def topic_named(asking: Asking, text: str) -> str | None:
    """The topic TEXT names as a whole, itself, by another spelling or by an alias ("security",
    "databases", "ml"), if there is one."""
    names = asking.topic_words.names_for(text)
    names = [spelt for name in names for spelt in (name, asking.reader.topic_spelt(name)) if spelt]
    return next((name for name in names if asking.reader.has_topic(name)), None)


def _topic_first(reader: IndexReader, matches: list[Match], topic: str, limit: int) -> list[Match]:
    """The episodes tagged with TOPIC ahead of those that only mention its words: the matching
    ones in their order, the rest of the tagged ones (most trusted first), then the other
    matches; episodes only inferred to be about it come after those, as they are less sure. An
    untagged episode whose title says it comes before a tagged one that never says its words
    (SE Radio's "James Turnbull on Docker" before a PaaS episode a "Docker" tag is all it has).
    Show-wide tags are no topics (topics.feed_topics), so they never put an episode first."""
    members = reader.topic_members(topic, limit)
    found = {match.episode.id for match in matches}
    tagged = {i for i, source, _ in members if source != "inferred"} | reader.with_topic(topic, list(found))
    reason = MatchReason("topic", topic_label(topic))

    def not_found(inferred: bool) -> list[Match]:
        ids = [i for i, source, _ in members if (source == "inferred") == inferred and i not in found][:limit]
        return [Match(episode, _TOPIC_SCORE, reason) for episode in reader.episodes(ids)]

    untagged = [m for m in matches if m.episode.id not in tagged]
    titled = [m for m in untagged if m.matched.field == "title"]
    return (
        [m for m in matches if m.episode.id in tagged]
        + titled
        + not_found(inferred=False)
        + [m for m in untagged if m not in titled]
        + not_found(inferred=True)
    )


def search_in(asking: Asking, query: str, limit: int) -> list[Match]:
    """The episodes whose titles, guests, chapters or notes match QUERY, for callers already in the
    search thread (Searcher.run): topics, which count what episodes say in writing, so no
    transcript moments are looked for."""
    return _search(asking, query, limit, False, moments=False)


def _in_order(matches: list[Match], question: Question) -> list[Match]:
    """ "The first episode about X": of the episodes substantially about X, the oldest (or the
    newest) first; a re-release ("ARCHIVE: ...") only when the question asks for one."""
    if not matches:
        return matches
    about = [m for m in matches if m.score >= _SUBSTANTIAL * matches[0].score]
    if not question.repeats_wanted and any(not is_rerelease(m.episode.title) for m in about):
        about = [m for m in about if not is_rerelease(m.episode.title)]
    dated = sorted((m for m in about if m.episode.published), key=lambda m: m.episode.published or 0)
    if question.order == NEWEST:
        dated.reverse()
    chosen = [*dated, *(m for m in about if not m.episode.published)]
    return chosen + [m for m in matches if m not in chosen]


def _at_the_moment(match: Match, question: Question, language: Language) -> Match:
    """ "When in the image quality episode do they get to measuring?": the chapter holding the
    question's words that are not the episode's own title words."""
    episode = match.episode
    if not episode.chapters:
        return match
    title_stems = _stems_of(episode.title, language)
    wanted = [language.stem(word) for word in question.words]

    def fit(chapter_title: str) -> float:
        stems = _stems_of(chapter_title, language)
        # A word of the episode's own title ("quality") names the episode more than the moment.
        return sum(0.1 if word in title_stems else 1.0 for word in wanted if word in stems)

    best = max(episode.chapters, key=lambda chapter: fit(chapter.title))
    if fit(best.title) < 1.0:
        return match
    return Match(episode, match.score, MatchReason("chapter", best.title, best.start_seconds))


def _stems_of(text: str, language: Language) -> set[str]:
    """The stems of TEXT's words ("measuring" is "measur"), to compare a question's words with a
    chapter title's."""
    return {language.stem(word) for word in tokenize(text)}


def _find(asking: Asking, query: str) -> Found:
    matches = _search(asking, query, 1 + MAX_ALTERNATIVES, False)
    if matches:
        return Found(matches[0], close_alternatives(matches))
    hint, closest = _nearest(asking, query)
    question = read_question(query)
    about = question.text if question.asked and number_in_query(query) is None else ""
    return Found(None, hint=hint, closest=tuple(closest), unclear_about=about)


def _suggest(asking: Asking, query: str, limit: int) -> list[Match]:
    if not (query or "").strip():
        return [Match(episode, 0.0, MatchReason("title", episode.title)) for episode in asking.reader.latest(limit)]
    return _search(asking, query, limit, True)


def _nearest(asking: Asking, query: str, limit: int = 3) -> tuple[str, list[Match]]:
    """For a query nothing matched: what is there instead, in words, and the closest episodes
    ("episodes 1-86; no episode numbered 65", then 64 and 66), so no answer is a dead end."""
    reader = asking.reader
    number = number_in_query(query)
    if number is None:
        return "", _search(asking, query, limit, True)
    span, near = reader.numbers_near(number, limit)
    if span is None:
        return "", _search(asking, query, limit, True)
    matches = [Match(reader.numbered(n, limit=1)[0], 0.0, MatchReason("number", f"#{n}")) for n in near]
    return f"episodes {span[0]}–{span[1]} are indexed; none is numbered {number}", matches


class _Vocabulary:
    """What one query learns of the index's terms: how common each is, overall and per field."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.total = max(reader.episode_total(), 1)
        self.language = reader.language()
        self.documents: dict[str, int] = {}
        self.fields: dict[str, dict[int, int]] = {}
        self._forms: dict[str, list[str]] = {}

    def learn(self, terms: set[str]) -> None:
        new = terms.difference(self.documents)
        for term, (documents, fields) in self.reader.term_counts(new).items():
            self.documents[term] = documents
            self.fields[term] = fields
        self.documents.update(dict.fromkeys(new.difference(self.documents), 0))

    def forms(self, word: str) -> list[str]:
        """The indexed terms that are other forms of WORD: the same stem ("manages": "managing",
        "managed"), or the same number written another way ("2": "ii", "second", "2nd")."""
        if word not in self._forms:
            language = self.language
            number = language.number(word)
            if number is not None:
                written = language.number_forms(number)
                candidates = [
                    *written,
                    *(t for form in written[2:] if form.isalpha() for t in self.reader.completions(form, 8)),
                ]
                same = [t for t in candidates if t in written or language.number(t) == number]
            else:
                stem = language.stem(word)
                candidates = (
                    [stem, *self.reader.completions(stem, _STEM_FORMS)] if stem != word or word.isalpha() else []
                )
                same = [t for t in candidates if language.stem(t) == stem]
            self.learn(set(same))
            self._forms[word] = [t for t in dict.fromkeys(same) if t != word and self.documents[t]]
        return self._forms[word]

    def is_common(self, word: str) -> bool:
        """A stop word of the feed's language that many of its episodes say ("the", "and"), or
        any word most of them say ("episode"): it barely tells one episode from another. Never a
        number: "part 1" is not "part"."""
        if self.language.is_number(word):
            return False
        documents = self.documents.get(word, 0)
        if word in self.language.stop_words:
            return documents > self.total * _STOP_WORD_SHARE
        return documents > self.total * _SHOW_WORD_SHARE

    def weight(self, term: str | None) -> float:
        """Inverse document frequency: rare words decide, words in every episode barely count."""
        count = self.documents.get(term, 0) if term else 0
        return max(inverse_document_frequency(count, self.total), 0.05)


def _expand(vocabulary: _Vocabulary, word: str, completing: bool) -> dict[str, float]:
    """Indexed terms WORD may stand for, each with how sure we are (1.0 = the word itself)."""
    reader = vocabulary.reader
    vocabulary.learn({word})
    found: dict[str, float] = {}
    if vocabulary.documents[word]:
        found[word] = 1.0
    for form in vocabulary.forms(word):
        found.setdefault(form, 0.95)
    if len(word) >= 3 or (completing and len(word) >= 2):
        for term in reader.completions(word, _EXPANSIONS_PER_WORD):
            if len(found) >= _EXPANSIONS_PER_WORD:
                break
            # As you type, a prefix is probably the word; otherwise a long one still likely is.
            found.setdefault(term, 0.9 if completing else 0.85 if len(word) >= 5 else 0.7)
    if len(word) >= 4 and not word.isdigit():
        stop_words = vocabulary.language.stop_words
        # A typo is a letter or two off (one up to five letters, two beyond), counting a swap as
        # one: "stairs" is not "star" mistyped, "cadddy" is "caddy".
        edits = 1 if len(word) <= 5 else 2
        candidates = reader.spelling_candidates(word)
        if not vocabulary.documents[word]:
            # The index keeps "ß" as the feed wrote it ("gruße"), a query folds it ("grusse").
            for term in candidates:
                if not term.isascii() and term.casefold() == word:
                    found.setdefault(term, 0.95)
        for term, score, _ in process.extract(
            word,
            candidates,
            scorer=fuzz.ratio,
            score_cutoff=75,
            limit=_EXPANSIONS_PER_WORD,
        ):
            # A stop word is no misspelling of a word that is not one ("was" for "wars").
            if term not in stop_words and DamerauLevenshtein.distance(word, term, score_cutoff=edits) <= edits:
                # Squared, so a near miss ("trust" for "rust") ranks below an exact chapter match.
                found.setdefault(term, 0.95 * (score / 100) ** 2)
    vocabulary.learn(set(found))
    return found


def _text_search(asking: Asking, question: Question, limit: int, completing: bool, typed: str) -> list[Match]:
    reader = asking.reader
    words = list(dict.fromkeys(question.words))
    if not words:
        return []
    vocabulary = _Vocabulary(reader)
    vocabulary.learn(set(words))
    content = [word for word in words if not vocabulary.is_common(word)]
    if all(vocabulary.language.is_number(word) for word in content):  # "the last of us part 2"
        content = words
    content = content[:12]
    if not completing:
        content = _joined_where_missing(vocabulary, content)
    expansions = [_expand(vocabulary, word, completing and i == len(content) - 1) for i, word in enumerate(content)]
    fuzzy = [_misspellings(vocabulary, word, terms) for word, terms in zip(content, expansions)]
    if not completing:  # as someone types, the words themselves and their completions are enough
        for word, terms in zip(content, expansions):
            _add_synonyms(vocabulary, terms, asking.synonyms.of(word))
        # Two words that together mean one ("code change" is a "diff") stand for it, each of them
        # (another phrase for them would only add its words to both).
        for first, pair in enumerate(pairwise(content)):
            if forms := [form for form in asking.synonyms.of_phrase(pair) if len(form) == 1]:
                for terms in expansions[first : first + 2]:
                    _add_synonyms(vocabulary, terms, forms)
    # A word found nowhere says nothing about which episode is meant, yet it is often what the
    # query is about ("COBOL", "raspberry"): it weighs as much as the rarest word could, unless
    # it is the one word missing among three or more the catalogue has ("how google manages huge
    # clusters"), which are clear enough on their own; beside two ("video game speedrunning") it
    # is what the query is about.
    stop_words = vocabulary.language.stop_words
    clear = sum(
        1
        for word, misspelt, terms in zip(content, fuzzy, expansions)
        if word not in stop_words and set(terms) - misspelt
    )
    missing = sum(1 for terms in expansions if not terms)
    absent = _ONE_MISSING if clear >= _CLEAR_ENOUGH and missing == 1 else vocabulary.weight(None)
    weights = [vocabulary.weight(max(terms, key=terms.__getitem__)) if terms else absent for terms in expansions]
    lacking = missing > 0 and absent != _ONE_MISSING
    hits: list[dict[int, _Hit]] = []
    cut_below: list[float] = []
    for terms in expansions:
        word_hits, cut = _short_field_hits(vocabulary, terms)
        hits.append(word_hits)
        cut_below.append(cut)
    # As you type, titles, guests and chapters are what people mean; the notes are searched
    # for full queries, or when those fields find too little.
    if not completing or sum(len(h) for h in hits) < limit:
        notes = _description_hits(vocabulary, expansions, fuzzy)
        # Notes that say two or more of the query's words together ("the KRACK hack ... Wifi")
        # are about them more surely than notes that say one, or a title that says another.
        together = Counter(episode_id for found in notes for episode_id, (_, misspelt) in found.items() if not misspelt)
        for word_hits, notes_hits in zip(hits, notes):
            for episode_id, (certainty, misspelt) in notes_hits.items():
                field_weight = _NOTES_TOGETHER if together[episode_id] >= 2 else FIELD_WEIGHTS[DESCRIPTION]
                value = certainty * field_weight
                if value > word_hits.get(episode_id, _NO_HIT)[0]:
                    word_hits[episode_id] = (value, DESCRIPTION, _MISSPELT if misspelt else "")
    tokens = tokenize(typed)
    phrased, adjacent = _phrases(asking, vocabulary, tokens, content, expansions, completing)
    beside = (adjacent[0] | phrased[0], adjacent[1] | phrased[1])
    _numbers_in_context(vocabulary, content, hits, beside, single=len(tokens) < 2)
    total_weight = sum(weights)
    shortlist = _shortlist(hits, weights, max(limit * 2, _SHORTLIST))
    shortlist += [episode_id for episode_id in phrased[0] if episode_id not in shortlist]
    if any(cut_below):
        _complete_truncated(vocabulary, shortlist, hits, expansions, cut_below)
    phrase = " ".join(content)
    scored = []
    for episode_id, (title_text, published) in reader.headlines(shortlist).items():
        episode_hits = [h.get(episode_id, _NO_HIT) for h in hits]
        score = _score(weights, episode_hits, total_weight, question.asked)
        title = tokenize(title_text)
        if episode_id in phrased[0]:  # the words as typed: a title of common words ("The Last of Us")
            score = max(score, _PHRASE_SCORE)
        if (len(content) > 1 and phrase in " ".join(title)) or episode_id in phrased[1]:
            score = min(100.0, score + 10)
        # Of two titles that both match, the one that is more nearly the query ranks first.
        title_words = {word for word in title if word not in vocabulary.language.stop_words}
        if title_words:
            covered = sum(1 for hit in episode_hits if hit[1] == TITLE)
            score *= 0.95 + 0.05 * min(covered / len(title_words), 1.0)
        if score >= (_MIN_ANSWER_SCORE if question.asked else MIN_SCORE) and (
            question.asked or _covers(weights, episode_hits, expansions, lacking)
        ):
            field = _main_field(episode_hits, weights)
            scored.append((score, episode_id, field, episode_hits, published, is_rerelease(title_text)))
    # A result found only through a misspelling of the query's words ("rust" -> "trust") comes
    # after every result that has the words themselves, and is left out when those fill the page.
    exact = {
        episode_id
        for _, episode_id, _, episode_hits, _, _ in scored
        if any(hit[1] >= 0 and hit[2] != _MISSPELT and hit[2] not in fuzzy[i] for i, hit in enumerate(episode_hits))
    }
    if len(exact) >= limit:
        scored = [item for item in scored if item[1] in exact]
    # Of equal matches, the original before its re-release ("ARCHIVE: ...").
    # A title that says the query as typed comes first of all.
    scored.sort(
        key=lambda item: (
            item[1] not in phrased[0],
            item[1] not in exact,
            -round(item[0], 6),
            item[5],
            item[2],
            -item[4],
        )
    )
    shown = scored[:limit]
    episodes = {episode.id: episode for episode in reader.episodes([item[1] for item in shown])}
    return [
        Match(episodes[episode_id], round(score, 1), _reason(episodes[episode_id], field, episode_hits, expansions))
        for score, episode_id, field, episode_hits, _, _ in shown
        if episode_id in episodes
    ]


def _covers(weights: list[float], hits: list[_Hit], expansions: list[dict[str, float]], lacking: bool) -> bool:
    """Whether an episode says enough, by weight, of the words of a keyword query the catalogue
    has: "star wars" is not answered by "Red Star OS" (the show says "war" elsewhere), nor "apple
    vision pro headset" by a chapter about Apple's chips. When the catalogue LACKS a word the
    query is about, the others must be said where they name the episode (its title, a guest, a
    chapter), not only in passing in its notes ("video game speedrunning")."""
    known = [(weight, hit) for weight, hit, terms in zip(weights, hits, expansions) if terms]
    total = sum(weight for weight, _ in known)
    said = sum(weight for weight, hit in known if hit[1] >= 0)
    if lacking:
        return sum(weight * hit[0] for weight, hit in known) >= _COVERED_LACKING * total
    return said >= _COVERED * total


def _score(weights: list[float], hits: list[_Hit], total_weight: float, asked: bool) -> float:
    """0 to 100: the weighted share of the query's words an episode matched. In a question of
    several words, mostly its best two: a long question is about its informative words, and one
    that matches them strongly is not diluted by the rest (nor rescued by weak matches of many)."""
    share = sum(w * hit[0] for w, hit in zip(weights, hits)) / total_weight
    if not asked or len(weights) < 3:
        return 100 * share
    best = sorted((w * hit[0] for w, hit in zip(weights, hits)), reverse=True)[:_DECIDING_WORDS]
    heaviest = sum(sorted(weights, reverse=True)[:_DECIDING_WORDS])
    return 100 * ((1 - _REST_SHARE) * sum(best) / heaviest + _REST_SHARE * share)


def _add_synonyms(vocabulary: _Vocabulary, terms: dict[str, float], forms: Sequence[tuple[str, ...]]) -> None:
    """Terms of the words that mean the same as a query word ("ci": continuous, integration),
    a little less sure than the word itself."""
    wanted = {word for form in forms for word in form}
    if not wanted:
        return
    vocabulary.learn(wanted)
    for form in forms:
        for word in form:
            for term in (word, *vocabulary.forms(word)):
                if vocabulary.documents[term]:
                    terms.setdefault(term, _SYNONYM if len(form) == 1 else _PHRASE_SYNONYM)


def _description_hits(
    vocabulary: _Vocabulary, expansions: list[dict[str, float]], fuzzy: list[set[str]]
) -> list[dict[int, tuple[float, bool]]]:
    """Per query word, the episodes whose notes contain one of its terms, with the best
    certainty among the terms found there and whether those terms are only misspellings of the
    word."""
    # A term in a large share of all notes says little about which episode is meant, and
    # would cost a scan of most of the index; such terms are left to the other fields.
    common = max(_MIN_COMMON, vocabulary.total * _COMMON_SHARE)
    questions: list[tuple[int, float, bool, tuple[str, bool]]] = []
    for word, terms in enumerate(expansions):
        kept = {
            term: value
            for term, value in terms.items()
            if vocabulary.documents[term] <= common and vocabulary.fields.get(term, {}).get(DESCRIPTION)
        }
        # One expression per certainty level keeps the certainty of the term that matched.
        for certainty in sorted(set(kept.values()), reverse=True):
            group = [term for term, value in kept.items() if value == certainty]
            expression = "description : (" + " OR ".join(quote_term(term) for term in group) + ")"
            ranked = sum(vocabulary.documents[term] for term in group) <= _DESCRIPTION_HITS
            misspelt = all(term in fuzzy[word] for term in group)
            questions.append((word, certainty, misspelt, (expression, ranked)))
    answers = vocabulary.reader.notes_matches([q[3] for q in questions], _DESCRIPTION_HITS)
    hits: list[dict[int, tuple[float, bool]]] = [{} for _ in expansions]
    for (word, certainty, misspelt, _), found in zip(questions, answers):
        strongest = max((strength for _, strength in found), default=0.0)
        for rank, (episode_id, strength) in enumerate(found):
            if episode_id not in hits[word]:
                # BM25 within the notes (saturated term frequency, length-normalised), relative to
                # the notes that say it most; unranked matches by their order.
                relative = strength / strongest if strongest > 0 else 1 - rank / len(found)
                hits[word][episode_id] = (certainty * (1 - _NOTES_SPREAD * (1 - relative)), misspelt)
    return hits


_NO_HIT: _Hit = (0.0, -1, "")
_SYNONYM, _PHRASE_SYNONYM = 0.9, 0.85
# In a question, the best two words decide four fifths of the score.
_DECIDING_WORDS, _REST_SHARE = 2, 0.2
# "The first episode about X" looks among results scoring at least this share of the best one.
_SUBSTANTIAL = 0.85
# A question's answer must match more strongly than a keyword's: calibrated on questions that no
# episode answers (tests/question_queries.py), whose best weak matches score 30 to 31.
_MIN_ANSWER_SCORE = 35.0
_ORDERED_FROM = 25
# The score of an episode found only through its topic, not its words.
_TOPIC_SCORE = 50.0
_MISSPELT = "~"  # the term of a notes hit found only through misspellings of the query word
_SHORTLIST = 50
# Other forms of a word looked up by its stem (terms that start with it, alphabetically).
_STEM_FORMS = 40
# A stop word of the feed's language is left out of a query when more than this share of episodes
# say it; any word, when more than this share does.
_STOP_WORD_SHARE, _SHOW_WORD_SHARE = 0.1, 0.5
# The weight of the one query word the catalogue lacks among at least _CLEAR_ENOUGH words it has.
_CLEAR_ENOUGH = 3
_ONE_MISSING = 0.05
# An episode whose title says the query's words as typed, common words and all.
_PHRASE_SCORE = 100.0
# A number matched away from the words around it in the query ("3" of a date, not "Borderlands 3").
_LONE_NUMBER = 0.3
_MAX_PHRASES = 16
_PHRASES_CONSIDERED = 512
_DESCRIPTION_HITS = 500
_COMMON_SHARE = 0.1
_NOTES_SPREAD = 0.2
# The share of a keyword query's weight an episode must say, in any field.
_COVERED = 0.55
# ... and of their weight, by field, when the catalogue lacks one of the query's words.
_COVERED_LACKING = 0.8
# The weight of a notes hit where the notes say another of the query's words too.
_NOTES_TOGETHER = 0.75
_MIN_COMMON = 50
# Postings visited per query word, the most recently stored first. A very common word's older
# matches are looked up only for the shortlist, which keeps every keystroke fast at any size.
POSTINGS_PER_WORD = 1000


def _phrases(
    asking: Asking,
    vocabulary: _Vocabulary,
    tokens: list[str],
    content: list[str],
    expansions: list[dict[str, float]],
    completing: bool,
) -> tuple[tuple[set[int], set[int]], tuple[set[int], set[int]]]:
    """Episodes that say the query word for word (when it holds common words or a number: "the
    last of us part 2", any way the number is written), and those that say a query number next
    to a word beside it in the query ("borderlands 3", "part ii", "second part"); each as (titles,
    guests or chapters) and notes."""
    nothing: tuple[set[int], set[int]] = (set(), set())
    language = vocabulary.language
    numbers = [i for i, token in enumerate(tokens) if language.is_number(token)]
    if completing or len(tokens) < 2 or len(tokens) > 12:
        return nothing, nothing
    by_word = dict(zip(content, expansions))

    def written(token: str) -> list[str]:
        """A token and the other ways to write it that the catalogue has: a number's other
        numerals, a word's synonyms ("pt" for "part"); its other forms ("scaled" for "scaling")
        only when the catalogue lacks it as typed (each alternative costs a scan of the words'
        postings)."""
        vocabulary.learn({token})
        as_typed = vocabulary.documents[token] and not language.is_number(token)
        if not as_typed:
            alike = [form for form in by_word.get(token, {}) if by_word[token][form] >= _SYNONYM]
            alike = alike or vocabulary.forms(token)
        else:
            alike = []
        stem = language.stem(token)
        synonyms = [
            form[0]
            for form in asking.synonyms.of(token)
            if len(form) == 1 and not (as_typed and language.stem(form[0]) == stem)
        ]
        return list(dict.fromkeys([token, *alike, *synonyms]))

    whole: list[tuple[str, ...]] = []
    if numbers or any(token in language.stop_words for token in tokens):
        # Each way of writing it costs a scan of its words' postings: those nearest the query as
        # typed (the fewest words written otherwise) are looked for.
        spellings = islice(product(*(written(token) for token in tokens)), _PHRASES_CONSIDERED)
        whole = sorted(spellings, key=lambda phrase: sum(a != b for a, b in zip(phrase, tokens)))[:_MAX_PHRASES]
    pairs: list[tuple[str, ...]] = []
    for i in numbers:
        for j in (i - 1, i + 1):
            if 0 <= j < len(tokens) and not language.is_number(tokens[j]):
                for number, word in product(written(tokens[i]), written(tokens[j])):
                    pairs += [(word, number), (number, word)]
    reader = vocabulary.reader
    return reader.phrase_matches(whole, _SHORTLIST), reader.phrase_matches(pairs[:_MAX_PHRASES], _DESCRIPTION_HITS)


def _numbers_in_context(
    vocabulary: _Vocabulary,
    content: list[str],
    hits: list[dict[int, _Hit]],
    adjacent: tuple[set[int], set[int]],
    single: bool,
) -> None:
    """A number counts where it stands beside the query's other words: elsewhere in a title or a
    chapter (a date, another season's number) it counts little, and in the notes ("300 times")
    not at all."""
    beside = adjacent[0] | adjacent[1]
    for word, word_hits in zip(content, hits):
        if not vocabulary.language.is_number(word):
            continue
        for episode_id, (value, field, term) in list(word_hits.items()):
            if field == DESCRIPTION and episode_id not in beside:
                del word_hits[episode_id]
            elif not single and episode_id not in beside:
                word_hits[episode_id] = (value * _LONE_NUMBER, field, term)


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


def _short_field_hits(vocabulary: _Vocabulary, terms: dict[str, float]) -> tuple[dict[int, _Hit], float]:
    """Best hit per episode for one query word over titles, guests and chapters; and, when the
    word's postings were cut short, the value of the best hit that may be missing (else 0)."""
    layers = sorted(
        (
            (certainty * FIELD_WEIGHTS[field], field, term, documents)
            for term, certainty in terms.items()
            for field, documents in vocabulary.fields.get(term, {}).items()
            if field in SHORT_FIELDS
        ),
        key=lambda layer: -layer[0],
    )
    hits: dict[int, _Hit] = {}
    budget = POSTINGS_PER_WORD
    for value, field, term, documents in layers:
        if budget <= 0:
            return hits, value
        take = vocabulary.reader.postings(term, field, budget)
        budget -= len(take)
        # Layers come best first, so a hit already recorded is never replaced; done in C.
        layer = dict.fromkeys(take, (value, field, term))
        layer.update(hits)
        hits = layer
        if len(take) < documents:
            return hits, value
    return hits, 0.0


def _complete_truncated(
    vocabulary: _Vocabulary,
    shortlist: list[int],
    hits: list[dict[int, _Hit]],
    expansions: list[dict[str, float]],
    cut_below: list[float],
) -> None:
    """Fill in, for the shortlist only, what words whose postings were cut short contribute: an
    episode whose hit for a word is as good as any its missing postings could give is complete."""
    unsure = [
        episode_id
        for episode_id in shortlist
        if any(hits[word].get(episode_id, _NO_HIT)[0] < cut for word, cut in enumerate(cut_below))
    ]
    fields = vocabulary.reader.short_field_terms(unsure) if unsure else {}
    for word, cut in enumerate(cut_below):
        if not cut:
            continue
        for episode_id, terms_by_field in fields.items():
            best = hits[word].get(episode_id, _NO_HIT)
            if best[0] >= cut:
                continue
            for term, certainty in expansions[word].items():
                for field, terms in zip(SHORT_FIELDS, terms_by_field):
                    value = certainty * FIELD_WEIGHTS[field]
                    if value > best[0] and term in terms:
                        best = (value, field, term)
            if best[1] >= 0:
                hits[word][episode_id] = best


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


def _joined_where_missing(vocabulary: _Vocabulary, words: list[str]) -> list[str]:
    """Two words the catalogue writes as one ("doppelganger land" for "Doppelgängland", "thread
    ripper"): where one of two neighbours is not indexed and together they are a term (or a
    typo or completion of one), the pair is that one word."""
    joined: list[str] = []
    position = 0
    while position < len(words):
        pair = words[position : position + 2]
        if len(pair) == 2 and not all(vocabulary.documents.get(word) for word in pair):
            together = "".join(pair)
            if together.isalpha() and _expand(vocabulary, together, False):
                joined.append(together)
                position += 2
                continue
        joined.append(words[position])
        position += 1
    return joined


def _misspellings(vocabulary: _Vocabulary, word: str, terms: dict[str, float]) -> set[str]:
    """The terms WORD was expanded to only because they are spelt alike: not the word itself,
    another form of it (its stem's, its number's), or a completion of it."""
    forms = set(vocabulary.forms(word))
    return {term for term in terms if term != word and term not in forms and not term.startswith(word)}


def _snippet(text: str, expansions: list[dict[str, float]], width: int = 120) -> tuple[str, str | None]:
    """A short piece of the notes around the first matched word, cut at word boundaries (never
    inside a URL), and that word as the notes write it."""
    flat = " ".join(text.split())
    lowered = without_urls(flat).lower()  # a word inside an address is not what matched
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
