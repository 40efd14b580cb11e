"""`python -m bot.parse_worker`: parses one large feed in a child process (see feed.parse).

Reads from stdin an 8-byte length, a pickled (source, config) of that length, then the feed's
bytes; writes to stdout frames of an 8-byte length and a pickle, ended by a zero length: first
("podcast", (podcast, skipped_items, warnings)) or ("error", message), then ("episodes", [...])
batches small enough that unpickling each one never holds the parent's GIL for long.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any, BinaryIO

from .feed import FeedError, parse_sync

EPISODES_PER_FRAME = 200


def write_frame(out: BinaryIO, payload: Any) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL) if payload is not None else b""
    out.write(len(data).to_bytes(8, "big") + data)


def main() -> int:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    header = stdin.read(int.from_bytes(stdin.read(8), "big"))
    source, config = pickle.loads(header)
    body = stdin.read()
    try:
        parsed = parse_sync(body, source, config)
    except FeedError as error:
        write_frame(stdout, ("error", str(error)))
        write_frame(stdout, None)
        return 0
    write_frame(stdout, ("podcast", (parsed.podcast, parsed.skipped_items, parsed.warnings, parsed.complete)))
    episodes = parsed.episodes
    for start in range(0, len(episodes), EPISODES_PER_FRAME):
        write_frame(stdout, ("episodes", episodes[start : start + EPISODES_PER_FRAME]))
    write_frame(stdout, None)
    stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
