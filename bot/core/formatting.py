"""Small formatting rules shared by the terminal and Discord renderings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.core.models import Chapter, MatchReason


def timestamp(seconds: int) -> str:
    """Chapter start as a player shows it: 4:49, 12:34, 1:03:35."""
    hours, rest = divmod(max(int(seconds), 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


def date(value: dt.datetime | None) -> str | None:
    """The date as the publisher dated it: VALUE keeps the feed's UTC offset (as_published)."""
    return value.strftime("%Y-%m-%d") if value else None


def utc_offset_minutes(value: dt.datetime | None) -> int | None:
    offset = value.utcoffset() if value else None
    return None if offset is None else int(offset.total_seconds() // 60)


def as_published(value: dt.datetime | None, offset_minutes: int | None) -> dt.datetime | None:
    """VALUE (an instant) in the UTC offset its feed dated it with, when known."""
    if value is None or offset_minutes is None:
        return value
    return value.astimezone(dt.timezone(dt.timedelta(minutes=offset_minutes)))


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, as the JSON output promises."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shorten(text: str, limit: int) -> str:
    """TEXT cut to at most LIMIT characters on a word boundary, with an ellipsis when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "…"


def page_count(items: int, per_page: int) -> int:
    """How many pages of PER_PAGE hold ITEMS; one, empty, when there are none."""
    return max(1, -(-items // per_page))


def counted(count: int, noun: str) -> str:
    """ "1 episode", "3 episodes"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def chapter_at(chapters: Sequence[Chapter], seconds: int) -> Chapter | None:
    """The chapter playing at SECONDS: the last to start at or before it."""
    playing = [chapter for chapter in chapters if chapter.start_seconds <= seconds]
    return max(playing, key=lambda chapter: chapter.start_seconds, default=None)


def audio_at(audio_url: str | None, seconds: int) -> str | None:
    """The audio from SECONDS on: a media fragment (#t=), which browsers and most players honour."""
    return f"{audio_url.split('#')[0]}#t={seconds}" if audio_url else None


def said_at(reason: MatchReason) -> str:
    """How a transcript moment is introduced: "Said at 23:10" (or "Said" in an untimed transcript)."""
    return "Said" if reason.start_seconds is None else f"Said at {timestamp(reason.start_seconds)}"
