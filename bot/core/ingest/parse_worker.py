"""`python -m bot.core.ingest.parse_worker`: parses one large feed in a child process (see feed.parse).

Reads from stdin an 8-byte length, a pickled (source, config) of that length, then the feed's
bytes; writes to stdout frames of an 8-byte length and a pickle, ended by a zero length: first
("podcast", (podcast, skipped_items, warnings)) or ("error", message), then ("episodes", [...])
batches small enough that unpickling each one never holds the parent's GIL for long.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from typing import Any, BinaryIO

from bot.core.ingest.items import FeedWarnings
from bot.core.models import Chapter, Link, ParsedEpisode

EPISODES_PER_FRAME = 200
PARENT_VARIABLE = "PODBOT_PARSE_PARENT"  # the pid of the process that started this one
_PR_SET_PDEATHSIG = 1
_FIELDS = tuple(ParsedEpisode.__dataclass_fields__)


def as_plain(episode: ParsedEpisode) -> tuple[Any, ...]:
    """EPISODE as nested tuples of str, int and None: pickled in C, unlike slotted dataclasses."""
    values = []
    for name in _FIELDS:
        value = getattr(episode, name)
        if name == "links":
            value = tuple((link.label, link.url) for link in value)
        elif name == "chapters":
            value = tuple((c.start_seconds, c.title, c.url) for c in value)
        values.append(value)
    return tuple(values)


def from_plain(values: tuple[Any, ...]) -> ParsedEpisode:
    fields = dict(zip(_FIELDS, values))
    fields["links"] = tuple(Link(*link) for link in fields["links"])
    fields["chapters"] = tuple(Chapter(*chapter) for chapter in fields["chapters"])
    return ParsedEpisode(**fields)


def write_frame(out: BinaryIO, payload: Any) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL) if payload is not None else b""
    out.write(len(data).to_bytes(8, "big") + data)


# Items per process below which spreading the work costs more than it saves.
_ITEMS_PER_EXTRA_PROCESS = 1000
_entries: list[Any] = []  # the document's entries, inherited by the forked readers


def _read_slice(task: tuple[int, int, str, Any, dict[int, list[str]]]) -> tuple[list[Any], Any]:
    from bot.core.ingest.feed import read_entries

    start, stop, source, limits, people = task
    read, warnings = read_entries(_entries[start:stop], source, limits, people, first_position=start + 1)
    return [None if episode is None else as_plain(episode) for episode in read], warnings


def read_in_parallel(
    entries: list[Any], source: str, limits: Any, people: dict[int, list[str]]
) -> tuple[list[Any], Any]:
    """feed.read_entries spread over the machine's cores: a 10,000-item feed's notes and chapters
    take seconds of pure Python. This process is single-threaded, so forking readers is safe, and
    they inherit the entries instead of receiving them pickled."""
    from bot.core.ingest.feed import read_entries  # feed imports this module: imported when first used

    processes = min(os.cpu_count() or 1, max(1, len(entries) // _ITEMS_PER_EXTRA_PROCESS), 4)
    if processes < 2:
        return read_entries(entries, source, limits, people)
    global _entries
    _entries = entries
    size = -(-len(entries) // processes)
    tasks = [(start, min(start + size, len(entries)), source, limits, people) for start in range(0, len(entries), size)]
    with multiprocessing.get_context("fork").Pool(
        processes, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        parts = pool.map(_read_slice, tasks)
    episodes: list[Any] = []
    warnings = FeedWarnings()
    for read, part_warnings in parts:
        episodes.extend(None if values is None else from_plain(values) for values in read)
        warnings.merge(part_warnings)
    return episodes, warnings


def die_with_parent(expected_parent: int) -> None:
    """Never outlive the process that wants the result (a kill -9 of the bot must not leave a
    parser running for minutes): Linux kills this one when its parent goes; elsewhere a thread
    watches for the parent to change."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        armed = False
    if os.getppid() != expected_parent:  # the parent went before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(expected_parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def main() -> int:
    die_with_parent(int(os.environ.get(PARENT_VARIABLE) or os.getppid()))
    from bot.core.ingest.feed import FeedError, parse_sync

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    header = stdin.read(int.from_bytes(stdin.read(8), "big"))
    source, config = pickle.loads(header)
    body = stdin.read()
    try:
        parsed = parse_sync(body, source, config, read_in_parallel)
    except FeedError as error:
        write_frame(stdout, ("error", str(error)))
        write_frame(stdout, None)
        return 0
    write_frame(stdout, ("podcast", (parsed.podcast, parsed.skipped_items, parsed.warnings, parsed.complete)))
    episodes = parsed.episodes
    for start in range(0, len(episodes), EPISODES_PER_FRAME):
        write_frame(stdout, ("episodes", [as_plain(e) for e in episodes[start : start + EPISODES_PER_FRAME]]))
    write_frame(stdout, None)
    stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
