"""Show-level boilerplate: what a feed repeats in most of its episodes' notes (feedback and social
links, careers lines, sponsor reads). It stays in the stored notes and in search; replies leave
it out, so an episode's summary starts with what the episode is about and its Links field lists
the episode's own links."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from .models import Link

# Only a feed with this many episodes has boilerplate; what at least this share of its episodes
# repeat is boilerplate. A quarter, not a half: shows change accounts over the years (Twitter,
# then Threads), so each social link is in 40-55% of the Meta Tech Podcast's episodes, while an
# episode's own links are in one or two (8% at most).
MIN_EPISODES = 4
SHARE = 0.25
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def sentences(text: str) -> list[str]:
    return [part.strip() for line in text.split("\n") for part in _SENTENCE_END.split(line) if part.strip()]


def _key(sentence: str) -> str:
    return " ".join(sentence.casefold().split())


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
    text: str, boilerplate: Iterable[str], headings: Iterable[str] = (), boilerplate_urls: Iterable[str] = ()
) -> str:
    """The notes' first sentences that are the episode's own, up to the end of their line: not a
    repeated sentence, a heading, or a sentence pointing at the show's repeated links."""
    repeated = set(boilerplate) | {_key(h) for h in headings}
    urls = tuple(boilerplate_urls)

    def own(sentence: str) -> bool:
        key = _key(sentence)
        return key not in repeated and key.rstrip(":") not in repeated and not any(url in sentence for url in urls)

    for line in text.split("\n"):
        if kept := [s for s in sentences(line) if own(s)]:
            return " ".join(kept)
    return ""


def own_links(links: Iterable[Link], boilerplate_urls: Iterable[str]) -> list[Link]:
    repeated = set(boilerplate_urls)
    return [link for link in links if link.url not in repeated]
