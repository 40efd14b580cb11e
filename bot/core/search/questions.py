"""Reading a question as a listener types it: which words carry its meaning, and what it asks for.

"what was the first episode about kotlin?" is the word "kotlin" and the wish for the oldest
episode about it; "when in the image quality episode do they get to measuring it?" asks for an
episode and the moment in it. Keyword queries ("caddy", "rust c++") pass through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.words.text import tokenize

MAX_QUERY_CHARS = 200  # the longest query read (search, autocomplete, transcript moments)
NEWEST, OLDEST = "newest", "oldest"
# Words of English questions that say how something is asked, not what it is about.
FILLER = frozenset(
    """
    about again also any anybody anyone anything appear appeared are around at be been being but by can
    could cover covered covering covers did discuss discussed discusses discussing do does doing done
    ever explain explained explains find get gets getting go going got guest guests guy had has have
    he heard hear her here him his i if in into is it its just know looking me mention mentioned
    mentions my of on one ones or part point remember said say saying says show shows so some somebody someone something
    speak spoke talk talked talking talks tell that the their them there these they thing things this
    those time to topic us was way we were what whats when where which who whom whose why will with
    would you your episode episodes ep podcast use used uses using make makes making made look looks
    like more less much many most really good great lot lots kind sort bunch stuff
    """.split()
)
_ORDER_WORDS = {
    "latest": NEWEST, "newest": NEWEST, "recent": NEWEST, "last": NEWEST,
    "first": OLDEST, "oldest": OLDEST, "original": OLDEST, "earliest": OLDEST,
}  # fmt: skip
_REPEATS = frozenset({"archive", "archived", "rerun", "rerelease", "replay", "repeat", "rebroadcast"})
_WHEN_OPENINGS = (("when",), ("at", "what", "point"), ("what", "time"), ("where", "in"), ("how", "far"))


@dataclass(frozen=True, slots=True)
class Question:
    words: tuple[str, ...]  # what the question is about, in the order asked
    order: str | None = None  # NEWEST or OLDEST first, when it asks for the latest or the first
    when: bool = False  # it asks for the moment in an episode: the chapter is the answer
    repeats_wanted: bool = False  # it asks for a re-release ("the archive one")
    asked: bool = False  # typed as a question or a sentence, not as keywords
    order_word: str | None = None  # the word that asks for the order ("last", "first")

    @property
    def text(self) -> str:
        return " ".join(self.words)


def read_question(query: str) -> Question:
    words = tokenize(query)
    if not _is_question(query, words):
        return Question(tuple(words))
    words = _joined_reruns(words)
    when = any(tuple(words[: len(opening)]) == opening for opening in _WHEN_OPENINGS)
    order_word = next((w for w in words if w in _ORDER_WORDS), None)
    order = _ORDER_WORDS[order_word] if order_word else None
    # "not the re-run" asks for the original; "the archive one" for the re-release.
    repeats = [i for i, w in enumerate(words) if w in _REPEATS]
    repeats_wanted = any(not _NEGATIONS.intersection(words[max(i - 2, 0) : i]) for i in repeats)
    meaning = [w for w in words if w not in FILLER and w not in _ORDER_WORDS and w not in _REPEATS | _NEGATIONS]
    if not meaning:  # a query of such words only ("the first one") is taken as typed
        return Question(tuple(words), asked=True)
    return Question(tuple(meaning), order, when, repeats_wanted, asked=True, order_word=order_word)


def _joined_reruns(words: list[str]) -> list[str]:
    """ "re-run" is two tokens; as one word it is a repeat like the others ("re-architect" stays)."""
    joined: list[str] = []
    for word in words:
        if word == "run" and joined and joined[-1] == "re":
            joined[-1] = "rerun"
        else:
            joined.append(word)
    return joined


def _is_question(query: str, words: list[str]) -> bool:
    """Typed as a question or a sentence, not as keywords ("caddy", "diff authoring time")."""
    return query.rstrip().endswith("?") or (bool(words) and words[0] in _OPENERS) or len(words) >= 4


_NEGATIONS = frozenset({"not", "no", "without"})
_OPENERS = frozenset(
    "what which who whom whose when where why how is was were are did does do has have had any anything "
    "anyone the a an one episode that there at newest latest first oldest original most earliest".split()
)
