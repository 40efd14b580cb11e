"""Deterministic synthetic podcasts: realistic titles, notes, guests and ~15 chapters an episode."""

from __future__ import annotations

import datetime as dt
import random
from html import escape

from bot.core.models import Chapter, ParsedEpisode

TOPICS = (
    "Rust Kotlin Swift Python Java TypeScript GraphQL React Compose Buck2 Sapling Hermes Litho Flipper "
    "StyleX Pyrefly DotSlash Cinder WebAssembly LLVM Android iOS Threads Instagram WhatsApp Messenger "
    "Quest Horizon Llama PyTorch Presto Velox Scuba Tupperware Twine Delos Zippy ZippyDB Memcache TAO "
    "Hack HHVM Jest Relay Yoga Fresco Infer Sapienz Redex Folly Thrift Glean Watchman Mercurial"
).split()
THINGS = (
    "build systems|type checkers|mobile performance|video compression|cold start|battery life|privacy|"
    "encryption|code review|incident response|observability|static analysis|accessibility|design systems|"
    "machine learning|recommendations|notifications|image quality|networking|caching|storage|databases|"
    "developer productivity|testing at scale|release engineering|configuration safety|codemods|migrations|"
    "memory safety|garbage collection|compilers|mixed reality|smart glasses|hand tracking|displays|audio codecs"
).split("|")
VERBS = ("Building", "Scaling", "Rethinking", "Shipping", "Inside", "Lessons from", "The story of", "Measuring")
NAMES = (
    "Ada Alan Grace Linus Margaret Ken Dennis Barbara Donald Edsger Frances Guido James Jean John Katherine "
    "Leslie Lisa Mary Niklaus Radia Shafi Sophie Tim Yukihiro Anders Bjarne Brendan Chris Dan Elena Fatima "
    "Hana Ines Jonas Kofi Lena Mateo Nadia Omar Priya Quinn Ravi Sara Tomas Uma Viktor Wen Xin Yara Zoe"
).split()
CHAPTER_PHRASES = (
    "Intro|Guest intro|What is {topic}?|Why {topic}?|The problem with {thing}|How {thing} works|"
    "Early prototypes|Measuring {thing}|Scaling {topic}|Migrating to {topic}|Surprises along the way|"
    "Working with open source|What went wrong|Debugging {thing}|Tooling for {thing}|Hiring and teams|"
    "What's next for {topic}?|Advice for listeners|Outro|Outtakes"
).split("|")
SENTENCES = (
    "In this episode, Pascal talks with {guests} about {thing} at {topic} scale.",
    "They explain how {topic} changed the way engineers think about {thing}.",
    "You will hear about the trade-offs, the failures and the wins along the way.",
    "Got feedback? Send it to us on Threads and don't forget to follow our host.",
    "Links: {topic} on GitHub, the engineering blog post about {thing}.",
)


def _episode_notes(
    rng: random.Random, topic: str, thing: str, guests: list[str], duration: int
) -> tuple[str, str, tuple[Chapter, ...]]:
    """Show notes as HTML and as text, and the chapters they list."""
    guest_text = " and ".join(guests)
    sentences = [rng.choice(SENTENCES).format(guests=guest_text, thing=thing, topic=topic) for _ in range(4)]
    chapters = [Chapter(6, "Intro")]
    for index, start in enumerate(sorted(rng.sample(range(60, duration), 14))):
        phrase = CHAPTER_PHRASES[1 + index % (len(CHAPTER_PHRASES) - 1)]
        if phrase == "Guest intro":
            phrase = f"{guests[0]} intro"
        chapters.append(Chapter(start, phrase.format(topic=topic, thing=rng.choice(THINGS))))
    lines = [f"{c.title} {c.start_seconds // 60}:{c.start_seconds % 60:02d}" for c in chapters]
    notes_html = "".join(f"<p>{escape(line)}</p>" for line in [*sentences, "Timestamps", *lines])
    return notes_html, "\n".join([*sentences, "Timestamps", *lines]), tuple(chapters)


def episodes(count: int, seed: int = 1234, *, tagged: bool = False) -> list[ParsedEpisode]:
    """COUNT episodes, newest first, the same for the same seed; TAGGED, each with its topic and
    subject as the item's categories."""
    rng = random.Random(seed)
    start = dt.datetime(2010, 1, 1, 12, tzinfo=dt.UTC)
    result = []
    for number in range(count, 0, -1):
        topic, thing = rng.choice(TOPICS), rng.choice(THINGS)
        guests = rng.sample(NAMES, rng.choice((1, 1, 2, 3)))
        title = f"{rng.choice(VERBS)} {thing} with {topic}"
        if rng.random() < 0.4:
            title += " with " + " and ".join(guests)
        duration = rng.randint(1500, 4200)
        notes_html, notes_text, chapters = _episode_notes(rng, topic, thing, guests, duration)
        result.append(
            ParsedEpisode(
                guid=f"synthetic-{seed}-{number}",
                title=title,
                title_is_derived=False,
                number=number,
                episode_type="full",
                published=start + dt.timedelta(hours=6 * number),
                duration_seconds=duration,
                link=f"https://podcast.example/{number}",
                audio_url=f"https://cdn.example/ep{number}.mp3",
                description_html=notes_html,
                description_text=notes_text,
                links=(),
                chapters=chapters,
                guests=tuple(guests),
                categories=(topic, thing) if tagged else (),
            )
        )
    return result


def feed_xml(items: list[ParsedEpisode]) -> bytes:
    """The episodes as an RSS feed in the libsyn layout."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Synthetic</title>'
    ]
    for episode in items:
        parts.append(
            f'<item><title>{escape(episode.title)}</title><guid isPermaLink="false">{episode.guid}</guid>'
            f"<pubDate>{episode.published:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
            f"<description><![CDATA[{episode.description_html}]]></description>"
            f'<enclosure url="{episode.audio_url}" type="audio/mpeg" length="1"/>'
            f"<itunes:duration>{episode.duration_seconds}</itunes:duration>"
            f"<itunes:episode>{episode.number}</itunes:episode>"
            + "".join(f"<category>{escape(category)}</category>" for category in episode.categories)
            + "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def queries(items: list[ParsedEpisode], count: int, seed: int = 99) -> list[str]:
    """A fixed mix: typos, numbers, partial titles, chapter words, guests and topics."""
    rng = random.Random(seed)
    made = []
    for index in range(count):
        episode = rng.choice(items)
        kind = index % 6
        words = episode.title.split()
        if kind == 0:
            made.append(" ".join(words[: rng.randint(2, 4)]))
        elif kind == 1:
            word = rng.choice([w for w in words if len(w) > 4] or words)
            cut = rng.randrange(1, len(word) - 1) if len(word) > 2 else 0
            made.append(word[:cut] + word[cut] * 2 + word[cut + 1 :])  # a doubled letter
        elif kind == 2:
            made.append(rng.choice(("#", "ep ", "episode ", "")) + str(episode.number))
        elif kind == 3:
            made.append(rng.choice(episode.chapters).title if episode.chapters else episode.title)
        elif kind == 4:
            made.append(rng.choice(episode.guests) if episode.guests else rng.choice(NAMES))
        else:
            made.append(rng.choice(TOPICS).lower() + " " + rng.choice(THINGS).split()[0])
    return made


def junk_words(count: int, seed: int = 5) -> dict[str, int]:
    """COUNT distinct made-up words (as a hostile feed's notes could hold), each in one episode."""
    generator = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: dict[str, int] = {}
    while len(words) < count:
        words["".join(generator.choices(letters, k=generator.randint(4, 12)))] = 1
    return words
