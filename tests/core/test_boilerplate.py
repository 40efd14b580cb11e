"""What a feed repeats in most episodes is found per feed, and only replies leave it out."""

from bot.core.ingest.boilerplate import find_boilerplate, own_links, summary
from bot.core.models import Link

SOCIAL = Link("Threads", "https://threads.example/@show")


def test_repeated_sentences_and_links_are_boilerplate_and_an_episodes_own_are_not():
    notes = [f"Episode {n} is about topic {n}. Got feedback? Write to us." for n in range(8)]
    links = [[SOCIAL, Link(f"Paper {n}", f"https://papers.example/{n}")] for n in range(8)]
    sentences, urls = find_boilerplate(notes, links)
    assert sentences == ("got feedback?", "write to us.") and urls == ("https://threads.example/@show",)
    assert summary(notes[3], sentences) == "Episode 3 is about topic 3."
    assert own_links(links[3], urls) == [Link("Paper 3", "https://papers.example/3")]


def test_a_sentence_pointing_at_the_shows_links_is_boilerplate_too():
    text = "Follow us on https://threads.example/@show today.\nThe real story starts here."
    assert summary(text, (), (), ("https://threads.example/@show",)) == "The real story starts here."


def test_small_feeds_have_no_boilerplate():
    assert find_boilerplate(["Same."] * 3, [[SOCIAL]] * 3) == ((), ())
