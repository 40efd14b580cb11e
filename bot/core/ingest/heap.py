"""Keeping the garbage collector's full passes short while a sync holds many objects.

A full collection walks every tracked object and holds the GIL while it does: with a 10,000-item
feed parsed in memory (hundreds of thousands of episode, chapter and link objects) one pass takes
over 100 ms, and the bot's event loop waits for it. During a sync, the objects alive so far (the
bot's own state, then each batch of parsed episodes) are frozen out of the collector's view
(gc.freeze); the window ends with the sync (gc.unfreeze), and the sync's objects, which hold no
reference cycles, are freed by reference counting as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def sparing_the_collector() -> Iterator[None]:
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def spare_new_objects() -> None:
    """Inside sparing_the_collector: take what was made since out of the collector's view too."""
    if gc.get_freeze_count():
        gc.freeze()
