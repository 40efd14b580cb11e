"""Transcript files of every format hosts publish, broken ones included: segments or nothing."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.ingest.transcripts import TranscriptLink, best_transcript, passages_of, read_transcript
from bot.core.models import Segment

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ann Lee>We generate the bindings with bindgen.

00:00:04.500 --> 00:00:08.000
<v Bob>And then we check them by hand.
"""


def test_webvtt_gives_times_speakers_and_words():
    segments = read_transcript(VTT.encode(), "text/vtt")
    assert segments == [
        Segment(1, 4, "Ann Lee", "We generate the bindings with bindgen."),
        Segment(4, 8, "Bob", "And then we check them by hand."),
    ]


def test_webvtt_with_bom_crlf_no_header_and_cues_out_of_order_still_reads():
    cues = "00:01:05.000 --> 00:01:09.000\nLater words.\n\n00:00:02.000 --> 00:00:03.000\nEarly words.\n"
    body = b"\xef\xbb\xbf" + cues.replace("\n", "\r\n").encode()
    segments = read_transcript(body, "text/vtt")
    assert [(s.start_seconds, s.text) for s in segments] == [(2, "Early words."), (65, "Later words.")]


def test_subrip_reads_a_speaker_prefix_and_survives_an_end_before_its_start():
    body = b"1\n00:00:01,000 --> 00:00:04,000\nAnn: Hello there.\n\n2\n00:00:09,000 --> 00:00:05,000\nBackwards.\n"
    segments = read_transcript(body, "application/x-subrip")
    assert segments == [Segment(1, 4, "Ann", "Hello there."), Segment(9, 9, None, "Backwards.")]


def test_podcasting_json_keeps_good_segments_and_drops_broken_ones():
    document = {
        "version": "1.0.0",
        "segments": [
            {"speaker": "Cy", "startTime": 12.5, "endTime": 15.0, "body": "Fuzzing found it."},
            {"startTime": "soon", "endTime": 1, "body": "no time"},
            {"startTime": 20, "body": 42},
            {"startTime": -5, "endTime": 1, "body": "negative"},
            "not a segment",
        ],
    }
    segments = read_transcript(json.dumps(document).encode(), "application/json")
    assert segments == [Segment(12, 15, "Cy", "Fuzzing found it.")]


def test_html_uses_its_times_and_speakers_where_the_markup_has_them():
    body = b"<html><body><cite>Ann:</cite><time>0:05</time><p>Hello</p><cite>Bob:</cite><time>1:02:03</time><p>Bye</p>"
    assert read_transcript(body, "text/html") == [Segment(5, 5, "Ann", "Hello"), Segment(3723, 3723, "Bob", "Bye")]


def test_html_paragraphs_that_start_with_their_time_are_timed():
    body = b"<div><p>[00:00:04] Ann: Welcome back.</p><p>(1:10) Bob: Thanks.</p></div>"
    assert read_transcript(body, "text/html") == [
        Segment(4, 4, "Ann", "Welcome back."),
        Segment(70, 70, "Bob", "Thanks."),
    ]


def test_html_and_plain_text_without_times_are_untimed_paragraphs():
    assert read_transcript(b"<p>One thing.</p><script>x()</script><p>Another.</p>", "text/html") == [
        Segment(None, None, None, "One thing."),
        Segment(None, None, None, "Another."),
    ]
    assert read_transcript(b"Ann: First.\n\nBob: Second.\n", "text/plain") == [
        Segment(None, None, "Ann", "First."),
        Segment(None, None, "Bob", "Second."),
    ]


def test_control_characters_and_bidi_overrides_are_no_part_of_what_was_said():
    body = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nRed\x1b[2J text\u202e reversed\n".encode()
    assert read_transcript(body, "text/vtt")[0].text == "Red[2J text reversed"


def test_a_mislabelled_file_is_read_by_what_it_is():
    assert read_transcript(VTT.encode(), "application/json")[0].speaker == "Ann Lee"


def test_a_five_megabyte_file_reads_whole():
    said = "Words spoken aloud in this cue, a sentence or two as hosts caption them. " * 3
    cues = "".join(
        f"{i // 3600:02}:{i // 60 % 60:02}:{i % 60:02}.000 --> {i // 3600:02}:{i // 60 % 60:02}:{i % 60:02}.900\n"
        f"{said}{i}.\n\n"
        for i in range(20_000)
    )
    body = ("WEBVTT\n\n" + cues).encode()
    assert len(body) > 5_000_000
    segments = read_transcript(body, "text/vtt")
    assert len(segments) == 20_000 and segments[-1].text.endswith("caption them. 19999.")


def test_passages_are_a_few_sentences_and_keep_their_start():
    segments = [Segment(i * 4, i * 4 + 4, "Ann", f"Sentence number {i}.") for i in range(30)]
    passages = passages_of(segments)
    assert 3 <= len(passages) <= 6
    assert passages[0].start_seconds == 0 and passages[0].speakers == ("Ann",)
    assert all(20 <= p.end_seconds - p.start_seconds <= 44 for p in passages[:-1])
    assert " ".join(p.text for p in passages) == " ".join(s.text for s in segments)


def test_a_new_speaker_starts_a_new_passage():
    segments = [Segment(0, 10, "Ann", "I think the answer is caching, honestly."), Segment(10, 12, "Bob", "No.")]
    assert [p.speakers for p in passages_of(segments)] == [("Ann",), ("Bob",)]


def test_one_endless_cue_becomes_several_passages_with_times_shared_out():
    segment = Segment(0, 600, None, " ".join(f"Point {i} is made here." for i in range(300)))
    passages = passages_of([segment])
    assert len(passages) > 5
    assert passages[0].start_seconds == 0 and 0 < passages[1].start_seconds < 600


def test_timed_formats_are_preferred_then_the_feed_language():
    links = [
        TranscriptLink("a.txt", "text/plain", "en"),
        TranscriptLink("b.vtt", "text/vtt", "de"),
        TranscriptLink("c.srt", "application/srt", "en"),
        TranscriptLink("d.html", "text/html", "en"),
    ]
    assert best_transcript(links, "en-US").url == "c.srt"
    assert best_transcript(links[:1] + links[3:], "en").url == "d.html"
    assert best_transcript([], "en") is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["text/vtt", "application/srt", "application/json", "text/html", ""]))
def test_any_bytes_give_segments_or_nothing(body, declared):
    segments = read_transcript(body, declared)
    assert all(s.text and (s.start_seconds is None or s.start_seconds >= 0) for s in segments)
    passages_of(segments)


_CUE = st.tuples(
    st.integers(-5, 400_000), st.integers(-5, 400_000), st.text(max_size=40), st.sampled_from(["-->", "->", ""])
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_CUE, max_size=12), st.booleans())
def test_cue_shaped_text_gives_ordered_segments_or_nothing(cues, header):
    def clock(seconds: int) -> str:
        return f"{seconds // 3600:02}:{abs(seconds) // 60 % 60:02}:{abs(seconds) % 60:02}.000"

    text = ("WEBVTT\n\n" if header else "") + "\n\n".join(
        f"{clock(a)} {arrow} {clock(b)}\n{t}" for a, b, t, arrow in cues
    )
    for declared in ("text/vtt", "application/srt"):
        segments = read_transcript(text.encode(), declared)
        starts = [s.start_seconds for s in segments]
        assert None in starts or starts == sorted(starts)
