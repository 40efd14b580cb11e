"""Segments merged into passages: a cue is a few words, a hit should read as a quote."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.models import Passage, Segment

# A passage ends at a sentence's end once it is this long, and in any case at the longest.
_SHORTEST_SECONDS = 20
_LONGEST_SECONDS = 40
# Untimed transcripts (and a single long cue) are cut by length instead.
_SHORTEST_CHARS = 300
_LONGEST_CHARS = 700
# A new speaker starts a new passage once the current one says this much.
_SPEAKER_TURN_SECONDS = 8
_SPEAKER_TURN_CHARS = 120
_MAX_PASSAGES = 20_000

_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’)]*$")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+")


def passages_of(segments: Sequence[Segment]) -> list[Passage]:
    """SEGMENTS (in time order) as passages of a few sentences, each with its start, end and speakers."""
    passages: list[Passage] = []
    current: list[Segment] = []
    for piece in (piece for segment in segments for piece in _pieces(segment)):
        if current and _ends_before(current, piece):
            passages.append(_passage(current))
            current = []
            if len(passages) >= _MAX_PASSAGES:
                return passages
        current.append(piece)
    if current:
        passages.append(_passage(current))
    return passages


def _ends_before(current: list[Segment], following: Segment) -> bool:
    """Whether the passage made of CURRENT is complete before FOLLOWING."""
    chars = sum(len(segment.text) + 1 for segment in current)
    start, end = current[0].start_seconds, current[-1].end_seconds
    seconds = (end - start) if start is not None and end is not None else None
    if following.start_seconds is not None and start is not None:
        seconds = max(seconds or 0, following.start_seconds - start)
    long_enough = seconds >= _SHORTEST_SECONDS if seconds is not None else chars >= _SHORTEST_CHARS
    too_long = chars >= _LONGEST_CHARS or (seconds is not None and seconds >= _LONGEST_SECONDS)
    sentence_done = bool(_SENTENCE_END_RE.search(current[-1].text))
    new_speaker = following.speaker is not None and following.speaker != current[-1].speaker
    turn = new_speaker and (chars >= _SPEAKER_TURN_CHARS or (seconds or 0) >= _SPEAKER_TURN_SECONDS)
    return too_long or turn or (long_enough and sentence_done)


def _pieces(segment: Segment) -> list[Segment]:
    """A cue longer than a passage, cut at sentence ends, its time shared out by length."""
    if len(segment.text) <= _LONGEST_CHARS:
        return [segment]
    chunks: list[str] = []
    for sentence in _SENTENCE_SPLIT_RE.split(segment.text):
        while len(sentence) > _LONGEST_CHARS:  # one endless "sentence": cut at a space
            cut = sentence.rfind(" ", 0, _LONGEST_CHARS) if " " in sentence[:_LONGEST_CHARS] else _LONGEST_CHARS
            chunks.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if chunks and len(chunks[-1]) + len(sentence) < _SHORTEST_CHARS:
            chunks[-1] += " " + sentence
        elif sentence:
            chunks.append(sentence)
    if segment.start_seconds is None or segment.end_seconds is None:
        return [Segment(None, None, segment.speaker, chunk) for chunk in chunks]
    total = sum(len(chunk) for chunk in chunks) or 1
    span, done, pieces = segment.end_seconds - segment.start_seconds, 0, []
    for chunk in chunks:
        start = segment.start_seconds + span * done // total
        done += len(chunk)
        pieces.append(Segment(start, segment.start_seconds + span * done // total, segment.speaker, chunk))
    return pieces


def _passage(segments: list[Segment]) -> Passage:
    speakers = tuple(dict.fromkeys(s.speaker for s in segments if s.speaker))
    ends = [s.end_seconds for s in segments if s.end_seconds is not None]
    return Passage(
        start_seconds=segments[0].start_seconds,
        end_seconds=max(ends) if ends else None,
        speakers=speakers,
        text=" ".join(segment.text for segment in segments),
    )
