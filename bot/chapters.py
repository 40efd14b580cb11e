"""Chapter timestamps from podcast:chapters JSON, Podlove Simple Chapters, or the show notes.

Every parser here takes untrusted text and returns chapters or nothing; none of them raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from .models import Chapter

MAX_CHAPTER_TITLE = 200
MAX_CHAPTERS = 500
# A time on its own: H:MM:SS, MM:SS or M:SS, optionally bracketed; not part of a longer number run.
_TIME = r"(?<![\d:.])(\d{1,2}:\d{2}:\d{2}|\d{1,3}:\d{2})(?!\d|:\d)"
_TIME_RE = re.compile(_TIME)
_BRACKETED_TIME_RE = re.compile(r"[\(\[]\s*" + _TIME + r"\s*[\)\]]")
_LABEL_RE = re.compile(r"^(?:time ?stamps|chapters|chapter markers|show notes|agenda|topics)\s*:?\s*", re.IGNORECASE)
_LABEL_ANYWHERE_RE = re.compile(r"\b(?:time ?stamps|chapters|chapter markers)\s*:?\s+", re.IGNORECASE)
_EDGE_PUNCTUATION = " \t-–—:|•·,;>*"


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
    title = _LABEL_RE.sub("", text.strip()).strip(_EDGE_PUNCTUATION)
    # Brackets left over from "(12:34)" go; balanced ones such as "magick(s)" stay.
    for opening, closing in ("()", "[]"):
        if title.endswith(closing) and title.count(opening) < title.count(closing):
            title = title[:-1]
        if title.startswith(opening) and title.count(opening) > title.count(closing):
            title = title[1:]
    return title.strip(_EDGE_PUNCTUATION)[:MAX_CHAPTER_TITLE]


def _chapter(start: int | None, title: str) -> Chapter | None:
    title = _clean_title(title)
    if start is None or not title:
        return None
    return Chapter(start_seconds=start, title=title)


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
        start, title = entry.get("startTime"), entry.get("title")
        if isinstance(start, (int, float)) and not isinstance(start, bool) and start >= 0 and isinstance(title, str):
            if chapter := _chapter(int(start), title):
                chapters.append(chapter)
    return normalise(chapters, limit)


def chapters_from_psc(entries: object, limit: int = MAX_CHAPTERS) -> tuple[Chapter, ...]:
    """Podlove Simple Chapters as feedparser exposes them: [{'start': '00:01:02.000', 'title': …}]."""
    chapters = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            if chapter := _chapter(parse_timestamp(str(entry.get("start", ""))), str(entry.get("title") or "")):
                chapters.append(chapter)
    return normalise(chapters, limit)


def chapters_from_lines(lines: list[str], limit: int = MAX_CHAPTERS) -> tuple[Chapter, ...]:
    """Timestamps in the visible lines of show notes (notes.read_notes), one chapter per line or
    flattened into one paragraph."""
    chapters: list[Chapter] = []
    for line in lines:
        times = list(_TIME_RE.finditer(line))
        if len(times) == 1 and not _LABEL_ANYWHERE_RE.search(line, 0, times[0].start()):
            if chapter := _chapter_from_line(line, times[0]):
                chapters.append(chapter)
        elif times:
            chapters.extend(_chapters_from_run(line, times))
    return normalise(chapters, limit)


def _chapter_from_line(line: str, time: re.Match[str]) -> Chapter | None:
    bracketed = _BRACKETED_TIME_RE.search(line)
    span = bracketed.span() if bracketed and bracketed.start(1) == time.start(1) else time.span()
    title = (line[: span[0]] + " " + line[span[1] :]).strip()
    # A long line of prose that happens to contain a time is not a chapter.
    if len(title) > MAX_CHAPTER_TITLE or re.search(r"https?://", title):
        return None
    return _chapter(parse_timestamp(time.group(1)), title)


def _chapters_from_run(line: str, times: list[re.Match[str]]) -> list[Chapter]:
    """Several times in one line: 'Intro 0:06 Ed Intro 2:12 …' or '0:06 Intro 2:12 Ed Intro …'."""
    labelled = list(_LABEL_ANYWHERE_RE.finditer(line[: times[0].start()]))
    start_of_run = labelled[-1].end() if labelled else 0
    before_first = line[start_of_run : times[0].start()].strip(_EDGE_PUNCTUATION)
    after_last = line[times[-1].end() :].strip(_EDGE_PUNCTUATION)
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
        if len(title.strip()) <= MAX_CHAPTER_TITLE and (chapter := _chapter(parse_timestamp(time.group(1)), title)):
            chapters.append(chapter)
    return chapters
