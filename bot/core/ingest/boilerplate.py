"""Show-level boilerplate: what a feed repeats in most of its episodes' notes (feedback and social
links, careers lines, sponsor reads). It stays in the stored notes and in search; replies leave
it out, so an episode's summary starts with what the episode is about and its Links field lists
the episode's own links."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from bot.core.models import Episode, Link, PodcastInfo
from bot.core.words.text import tokenize

# Only a feed with this many episodes has boilerplate; what at least this share of its episodes
# repeat is boilerplate. A quarter, not a half: shows change accounts over the years (Twitter,
# then Threads), so each social link is in 40-55% of the Meta Tech Podcast's episodes, while an
# episode's own links are in one or two (8% at most).
MIN_EPISODES = 4
SHARE = 0.25
# A sentence that this many episodes' notes say, its numbers aside, is read out rather than written
# for the episode: a sponsor read, a chapter "0:50 Sponsor: Linode", the show's sign-off. More than
# a series' parts, which may share their notes (LINUX Unplugged's sponsor reads: 6 to 15 episodes).
REPEATED_IN = 5
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# Lines that head a part of the notes rather than say something.
NOTES_HEADINGS = ("Links", "Timestamps", "Chapters", "Show notes", "In this episode", "Topics discussed")
# A notes line this close to the title (rapidfuzz ratio of their words) is the title again.
_TITLE_AGAIN_RATIO = 90
_NUMBER_PREFIX = re.compile(r"^\W*(?:(?:podcast|episode|ep|e)\W*)?\d+\W*", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+")


def sentences(text: str) -> list[str]:
    return [part.strip() for line in text.split("\n") for part in _SENTENCE_END.split(line) if part.strip()]


def _key(sentence: str) -> str:
    return " ".join(sentence.casefold().split())


def said_sentences(notes: Iterable[str]) -> Counter[tuple[str, ...]]:
    """Each sentence of NOTES (one text per episode) as its words without numbers, with how many
    episodes say it."""
    said: Counter[tuple[str, ...]] = Counter()
    for text in notes:
        said.update({tuple(word for word in tokenize(s) if not word.isdigit()) for s in sentences(text)})
    return said


def find_boilerplate(notes: Sequence[str], links: Sequence[Iterable[Link]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(sentences, link URLs) that at least a quarter of the episodes repeat; sentences normalised."""
    if len(notes) < MIN_EPISODES:
        return (), ()
    sentence_counts = Counter(key for text in notes for key in {_key(s) for s in sentences(text)})
    url_counts = Counter(url for episode_links in links for url in {link.url for link in episode_links})
    threshold = max(SHARE * len(notes), 2)
    return (
        tuple(sorted(s for s, n in sentence_counts.items() if n >= threshold)),
        tuple(sorted(u for u, n in url_counts.items() if n >= threshold)),
    )


def summary(
    text: str,
    boilerplate: Iterable[str],
    headings: Iterable[str] = (),
    boilerplate_urls: Iterable[str] = (),
    title: str = "",
) -> str:
    """The notes' first sentences that are the episode's own, up to the end of their line: not a
    repeated sentence, a heading, a sentence pointing at the show's repeated links, or a line that
    only says the title again (PC Perspective's notes open with it)."""
    repeated = set(boilerplate) | {_key(h) for h in headings}
    urls = tuple(boilerplate_urls)

    def own(sentence: str) -> bool:
        key = _key(sentence)
        return key not in repeated and key.rstrip(":") not in repeated and not any(url in sentence for url in urls)

    for line in text.split("\n"):
        if title and _says_the_title(line, title):
            continue
        if kept := [s for s in sentences(line) if own(s)]:
            return " ".join(kept)
    return ""


def episode_summary(episode: Episode, podcast: PodcastInfo | None) -> str:
    """The one summary every front end shows: the notes' first line of the episode's own."""
    return summary(
        episode.description_text,
        podcast.boilerplate_sentences if podcast else (),
        NOTES_HEADINGS,
        podcast.boilerplate_urls if podcast else (),
        title=episode.title,
    )


def _title_words(text: str) -> str:
    return _NON_WORD.sub(" ", _NUMBER_PREFIX.sub("", text.casefold())).strip()


def _says_the_title(line: str, title: str) -> bool:
    line_words, title_words = _title_words(line), _title_words(title)
    return bool(title_words) and fuzz.ratio(line_words, title_words) >= _TITLE_AGAIN_RATIO


def own_links(links: Iterable[Link], boilerplate_urls: Iterable[str]) -> list[Link]:
    repeated = set(boilerplate_urls)
    return [link for link in links if link.url not in repeated]
