"""Keeping the garbage collector's full passes short: while a sync holds many objects, and for the
objects a long-running process keeps for its life.

A full collection walks every tracked object and holds the GIL while it does: with a 10,000-item
feed parsed in memory (hundreds of thousands of episode, chapter and link objects) one pass takes
over 100 ms, and the bot's event loop waits for it. During a sync, the objects alive so far (the
bot's own state, then each batch of parsed episodes) are frozen out of the collector's view
(gc.freeze). gc.unfreeze releases every frozen object at once, so the window ends only when the
last of the syncs running together ends; the syncs' objects, which hold no reference cycles, are
freed by reference counting as usual. A process that settled after its start-up (the bot, the
console) then collects once and freezes what is left again, so its start-up objects (tens of
thousands from imports and opening the library) stay out of the passes that would hold a reply.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


class _Freezing:
    syncs = 0  # syncs inside sparing_the_collector now
    settled = False  # the process froze its start-up objects (settle_after_startup)


@contextlib.contextmanager
def sparing_the_collector() -> Iterator[None]:
    gc.freeze()
    _Freezing.syncs += 1
    try:
        yield
    finally:
        _Freezing.syncs -= 1
        if not _Freezing.syncs:
            gc.unfreeze()
            if _Freezing.settled:
                gc.collect()  # the window's cyclic garbage, once, before the survivors are frozen again
                gc.freeze()


def spare_new_objects() -> None:
    """Inside sparing_the_collector: take what was made since out of the collector's view too."""
    if _Freezing.syncs:
        gc.freeze()


def settle_after_startup() -> None:
    """Leave the objects made so far (tens of thousands from imports and opening the library,
    kept for the process's life) out of every later garbage collection: a full collection walks
    each of them and held a reply for 10 to 30 ms, a p99 spike of every command and keystroke."""
    _Freezing.settled = True
    gc.freeze()
