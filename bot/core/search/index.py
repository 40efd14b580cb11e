"""The search index as SQLite keeps it: read through a connection of its own, in one worker thread.

Nothing is loaded up front: a query reads the few vocabulary rows, postings and episodes it needs,
so the first answer costs the same in a fresh process as the thousandth, at any catalogue size.
The FTS5 table `episodes_fts` holds the terms of each field (its postings); `search_terms` holds
every term with how many episodes have it, overall and per field (fts5vocab counts those by
reading a term's whole doclist, too slow for a keystroke), indexed by shape (first letter, length)
for typo expansion. Each sync keeps both current in its own transaction, recounting only the terms
of the episodes it changed, so a sync that changes one episode changes a few hundred rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.core.models import Episode
from bot.core.store.rows import (
    LINK_REASON_ORDER,
    LIVE_EPISODES,
    TOPIC_SOURCE_ORDER,
    TOPICS_COUNTED,
    assemble,
    chapters_sql,
    episodes_sql,
    latest_ids_sql,
    marks,
)
from bot.core.topics.labels import SOURCES
from bot.core.words.language import Language, language_of
from bot.core.words.text import tokenize

# Field codes, in order of preference: a lower code ranks first among equal scores.
TITLE, GUEST, CHAPTER, DESCRIPTION = range(4)
_COLUMNS = ("title", "guests", "chapters", "description")
# A typo keeps its first letter and about its length (fuzz.ratio >= 75 allows no more than 3 off).
SPELLING_CANDIDATES = 5_000
# Shapes whose candidates a reader keeps between queries: at most 64 x 5,000 terms (about 20 MB,
# reached only when a feed floods the vocabulary; an ordinary one's shapes hold a few terms each).
_SHAPES_KEPT = 64
_BATCH = 500
# Up to this many runs of consecutive episode ids in focus, postings seek each run; past it, one join.
_RUNS_SOUGHT = 64
_LIVE = "JOIN episodes e ON e.id = t.episode_id AND e.removed_at IS NULL"


class IndexReader:
    """Read-only queries over one store's file. Not thread-safe: the Searcher calls it from a
    single worker thread."""

    def __init__(self, path: str | Path) -> None:
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        # Plain tuples (a typo's candidates are thousands of rows); episodes are read by name.
        self._by_name = self._db.cursor()
        self._by_name.row_factory = sqlite3.Row
        self._db.execute("PRAGMA busy_timeout = 5000")
        # Typo candidates by shape, most recently used last; valid for one store generation.
        self._shapes: OrderedDict[tuple[str, int], list[str]] = OrderedDict()
        self._generation: str | None = None
        self._topic_counts: list[tuple[str, int, int]] | None = None
        self._topic_labels: dict[str, str] | None = None
        self._language: Language | None = None
        # The podcasts a query answers for (None: every podcast in the store) and the store's
        # podcasts (id, title, language), read once per generation.
        self._scope: tuple[int, ...] | None = None
        self._scoped_table: tuple[int, ...] | None = None
        # The episode ids in focus as runs of consecutive ids (lowest, highest), the highest first:
        # a show's first sync stores its episodes in one run.
        self._scoped_runs: list[tuple[int, int]] = []
        self._podcasts: dict[int, tuple[str, str | None]] | None = None

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One consistent view for a whole query, even while a sync commits."""
        self._db.execute("BEGIN")
        row = self._db.execute("SELECT value FROM store_meta WHERE key = 'generation'").fetchone()
        generation = row[0] if row else None
        if generation != self._generation:
            self._shapes.clear()
            self._topic_counts = None
            self._topic_labels = None
            self._language = None
            self._podcasts = None
            self._scoped_table = None
            self._generation = generation
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def language(self) -> Language:
        """The language of the podcasts a query answers for, as their `<language>` names it."""
        if self._language is None:
            self._language = language_of(self.language_tag())
        return self._language

    # -- which podcasts a query answers for -------------------------------------------------

    def podcasts(self) -> dict[int, tuple[str, str | None]]:
        """Every podcast the store holds: id -> (title, language tag)."""
        if self._podcasts is None:
            rows = self._db.execute("SELECT id, title, language FROM podcasts ORDER BY id")
            self._podcasts = {row[0]: (row[1] or "", row[2]) for row in rows}
        return self._podcasts

    def focus(self, podcast_ids: Sequence[int] | None) -> None:
        """Answer for PODCAST_IDS only (None: every podcast), until the next focus."""
        held = self.podcasts()
        scope = None if podcast_ids is None else tuple(sorted(set(podcast_ids)))
        if scope is not None and set(held) <= set(scope):
            scope = None  # all of them: no filter, a single show's queries exactly as before
        if scope != self._scope:
            self._scope = scope
            self._language = None
            self._topic_counts = None
        if scope is not None and scope != self._scoped_table:
            # A temporary table (the read-only file is not written) that every filter reads by key.
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS scoped (id INTEGER PRIMARY KEY)")
            self._db.execute("DELETE FROM temp.scoped")
            self._db.execute(
                f"INSERT INTO temp.scoped SELECT id FROM episodes WHERE podcast_id IN ({marks(scope)})", scope
            )
            self._scoped_table = scope
            self._scoped_runs = self._db.execute(
                """SELECT min(id), max(id) FROM (SELECT id, id - row_number() OVER (ORDER BY id) AS run
                   FROM temp.scoped) GROUP BY run ORDER BY 1 DESC"""
            ).fetchall()

    @contextmanager
    def focused(self, podcast_ids: Sequence[int]) -> Iterator[None]:
        """Answer for PODCAST_IDS (within the present focus) inside, as before after."""
        before = self._scope
        self.focus(podcast_ids)
        try:
            yield
        finally:
            self.focus(before)

    def language_groups(self) -> list[tuple[int, ...]]:
        """The podcasts in focus grouped by language: a query is read once per language."""
        groups: dict[str, list[int]] = {}
        for podcast_id in self._scope if self._scope is not None else self.podcasts():
            tag = self.podcasts().get(podcast_id, ("", None))[1]
            groups.setdefault(language_of(tag).code, []).append(podcast_id)
        return [tuple(ids) for ids in groups.values()]

    def podcast_of(self, episode_id: int) -> int | None:
        row = self._db.execute("SELECT podcast_id FROM episodes WHERE id = ?", (episode_id,)).fetchone()
        return row[0] if row else None

    def _within(self, column: str) -> str:
        """A condition keeping COLUMN (an episode id) in focus; empty when every podcast is."""
        return "" if self._scope is None else f" AND {column} IN temp.scoped"

    def _joined(self) -> str:
        """A join keeping the full-text rows in focus. A join, not `rowid IN`: FTS5 would answer
        that with a lookup per episode in focus, the join reads the match's own doclist once."""
        return "" if self._scope is None else " CROSS JOIN temp.scoped ON temp.scoped.id = episodes_fts.rowid"

    def _sought_in_runs(self, expression: str, limit: int, *, newest_first: bool) -> list[int] | None:
        """Up to LIMIT ids in focus of episodes matching the FTS5 EXPRESSION, the highest first or
        (as a join reads them) the lowest: FTS5 seeks each run of ids in focus in the doclists,
        where the join reads the doclists of every show (15 ms for a word most chapters say).
        None when the focus is every podcast, or in too many runs to seek each."""
        if self._scope is None or len(self._scoped_runs) > _RUNS_SOUGHT:
            return None
        order = "DESC" if newest_first else "ASC"
        found: list[int] = []
        for low, high in self._scoped_runs if newest_first else reversed(self._scoped_runs):
            found += [
                row[0]
                for row in self._db.execute(
                    "SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH ? AND rowid BETWEEN ? AND ? "
                    f"ORDER BY rowid {order} LIMIT ?",
                    (expression, low, high, limit - len(found)),
                )
            ]
            if len(found) >= limit:
                break
        return found

    def _podcasts_within(self, column: str) -> str:
        """A condition keeping COLUMN (a podcast id) in focus."""
        return "" if self._scope is None else f" AND {column} IN ({','.join(map(str, self._scope))})"

    def phrase_matches(self, phrases: Sequence[Sequence[str]], limit: int) -> tuple[set[int], set[int]]:
        """Up to LIMIT episodes whose titles, guests or chapters say one of PHRASES word for word,
        and up to LIMIT whose notes do."""
        if not phrases:
            return set(), set()
        alternatives = " OR ".join(quote_term(" ".join(phrase)) for phrase in phrases)
        found: list[set[int]] = []
        for columns in ("{title guests chapters}", "description"):
            expression = f"{columns} : ({alternatives})"
            if (sought := self._sought_in_runs(expression, limit, newest_first=False)) is not None:
                found.append(set(sought))
                continue
            rows = self._db.execute(
                f"SELECT episodes_fts.rowid FROM episodes_fts{self._joined()} WHERE episodes_fts MATCH ? LIMIT ?",
                (expression, limit),
            )
            found.append({row[0] for row in rows})
        return found[0], found[1]

    def transcript_passages(
        self, expression: str, limit: int, ranked: bool
    ) -> list[tuple[int, int | None, str, str, float]]:
        """Up to LIMIT passages of live episodes' transcripts matching the FTS5 EXPRESSION:
        (episode id, start second, speakers, text, BM25 strength). RANKED, best first; else in
        no particular order with strength 0, which is far cheaper when thousands match."""
        strength, order = ("-bm25(transcript_fts)", "ORDER BY rank") if ranked else ("0.0", "")
        rows = self._db.execute(
            f"""SELECT t.episode_id, p.start_seconds, p.speakers, p.text, {strength}
                FROM transcript_fts
                JOIN transcript_passages p ON p.id = transcript_fts.rowid
                JOIN episode_transcripts t ON t.url = p.url
                JOIN episodes e ON e.id = t.episode_id AND e.removed_at IS NULL
                WHERE transcript_fts MATCH ?{self._within("t.episode_id")} {order} LIMIT ?""",
            (expression, limit),
        )
        return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    def transcript_documents(self, stems: Sequence[str]) -> tuple[int, dict[str, int]]:
        """About how many passages there are (the highest id: counting them all would cost more
        than the query), and for each of STEMS how many have a word starting with it."""
        total = self._db.execute("SELECT coalesce(max(id), 0) FROM transcript_passages").fetchone()[0]
        counts = {}
        for stem in stems:
            row = self._db.execute(
                "SELECT coalesce(sum(documents), 0) FROM transcript_terms WHERE term >= ? AND term < ?",
                (stem, stem + "\U0010ffff"),
            ).fetchone()
            counts[stem] = int(row[0])
        return int(total), counts

    def transcript_terms_like(self, word: str) -> list[tuple[str, int]]:
        """Words of the transcripts with WORD's first letter and about its length (typo candidates),
        with how many passages have each."""
        rows = self._db.execute(
            """SELECT term, documents FROM transcript_terms
               WHERE first = ? AND length BETWEEN ? AND ? ORDER BY documents DESC LIMIT ?""",
            (word[0], len(word) - 2, len(word) + 2, SPELLING_CANDIDATES),
        )
        return [(row[0], row[1]) for row in rows]

    def episode_total(self) -> int:
        return int(self._db.execute(LIVE_EPISODES).fetchone()[0])

    def term_counts(self, terms: Iterable[str]) -> dict[str, tuple[int, dict[int, int]]]:
        """For each of TERMS that is indexed: how many episodes have it, and how many have it in
        each field (fields without it left out)."""
        found: dict[str, tuple[int, dict[int, int]]] = {}
        query = (
            "SELECT term, documents, in_title, in_guests, in_chapters, in_notes FROM search_terms WHERE term IN ({})"
        )
        for term, documents, *per_field in self._batched(query, list(terms)):
            found[term] = (documents, {field: count for field, count in enumerate(per_field) if count})
        return found

    def completions(self, prefix: str, limit: int) -> list[str]:
        """Indexed terms that start with PREFIX, in alphabetical order."""
        rows = self._db.execute(
            "SELECT term FROM search_terms WHERE term > ? AND term < ? ORDER BY term LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit),
        )
        return [row[0] for row in rows]

    def spelling_candidates(self, word: str) -> list[str]:
        """Indexed terms that may be WORD misspelt: same first letter, similar length. At most
        SPELLING_CANDIDATES of them (the most common first), so a typo costs the same in a feed
        whose notes hold two million distinct words as in a small one."""
        candidates: list[str] = []
        for offset in (0, -1, 1, -2, 2, -3, 3):  # the likeliest lengths first, in case the cap cuts
            candidates += self._terms_of_shape(word[0], len(word) + offset)
            if len(candidates) >= SPELLING_CANDIDATES:
                return candidates[:SPELLING_CANDIDATES]
        return candidates

    def _terms_of_shape(self, first: str, length: int) -> list[str]:
        """The most common terms of one shape, kept for the next queries: as someone types, the
        same few shapes come back on every keystroke."""
        key = (first, length)
        if key in self._shapes:
            self._shapes.move_to_end(key)
            return self._shapes[key]
        rows = self._db.execute(
            "SELECT term FROM search_terms WHERE first = ? AND length = ? ORDER BY documents DESC LIMIT ?",
            (first, length, SPELLING_CANDIDATES),
        )
        self._shapes[key] = terms = [row[0] for row in rows]
        if len(self._shapes) > _SHAPES_KEPT:
            self._shapes.popitem(last=False)
        return terms

    def postings(self, term: str, field: int, limit: int) -> list[int]:
        """Up to LIMIT ids of episodes with TERM in FIELD, the most recently stored first."""
        if (sought := self._sought_in_runs(_in_field(term, field), limit, newest_first=True)) is not None:
            return sought
        rows = self._db.execute(
            f"SELECT episodes_fts.rowid FROM episodes_fts{self._joined()} WHERE episodes_fts MATCH ? "
            "ORDER BY episodes_fts.rowid DESC LIMIT ?",
            (_in_field(term, field), limit),
        )
        return [row[0] for row in rows]

    def short_field_terms(self, ids: Sequence[int]) -> dict[int, tuple[set[str], ...]]:
        """For each of IDS, the terms of its title, guests and chapters (a shortlist's worth:
        one read of a few rows beats a MATCH per term)."""
        rows = self._db.execute(
            f"SELECT rowid, title, guests, chapters FROM episodes_fts WHERE rowid IN ({marks(ids)})", ids
        )
        return {row[0]: tuple(set(tokenize(text or "")) for text in row[1:]) for row in rows}

    def headlines(self, ids: Sequence[int]) -> dict[int, tuple[str, float]]:
        """For each of IDS still in the feed: its title and publication time (0 when unknown),
        what ranking needs before the few results shown are read whole."""
        rows = self._db.execute(
            f"SELECT id, title, published FROM episodes WHERE removed_at IS NULL AND id IN ({marks(ids)})", ids
        )
        return {row[0]: (row[1], _timestamp(row[2])) for row in rows}

    def notes_matches(self, expressions: Sequence[tuple[str, bool]], limit: int) -> list[list[tuple[int, float]]]:
        """For each (FTS5 MATCH expression, ranked), up to LIMIT matching episodes with how
        strongly each matched: when ranked, best first with its BM25 score (term frequency
        saturated, normalised by the field's length); else in no particular order with 0, which is
        far cheaper when a term is in thousands of episodes."""
        found: list[list[tuple[int, float]]] = []
        joined = self._joined()
        for expression, ranked in expressions:
            if ranked:
                sql = (
                    f"SELECT episodes_fts.rowid, -bm25(episodes_fts) FROM episodes_fts{joined} "
                    "WHERE episodes_fts MATCH ? ORDER BY rank LIMIT ?"
                )
            elif (sought := self._sought_in_runs(expression, limit, newest_first=False)) is not None:
                found.append([(episode_id, 0.0) for episode_id in sought])
                continue
            else:
                sql = f"SELECT episodes_fts.rowid, 0.0 FROM episodes_fts{joined} WHERE episodes_fts MATCH ? LIMIT ?"
            found.append([(row[0], row[1]) for row in self._db.execute(sql, (expression, limit))])
        return found

    def episodes(self, ids: Sequence[int]) -> list[Episode]:
        """The episodes with IDS that are still in the feed, in the order given."""
        if not ids:
            return []
        read = self._by_name.execute
        rows = read(episodes_sql(f"removed_at IS NULL AND id IN ({marks(ids)})"), ids).fetchall()
        chapter_ids = [row["id"] for row in rows]
        return assemble(rows, read(chapters_sql(chapter_ids), chapter_ids).fetchall(), ids)

    def latest(self, count: int) -> list[Episode]:
        scope = self._scope
        return self.episodes([row[0] for row in self._db.execute(latest_ids_sql(scope), (*(scope or ()), count))])

    def numbered(
        self, number: int, podcast_ids: Sequence[int] | None = None, limit: int = -1, season: int | None = None
    ) -> list[Episode]:
        """Up to LIMIT (-1: all) episodes in focus numbered NUMBER (of PODCAST_IDS and of SEASON,
        when given), newest first: a hundred shows each have a 64, and a page shows ten."""
        of = "" if podcast_ids is None else f" AND podcast_id IN ({','.join(map(str, podcast_ids))})"
        if season is not None:
            of += f" AND season = {int(season)}"
        rows = self._db.execute(
            f"""SELECT id FROM episodes WHERE number = ? AND removed_at IS NULL{self._within("id")}{of}
                ORDER BY published DESC LIMIT ?""",
            (number, limit),
        )
        return self.episodes([row[0] for row in rows])

    def numbers_near(self, number: int, count: int) -> tuple[tuple[int, int] | None, list[int]]:
        """The range of episode numbers in the feed, and the COUNT numbers closest to NUMBER."""
        within = self._within("id")
        low, high = self._db.execute(
            f"SELECT min(number), max(number) FROM episodes WHERE removed_at IS NULL AND number IS NOT NULL{within}"
        ).fetchone()
        if low is None:
            return None, []
        near: set[int] = set()
        for comparison, order in (("<", "DESC"), (">", "ASC"), ("=", "ASC")):
            near.update(
                row[0]
                for row in self._db.execute(
                    f"""SELECT DISTINCT number FROM episodes WHERE removed_at IS NULL AND number {comparison} ?
                        {within} ORDER BY number {order} LIMIT ?""",
                    (number, count),
                )
            )
        return (low, high), sorted(sorted(near, key=lambda n: (abs(n - number), n))[:count])

    # -- topics and companion articles ------------------------------------------------------

    def topic_counts(self) -> list[tuple[str, int, int]]:
        """Every topic with how many episodes `topic NAME` lists and how many articles have it
        in the podcasts in focus, as the sync counted them for each podcast
        (topics.answers.listed_counts); until it has, the episodes tagged with it. Read once per
        store generation and focus (autocomplete asks on every keystroke)."""
        if self._topic_counts is None:
            counted = self._db.execute(f"SELECT value FROM store_meta WHERE key = '{TOPICS_COUNTED}'").fetchone()
            if counted is not None and counted[0] == (self._generation or "0"):
                rows = self._db.execute(
                    f"""SELECT topic, sum(episodes), sum(articles) FROM topic_counts
                        WHERE 1{self._podcasts_within("podcast_id")} GROUP BY topic"""
                )
                self._topic_counts = [(row[0], row[1], row[2]) for row in rows]
            else:
                self._topic_counts = self.tagged_topic_counts()
        return self._topic_counts

    def topic_inputs_print(self) -> str:
        """A digest of what the topic counts of the podcasts in focus are counted from: their
        episodes as last written, their topics, their articles' tags, and the topics' labels and
        spellings. Unchanged, the counts a sync stored for them still hold."""
        digest = hashlib.sha256()
        for query in (
            f"SELECT id, fingerprint_json FROM episodes WHERE removed_at IS NULL{self._within('id')} ORDER BY id",
            f"""SELECT t.episode_id, t.topic, t.source, t.weight FROM episode_topics t {_LIVE}{self._within("e.id")}
                ORDER BY t.episode_id, t.topic, t.source""",
            f"SELECT id, tags_json FROM articles a WHERE 1{self._podcasts_within('a.podcast_id')} ORDER BY id",
            "SELECT topic, label FROM topic_labels ORDER BY topic",
            "SELECT spelling, topic FROM topic_spellings ORDER BY spelling",
        ):
            for row in self._db.execute(query):
                digest.update(repr(row).encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def tagged_topic_counts(self) -> list[tuple[str, int, int]]:
        """Every topic with how many episodes in the feed are tagged with it (or inferred to be
        about it) and how many articles are."""
        rows = self._db.execute(
            f"""SELECT topic, sum(episodes), sum(articles) FROM (
                    SELECT t.topic, count(DISTINCT t.episode_id) AS episodes, 0 AS articles
                    FROM episode_topics t {_LIVE}{self._within("e.id")} GROUP BY t.topic
                    UNION ALL
                    SELECT j.value, 0, count(*) FROM articles a, json_each(a.tags_json) j
                    WHERE 1{self._podcasts_within("a.podcast_id")} GROUP BY j.value)
                GROUP BY topic"""
        )
        return [(row[0], row[1], row[2]) for row in rows]

    def topic_labels(self) -> dict[str, str]:
        """How the publisher spells each topic its feed tags ("ZFS"), read once per store generation."""
        if self._topic_labels is None:
            self._topic_labels = dict(self._db.execute("SELECT topic, label FROM topic_labels").fetchall())
        return self._topic_labels

    def topic_spelt(self, name: str) -> str | None:
        """The topic NAME is another spelling of ("databases" -> "database"), if any."""
        row = self._db.execute("SELECT topic FROM topic_spellings WHERE spelling = ?", (name,)).fetchone()
        return row[0] if row else None

    def has_topic(self, topic: str) -> bool:
        """Whether an episode in the feed or an article has TOPIC."""
        return bool(
            self._db.execute(
                f"SELECT 1 FROM episode_topics t {_LIVE} WHERE t.topic = ?{self._within('e.id')} LIMIT 1", (topic,)
            ).fetchone()
            or self._db.execute(
                "SELECT 1 FROM articles a, json_each(a.tags_json) j WHERE j.value = ?"
                f"{self._podcasts_within('a.podcast_id')} LIMIT 1",
                (topic,),
            ).fetchone()
        )

    def topic_members(self, topic: str, limit: int) -> list[tuple[int, str, float]]:
        """Up to LIMIT episodes in the feed with TOPIC: (id, the most trusted source, its weight),
        most trusted first, then the surest inferred, then the newest."""
        rows = self._db.execute(
            f"""SELECT t.episode_id, t.source, t.weight FROM episode_topics t {_LIVE}
                WHERE t.topic = ?{self._within("e.id")}
                ORDER BY {TOPIC_SOURCE_ORDER}, t.weight DESC, e.published DESC LIMIT ?""",
            (topic, limit * len(SOURCES)),  # an episode has a row per source at most
        )
        best: dict[int, tuple[int, str, float]] = {}
        for episode_id, source, weight in rows:
            best.setdefault(episode_id, (episode_id, source, weight))
        return list(best.values())[:limit]

    def with_topic(self, topic: str, ids: Sequence[int]) -> set[int]:
        """Those of IDS that are tagged with TOPIC (by an article, the feed or an address; not inferred)."""
        if not ids:
            return set()
        rows = self._db.execute(
            f"""SELECT DISTINCT episode_id FROM episode_topics
                WHERE topic = ? AND source != 'inferred' AND episode_id IN ({marks(ids)})""",
            (topic, *ids),
        )
        return {row[0] for row in rows}

    def topics_of(self, ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """For each of IDS, its topics with their most trusted source, most trusted first."""
        found: dict[int, dict[str, str]] = {episode_id: {} for episode_id in ids}
        if ids:
            rows = self._db.execute(
                f"""SELECT t.episode_id, t.topic, t.source FROM episode_topics t
                    WHERE t.episode_id IN ({marks(ids)}) ORDER BY {TOPIC_SOURCE_ORDER}, t.weight DESC, t.topic""",
                ids,
            )
            for episode_id, topic, source in rows:
                found[episode_id].setdefault(topic, source)
        return {episode_id: list(topics.items()) for episode_id, topics in found.items()}

    def linked_article_titles(self, ids: Sequence[int]) -> dict[int, str]:
        """For each of IDS with a companion article, the title of its strongest one."""
        if not ids:
            return {}
        rows = self._by_name.execute(
            f"""SELECT l.episode_id, a.title, a.url FROM episode_articles l JOIN articles a ON a.id = l.article_id
                WHERE l.episode_id IN ({marks(ids)}) ORDER BY {LINK_REASON_ORDER}""",
            ids,
        )
        found: dict[int, str] = {}
        for row in rows:
            found.setdefault(row["episode_id"], row["title"] or row["url"] or "")
        return found

    def topic_articles(self, topic: str) -> list[sqlite3.Row]:
        """Articles tagged TOPIC, newest first (companion, title, url, published, tags_json)."""
        return self._by_name.execute(
            f"""SELECT a.companion, a.title, a.url, a.published, a.tags_json FROM articles a
               WHERE EXISTS (SELECT 1 FROM json_each(a.tags_json) j WHERE j.value = ?)
                   {self._podcasts_within("a.podcast_id")}
               ORDER BY a.published IS NULL, a.published DESC, a.id DESC""",
            (topic,),
        ).fetchall()

    def podcast_titles(self) -> dict[int, str]:
        """The title of each podcast in focus."""
        held = self.podcasts()
        return {i: held[i][0] for i in (self._scope if self._scope is not None else held) if i in held}

    def language_tag(self) -> str | None:
        """The `<language>` of the podcasts in focus (the first one's), as its feed declares it."""
        held = self.podcasts()
        return next((held[i][1] for i in (self._scope if self._scope is not None else held) if i in held), None)

    def indexed_text(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """The indexed text of each of IDS: its title and chapters, and its notes without addresses."""
        if not ids:
            return {}
        rows = self._db.execute(
            f"SELECT rowid, title, chapters, description FROM episodes_fts WHERE rowid IN ({marks(ids)})", ids
        )
        return {row[0]: (f"{row[1]}\n{row[2]}", row[3]) for row in rows}

    def _batched(self, query: str, values: list[str]) -> Iterator[tuple[Any, ...]]:
        for start in range(0, len(values), _BATCH):
            batch = values[start : start + _BATCH]
            yield from self._db.execute(query.format(marks(batch)), batch)


def _timestamp(published: str | None) -> float:
    return dt.datetime.fromisoformat(published).timestamp() if published else 0.0


def _in_field(term: str, field: int) -> str:
    """An FTS5 expression for TERM in one column; user text stays text, never FTS syntax."""
    return f"{_COLUMNS[field]} : {quote_term(term)}"


def quote_term(term: str) -> str:
    """An FTS5 string literal: user text stays text, never syntax (NEAR, *, :, -, parentheses)."""
    return '"' + term.replace('"', '""') + '"'
