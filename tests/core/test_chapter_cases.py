"""Chapters only where a person sees chapters: show notes in the styles publishers write, each
with the chapters a listener would expect (none, for the negative cases).

Every case is written for this table in the shape of what podcast hosts emit (libsyn, Megaphone,
Anchor, Simplecast, Squarespace, WordPress, Podlove, public radio); none is copied from a feed.
"""

import pytest

from bot.core.ingest.chapters import chapters_from_lines
from bot.core.ingest.notes import read_notes

POSITIVE = [
    ("p-time-after", "<p>Intro 0:06</p><p>Guest intros 1:49</p>", [(6, "Intro"), (109, "Guest intros")]),
    (
        "li-time-before-dash",
        "<ul><li>00:00 - Welcome</li><li>03:12 - The build system</li></ul>",
        [(0, "Welcome"), (192, "The build system")],
    ),
    (
        "br-bracketed-after",
        "Cold open (0:00)<br>Main story (5:10)<br>Wrap up (44:02)",
        [(0, "Cold open"), (310, "Main story"), (2642, "Wrap up")],
    ),
    ("square-brackets", "<p>[00:00] Hello</p><p>[12:30] Deep dive</p>", [(0, "Hello"), (750, "Deep dive")]),
    ("hours", "<p>0:00:00 Intro</p><p>1:02:03 Listener mail</p>", [(0, "Intro"), (3723, "Listener mail")]),
    (
        "unpadded-hours",
        "<p>0:00 Start</p><p>1:5:00 broken</p><p>1:05:00 Late topic</p>",
        [(0, "Start"), (3900, "Late topic")],
    ),
    ("colon-after-time", "<p>00:00: Intro</p><p>02:15: News</p>", [(0, "Intro"), (135, "News")]),
    ("pipe-separator", "<p>00:00 | Intro</p><p>04:40 | Tooling</p>", [(0, "Intro"), (280, "Tooling")]),
    ("bullet-dot", "<p>• 0:00 Intro</p><p>• 9:41 Rust at scale</p>", [(0, "Intro"), (581, "Rust at scale")]),
    (
        "bold-time",
        "<p><strong>00:00</strong> Intro</p><p><strong>10:05</strong> Storage</p>",
        [(0, "Intro"), (605, "Storage")],
    ),
    (
        "linked-time",
        '<p><a href="https://ex.com/ep#t=0">0:00</a> Intro</p><p><a href="https://ex.com/ep#t=75">1:15</a> Topic</p>',
        [(0, "Intro"), (75, "Topic")],
    ),
    (
        "plain-text-newlines",
        "Show notes\n0:00 Intro\n2:30 Story\n10:00 Outro",
        [(0, "Intro"), (150, "Story"), (600, "Outro")],
    ),
    ("crlf-plain-text", "0:00 Intro\r\n2:30 Story\r\n", [(0, "Intro"), (150, "Story")]),
    (
        "flattened-label",
        "<p>Links below. Timestamps: Intro 0:06 News 2:12 Outro 40:00</p>",
        [(6, "Intro"), (132, "News"), (2400, "Outro")],
    ),
    (
        "flattened-time-first",
        "<p>Chapters 0:00 Intro 3:00 Interview 50:00 Outro</p>",
        [(0, "Intro"), (180, "Interview"), (3000, "Outro")],
    ),
    (
        "flattened-parens",
        "<p>(00:00) Intro (02:32) Meet the guest (10:10) Lessons</p>",
        [(0, "Intro"), (152, "Meet the guest"), (610, "Lessons")],
    ),
    (
        "flattened-brackets-after",
        "<p>Intro [0:00] Guest [4:20] Outro [30:00]</p>",
        [(0, "Intro"), (260, "Guest"), (1800, "Outro")],
    ),
    (
        "title-on-next-line",
        "<p>00:00</p><p>Welcome back</p><p>05:30</p><p>The incident</p>",
        [(0, "Welcome back"), (330, "The incident")],
    ),
    ("untitled-time-in-a-list", "<p>0:00 Intro</p><p>12:00</p>", [(0, "Intro"), (720, "Chapter at 12:00")]),
    ("markdown-debris", "<p>_00:00__ Intro</p><p>*12:00* Main topic</p>", [(0, "Intro"), (720, "Main topic")]),
    (
        "url-in-title",
        "<p>0:00 Intro</p><p>5:00 See https://ex.com/post for the paper</p>",
        [(0, "Intro"), (300, "See for the paper")],
    ),
    ("range-chapters", "<p>00:00 - 02:15 Intro</p><p>02:15 - 20:00 Interview</p>", [(0, "Intro"), (135, "Interview")]),
    ("fractional-seconds", "<p>00:00:00.000 Intro</p><p>00:01:30.500 Topic</p>", [(0, "Intro"), (90, "Topic")]),
    ("unsorted-and-repeated", "<p>10:00 B</p><p>0:00 A</p><p>0:00 A</p>", [(0, "A"), (600, "B")]),
    ("past-duration-kept", "<p>0:00 Intro</p><p>3:59:00 Bonus</p>", [(0, "Intro"), (14340, "Bonus")]),
    (
        "single-short-line",
        "<p>A long paragraph about the episode that is not a chapter.</p><p>12:40 Bonus clip</p>",
        [(760, "Bonus clip")],
    ),
    ("single-time-after", "<p>Listener question 14:05</p>", [(845, "Listener question")]),
    (
        "heading-then-list",
        "<h3>In this episode</h3><ol><li>0:00 Intro</li><li>6:45 Caching</li></ol>",
        [(0, "Intro"), (405, "Caching")],
    ),
    (
        "html-source-wraps",
        "<p>0:00 Intro to\nthe show</p><p>4:00 Why\nKotlin</p>",
        [(0, "Intro to the show"), (240, "Why Kotlin")],
    ),
    ("non-english", "<p>00:00 Einleitung</p><p>07:12 Über Compiler</p>", [(0, "Einleitung"), (432, "Über Compiler")]),
    ("emoji-bullets", "<p>⏱ 0:00 Intro</p><p>⏱ 8:08 Tools</p>", [(0, "Intro"), (488, "Tools")]),
    (
        "time-then-dash-title-with-colon",
        "<p>00:00 – Intro: who we are</p><p>10:00 – Q&amp;A</p>",
        [(0, "Intro: who we are"), (600, "Q&A")],
    ),
    ("psc-like-text", "<p>00:00:00 Begrüßung</p><p>00:02:10 Thema</p>", [(0, "Begrüßung"), (130, "Thema")]),
    (
        "chapters-after-prose",
        "<p>In this episode we talk about builds. It was recorded in May.</p><p>0:00 Intro</p><p>3:30 Builds</p>",
        [(0, "Intro"), (210, "Builds")],
    ),
    ("guest-name-chapter", "<p>0:00 Intro</p><p>1:10 Meet Ada</p>", [(0, "Intro"), (70, "Meet Ada")]),
    # Words that begin like a month or weekday, or say "time", are still titles.
    (
        "month-like-names",
        "<p>Intro Marco 1:30</p><p>Monorail design 12:15</p><p>Sunsetting the API 20:00</p>",
        [(90, "Intro Marco"), (735, "Monorail design"), (1200, "Sunsetting the API")],
    ),
    (
        "time-in-title",
        "<p>Timestamps: Saving Build Time 13:10 Testing It 17:39 Outro 30:00</p>",
        [(790, "Saving Build Time"), (1059, "Testing It"), (1800, "Outro")],
    ),
    # Titles that end in a preposition, name a year, say "length" or start like a time zone.
    (
        "titles-like-prose",
        "<p>What we are excited about 50:00</p><p>Recap of 2023 55:00</p><p>Context length 58:00</p>",
        [(3000, "What we are excited about"), (3300, "Recap of 2023"), (3480, "Context length")],
    ),
    (
        "part-abbreviation",
        "<p>00:00 Pt 1 - Intro</p><p>20:00 Pt 2 - Deep dive</p>",
        [(0, "Pt 1 - Intro"), (1200, "Pt 2 - Deep dive")],
    ),
]

NEGATIVE = [
    ("clock-am-et", "<p>Join us live at 10:00 AM ET every Tuesday.</p>"),
    ("clock-range-pm", "<p>The meetup runs 7:30–9 p.m. at the library.</p>"),
    ("clock-pm-ct", "<p>We go live at 4:20 PM CT.</p>"),
    ("clock-lowercase", "<p>Doors open 6:30pm</p>"),
    ("range-from-to", "<p>Office hours from 6:30 to 8:00 on Fridays.</p>"),
    ("date-with-time", "<p>Recorded Mon, Nov 29 01:05:10 2021</p>"),
    ("last-modified", "<p>Last Modified 10/24/2021 15:00:38</p>"),
    ("iso-date-time", "<p>Published 2024-03-01 12:30</p>"),
    ("program-length", "<p>Program length: 1:29:42</p>"),
    ("runtime", "<p>Runtime 58:10</p>"),
    ("duration-label", "<p>Duration: 45:00</p>"),
    ("prose-approximately", "<p>At approximately 3:20, I mention the paper we read last week.</p>"),
    ("prose-at-end", "<p>We recorded this at 10:30</p>"),
    ("prose-mark", "<p>Skip ahead to the 12:00 mark if you only want the interview and not the news.</p>"),
    ("lone-time", "<p>11:36.</p>"),
    ("lone-time-bare", "<p>Some notes.</p><p>11:36</p>"),
    ("time-in-link-only", '<p>Watch <a href="https://youtu.be/x?t=12:30">the talk</a> on YouTube.</p>'),
    ("time-in-bare-url", "<p>Slides: https://ex.com/talk/10:30/slides</p>"),
    ("scripture-like-ratio", "<p>The ratio was 16:9 for the video and 4:3 for the old one.</p>"),
    ("score", "<p>The final score was 3:1 after extra time.</p>"),
    (
        "long-prose-with-time",
        "<p>"
        + "We discussed many things in this long paragraph " * 4
        + "including 5:00 "
        + "and more sentences after it that make it prose. " * 3
        + "</p>",
    ),
    ("broadcast-schedule", "<p>Airs Sundays at 9:00 PT and 12:00 ET.</p>"),
    ("time-zone-utc", "<p>Stream starts 18:00 UTC.</p>"),
    ("bible-verse", "<p>John 3:16 is quoted at the end.</p>"),
    ("oclock", "<p>See you at 5:00 o'clock sharp.</p>"),
    ("copyright-line", "<p>© 2023 Example Media. Updated 2023-01-05 09:15.</p>"),
    ("weekday-time", "<p>Next live show: Thursday 8:00</p>"),
    ("numbers-not-times", "<p>Episode 12: 3 lessons and version 1.2.3 of the tool</p>"),
    ("skip-to", "<p>Just want the interview? Skip to 12:00</p>"),
]

CASES = [(name, notes, expected) for name, notes, expected in POSITIVE] + [
    (name, notes, []) for name, notes in NEGATIVE
]


@pytest.mark.parametrize(("notes", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_show_notes_give_the_chapters_a_person_sees(notes, expected):
    chapters = chapters_from_lines(read_notes(notes).lines)
    assert [(c.start_seconds, c.title) for c in chapters] == expected


def test_the_table_is_large_enough_to_measure():
    assert len(CASES) >= 60 and len(NEGATIVE) >= 20
