"""Where each feed of the manifest is read from: a directory given on the command line, else the git
mirror of its repository at the recorded commit."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "feeds.json"


@dataclass(frozen=True)
class FeedSource:
    name: str
    title: str
    repo: str
    commit: str
    path: str
    language: str
    kind: str
    topics_only: bool = False  # no queries: only its topics are measured


def manifest() -> tuple[Path, list[FeedSource]]:
    document = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return Path(document["mirror"]), [FeedSource(**feed) for feed in document["feeds"]]


def feed_bytes(feed: FeedSource, mirror: Path, feeds_dir: Path | None) -> bytes | None:
    """The feed document, or None with no copy here: FEEDS_DIR/<name>.xml (or the path's file name
    there), else `git show COMMIT:PATH` in MIRROR/<owner>+<name>/repo."""
    if feeds_dir is not None:
        for candidate in (feeds_dir / f"{feed.name}.xml", feeds_dir / Path(feed.path).name):
            if candidate.is_file():
                return candidate.read_bytes()
    git_dir = mirror / feed.repo.replace("/", "+") / "repo"
    if not git_dir.is_dir():
        return None
    shown = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{feed.commit}:{feed.path}"], capture_output=True, check=False
    )
    return shown.stdout if shown.returncode == 0 else None
