"""The search index as SQLite keeps it: read through a connection of its own, in one worker thread.

Nothing is loaded up front: a query reads the few vocabulary rows, postings and episodes it needs,
so the first answer costs the same in a fresh process as the thousandth, at any catalogue size.
The FTS5 table `episodes_fts` holds the terms of each field; `episodes_fts_terms` and
`episodes_fts_columns` (fts5vocab) say how many episodes have a term, overall and per field; and
`search_terms` lists the terms by shape (first letter, length) for typo expansion. Each sync keeps
all of them current in its own transaction, so a sync that changes one episode changes a few rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from .models import Episode
from .store.rows import LATEST_IDS, assemble, chapters_sql, episodes_sql, marks

# Field codes, in order of preference: a lower code ranks first among equal scores.
TITLE, GUEST, CHAPTER, DESCRIPTION = range(4)
_COLUMNS = ("title", "guests", "chapters", "description")
_FIELD_OF_COLUMN = {name: code for code, name in enumerate(_COLUMNS)}
# A typo keeps its first letter and about its length (fuzz.ratio >= 75 allows no more than 3 off).
SPELLING_CANDIDATES = 5_000
_BATCH = 500


class IndexReader:
    """Read-only queries over one store's file. Not thread-safe: the Searcher calls it from a
    single worker thread."""

    def __init__(self, path: str | Path) -> None:
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA busy_timeout = 5000")

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One consistent view for a whole query, even while a sync commits."""
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def episode_total(self) -> int:
        row = self._db.execute("SELECT value FROM store_meta WHERE key = 'live_episodes'").fetchone()
        return int(row[0]) if row else 0

    def document_counts(self, terms: Iterable[str]) -> dict[str, int]:
        """How many episodes have each of TERMS (absent: none)."""
        rows = self._batched("SELECT term, doc FROM episodes_fts_terms WHERE term IN ({})", list(terms))
        return {row[0]: row[1] for row in rows}

    def field_counts(self, terms: Iterable[str]) -> dict[str, dict[int, int]]:
        """Per term, how many episodes have it in each field."""
        found: dict[str, dict[int, int]] = {}
        query = "SELECT term, col, doc FROM episodes_fts_columns WHERE term IN ({})"
        for term, column, documents in self._batched(query, list(terms)):
            found.setdefault(term, {})[_FIELD_OF_COLUMN[column]] = documents
        return found

    def completions(self, prefix: str, limit: int) -> list[str]:
        """Indexed terms that start with PREFIX, in alphabetical order."""
        rows = self._db.execute(
            "SELECT term FROM episodes_fts_terms WHERE term > ? AND term < ? ORDER BY term LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit),
        )
        return [row[0] for row in rows]

    def spelling_candidates(self, word: str) -> list[str]:
        """Indexed terms that may be WORD misspelt: same first letter, similar length. At most
        SPELLING_CANDIDATES of them (the most common first), so a typo costs the same in a feed
        whose notes hold two million distinct words as in a small one."""
        candidates: list[str] = []
        for offset in (0, -1, 1, -2, 2, -3, 3):  # the likeliest lengths first, in case the cap cuts
            rows = self._db.execute(
                "SELECT term FROM search_terms WHERE first = ? AND length = ? ORDER BY documents DESC LIMIT ?",
                (word[0], len(word) + offset, SPELLING_CANDIDATES - len(candidates)),
            )
            candidates += [row[0] for row in rows]
            if len(candidates) >= SPELLING_CANDIDATES:
                break
        return candidates

    def postings(self, term: str, field: int, limit: int) -> list[int]:
        """Up to LIMIT ids of episodes with TERM in FIELD, the most recently stored first."""
        rows = self._db.execute(
            "SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (_in_field(term, field), limit),
        )
        return [row[0] for row in rows]

    def containing(self, term: str, field: int, ids: Sequence[int]) -> set[int]:
        """Which of IDS have TERM in FIELD."""
        rows = self._db.execute(
            f"SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH ? AND rowid IN ({marks(ids)})",
            (_in_field(term, field), *ids),
        )
        return {row[0] for row in rows}

    def notes_matches(self, expressions: Sequence[tuple[str, bool]], limit: int) -> list[list[int]]:
        """For each (FTS5 MATCH expression, ranked), the ids of up to LIMIT matching episodes:
        best (bm25) first when ranked, else in no particular order, which is far cheaper when a
        term is in thousands of episodes."""
        found: list[list[int]] = []
        for expression, ranked in expressions:
            order = "ORDER BY rank" if ranked else ""
            rows = self._db.execute(
                f"SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH ? {order} LIMIT ?", (expression, limit)
            )
            found.append([row[0] for row in rows])
        return found

    def episodes(self, ids: Sequence[int]) -> list[Episode]:
        """The episodes with IDS that are still in the feed, in the order given."""
        if not ids:
            return []
        rows = self._db.execute(episodes_sql(f"removed_at IS NULL AND id IN ({marks(ids)})"), ids).fetchall()
        chapter_ids = [row["id"] for row in rows]
        return assemble(rows, self._db.execute(chapters_sql(chapter_ids), chapter_ids), ids)

    def latest(self, count: int) -> list[Episode]:
        return self.episodes([row[0] for row in self._db.execute(LATEST_IDS, (count,))])

    def numbered(self, number: int) -> list[Episode]:
        rows = self._db.execute(
            "SELECT id FROM episodes WHERE number = ? AND removed_at IS NULL ORDER BY published DESC", (number,)
        )
        return self.episodes([row[0] for row in rows])

    def numbers_near(self, number: int, count: int) -> tuple[tuple[int, int] | None, list[int]]:
        """The range of episode numbers in the feed, and the COUNT numbers closest to NUMBER."""
        low, high = self._db.execute(
            "SELECT min(number), max(number) FROM episodes WHERE removed_at IS NULL AND number IS NOT NULL"
        ).fetchone()
        if low is None:
            return None, []
        near: set[int] = set()
        for comparison, order in (("<", "DESC"), (">", "ASC"), ("=", "ASC")):
            near.update(
                row[0]
                for row in self._db.execute(
                    f"""SELECT DISTINCT number FROM episodes WHERE removed_at IS NULL AND number {comparison} ?
                        ORDER BY number {order} LIMIT ?""",
                    (number, count),
                )
            )
        return (low, high), sorted(sorted(near, key=lambda n: (abs(n - number), n))[:count])

    def _batched(self, query: str, values: list[str]) -> Iterator[sqlite3.Row]:
        for start in range(0, len(values), _BATCH):
            batch = values[start : start + _BATCH]
            yield from self._db.execute(query.format(marks(batch)), batch)


def _in_field(term: str, field: int) -> str:
    """An FTS5 expression for TERM in one column; user text stays text, never FTS syntax."""
    return f"{_COLUMNS[field]} : {quote_term(term)}"


def quote_term(term: str) -> str:
    """An FTS5 string literal: user text stays text, never syntax (NEAR, *, :, -, parentheses)."""
    return '"' + term.replace('"', '""') + '"'
