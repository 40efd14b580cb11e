import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.ingest.chapters import (
    chapters_from_json,
    chapters_from_lines,
    chapters_from_psc,
    parse_duration,
    parse_timestamp,
)
from bot.core.ingest.notes import read_notes
from bot.core.models import Chapter


def chapters_from_notes(markup):
    return chapters_from_lines(read_notes(markup).lines)


def starts_and_titles(chapters):
    return [(c.start_seconds, c.title) for c in chapters]


def test_one_chapter_per_paragraph_with_time_after_title():
    notes = "<p>Intro and News 0:06</p><p>Guest intros 1:49</p><p>Outro 42:24</p>"
    assert starts_and_titles(chapters_from_notes(notes)) == [
        (6, "Intro and News"),
        (109, "Guest intros"),
        (2544, "Outro"),
    ]


def test_time_before_title_with_separators_and_brackets():
    notes = "<ul><li>0:06 - Intro</li><li>(2:12) Ed Intro</li><li>[03:15] – Raghavan</li><li>4:16: Jason</li></ul>"
    assert starts_and_titles(chapters_from_notes(notes)) == [
        (6, "Intro"),
        (132, "Ed Intro"),
        (195, "Raghavan"),
        (256, "Jason"),
    ]


def test_title_then_bracketed_time_and_br_lines():
    notes = "Intro (0:06)<br>What is Caddy? (4:49)<br/>Outro (1:03:35)"
    assert starts_and_titles(chapters_from_notes(notes)) == [(6, "Intro"), (289, "What is Caddy?"), (3815, "Outro")]


def test_flattened_notes_after_a_timestamps_label():
    notes = (
        "<p>Tune in to episode 64. Links Caddy video: https://heycaddy.net/ Timestamps Intro 0:06 "
        "Ed Intro 2:12 What is Caddy? 4:49 Discovery of hand-based interactions 11:46 Outro 1:03:35</p>"
    )
    assert starts_and_titles(chapters_from_notes(notes)) == [
        (6, "Intro"),
        (132, "Ed Intro"),
        (289, "What is Caddy?"),
        (706, "Discovery of hand-based interactions"),
        (3815, "Outro"),
    ]


def test_flattened_notes_with_time_first():
    notes = "<p>Chapters: 0:06 Intro 2:12 Ed Intro 4:49 What is Caddy?</p>"
    assert starts_and_titles(chapters_from_notes(notes)) == [(6, "Intro"), (132, "Ed Intro"), (289, "What is Caddy?")]


def test_flattened_without_label_takes_the_last_phrase_as_first_title():
    notes = "<p>Thanks for listening. Intro 0:06 Hermes Overview 02:25 Outro 22:28</p>"
    assert starts_and_titles(chapters_from_notes(notes)) == [(6, "Intro"), (145, "Hermes Overview"), (1348, "Outro")]


def test_glitches_from_real_notes():
    # Zero padded minutes, an hour timestamp among minute ones, and a line with no time at all.
    notes = (
        "<p>Timestamps</p><p>Intro 00:05</p><p>Python 3</p><p>Faster Coroutines 8:57</p>"
        "<p>Bloopers 00:25:50</p><p>Outro 1:03:35</p>"
    )
    assert starts_and_titles(chapters_from_notes(notes)) == [
        (5, "Intro"),
        (537, "Faster Coroutines"),
        (1550, "Bloopers"),
        (3815, "Outro"),
    ]


def test_truncated_flattened_notes_keep_the_one_chapter_they_have():
    notes = "<p>Flipper: https://fbflipper.com/ Timestamps Intro 0:06 News</p>"
    assert starts_and_titles(chapters_from_notes(notes)) == [(6, "Intro")]


def test_chapters_are_sorted_and_exact_repeats_dropped():
    notes = "<p>Outro 40:00</p><p>Intro 0:06</p><p>Intro 0:06</p><p>intro 0:06</p><p>Deep dive 10:00</p>"
    assert starts_and_titles(chapters_from_notes(notes)) == [(6, "Intro"), (600, "Deep dive"), (2400, "Outro")]


def test_balanced_brackets_in_titles_survive():
    assert starts_and_titles(chapters_from_notes("<p>Adding magick(s) 31:52</p>")) == [(1912, "Adding magick(s)")]


def test_prose_with_a_time_is_not_a_chapter():
    notes = (
        "<p>We recorded this at 10:30 with a long discussion about everything that makes builds slow "
        "and why incremental compilation matters so much for developers who work in a monorepo every day "
        "of the week and then some more words to make this clearly a paragraph of prose.</p>"
    )
    assert chapters_from_notes(notes) == ()


def test_links_with_digits_are_not_times():
    assert chapters_from_notes("<p>See https://example.com/2024/07/04/post and Python 3.12</p>") == ()


def test_podcast_chapters_json():
    payload = json.dumps(
        {
            "version": "1.2.0",
            "chapters": [
                {"startTime": 0, "title": "Intro"},
                {"startTime": 125.7, "title": "Main topic"},
                {"startTime": 90, "title": "Hidden", "toc": False},
                {"startTime": "bad", "title": "Ignored"},
                {"title": "No start"},
            ],
        }
    )
    assert starts_and_titles(chapters_from_json(payload)) == [(0, "Intro"), (125, "Main topic")]


def test_podcast_chapters_json_garbage_gives_nothing():
    assert chapters_from_json(b"not json") == ()
    assert chapters_from_json(b"[1, 2]") == ()
    assert chapters_from_json(b'{"chapters": "nope"}') == ()


def test_podlove_simple_chapters():
    entries = [
        {"start": "00:00:01.500", "title": "Hello"},
        {"start": "1:02", "title": "Two"},
        {"start": "nonsense", "title": "Dropped"},
    ]
    assert starts_and_titles(chapters_from_psc(entries)) == [(1, "Hello"), (62, "Two")]


def test_timestamp_and_duration_forms():
    assert parse_timestamp("0:06") == 6
    assert parse_timestamp("00:05") == 5
    assert parse_timestamp("1:03:35") == 3815
    assert parse_timestamp("00:25:50") == 1550
    assert parse_timestamp("75:10") == 4510
    assert parse_timestamp("1:75") is None
    assert parse_duration("3600") == 3600
    assert parse_duration("48:17") == 2897
    assert parse_duration("01:00:13") == 3613
    assert parse_duration("") is None
    assert parse_duration("about an hour") is None
    assert parse_duration("10:99") is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_sorted_chapters_or_nothing(text):
    chapters = chapters_from_notes(text)
    assert all(isinstance(c, Chapter) and c.title and c.start_seconds >= 0 for c in chapters)
    assert [c.start_seconds for c in chapters] == sorted(c.start_seconds for c in chapters)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["<p>", "<br>", "<li>", "</p>", " ", "(", "]"]),
            st.text(alphabet="0123456789:- abcXYZ", max_size=12),
        ),
        max_size=30,
    )
)
def test_timestamp_like_markup_never_raises(parts):
    chapters_from_notes("".join(tag + text for tag, text in parts))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_any_json_payload_never_raises(payload):
    chapters_from_json(payload)
