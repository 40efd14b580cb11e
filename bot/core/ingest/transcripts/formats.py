"""A transcript file's segments, whatever its format: WebVTT (webvtt-py), SubRip (srt), the
Podcasting 2.0 JSON transcript, HTML and plain text.

Everything in the file is untrusted: read_transcript returns segments or nothing and never raises.
The declared type is tried first, then what the file looks like (hosts mislabel their files), so a
VTT without its WEBVTT line, a BOM, CRLF line ends, cues out of order or with impossible times
still give what can be read. Parsing a few megabytes takes a while: call it from a worker thread.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from typing import Any

import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from bot.core.models import Segment

log = logging.getLogger(__name__)

# No real episode is longer than this; a time past it is a broken file, not a moment.
_LONGEST_SECONDS = 100 * 3600
_MAX_SEGMENTS = 100_000
_MAX_SEGMENT_CHARS = 5_000
_MAX_SPEAKER_CHARS = 100

# "Ann Smith: Hello" at the start of a cue or line: who speaks, in transcripts that write it so.
_SPEAKER_RE = re.compile(r"^([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}):\s+(?=\S)")
# "[00:12:34]", "(12:34)", "12:34" at the start of a line of a plain or HTML transcript.
_LEADING_TIME_RE = re.compile(r"^[\[(]?((?:\d{1,3}:)?\d{1,2}:\d{2})(?:[.,]\d+)?[\])]?\s*[-–—]?\s*")
_VTT_TAG_RE = re.compile(r"<[^>]*>")

_SPACES_RE = re.compile(r"\s+")
# Control characters (a terminal would run an escape sequence) and bidi overrides (which reorder
# what is shown around them): never part of what was said.
_UNSHOWN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

Reader = Callable[[str], list[Segment]]


def _tidy(text: str) -> str:
    return _SPACES_RE.sub(" ", _UNSHOWN_RE.sub("", text)).strip()


def read_transcript(body: bytes, declared_type: str | None = None) -> list[Segment]:
    """The segments of BODY in time order (in the file's order when untimed); [] when nothing in
    it reads as a transcript."""
    try:
        text = _decoded(body)
        if not text.strip():
            return []
        for reader in _readers_for(declared_type or "", text):
            segments = _cleaned(reader(text))
            if segments:
                return segments
    except Exception as error:  # a library's surprise on hostile input is "no transcript", not a crash
        log.info("transcript not readable: %s: %s", type(error).__name__, error)
    return []


def _decoded(body: bytes) -> str:
    text = body.decode("utf-8", "replace").lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _readers_for(declared: str, text: str) -> list[Reader]:
    """The declared format's reader first, then those the text's start suggests, plain text last."""
    by_type = {"vtt": _vtt, "srt": _srt, "subrip": _srt, "json": _json, "html": _html}
    declared = declared.lower()
    first = next((reader for key, reader in by_type.items() if key in declared), None)
    start = text.lstrip()[:200]
    sniffed: list[Reader] = []
    if start.startswith("WEBVTT") or "-->" in text[:5000]:
        sniffed += [_vtt, _srt]
    if start[:1] in "{[":
        sniffed.append(_json)
    if start.startswith("<"):
        sniffed.append(_html)
    ordered = [first, *sniffed, _plain]
    return [reader for reader in dict.fromkeys(ordered) if reader is not None]


def _cleaned(segments: Iterable[Segment]) -> list[Segment]:
    """Segments with text, times within an episode's length and an end not before the start,
    sorted by start (a stable sort keeps an untimed transcript's order)."""
    kept: list[Segment] = []
    for segment in segments:
        text = _tidy(segment.text)[:_MAX_SEGMENT_CHARS]
        start, end = segment.start_seconds, segment.end_seconds
        if not text or (start is not None and not 0 <= start <= _LONGEST_SECONDS):
            continue
        if start is None or end is None or not start <= end <= _LONGEST_SECONDS:
            end = start
        speaker = _tidy(segment.speaker or "")[:_MAX_SPEAKER_CHARS] or None
        kept.append(Segment(start, end, speaker, text))
        if len(kept) >= _MAX_SEGMENTS:
            break
    if all(segment.start_seconds is None for segment in kept):
        return kept
    return sorted(_times_filled(kept), key=lambda segment: segment.start_seconds or 0)


def _times_filled(segments: list[Segment]) -> list[Segment]:
    """A partly timed transcript (a time every few lines): the lines between take the time before
    them, those before the first time start at 0."""
    filled, last = [], 0
    for segment in segments:
        if segment.start_seconds is None:
            segment = Segment(last, last, segment.speaker, segment.text)
        filled.append(segment)
        last = segment.start_seconds or 0
    return filled


def _with_speaker(text: str, speaker: str | None) -> tuple[str | None, str]:
    """The speaker a cue names ("Ann: ..."), unless the format already said."""
    if speaker:
        return speaker, text
    match = _SPEAKER_RE.match(text)
    return (match.group(1), text[match.end() :]) if match else (None, text)


def _vtt(text: str) -> list[Segment]:
    if not text.lstrip().startswith("WEBVTT"):
        text = "WEBVTT\n\n" + text
    try:
        captions = webvtt.WebVTT.from_string(text).captions
    except (MalformedFileError, MalformedCaptionError, ValueError):
        return []
    segments = []
    for caption in captions:
        plain = _VTT_TAG_RE.sub(" ", caption.raw_text if hasattr(caption, "raw_text") else caption.text)
        speaker, words = _with_speaker(plain, getattr(caption, "voice", None))
        segments.append(Segment(caption.start_in_seconds, caption.end_in_seconds, speaker, words))
    return segments


def _srt(text: str) -> list[Segment]:
    try:
        subtitles = list(srt.parse(text, ignore_errors=True))
    except (srt.SRTParseError, ValueError, OverflowError):
        return []
    segments = []
    for subtitle in subtitles:
        speaker, words = _with_speaker(_VTT_TAG_RE.sub(" ", subtitle.content), None)
        start, end = int(subtitle.start.total_seconds()), int(subtitle.end.total_seconds())
        segments.append(Segment(start, end, speaker, words))
    return segments


def _json(text: str) -> list[Segment]:
    """The Podcasting 2.0 JSON transcript: {"segments": [{"startTime", "endTime", "body", "speaker"}]}."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return []
    raw = document.get("segments") if isinstance(document, dict) else document
    if not isinstance(raw, list):
        return []
    segments = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("body"), str):
            continue
        start = _seconds(entry.get("startTime"))
        if start is None:  # a timed format: a segment without its time is broken, not untimed
            continue
        speaker = entry.get("speaker") if isinstance(entry.get("speaker"), str) else None
        segments.append(Segment(start, _seconds(entry.get("endTime")), speaker, entry["body"]))
    return segments


def _seconds(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return _clock_seconds(str(value))
    return int(number) if math.isfinite(number) and 0 <= number <= _LONGEST_SECONDS else None


def _clock_seconds(text: str) -> int | None:
    """ "1:02:03" or "02:03" (a comma or dot part of a second dropped) as seconds."""
    parts = re.split(r"[.,]", text.strip())[0].split(":")
    if not 2 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


class _HtmlTranscript(HTMLParser):
    """Paragraphs of an HTML transcript; a <time> or a leading timestamp starts a timed paragraph,
    a <cite> names its speaker (the Podcasting 2.0 HTML layout)."""

    _BLOCKS = frozenset({"p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "dt", "dd", "blockquote"})
    _SKIPPED = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.segments: list[Segment] = []
        self.words: list[str] = []
        self.speaker: str | None = None
        self.start: int | None = None
        self.inside: str | None = None  # "time", "cite" or a skipped element
        self.held = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED or tag in ("time", "cite"):
            if tag in ("time", "cite"):
                self.flush()
            self.inside, self.held = tag, ""
            if tag == "time":
                self.held = dict(attrs).get("datetime") or ""
        elif tag in self._BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag != self.inside:
            if tag in self._BLOCKS:
                self.flush()
            return
        if tag == "time":
            self.start = _clock_seconds(self.held.removeprefix("PT")) if ":" in self.held else self._held_time()
        elif tag == "cite":
            self.speaker = _tidy(self.held).rstrip(":") or None
        self.inside = None

    def _held_time(self) -> int | None:
        return _clock_seconds(_tidy(self.held))

    def handle_data(self, data: str) -> None:
        if self.inside in ("time", "cite"):
            self.held += data
        elif self.inside is None:
            self.words.append(data)

    def flush(self) -> None:
        text = _tidy("".join(self.words))
        self.words = []
        if not text:
            return
        timed = _LEADING_TIME_RE.match(text)
        start = self.start
        if timed and start is None:
            start, text = _clock_seconds(timed.group(1)), text[timed.end() :]
        speaker, words = _with_speaker(text, self.speaker)
        self.segments.append(Segment(start, start, speaker, words))
        self.start = None


def _html(text: str) -> list[Segment]:
    reader = _HtmlTranscript()
    reader.feed(text)
    reader.close()
    reader.flush()
    return reader.segments


def _plain(text: str) -> list[Segment]:
    """Each line (or paragraph) a segment, timed when lines start with their time."""
    segments = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or line.startswith("WEBVTT") or "-->" in line:
            continue
        start = None
        timed = _LEADING_TIME_RE.match(line)
        if timed:
            start, line = _clock_seconds(timed.group(1)), line[timed.end() :]
        speaker, words = _with_speaker(line, None)
        segments.append(Segment(start, start, speaker, words))
    return segments
