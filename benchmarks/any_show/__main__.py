"""`python -m benchmarks.any_show [--feeds-dir DIR] [--json] [--feed NAME]`: podbot on real third-party
feeds, each synced into a fresh store in a temporary directory."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from .measure import FeedResult, kind_figures, measure_feed
from .report import feed_text, overall_text
from .sources import HERE, feed_bytes, manifest

QUERIES = HERE / "queries.json"


async def run(feeds_dir: Path | None, only: set[str], quiet: bool) -> tuple[list[FeedResult], list[str]]:
    mirror, feeds = manifest()
    queries: list[dict[str, Any]] = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    results: list[FeedResult] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="any_show-") as work:
        for feed in feeds:
            if only and feed.name not in only:
                continue
            document = feed_bytes(feed, mirror, feeds_dir)
            if document is None:
                skipped.append(f"{feed.name}: skipped, no copy of {feed.repo}:{feed.path} here")
                continue
            feed_file = Path(work) / f"{feed.name}.xml"
            feed_file.write_bytes(document)
            asked = [q for q in queries if q["feed"] == feed.name]
            db = Path(work) / f"{feed.name}.db"
            result = await measure_feed(feed.name, feed.language, feed_file, db, asked, feed.topics_only)
            results.append(result)
            if not quiet:
                print(feed_text(result), flush=True)
    return results, skipped


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.any_show", description=__doc__)
    parser.add_argument("--feeds-dir", type=Path, help="read FEEDS_DIR/<name>.xml instead of the git mirrors")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    parser.add_argument("--feed", action="append", default=[], help="only this feed (repeatable)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    results, skipped = asyncio.run(run(args.feeds_dir, set(args.feed), args.json))
    for note in skipped:
        print(note, file=sys.stderr)
    if args.json:
        queries = [q for r in results for q in r.queries]
        document = {
            "feeds": [r.as_json() for r in results],
            "skipped": skipped,
            "overall": {
                "kinds": kind_figures(queries),
                "topics": sum(r.topics for r in results),
                "show_wide_topics": sum(len(r.show_wide) for r in results),
                "worth_browsing_topics": sum(r.worth_browsing for r in results),
                "miscounted_topics": sum(len(r.miscounted) for r in results),
                "sponsor_topics": sum(len(r.sponsors) for r in results),
                "related_reasons": sum(len(r.reasons) for r in results),
                "weak_reasons": sum(w for r in results for *_, w in r.reasons),
            },
        }
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(overall_text(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
