"""Topics: their names and labels, the words listeners use for them, and topics inferred for
episodes nothing tags.

A topic is named as a blog tags it ("distributed-systems"): lower-case words joined by hyphens,
whatever the source wrote ("Distributed Systems", "distributed_systems"). Where an episode's topics
come from, most trusted first: its companion articles' tags, the feed's own categories and
keywords on the item, the category in a companion article's address, and, for an episode with none
of these, inference from its words (`infer`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.core.ingest.boilerplate import REPEATED_IN
from bot.core.words.language import stems
from bot.core.words.text import tokenize

SOURCES = ("article", "feed", "url", "inferred")  # most trusted first
_MAX_NAME_WORDS = 6
_MAX_NAME_CHARS = 60

# Words listeners type for a topic the blog names otherwise. Config [topics] aliases adds more.
SHIPPED_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        ("ml", "machine learning", "ai", "artificial intelligence", "llm", "llms", "genai", "deep learning"),
        "ml-systems",
    ),
    **dict.fromkeys(
        ("privacy", "encryption", "e2ee", "end to end encryption", "cryptography", "crypto", "infosec", "secure"),
        "security",
    ),
    **dict.fromkeys(
        ("vr", "ar", "xr", "mr", "mixed reality", "augmented reality", "virtual reality", "metaverse"),
        "virtual-reality",
    ),
    **dict.fromkeys(("distributed", "distributed computing"), "distributed-systems"),
    **dict.fromkeys(("storage", "database", "databases", "db"), "storage-systems"),
    **dict.fromkeys(("monitoring", "metrics", "tracing"), "observability"),
    **dict.fromkeys(("cache", "caches"), "caching"),
    **dict.fromkeys(("real time", "realtime", "live video", "calling"), "real-time-systems"),
    **dict.fromkeys(("messaging", "queues", "queue"), "messaging-queues"),
    **dict.fromkeys(("devtools", "dev tools", "tooling", "developer tooling"), "developer-tools"),
}
# Labels that capitalising the first word gets wrong.
_LABEL_WORDS = {"ml": "ML", "ai": "AI", "vr": "VR", "ar": "AR", "ios": "iOS", "api": "API", "llm": "LLM", "ci": "CI"}
_LABELS = {"real-time-systems": "Real-time systems", "messaging-queues": "Messaging and queues"}

# Inference: an episode gets a topic when its words are at least this similar (cosine of TF-IDF
# vectors) to the centroid of the topic's tagged episodes and articles. Calibrated on the bundled
# episodes against the hand labels in tests/topic_labels.py: 0.12 lets through the episodes a
# listener files under the topic and keeps out those that only share the show's usual words.
INFER_THRESHOLD = 0.12
INFER_MAX_TOPICS = 2
_MOST_INFERRED = 5  # with ties
# A topic needs this many tagged episodes and articles before episodes are inferred into it: the
# likeness to a single one is mostly that episode's own quirks.
_MIN_REFERENCES = 2


def topic_name(raw: str) -> str | None:
    """The topic RAW names ("Distributed Systems" -> "distributed-systems"), or None."""
    words = tokenize(raw or "")[:_MAX_NAME_WORDS]
    name = "-".join(words)[:_MAX_NAME_CHARS].strip("-")
    return name or None


def topic_label(name: str) -> str:
    """How a topic is shown: "distributed-systems" -> "Distributed systems", "ml-systems" -> "ML systems"."""
    if name in _LABELS:
        return _LABELS[name]
    words = [_LABEL_WORDS.get(word, word) for word in name.split("-")]
    if words and words[0] == words[0].lower():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


# A tag on more than this share of the episodes that carry tags (and on at least
# _SHOW_WIDE_EPISODES) is the show's, not a topic. Measured on eleven real feeds: tags are on at
# most 30% of the tagged episodes or on 78% and more (SE Radio "engineering" 249 of 249,
# TechSNAP's 15 keywords and Giant Bombcast's 11 on every item, LINUX Unplugged's "Linux Podcast"
# on 120 of the 129 items it gives keywords, which are a third of its 384 episodes); none falls
# between.
SHOW_WIDE_SHARE = 0.4
_SHOW_WIDE_EPISODES = 3
# A tag the notes name almost only in sentences that several episodes repeat (a sponsor read "A
# Cloud Guru: Hundreds of courses...", a chapter "0:50 Sponsor: A Cloud Guru", the show's name in
# its sign-off) is the show's too. Measured on the same feeds: such tags have 92-93% of their
# mentions in sentences said in 5 or more episodes (boilerplate.REPEATED_IN), every topic 56% or
# less.
_READ_OUT_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class FeedTopics:
    """What a feed's tags make: each episode's topics, how each is spelt, and the show's own tags."""

    rows: list[tuple[int, str]]
    labels: dict[str, str]
    spellings: dict[str, str]  # another name of a topic -> the topic
    show_wide: list[str]


def feed_topics(
    tags: Sequence[tuple[int, str]], language: str | None, said: Mapping[tuple[str, ...], int] | None = None
) -> FeedTopics:
    """Topics from (episode id, tag as written) pairs: spellings whose words share stems in the
    feed's LANGUAGE are one topic (named as most episodes write it); a tag on more than
    SHOW_WIDE_SHARE of the tagged episodes, or one the notes name almost only in the sentences
    they repeat (SAID: each sentence's words with how many episodes say it,
    boilerplate.said_sentences), is the show's, not a topic."""
    named = [(episode_id, raw, name) for episode_id, raw in tags if (name := topic_name(raw))]
    spellings = {name for _, _, name in named}
    key_of = {name: "-".join(stems(name.split("-"), language)) for name in spellings}
    members: dict[str, set[int]] = {}
    names: dict[str, Counter[str]] = {}
    written: dict[str, Counter[str]] = {}
    for episode_id, raw, name in named:
        key = key_of[name]
        members.setdefault(key, set()).add(episode_id)
        names.setdefault(key, Counter())[name] += 1
        written.setdefault(key, Counter())[" ".join(raw.split())] += 1
    tagged = len({episode_id for episode_id, _, _ in named})
    show_wide = {
        key for key, ids in members.items() if len(ids) >= _SHOW_WIDE_EPISODES and len(ids) > SHOW_WIDE_SHARE * tagged
    }
    show_wide |= _read_out({tuple(name.split("-")): key for name, key in key_of.items()}, said or {})
    chosen = {key: min(counts, key=lambda n: (-counts[n], len(n), n)) for key, counts in names.items()}
    rows = sorted(
        {(episode_id, chosen[key]) for key, ids in members.items() if key not in show_wide for episode_id in ids}
    )
    labels = {}
    for key, counts in written.items():
        if key not in show_wide:
            spelling = min(counts, key=lambda w: (-counts[w], w))
            labels[chosen[key]] = spelling if spelling != spelling.lower() else topic_label(chosen[key])
    spelt = {name: chosen[key_of[name]] for name in spellings if name != chosen[key_of[name]]}
    return FeedTopics(rows, labels, spelt, sorted(chosen[key] for key in show_wide))


def _read_out(keys: Mapping[tuple[str, ...], str], said: Mapping[tuple[str, ...], int]) -> set[str]:
    """The topics (KEYS: the words of each spelling -> its topic) that SAID's sentences name
    almost only where several episodes repeat them."""
    longest = max((len(words) for words in keys), default=0)
    mentions: Counter[str] = Counter()
    read_out: Counter[str] = Counter()
    for words, episodes in said.items():
        named = {
            keys[words[start:end]]
            for start in range(len(words))
            for end in range(start + 1, min(len(words), start + longest) + 1)
            if words[start:end] in keys
        }
        for key in named:
            mentions[key] += episodes
            if episodes >= REPEATED_IN:
                read_out[key] += episodes
    return {key for key, count in read_out.items() if count >= _READ_OUT_SHARE * mentions[key]}


def phrase_of(text: str) -> str:
    """Text as aliases are keyed: its words, lower case, single spaces."""
    return " ".join(tokenize(text or ""))


class TopicWords:
    """Which topic a listener's words name: the topic itself, or an alias of it."""

    def __init__(self, extra_aliases: Mapping[str, str] | None = None) -> None:
        self.aliases: dict[str, str] = {}
        for phrase, topic in {**SHIPPED_ALIASES, **(extra_aliases or {})}.items():
            name = topic_name(topic)
            if name and phrase_of(phrase):
                self.aliases[phrase_of(phrase)] = name

    def names_for(self, text: str) -> list[str]:
        """The topics TEXT may name, likeliest first: the topic so named, then the one it is an
        alias of. Whether such a topic exists is the index's to say."""
        names = [topic_name(text), self.aliases.get(phrase_of(text))]
        return [name for name in dict.fromkeys(names) if name]

    def words_for(self, topic: str) -> list[str]:
        """Everything that names TOPIC: its label's words first, then its aliases."""
        return [topic.replace("-", " "), *(phrase for phrase, name in self.aliases.items() if name == topic)]


Vector = dict[str, float]


def inverse_document_frequency(documents: int, total: int) -> float:
    """How much a word found in DOCUMENTS of TOTAL episodes says about which one is meant: rare
    words a lot, a word in every episode next to nothing (below zero when in nearly all)."""
    return math.log((total + 1) / (documents + 0.5))


def vector(words: Iterable[str], idf: Mapping[str, float]) -> Vector:
    """A TF-IDF vector of WORDS (log-scaled counts), of unit length; words IDF lacks are left out."""
    counts = Counter(word for word in words if word in idf)
    weights = {word: (1 + math.log(count)) * idf[word] for word, count in counts.items()}
    length = math.sqrt(sum(w * w for w in weights.values()))
    return {word: w / length for word, w in weights.items()} if length else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(word, 0.0) for word, weight in a.items())


def infer(
    candidates: Mapping[int, Vector], references: Sequence[tuple[Vector, frozenset[str]]]
) -> dict[int, list[tuple[str, float]]]:
    """For each candidate episode, the topics whose centroid (of the REFERENCES tagged with it)
    its vector is closest to, above INFER_THRESHOLD, best first, at most INFER_MAX_TOPICS."""
    sums: dict[str, Counter[str]] = {}
    counts: Counter[str] = Counter()
    for reference, topics in references:
        for topic in topics:
            sums.setdefault(topic, Counter()).update(reference)
            counts[topic] += 1
    centroids: dict[str, Vector] = {}
    for topic, total in sums.items():
        if counts[topic] < _MIN_REFERENCES:
            continue
        length = math.sqrt(sum(w * w for w in total.values()))
        if length:
            centroids[topic] = {word: w / length for word, w in total.items()}
    inferred: dict[int, list[tuple[str, float]]] = {}
    for episode_id, candidate in candidates.items():
        scored = sorted(
            ((topic, round(cosine(candidate, centroid), 4)) for topic, centroid in centroids.items()),
            key=lambda pair: (-pair[1], pair[0]),
        )
        kept = [(topic, score) for topic, score in scored if score >= INFER_THRESHOLD]
        # Topics as close as the last one kept are kept too: which of equals to drop is no choice.
        cut = kept[INFER_MAX_TOPICS - 1][1] if len(kept) >= INFER_MAX_TOPICS else 0.0
        chosen = [(topic, score) for rank, (topic, score) in enumerate(kept) if rank < INFER_MAX_TOPICS or score >= cut]
        if chosen:
            inferred[episode_id] = chosen[:_MOST_INFERRED]
    return inferred
