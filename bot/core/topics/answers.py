"""Topics and related episodes, answered from the index in the search thread (Searcher.run).

`topic_answer`: a tagged topic's episodes (each with why it is in the topic) and articles; for
words that are no tagged topic, the episodes substantially about them (the words in the title,
a chapter or a guest's name, or said at least twice in the notes; never merely inside a link);
when no episode is, the closest topics. `related`: the episodes closest to one by its words
(TF-IDF over its title, chapters and notes) and by the topics they share.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.formatting import timestamp
from bot.core.ingest.urls import without_urls
from bot.core.models import Episode, Match, MatchReason, Related, TopicAnswer, TopicCount, TopicResult
from bot.core.search.index import IndexReader, quote_term
from bot.core.search.searcher import MAX_QUERY_CHARS, Asking, common_words, search_in, topic_named
from bot.core.store.rows import reading_of
from bot.core.sync.identity import original_title
from bot.core.topics.labels import Vector, cosine, inverse_document_frequency, phrase_of, topic_label, vector
from bot.core.words.language import stop_words
from bot.core.words.text import tokenize

_CANDIDATES = 50
MOST_LISTED = 200  # `topic NAME` lists at most this many episodes, and /topics counts as many
_MENTIONS_THAT_COUNT = 2  # "carrying weight in the notes": said at least this often
_SUGGESTIONS = 5
_SUGGESTION_CUTOFF = 60
# Related: the episode's most distinctive words searched for, the best few candidates compared.
_DISTINCTIVE_WORDS = 15
_RELATED_CANDIDATES = 40
_REACH = 5_000
_COMMON_SHARE = 0.2  # a word in more than this share of the episodes says nothing about likeness
_RARE_SHARE = 0.05  # a word in at most this share (or two episodes) is distinctive on its own
_MIN_LIKENESS = 0.05
_MOST_BONUS = 0.25
_SHARED_TOPIC_BONUS = {"article": 0.12, "feed": 0.12, "url": 0.08, "inferred": 0.04}


def label_of(asking: Asking, name: str) -> str:
    """How topic NAME is shown: as the publisher spells it, else made from its name."""
    return asking.reader.topic_labels().get(name) or topic_label(name)


def all_topics(asking: Asking) -> list[TopicCount]:
    """Every topic with its episode and article counts, those with most episodes first."""
    counts = [
        # Across podcasts the counts add up, and `topic NAME` lists at most MOST_LISTED of them.
        TopicCount(name=name, label=label_of(asking, name), episodes=min(episodes, MOST_LISTED), articles=articles)
        for name, episodes, articles in asking.reader.topic_counts()
    ]
    return sorted(counts, key=lambda t: (-t.episodes, -t.articles, t.name))


def topic_answer(asking: Asking, asked: str, limit: int) -> TopicAnswer:
    text = " ".join((asked or "").split())[:MAX_QUERY_CHARS]
    name = topic_named(asking, text) or _labelled(asking, text)
    if name is not None:
        return _tagged(asking, text, name, limit)
    results = _substantially_about(asking, text, limit)
    phrase = phrase_of(text)
    if results:
        return TopicAnswer(asked=text, name=phrase, label=text, tagged=False, results=tuple(results))
    return TopicAnswer(asked=text, name=phrase, label=text, tagged=False, suggestions=tuple(_closest(asking, text)))


def _labelled(asking: Asking, text: str) -> str | None:
    """The topic /topics shows as TEXT ("Messaging and queues" for messaging-queues), if any."""
    phrase = phrase_of(text)
    return next(
        (name for name, _, _ in asking.reader.topic_counts() if phrase_of(label_of(asking, name)) == phrase), None
    )


def _tagged(asking: Asking, asked: str, name: str, limit: int) -> TopicAnswer:
    results = _listed(asking, asked, name, limit)
    articles = tuple(reading_of(row, "") for row in asking.reader.topic_articles(name))
    return TopicAnswer(
        asked=asked, name=name, label=label_of(asking, name), tagged=True, results=tuple(results), articles=articles
    )


def _listed(asking: Asking, asked: str, name: str, limit: int) -> list[TopicResult]:
    """The episodes topic NAME lists when ASKED: those tagged with it, then those substantially
    about its words, then those inferred to be about it; the first LIMIT of them (a shorter list
    is the start of the longer one, so every page agrees with the count /topics shows)."""
    reader = asking.reader
    label = label_of(asking, name)
    members = reader.topic_members(name, MOST_LISTED)
    episodes = {episode.id: episode for episode in reader.episodes([m[0] for m in members])}
    titles = reader.linked_article_titles([m[0] for m in members if m[1] == "article"])
    tagged: list[TopicResult] = []
    inferred: list[TopicResult] = []
    for episode_id, source, weight in members:
        if episode_id not in episodes:
            continue
        match = Match(episodes[episode_id], _SOURCE_SCORE.get(source, 50 + 50 * weight), MatchReason("topic", label))
        reason = _SOURCE_REASONS[source].format(label=label, article=titles.get(episode_id, "its companion post"))
        (inferred if source == "inferred" else tagged).append(TopicResult(match, reason))
    listed = {result.match.episode.id for result in [*tagged, *inferred]}
    words_for_it = asking.topic_words.words_for(name)
    phrases = dict.fromkeys([*words_for_it, phrase_of(asked)])  # the asked words are often among them
    about = {phrase: _substantially_about(asking, phrase, MOST_LISTED) for phrase in phrases}
    mentioning = [result for words in words_for_it for result in about[words] if result.match.episode.id not in listed]
    ordered = [*tagged, *mentioning, *inferred]
    if phrase_of(asked) not in (phrase_of(name), phrase_of(label)):
        # Asked by another word ("privacy" for security): the episodes about that word come first.
        about_it = {r.match.episode.id for r in about[phrase_of(asked)]}
        ordered.sort(key=lambda result: result.match.episode.id not in about_it)
    return list({r.match.episode.id: r for r in ordered}.values())[:limit]


def listed_counts(asking: Asking, topics: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """TOPICS (name, episodes tagged, articles) with the episodes `topic NAME` lists in place of
    those tagged: what a sync stores, so /topics counts what /topic shows."""
    return [(name, len(_listed(asking, name, name, MOST_LISTED)), articles) for name, _, articles in topics]


_SOURCE_SCORE = {"article": 100.0, "feed": 95.0, "url": 90.0}
_SOURCE_REASONS = {
    "article": "its companion post “{article}” is tagged {label}",
    "feed": "the feed files it under {label}",
    "url": "its companion post is filed under {label}",
    "inferred": "its notes read like the other {label} episodes",
}


def _substantially_about(asking: Asking, text: str, limit: int) -> list[TopicResult]:
    """Episodes whose title, chapters or guests hold TEXT's words, or whose notes say them at
    least twice (outside links), strongest first."""
    words = tokenize(text)
    common = common_words(asking.reader, words)
    typed = tuple(word for word in words if word not in common) or tuple(words)
    if not typed:
        return []
    # The words as typed, and what else means the same ("js" for javascript, "oss" for open source).
    forms = [[_bare(word) for word in form] for form in [typed, *asking.synonyms.of_phrase(typed)]]
    found = []
    for position, match in enumerate(search_in(asking, text, _CANDIDATES)):
        where = _where_about(match.episode, forms)
        if where is not None:
            strength, reason, matched = where
            found.append((strength, position, TopicResult(Match(match.episode, match.score, matched), reason)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [result for _, _, result in found[:limit]]


def _where_about(episode: Episode, forms: list[list[str]]) -> tuple[tuple[int, int], str, MatchReason] | None:
    """Where EPISODE is about one of FORMS (word sequences), as (strength to sort by, reason,
    what matched), or None."""
    if _holds(episode.title, forms):
        return (0, 0), "in the title", MatchReason("title", episode.title)
    for guest in episode.guests:
        if _holds(guest, forms):
            return (1, 0), f"a guest: {guest}", MatchReason("guest", guest)
    for chapter in episode.chapters:
        if _holds(chapter.title, forms):
            return (
                (1, 0),
                f"chapter {timestamp(chapter.start_seconds)} {chapter.title}",
                MatchReason("chapter", chapter.title, chapter.start_seconds),
            )
    mentions = _mentions(_notes_words(episode.description_text), forms)
    if mentions >= _MENTIONS_THAT_COUNT:
        return (2, -mentions), f"mentioned {mentions} times in the notes", MatchReason("topic", " ".join(forms[0]))
    return None


def _bare(word: str) -> str:
    """A word without its ending, so "compilers" is about "compiler" and "open-sourcing" about
    "open source"."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3 and not word.endswith("ss"):
            return word[: -len(ending)]
    return word


_ENDINGS = ("ing", "ed", "es", "s", "e")


def _holds(text: str, forms: list[list[str]]) -> bool:
    return _mentions(_bare_words(text), forms) > 0


def _mentions(tokens: tuple[str, ...], forms: list[list[str]]) -> int:
    """How many times TOKENS (bare words) say one of FORMS (word sequences, compared without their endings)."""
    return sum(
        1
        for words in map(tuple, forms)
        for start in range(len(tokens) - len(words) + 1)
        if tokens[start] == words[0] and tokens[start : start + len(words)] == words
    )


def _bare_words(text: str) -> tuple[str, ...]:
    """TEXT's words without their endings."""
    return tuple(_bare(token) for token in tokenize(text))


@functools.lru_cache(maxsize=512)
def _notes_words(notes: str) -> tuple[str, ...]:
    """The bare words of NOTES outside their web addresses. Kept for the last few hundred notes: a
    sync counting every topic reads the same episodes' notes for many topics, and taking the
    addresses out of up to 100,000 characters is the costly part."""
    return _bare_words(without_urls(notes))


def suggest_topics(asking: Asking, typed: str, limit: int) -> list[TopicCount]:
    """Topics as someone types a name: all of them (the largest first) for nothing typed; else
    those whose name or label starts with it, then those spelt most like it."""
    topics = all_topics(asking)
    phrase = phrase_of(typed)
    if not phrase:
        return topics[:limit]
    starting = [t for t in topics if t.name.replace("-", " ").startswith(phrase) or t.label.lower().startswith(phrase)]
    spelt = _spelt_like(asking, topics, phrase)
    return list({t.name: t for t in [*starting, *spelt]}.values())[:limit]


def _closest(asking: Asking, text: str) -> list[TopicCount]:
    """The topics spelt most like TEXT (by name, label or alias); else the largest topics."""
    topics = all_topics(asking)
    return _spelt_like(asking, topics, phrase_of(text))[:_SUGGESTIONS] or topics[:_SUGGESTIONS]


def _spelt_like(asking: Asking, topics: list[TopicCount], phrase: str) -> list[TopicCount]:
    by_name = {topic.name: topic for topic in topics}
    names: dict[str, str] = {}
    for topic in topics:
        names.setdefault(topic.name.replace("-", " "), topic.name)
        names.setdefault(topic.label.lower(), topic.name)
    for alias, name in asking.topic_words.aliases.items():
        if name in by_name:
            names.setdefault(alias, name)
    closest: dict[str, None] = {}
    for written, _, _ in process.extract(
        phrase, list(names), scorer=fuzz.WRatio, score_cutoff=_SUGGESTION_CUTOFF, limit=len(names)
    ):
        closest.setdefault(names[written], None)
    return [by_name[name] for name in closest]


def related_many(asking: Asking, episode_ids: list[int], limit: int) -> dict[int, list[Related]]:
    """`related` for each of EPISODE_IDS (what a sync stores)."""
    return {episode_id: related(asking, episode_id, limit) for episode_id in episode_ids}


def related(asking: Asking, episode_id: int, limit: int) -> list[Related]:
    """The episodes most like EPISODE_ID in its own podcast, best first, each with a distinctive
    thing they share; one with nothing distinctive in common is left out."""
    podcast_id = asking.reader.podcast_of(episode_id)
    if podcast_id is None:
        return []
    with asking.reader.focused([podcast_id]):
        return _related(asking, episode_id, limit)


def _related(asking: Asking, episode_id: int, limit: int) -> list[Related]:
    reader = asking.reader
    texts = reader.indexed_text([episode_id])
    if episode_id not in texts:
        return []
    stop = stop_words(reader.language_tag())
    short, notes = texts[episode_id]
    words = tokenize(f"{short}\n{notes}")
    documents = _telling_counts(reader, set(words), stop)
    mine = vector(words, _weights(reader, documents))
    # Words only this episode has find no other; the rarest shared ones find the likeliest.
    shared_words = [word for word in mine if documents[word] > 1]
    distinctive = _within_reach(sorted(shared_words, key=mine.__getitem__, reverse=True), documents)
    candidates: dict[int, None] = {}
    if distinctive:
        expression = "{title chapters description} : (" + " OR ".join(quote_term(w) for w in distinctive) + ")"
        candidates.update(
            dict.fromkeys(i for i, _ in reader.notes_matches([(expression, True)], _RELATED_CANDIDATES)[0])
        )
    my_topics = dict(reader.topics_of([episode_id])[episode_id])
    for topic in my_topics:
        candidates.update(dict.fromkeys(m[0] for m in reader.topic_members(topic, _RELATED_CANDIDATES)))
    candidates.pop(episode_id, None)
    others = reader.indexed_text(list(candidates))
    their_words = {other_id: tokenize(f"{a}\n{b}") for other_id, (a, b) in others.items()}
    all_theirs = {word for listed in their_words.values() for word in listed}
    their_counts = _telling_counts(reader, all_theirs, stop)
    rare = max(2.0, reader.episode_total() * _RARE_SHARE)
    their_idf = _weights(reader, their_counts)
    their_topics = reader.topics_of(list(others))
    scored = []
    for other_id, listed in their_words.items():
        theirs = vector(listed, their_idf)
        likeness = cosine(mine, theirs)
        shared = [(topic, source) for topic, source in their_topics[other_id] if topic in my_topics]
        bonus = sum(max(_SHARED_TOPIC_BONUS[s], _SHARED_TOPIC_BONUS[my_topics[t]]) for t, s in shared)
        if likeness >= _MIN_LIKENESS or shared:
            scored.append((likeness + min(bonus, _MOST_BONUS), other_id, shared, theirs))
    scored.sort(key=lambda item: -item[0])
    shown = [item[1] for item in scored[: limit * 3]]
    episodes = {episode.id: episode for episode in reader.episodes([episode_id, *shown])}
    me = episodes.get(episode_id)
    own_title = original_title(me.title if me else "")
    mine_text = _Text(short, notes, me.guests if me else ())
    found: list[Related] = []
    for score, other_id, shared, theirs in scored:
        episode = episodes.get(other_id)
        if episode is None or original_title(episode.title) == own_title:
            continue  # a re-release of the same episode is the episode, not one like it
        other = _Text(others[other_id][0], others[other_id][1], episode.guests)
        reason = _likeness_reason(asking, shared, mine, theirs, mine_text, other, their_counts, stop, rare)
        if reason is not None:
            found.append(Related(episode, round(score, 3), reason))
        if len(found) >= limit:
            break
    return found


@dataclass(frozen=True, slots=True)
class _Text:
    headline: str  # title and chapters
    notes: str
    guests: tuple[str, ...]


def _within_reach(words: list[str], documents: dict[str, int]) -> list[str]:
    """The first _DISTINCTIVE_WORDS of WORDS whose episodes together number at most _REACH: a
    search ranked by BM25 reads every episode its words are in, so that is what it may cost."""
    chosen, reach = [], 0
    for word in words[: _DISTINCTIVE_WORDS * 2]:
        if reach + documents[word] <= _REACH:
            chosen.append(word)
            reach += documents[word]
        if len(chosen) >= _DISTINCTIVE_WORDS:
            break
    return chosen


def _likeness_reason(
    asking: Asking,
    shared: list[tuple[str, str]],
    mine: Vector,
    theirs: Vector,
    one: _Text,
    other: _Text,
    documents: dict[str, int],
    stop: frozenset[str],
    rare: float,
) -> str | None:
    """A distinctive thing two episodes share, as a listener would name it: a topic both are
    tagged with, a guest both have, a rare word both headlines (titles, chapters) hold, a phrase
    of two words both say (one of them rare, or both written as a name); else a topic inferred for
    both; else None."""
    tagged = [topic for topic, source in shared if source != "inferred"]
    if tagged:
        return f"also about {label_of(asking, tagged[0])}"
    guests = {guest.casefold(): guest for guest in other.guests}
    for guest in one.guests:
        if guest.casefold() in guests:
            return f"both with {guest}"
    common = [word for word in mine if word in theirs]
    in_both_headlines = set(tokenize(one.headline)) & set(tokenize(other.headline))
    headline_words = [word for word in common if word in in_both_headlines and documents.get(word, rare + 1) <= rare]
    if headline_words:
        word = max(headline_words, key=lambda w: mine[w] * theirs[w])
        return f"both discuss {_written(word, one.headline + chr(10) + other.headline) or word}"
    phrase = _shared_phrase(f"{one.headline}\n{one.notes}", f"{other.headline}\n{other.notes}", documents, stop, rare)
    if phrase is not None:
        return f"both discuss {phrase}"
    inferred = [topic for topic, source in shared if source == "inferred"]
    return f"also about {label_of(asking, inferred[0])}" if inferred else None


def _shared_phrase(one: str, other: str, documents: dict[str, int], stop: frozenset[str], rare: float) -> str | None:
    """The rarest run of two telling words (neither a stop word, a number or common) both texts
    say, as the first writes it: one of the words rare, or the phrase written as a name in both."""

    def pairs(text: str) -> set[tuple[str, str]]:
        words = tokenize(text)
        return {pair for pair in itertools.pairwise(words) if all(w in documents and len(w) > 1 for w in pair)}

    def named(written: str) -> bool:
        return all(word[:1].isupper() for word in re.split("[ -]", written))

    found = []
    for pair in pairs(one) & pairs(other):
        mine, theirs = _written(" ".join(pair), one), _written(" ".join(pair), other)
        if mine is None or theirs is None:
            continue  # the words meet only across punctuation or a line: no phrase
        if min(documents[w] for w in pair) <= rare or (named(mine) and named(theirs)):
            found.append((min(documents[w] for w in pair), mine))
    return min(found)[1] if found else None


def _written(words: str, text: str) -> str | None:
    """WORDS as TEXT writes them, one space or hyphen apart ("Kotlin", "Red Hat"), or None."""
    pattern = "[ -]".join(re.escape(word) for word in words.split())
    written = re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)
    return written.group(0) if written else None


def _telling_counts(reader: IndexReader, words: set[str], stop: frozenset[str]) -> dict[str, int]:
    """How many episodes have each of WORDS, for the words that can tell episodes apart: not STOP
    words, numbers, or words in more than _COMMON_SHARE of the episodes."""
    total = max(reader.episode_total(), 1)
    common = max(2, total * _COMMON_SHARE)
    return {
        word: documents
        for word, (documents, _) in reader.term_counts(words - stop).items()
        if documents <= common and not word.isdigit()
    }


def _weights(reader: IndexReader, documents: dict[str, int]) -> dict[str, float]:
    """Inverse document frequency of each word DOCUMENTS counts."""
    total = max(reader.episode_total(), 1)
    return {word: inverse_document_frequency(count, total) for word, count in documents.items()}
