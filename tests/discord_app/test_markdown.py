"""Feed text in a message renders as exactly that text: no link, emphasis, header, list, quote,
mention or clickable address that the feed wrote, and nothing invisible that reorders it."""

import datetime as dt
import re
import string

from hypothesis import given
from hypothesis import strategies as st

from bot.core.models import Episode, Match, MatchReason
from bot.discord_app import embeds
from bot.discord_app.choices import choice_name, choices
from bot.discord_app.markdown import literal, visible

OUR_URL = "https://podcast.example/episodes/1"
PUNCTUATION = set(string.punctuation)
INLINE_MARKERS = set("*_~|`<")


def rendered(md: str) -> tuple[str, list[str], list[tuple[str, str]]]:
    """A model of how Discord reads MD: the text shown, the live constructs (other than masked
    links) and the masked links as (label shown, url)."""
    shown: list[str] = []
    live: list[str] = []
    links: list[tuple[str, str]] = []
    at, line_start = 0, True
    while at < len(md):
        char = md[at]
        if char == "\\" and at + 1 < len(md) and md[at + 1] in PUNCTUATION:
            shown.append(md[at + 1])
            at, line_start = at + 2, False
            continue
        if line_start and char in " \t":
            shown.append(char)
            at += 1
            continue
        if line_start and (char in "#-+>" or re.match(r"\d+\.", md[at:])):
            live.append(f"line starting {md[at : at + 3]!r}")
        if char in INLINE_MARKERS:
            live.append(f"inline {char!r}")
        if char == ":" and md.startswith("//", at + 1) and re.search(r"[A-Za-z]$", "".join(shown)):
            live.append("bare address")
        if char == "[":
            end = _closing_bracket(md, at)
            target = re.match(r"\(([^)\s]+)\)", md[end + 1 :]) if end is not None else None
            if end is not None and target:
                label, label_live, inner = rendered(md[at + 1 : end])
                live.extend(label_live)
                links.extend([(label, target.group(1)), *inner])
                shown.append(label)
                at, line_start = end + 1 + target.end(), False
                continue
            live.append("unpaired [")
        if char == "]":
            live.append("unpaired ]")
        shown.append(char)
        line_start = char == "\n"
        at += 1
    return "".join(shown), live, links


def _closing_bracket(md: str, start: int) -> int | None:
    """Where the unescaped `]` closing the `[` at START is (nested brackets pair up)."""
    depth, at = 0, start
    while at < len(md):
        if md[at] == "\\":
            at += 2
            continue
        depth += {"[": 1, "]": -1}.get(md[at], 0)
        if depth == 0:
            return at
        at += 1
    return None


markdownish = st.text(
    alphabet=st.sampled_from(list("[]()*_~|`<>#-+.:/\\!@ \n\t\u202e\u2066\u200b\u200d\ufeff09aZé👩")) | st.characters(),
    max_size=80,
)


@given(markdownish)
def test_escaped_text_renders_as_itself_with_nothing_live(text):
    shown, live, links = rendered(literal(text))
    assert (shown, live, links) == (visible(text), [], [])


@given(markdownish)
def test_escaped_text_inside_our_link_is_exactly_our_link(text):
    shown, live, links = rendered(f"[{literal(text)}]({OUR_URL})")
    assert live == []
    assert links == [(visible(text), OUR_URL)]
    assert shown == visible(text)


@given(markdownish)
def test_no_invisible_or_reordering_character_survives(text):
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b\u200c\u200e\u200f\ufeff]", visible(text))


def test_the_model_catches_what_discord_py_escaping_let_through():
    import discord

    title = "Legit](https://evil.example/phish) [x"
    _, live, links = rendered(f"[{discord.utils.escape_markdown(title)}]({OUR_URL})")
    assert ("Legit", "https://evil.example/phish") in links or live


def episode(title: str) -> Episode:
    return Episode(
        id=1,
        guid="g1",
        number=None,
        title=title,
        published=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        duration_seconds=60,
        link=OUR_URL,
        audio_url=None,
        description_text="Notes: see [here](https://evil.example) and <@1234>\n# Big\n- list",
        links=(),
        chapters=(),
        guests=(),
    )


def test_a_title_closing_our_link_links_nowhere_else():
    hostile = episode("Legit](https://evil.example/phish) [x \u202eevil")
    found = Match(hostile, 90.0, MatchReason("title", hostile.title))
    for text in (
        embeds.results_embed("x", [found], 0).description,
        embeds.digest_embed([hostile, episode("Other")]).description,
        embeds.announcement_embed(hostile).description,
    ):
        _, live, links = rendered(text or "")
        assert all(url == OUR_URL for _, url in links), links
        assert not [construct for construct in live if "inline" not in construct or "*" not in construct]
        assert "\u202e" not in (text or "")


def test_zero_width_titles_get_a_name_in_autocomplete_and_embeds():
    blank = episode("\u200b\u200d\u2066\u202e")
    match = Match(blank, 90.0, MatchReason("title", blank.title))
    (choice,) = choices([match])
    assert choice.name.strip() and "\u200b" not in choice.name
    assert choice_name(match) == choice.name
    assert embeds.announcement_embed(blank).title == "Untitled"
    assert "Untitled" in (embeds.results_embed("x", [match], 0).description or "")
