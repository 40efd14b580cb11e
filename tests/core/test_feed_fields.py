"""Every field from where real feeds put it: dates, audio, titles, identity, numbers, guests, psc."""

import dataclasses
import datetime as dt

import pytest

from bot.core.ingest.chapters import chapters_from_psc, parse_npt
from bot.core.ingest.feed import parse_sync
from bot.core.models import Episode, number_in_title

NAMESPACES = (
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:podcast="https://podcastindex.org/namespace/1.0" '
    'xmlns:psc="http://podlove.org/simple-chapters"'
)


def one(item_xml):
    body = f'<?xml version="1.0"?><rss version="2.0" {NAMESPACES}><channel><title>F</title>{item_xml}</channel></rss>'
    (episode,) = parse_sync(body.encode(), "fields.xml").episodes
    return episode


def items(*item_xml):
    body = f'<?xml version="1.0"?><rss version="2.0" {NAMESPACES}><channel><title>F</title>{"".join(item_xml)}</channel></rss>'
    return parse_sync(body.encode(), "fields.xml")


def atom(entry_xml):
    body = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>{entry_xml}</feed>'
    (episode,) = parse_sync(body.encode(), "atom.xml").episodes
    return episode


AUDIO = "<enclosure url='https://cdn.example/a.mp3' type='audio/mpeg' length='1'/>"


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ("<pubDate>Tue, 05 Dec 2023 23:37:00 +0000</pubDate>", dt.datetime(2023, 12, 5, 23, 37, tzinfo=dt.UTC)),
        ("<dc:date>2024-05-01T10:00:00Z</dc:date>", dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)),
        ("<pubDate>sometime last week</pubDate>", None),
        ("", None),
    ],
)
def test_dates_from_pubdate_or_dc_date_and_unknown_stays_unknown(dates, expected):
    assert one(f"<item><title>T</title><guid>g</guid>{dates}{AUDIO}</item>").published == expected


def test_atom_published_else_updated_and_enclosure_links():
    published = atom(
        "<entry><title>A</title><id>urn:a</id><published>2024-01-02T03:04:05Z</published>"
        "<updated>2024-06-01T00:00:00Z</updated>"
        "<link rel='enclosure' href='https://cdn.example/atom.m4a' type='audio/mp4'/></entry>"
    )
    assert published.published == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert published.audio_url == "https://cdn.example/atom.m4a" and published.guid == "urn:a"
    updated = atom("<entry><title>B</title><id>urn:b</id><updated>2024-06-01T00:00:00Z</updated></entry>")
    assert updated.published == dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def test_audio_from_media_content_never_the_cover_image():
    episode = one(
        "<item><title>T</title><guid>g</guid><media:group>"
        "<media:content url='https://cdn.example/cover.jpg' type='image/jpeg' medium='image'/>"
        "<media:content url='https://cdn.example/show.mp4' type='video/mp4'/>"
        "<media:content url='https://cdn.example/show.mp3' type='audio/mpeg'/></media:group></item>"
    )
    assert episode.audio_url == "https://cdn.example/show.mp3"
    image_only = one(
        "<item><title>T</title><guid>g</guid>"
        "<enclosure url='https://cdn.example/cover.png' type='image/png' length='1'/></item>"
    )
    assert image_only.audio_url is None
    video = one(
        "<item><title>T</title><guid>g</guid>"
        "<enclosure url='https://cdn.example/art.jpg' length='1'/>"
        "<enclosure url='https://cdn.example/talk.mp4' type='video/mp4' length='1'/></item>"
    )
    assert video.audio_url == "https://cdn.example/talk.mp4"


def test_untitled_items_take_itunes_title_then_the_audio_file_name():
    assert one(f"<item><itunes:title>From iTunes</itunes:title><guid>g</guid>{AUDIO}</item>").title == "From iTunes"
    bare = one(
        "<item><guid>g</guid><enclosure url='https://cdn.example/shows/test.ogg?x=1' type='audio/ogg' "
        "length='1'/></item>"
    )
    assert bare.title == "test" and bare.title_is_derived


def test_identity_is_guid_else_link_else_audio():
    assert one(f"<item><title>T</title><link>https://ex.com/ep/1</link>{AUDIO}</item>").guid == "https://ex.com/ep/1"
    assert one(f"<item><title>T</title>{AUDIO}</item>").guid == "https://cdn.example/a.mp3"


def test_a_reused_guid_for_another_file_and_day_is_another_episode():
    parsed = items(
        "<item><title>One</title><guid>same</guid><pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>"
        "<enclosure url='https://cdn.example/1.mp3' type='audio/mpeg' length='1'/></item>",
        "<item><title>Two</title><guid>same</guid><pubDate>Mon, 08 Jan 2024 10:00:00 +0000</pubDate>"
        "<enclosure url='https://cdn.example/2.mp3' type='audio/mpeg' length='1'/></item>",
        "<item><title>One again</title><guid>same</guid><pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>"
        "<enclosure url='https://cdn.example/1.mp3' type='audio/mpeg' length='1'/></item>",
    )
    assert [e.title for e in parsed.episodes] == ["One", "Two"]
    assert len({e.guid for e in parsed.episodes}) == 2
    assert any("reuses another item's guid" in w for w in parsed.warnings)
    assert parsed.skipped_items == ("item 3: repeats guid same",)


@pytest.mark.parametrize(
    ("title", "number"),
    [
        ("#123 - Scaling", 123),
        ("123: Scaling", 123),
        ("Ep. 12 – Scaling", 12),
        ("Episode 12: Scaling", 12),
        ("E12 Scaling", 12),
        ("2024: The year in review", None),
        ("1001 Nights of Code", None),
        ("Scaling", None),
    ],
)
def test_episode_numbers_from_the_title_start(title, number):
    assert number_in_title(title) == number
    assert one(f"<item><title>{title}</title><guid>g</guid>{AUDIO}</item>").number == number


def test_itunes_episode_wins_and_a_numbered_title_is_never_shown_twice():
    episode = one(
        f"<item><title>1001: The big one</title><itunes:episode>1001</itunes:episode><guid>g</guid>{AUDIO}</item>"
    )
    stored = Episode(
        id=1,
        guid="g",
        number=episode.number,
        title=episode.title,
        published=None,
        duration_seconds=None,
        link=None,
        audio_url=None,
        description_text="",
        links=(),
        chapters=(),
        guests=(),
    )
    assert stored.display_title == "1001: The big one"
    assert dataclasses.replace(stored, title="The big one").display_title == "1001: The big one"


@pytest.mark.parametrize(
    ("start", "seconds"),
    [("1", 1), ("1.5", 1), ("01:02", 62), ("01:02:03", 3723), ("01:02:03.400", 3723), ("bad", None)],
)
def test_podlove_normal_play_time(start, seconds):
    assert parse_npt(start) == seconds


def test_podlove_chapters_in_a_feed():
    episode = one(
        f"<item><title>T</title><guid>g</guid>{AUDIO}<psc:chapters version='1.2'>"
        "<psc:chapter start='0' title='Hello'/><psc:chapter start='90.5' title='Middle'/>"
        "<psc:chapter start='01:02:03.400' title='Late'/></psc:chapters></item>"
    )
    assert [(c.start_seconds, c.title) for c in episode.chapters] == [(0, "Hello"), (90, "Middle"), (3723, "Late")]
    assert chapters_from_psc([{"start": "x", "title": "y"}]) == ()


def test_guests_from_podcast_person_with_role_guest():
    episode = one(
        f"<item><title>Scaling with Flutter</title><guid>g</guid>{AUDIO}"
        "<podcast:person role='host'>Pat Host</podcast:person>"
        "<podcast:person role='guest' href='https://ex.com/ada'>Ada Lovelace</podcast:person>"
        "<podcast:person role='Guest'>Grace Hopper</podcast:person></item>"
    )
    assert episode.guests == ("Ada Lovelace", "Grace Hopper")


@pytest.mark.parametrize(
    ("title", "notes", "guests"),
    [
        ("Scaling search feat. Ada Lovelace", "", ("Ada Lovelace",)),
        ("Scaling search ft. Ada", "", ("Ada",)),
        ("Scaling search | Grace Hopper", "", ("Grace Hopper",)),
        ("Compilers with Ada and Grace", "", ("Ada", "Grace")),
        ("Building apps with Flutter", "", ()),
        ("A chat with Example Labs", "", ()),
        (
            "Scaling search",
            "<p>Guests: Ada Lovelace and Alan Turing</p><p>More notes.</p>",
            ("Ada Lovelace", "Alan Turing"),
        ),
    ],
)
def test_guests_named_in_titles_and_notes(title, notes, guests):
    episode = one(
        f"<item><title>{title}</title><guid>g</guid>{AUDIO}<description><![CDATA[{notes}]]></description></item>"
    )
    assert episode.guests == guests
