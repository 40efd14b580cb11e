"""Scoring transcript answers against tests/transcript_queries.py: how often the /episode answer
is the right episode (top-1), whether its moment is within the question's window, and the mean
reciprocal rank of the right moment in the `in:transcript` list. The test asserts floors;
benchmarks/transcript_quality.py prints the numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.library import Library
from tests.transcript_queries import QUESTIONS, TranscriptQuestion


@dataclass
class Quality:
    asked: int = 0
    right_episode: int = 0
    right_moment: int = 0
    reciprocal_ranks: float = 0.0
    refused: int = 0
    never_said: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def top1(self) -> float:
        return self.right_episode / self.asked

    @property
    def moments(self) -> float:
        return self.right_moment / self.asked

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.asked

    def row(self, kind: str) -> str:
        return f"{kind:<13} {self.asked:>3}  top-1 {self.top1:.2f}  moment {self.moments:.2f}  MRR {self.mrr:.2f}"


def _within(question: TranscriptQuestion, start: int | None) -> bool:
    assert question.said_at_seconds is not None
    return start is not None and abs(start - question.said_at_seconds) <= question.window_seconds


async def measure(library: Library) -> dict[str, Quality]:
    """Quality per kind of question, and "all" over every question the transcripts answer."""
    by_kind: dict[str, Quality] = {"all": Quality()}
    for question in QUESTIONS:
        found = await library.find(question.question)
        best = found.best
        if question.episode is None:
            quality = by_kind.setdefault(question.kind, Quality())
            quality.never_said += 1
            if best is None or best.matched.field != "transcript":
                quality.refused += 1
            else:
                quality.misses.append(
                    f"{question.question!r} answered by {best.episode.number} at {best.matched.start_seconds}"
                )
            continue
        moments = await library.search(question.question, in_transcripts=True)
        rank = next(
            (
                i
                for i, m in enumerate(moments, start=1)
                if m.episode.number == question.episode and _within(question, m.matched.start_seconds)
            ),
            None,
        )
        for quality in (by_kind["all"], by_kind.setdefault(question.kind, Quality())):
            quality.asked += 1
            if best is not None and best.episode.number == question.episode:
                quality.right_episode += 1
                if best.matched.field == "transcript" and _within(question, best.matched.start_seconds):
                    quality.right_moment += 1
            if rank:
                quality.reciprocal_ranks += 1 / rank
        if rank != 1:
            got = f"{best.episode.number} {best.matched.field} {best.matched.start_seconds}" if best else "nothing"
            by_kind["all"].misses.append(f"{question.question!r}: /episode {got}; right moment ranked {rank}")
    return by_kind
