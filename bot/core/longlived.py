"""What a long-running process (the bot, the console) does once it has started."""

from __future__ import annotations

import gc


def settle_after_startup() -> None:
    """Leave the objects made so far (tens of thousands from imports and opening the library,
    kept for the process's life) out of every later garbage collection: a full collection walks
    each of them and held a reply for 10 to 30 ms, a p99 spike of every command and keystroke."""
    gc.freeze()
