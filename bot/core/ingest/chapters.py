"""Chapter timestamps from podcast:chapters JSON, Podlove Simple Chapters, or the show notes.

Every parser here takes untrusted text and returns chapters or nothing; none of them raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from bot.core.formatting import timestamp
from bot.core.models import Chapter

MAX_CHAPTER_TITLE = 200
MAX_CHAPTERS = 500
# A time on its own: H:MM:SS, MM:SS or M:SS, optionally bracketed; not part of a longer number run.
_TIME = r"(?<![\d:.,/])(\d{1,2}:\d{2}:\d{2}|\d{1,3}:\d{2})(?:\.\d{1,3}(?!\d))?(?!\d|:\d)"
_TIME_RE = re.compile(_TIME)
_BRACKETED_TIME_RE = re.compile(r"[\(\[]\s*" + _TIME + r"\s*[\)\]]")
_LABEL_RE = re.compile(r"^(?:time ?stamps|chapters|chapter markers|show notes|agenda|topics)\s*:?\s*", re.IGNORECASE)
_LABEL_ANYWHERE_RE = re.compile(r"\b(?:time ?stamps|chapters|chapter markers)\s*:?\s+", re.IGNORECASE)
_EDGE_PUNCTUATION = " \t-–—:|•·,;>*"
_ALNUM_RE = re.compile(r"[^\W_]")
_ORPHAN_PARENTHESIS = re.compile(r"\(\s+(?=[^)]*$)")
_ORPHAN_BRACKET = re.compile(r"\[\s+(?=[^\]]*$)")
_WEB_LINK_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def parse_timestamp(text: str) -> int | None:
    """Seconds in 'H:MM:SS', 'MM:SS' or 'M:SS' (zero padded or not), or '00:00:00.000'; None if invalid."""
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{1,3}):(\d{2})(?::(\d{2}))?(?:\.\d+)?", text)
    if not match:
        return None
    first, second, third = match.group(1), int(match.group(2)), match.group(3)
    if third is None:
        return int(first) * 60 + second if second < 60 else None
    if second >= 60 or int(third) >= 60:
        return None
    return int(first) * 3600 + second * 60 + int(third)


def parse_duration(value: object) -> int | None:
    """itunes:duration as seconds ('3600'), 'MM:SS' or 'HH:MM:SS'; None when unknown or nonsense."""
    text = str(value or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return int(float(text))
    parts = text.split(":")
    if len(parts) in (2, 3) and all(re.fullmatch(r"\d{1,3}", p) for p in parts):
        numbers = [int(p) for p in parts]
        if any(n >= 60 for n in numbers[1:]):
            return None
        seconds = 0
        for number in numbers:
            seconds = seconds * 60 + number
        return seconds
    return None


def normalise(chapters: Iterable[Chapter], limit: int = MAX_CHAPTERS) -> tuple[Chapter, ...]:
    """Sorted by start, exact repeats (same start, same title) dropped, at most LIMIT of them."""
    seen: set[tuple[int, str]] = set()
    unique = []
    for chapter in chapters:
        key = (chapter.start_seconds, chapter.title.casefold())
        if key not in seen:
            seen.add(key)
            unique.append(chapter)
    return tuple(sorted(unique, key=lambda c: c.start_seconds)[:limit])


def _clean_title(text: str) -> str:
    # A title from a chapters file or psc can be any length; the cleaning below must stay cheap.
    text = text[: MAX_CHAPTER_TITLE * 4]
    # The checks before each substitution only skip work: 150,000 titles in a large feed.
    title = _without_urls(text)
    if ":" in title:
        title = _TIME_RE.sub(" ", title)  # a stray timestamp inside a title is debris, not words
    title = " ".join(title.split())
    title = _LABEL_RE.sub("", title).strip(_EDGE_PUNCTUATION + _MARKDOWN)
    # Brackets left over from "(12:34)" go; balanced ones such as "magick(s)" stay.
    for opening, closing, orphan in (("(", ")", _ORPHAN_PARENTHESIS), ("[", "]", _ORPHAN_BRACKET)):
        if opening not in title and closing not in title:
            continue
        title = title.rstrip(opening + " ")
        title = title.lstrip(closing + " ")
        # An opening bracket whose contents went with a link ("Skip (http://…") closes nothing.
        title = orphan.sub("", title)
        if title.endswith(closing) and title.count(opening) < title.count(closing):
            title = title[:-1]
        if title.startswith(opening) and title.count(opening) > title.count(closing):
            title = title[1:]
    title = title.strip(_EDGE_PUNCTUATION + _MARKDOWN)
    return title[:MAX_CHAPTER_TITLE] if _ALNUM_RE.search(title) else ""  # "." or "—" is no title


def _chapter(start: int | None, title: str, *, untitled_ok: bool = False, url: str | None = None) -> Chapter | None:
    """A chapter at START called TITLE (cleaned); in a chapter list, a time with no title at all
    still marks a chapter ("Chapter at 12:00") when UNTITLED_OK."""
    if start is None:
        return None
    title = _clean_title(title)
    if not title and untitled_ok:
        title = f"Chapter at {timestamp(start)}"
    return Chapter(start_seconds=start, title=title, url=url) if title else None


def _without_urls(text: str) -> str:
    """TEXT with its URLs blanked out (the check first: most lines hold none)."""
    return _URL_RE.sub(" ", text) if "http" in text or "www." in text else text


def chapters_from_json(payload: str | bytes, limit: int = MAX_CHAPTERS) -> tuple[Chapter, ...]:
    """The podcast namespace's JSON chapters file ({"chapters": [{"startTime": 12.5, "title": …}]})."""
    try:
        document = json.loads(payload)
        entries = document.get("chapters", []) if isinstance(document, dict) else []
    except (ValueError, TypeError):
        return ()
    chapters = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("toc") is False:
            continue
        start, title, link = entry.get("startTime"), entry.get("title"), entry.get("url")
        if isinstance(start, (int, float)) and not isinstance(start, bool) and start >= 0 and isinstance(title, str):
            url = link.strip() if isinstance(link, str) and _WEB_LINK_RE.match(link.strip()) else None
            if chapter := _chapter(int(start), title, url=url[:2048] if url else None):
                chapters.append(chapter)
    return normalise(chapters, limit)


def parse_npt(text: str) -> int | None:
    """Seconds in a Normal Play Time, as Podlove Simple Chapters write starts: '1', '1.5',
    '01:02', '01:02:03', '01:02:03.400'."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{1,7}(?:\.\d+)?", text):
        return int(float(text))
    return parse_timestamp(text)


def chapters_from_psc(entries: object, limit: int = MAX_CHAPTERS) -> tuple[Chapter, ...]:
    """Podlove Simple Chapters as feedparser exposes them: [{'start': '00:01:02.000', 'title': …}]."""
    chapters = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and (
            chapter := _chapter(parse_npt(str(entry.get("start", ""))), str(entry.get("title") or ""))
        ):
            chapters.append(chapter)
    return normalise(chapters, limit)


def chapters_from_lines(lines: list[str], limit: int = MAX_CHAPTERS) -> tuple[Chapter, ...]:
    """Chapters in the visible lines of show notes (notes.read_notes): one per line, or flattened
    into one paragraph. Only times a person would read as chapter starts count: not clock times,
    ranges, dates, the programme's length, a time inside prose or inside a link's address. A run of
    chapter lines is a chapter list; a single one must be shaped like a chapter (a short line with
    the time at its start or end)."""
    found: list[tuple[Chapter, bool]] = []  # (chapter, came from a list-like run)
    pending_time: int | None = None  # a line that held only a time: its title is the next line
    for raw in lines:
        line = _without_urls(raw)
        times = _chapter_times(line) if ":" in line else []
        if pending_time is not None:
            title = line if not times and len(line) <= MAX_CHAPTER_TITLE else ""
            if chapter := _chapter(pending_time, title, untitled_ok=True):
                found.append((chapter, False))
            pending_time = None
            if not times:
                continue
        if not times:
            continue
        labelled = _LABEL_ANYWHERE_RE.search(line, 0, times[0].start())
        if len(times) == 1 and not labelled:
            shaped = _shaped_line(line, times[0])
            if shaped is None:
                continue
            start, title = shaped
            if title:
                if chapter := _chapter(start, title):
                    found.append((chapter, False))
            else:
                pending_time = start
        else:
            found.extend((chapter, True) for chapter in _chapters_from_run(line, times))
    if pending_time is not None and found and (chapter := _chapter(pending_time, "", untitled_ok=True)):
        found.append((chapter, False))
    chapters = [chapter for chapter, _ in found]
    # One lone line is a chapter only when it could be nothing else: a short, titled line.
    if (
        len(found) == 1
        and not found[0][1]
        and (found[0][0].title.startswith("Chapter at ") or len(found[0][0].title) > _LONE_CHAPTER_TITLE)
    ):
        return ()
    return normalise(chapters, limit)


_LONE_CHAPTER_TITLE = 80
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MARKDOWN = "_*~`"
_RANGE_TO = r"\s*(?:(?:-|–|—|to|until|till)\s*\d{1,2}(?::\d{2})?\s*)?"
_CLOCK_AFTER = re.compile(_RANGE_TO + r"(?:[aApP]\.?\s?[mM]\b\.?|[oO]['’]?clock)")
# Time zones are written in capitals; "Pt 2" or "et al." after a time are words.
_ZONE_AFTER = re.compile(_RANGE_TO + r"(?:[ECMP][SD]?T|UTC|GMT|CET|CEST|BST|IST|AEST)\b")
# Before a time: a range's start ("from 6:30"), or the programme's length ("Runtime 58:10").
_NOT_A_START_BEFORE = re.compile(
    r"\b(?:from|between|(?:(?:program|programme|episode|show|total|running|run|play)\s+(?:length|time)|"
    r"runtime|playtime|duration)\s*[:=-]?|length\s*[:=])\s*$",
    re.IGNORECASE,
)
# A year right after the time, as ctime writes dates ("Mon Nov 29 01:05:10 2021"); a year before
# one is a title's ("Recap of 2023 55:00") unless a month and day are near, which _DATE_NEARBY sees.
_YEAR_AFTER = re.compile(r"^,?\s*(?:19|20)\d{2}\b")
_RANGE_END_BEFORE = re.compile(r"\d\s*(?:-|–|—|to|until|till)\s*$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"^\s*(?:-|–|—|to)\s*" + _TIME)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?"
# A date next to a time makes it a moment, not a chapter start: "Nov 29 01:05:10", "10/24/2021 15:00",
# "2024-03-01 12:30", "Thursday 8:00".
_DATE_NEARBY = re.compile(
    rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b|"
    rf"\b{_WEEKDAY}\b\.?,?\s+(?:\d|{_MONTH}\b)|\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}",
    re.IGNORECASE,
)
# Words that put a time inside a sentence ("we met at 10:30", "around 3:20") rather than name a chapter.
_PROSE_BEFORE = frozenset("at around approximately approx until till since past to".split())


# Anything that can make a time not a chapter start: words (looked up in a set, which is much
# cheaper than a regex of month names tried at every position) and digit patterns. Most chapter
# lines have none, and are spared the close looks of _is_chapter_time for each of their times.
_SUSPICIOUS_WORDS = frozenset(
    "am pm a p m clock oclock et ct mt pt est edt cst cdt mst mdt pst pdt utc gmt cet cest bst ist aest "
    "from between length runtime run running duration total play playtime to until till "
    "jan january feb february mar march apr april may jun june jul july aug august sep sept september "
    "oct october nov november dec december mon monday tue tues tuesday wed wednesday thu thur thurs "
    "thursday fri friday sat saturday sun sunday".split()
)
_WORD_RE = re.compile(r"[^\W\d_]+")
_SUSPICIOUS_DIGITS = re.compile(r"\d[/.\-–—]\d|\b(?:19|20)\d\d\b|\d\s+[-–—]\s*\d")


def _suspicious(line: str) -> bool:
    return bool(_SUSPICIOUS_DIGITS.search(line)) or not _SUSPICIOUS_WORDS.isdisjoint(_WORD_RE.findall(line.lower()))


def _chapter_times(line: str) -> list[re.Match[str]]:
    times = list(_TIME_RE.finditer(line))
    if times and _suspicious(line):
        times = [time for time in times if _is_chapter_time(line, time)]
    return times


def _is_chapter_time(line: str, time: re.Match[str]) -> bool:
    """Whether the time at TIME could start a chapter, judged by what surrounds it."""
    before, after = line[max(0, time.start() - 30) : time.start()], line[time.end() : time.end() + 24]
    if _CLOCK_AFTER.match(after) or _ZONE_AFTER.match(after) or _NOT_A_START_BEFORE.search(before):
        return False
    if _YEAR_AFTER.match(after):
        return False
    if _RANGE_END_BEFORE.search(before) and _TIME_RE.search(before):
        return False  # "0:00 - 2:15 Intro": the range's end is not a chapter of its own
    window = line[max(0, time.start() - 16) : time.end() + 16]
    return not _DATE_NEARBY.search(window)


def _shaped_line(line: str, time: re.Match[str]) -> tuple[int, str] | None:
    """(start, title) when the line reads as one chapter: its time at the start or the end of the
    line, the rest a short title. None for prose that happens to contain a time."""
    start = parse_timestamp(time.group(1))
    if start is None:
        return None
    bracketed = _BRACKETED_TIME_RE.search(line) if "(" in line or "[" in line else None
    span = bracketed.span() if bracketed and bracketed.start(1) == time.start(1) else time.span()
    edge = _EDGE_PUNCTUATION + _MARKDOWN + "([#.)]"
    before, after = line[: span[0]], line[span[1] :]
    after = _RANGE_AFTER.sub("", after)  # "0:00 - 2:15 Intro"
    if not _ALNUM_RE.search(before):  # bullets, emoji, brackets and markdown before the time
        title = after
    elif not _ALNUM_RE.search(after):
        last_word = before.rstrip(edge + " ").rsplit(None, 1)[-1:]
        if last_word and last_word[0].lower() in _PROSE_BEFORE:
            return None
        title = before
    else:
        return None
    if len(title.strip()) > MAX_CHAPTER_TITLE:
        return None
    return start, title


def _chapters_from_run(line: str, times: list[re.Match[str]]) -> list[Chapter]:
    """Several times in one line: 'Intro 0:06 Ed Intro 2:12 …' or '0:06 Intro 2:12 Ed Intro …'."""
    labelled = list(_LABEL_ANYWHERE_RE.finditer(line[: times[0].start()]))
    start_of_run = labelled[-1].end() if labelled else 0
    before_first = line[start_of_run : times[0].start()].strip(_EDGE_PUNCTUATION + _MARKDOWN + "([")
    after_last = line[times[-1].end() :].strip(_EDGE_PUNCTUATION + _MARKDOWN + ")]")
    time_first = not before_first or (bool(after_last) and len(after_last) <= MAX_CHAPTER_TITLE and not labelled)
    chapters = []
    for index, time in enumerate(times):
        if time_first:
            end = times[index + 1].start() if index + 1 < len(times) else len(line)
            title = line[time.end() : end]
        else:
            begin = times[index - 1].end() if index else start_of_run
            title = line[begin : time.start()]
            if index == 0 and not labelled:
                # No "Timestamps" label: the first title is the last short phrase before the time.
                title = re.split(r"(?<=[.!])\s+", title)[-1]
        if len(title.strip()) <= MAX_CHAPTER_TITLE and (
            chapter := _chapter(parse_timestamp(time.group(1)), title, untitled_ok=len(times) > 1)
        ):
            chapters.append(chapter)
    return chapters
