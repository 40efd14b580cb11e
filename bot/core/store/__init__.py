"""The SQLite episode store. All SQL lives in this package, one module per concern:
`database` (the file, migrations, transactions), `episodes` (episodes, chapters, full-text rows and
what search reads), `feed_state` (validators and failures per feed, linked chapters files) and
`guilds` (per-guild settings and the announcement outbox), `reading` (companion articles, their
links to episodes, and topics). A sync's writes go through
`Store.apply_sync`, one transaction, so a crash part way leaves the previous state intact.
"""

from __future__ import annotations

from .database import StoreBusy, StoreError, StoreMoved, describe_error, utcnow
from .guilds import GuildTables
from .reading import ReadingTables

__all__ = ["Store", "StoreBusy", "StoreError", "StoreMoved", "describe_error", "utcnow"]


class Store(ReadingTables, GuildTables):
    """One podbot database: open with `await Store.open(path)`, close with `await store.close()`."""
