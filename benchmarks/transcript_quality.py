"""Transcript search quality over tests/transcript_queries.py (python -m benchmarks.transcript_quality [-v])."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from bot.core.config import Config
from bot.core.library import Library
from tests.transcript_scoring import Quality, measure


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with await Library.open(Config(), db=Path(folder) / "example.db", feed="example") as library:
            await library.sync()
            results = await measure(library)
    for kind, quality in results.items():
        if quality.asked:
            print(quality.row(kind))
        if quality.never_said:
            print(f"{kind:<13} {quality.never_said:>3}  refused {quality.refused}")
    if "-v" in sys.argv:
        print("\n".join(results["all"].misses + results.get("never-said", Quality()).misses))


if __name__ == "__main__":
    asyncio.run(main())
