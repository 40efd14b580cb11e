"""Transcripts an item names (podcast:transcript): read from any format real hosts publish into
timed segments, merged into passages of a few sentences that a search hit quotes."""

from bot.core.ingest.transcripts.choice import TranscriptLink, best_transcript
from bot.core.ingest.transcripts.formats import read_transcript
from bot.core.ingest.transcripts.passages import passages_of

__all__ = ["TranscriptLink", "best_transcript", "passages_of", "read_transcript"]
