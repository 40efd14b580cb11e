"""Companion articles, the links between them and episodes, and every episode's topics.

A companion sync writes its articles (`apply_companion`). After any sync, `relate` brings the
links and topics up to date with what changed: links are found again from scratch (the rules are
indexed joins, cheap at any size); topics from articles and their addresses follow the links; the
inferred topics of an episode are computed once, and again only when it changes or when what they
are inferred from (the tagged episodes and articles) changes.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite
from rapidfuzz import fuzz

from bot.core.ingest.boilerplate import said_sentences
from bot.core.ingest.urls import category_in_path, url_key
from bot.core.sync.identity import normalise_title
from bot.core.topics.labels import FeedTopics, Vector, feed_topics, infer, inverse_document_frequency, vector
from bot.core.words.text import tokenize

from ..models import Article, FeedState, Reading
from .database import iso, parse_iso, utcnow
from .episodes import EpisodeTables
from .rows import LINK_REASON_ORDER, NEWEST_FIRST, TOPICS_COUNTED, marks, reading_of

# A companion keeps at most this many articles (a blog's feed lists 10 to 50; one feed is cut at
# articles.MAX_ARTICLES, so what its feed lists always fits).
MAX_STORED_ARTICLES = 2_000
# Inference weighs at most this many tagged articles (the newest), tokenized off the event loop.
_MAX_REFERENCE_ARTICLES = 2_000
# "Near-identical" titles, and "published close together": the title-and-date link rule.
SAME_TITLE = 90
SAME_TIME = dt.timedelta(days=14)
# Inference compares each untagged episode with at most this many tagged episodes (the newest)
# and every tagged article, so its cost does not grow with a feed whose every item is tagged.
_MAX_REFERENCE_EPISODES = 2_000
_BATCH = 500
# Inference reads this much of an episode's notes (their start says what it is about) and infers
# this many episodes a call.
_NOTES_READ = 5_000
_INFERRED_PER_CALL = 2_000
# Sponsors are found in the notes of at most this many episodes (the newest).
_NOTES_FOR_READS = 2_000
_COUNTED_FROM = "topic_counts_from:"  # store_meta, + a podcast id: its counts' IndexReader.topic_inputs_print
_RELATED_GENERATION = "related_generation"  # links and every topic are current for it
_STORE_REFERENCE_PRINT = "topics_reference"  # store_meta, before: every podcast's at once
_REFERENCE_PRINT = "topics_reference:"  # + a podcast id: what its episodes' topics were inferred from


@dataclass(frozen=True, slots=True)
class _Texts:
    """What inference reads of one episode or article."""

    words: list[str]
    topics: frozenset[str]


def _article_texts(rows: list[tuple]) -> list[_Texts]:
    """What inference reads of articles (id, title, summary, tags_json). Blocking: in a thread."""
    return [
        _Texts(tokenize(f"{title or ''} {summary}"), frozenset(json.loads(tags))) for _, title, summary, tags in rows
    ]


class ReadingTables(EpisodeTables):
    async def apply_companion(
        self, companion: str, source: str, articles: Sequence[Article], state: FeedState, podcast_id: int | None = None
    ) -> tuple[int, int]:
        """Write a companion feed's articles in one transaction, with its feed state: new ones
        added, changed ones updated. A blog's feed lists only its latest posts, so older ones stay,
        up to MAX_STORED_ARTICLES a companion: past that, those no longer in the feed go, the
        oldest first (a feed whose GUIDs change on every fetch cannot grow the store).
        Returns (new, changed)."""
        now = iso(utcnow())
        new = changed = 0
        async with self._transaction():
            known = {
                row[0]: tuple(row[1:])
                for row in await self._fetchall(
                    "SELECT key, title, url, url_key, published, summary, tags_json, links_json FROM articles "
                    "WHERE source = ?",
                    (source,),
                )
            }
            for article in articles:
                values = _article_values(article)
                if known.get(article.key) == values[1:]:
                    continue
                new += article.key not in known
                changed += article.key in known
                await self._execute(
                    """INSERT INTO articles (source, companion, key, title, url, url_key, published, summary,
                           tags_json, links_json, first_seen, podcast_id)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (source, key) DO UPDATE SET companion = excluded.companion,
                           podcast_id = excluded.podcast_id,
                           title = excluded.title, url = excluded.url, url_key = excluded.url_key,
                           published = excluded.published, summary = excluded.summary,
                           tags_json = excluded.tags_json, links_json = excluded.links_json""",
                    (source, companion, article.key, *values[1:], now, podcast_id),
                )
            pruned = await self._prune_articles(source, [article.key for article in articles])
            await self._save_feed_state(state)
            if new or changed or pruned:
                await self._bump_generation()
        return new, changed

    async def _prune_articles(self, source: str, in_feed: Sequence[str]) -> int:
        """Delete SOURCE's articles beyond MAX_STORED_ARTICLES that are not IN_FEED, oldest first."""
        excess = int(await self._fetchvalue("SELECT count(*) FROM articles WHERE source = ?", (source,)))
        excess -= MAX_STORED_ARTICLES
        if excess <= 0:
            return 0
        await self._execute("CREATE TEMP TABLE IF NOT EXISTS in_feed (key TEXT PRIMARY KEY)")
        await self._execute("DELETE FROM in_feed")
        await self._executemany("INSERT OR IGNORE INTO in_feed (key) VALUES (?)", [(key,) for key in in_feed])
        await self._execute(
            """DELETE FROM articles WHERE id IN (
                   SELECT id FROM articles WHERE source = ? AND key NOT IN (SELECT key FROM in_feed)
                   ORDER BY published IS NOT NULL, published, first_seen, id LIMIT ?)""",
            (source, excess),
        )
        await self._execute("DELETE FROM in_feed")
        return excess

    async def relate(self) -> bool:
        """Bring links and topics up to date after syncs. Topics are inferred for at most
        _INFERRED_PER_CALL episodes a call (the newest first), so that no call is long: False
        when episodes are left to infer, for a later call to go on with."""
        generation = await self._meta("generation")
        if generation == await self._meta(_RELATED_GENERATION):
            return True
        async with self._transaction():
            await self._topics_from_tags()
            await self._link_articles()
            await self._topics_from_articles()
            caught_up = await self._infer_topics()
            if caught_up:
                await self._set_meta(_RELATED_GENERATION, generation or "0")
        return caught_up

    async def _link_articles(self) -> None:
        await self._execute("DELETE FROM episode_articles")
        # A companion's articles are its podcast's: they link only to that podcast's episodes.
        live = (
            "JOIN episodes e ON e.id = u.episode_id AND e.removed_at IS NULL "
            "AND (a.podcast_id IS NULL OR a.podcast_id = e.podcast_id)"
        )
        await self._execute(
            f"""INSERT OR IGNORE INTO episode_articles (episode_id, article_id, reason)
                SELECT u.episode_id, a.id, 'notes-link' FROM articles a
                JOIN episode_urls u ON u.url_key = a.url_key AND u.own = 0 {live}"""
        )
        await self._execute(
            f"""INSERT OR IGNORE INTO episode_articles (episode_id, article_id, reason)
                SELECT u.episode_id, a.id, 'article-link' FROM articles a, json_each(a.links_json) j
                JOIN episode_urls u ON u.url_key = j.value AND u.own = 1 {live}"""
        )
        dated = await self._fetchall(
            "SELECT id, title, published, podcast_id FROM articles WHERE title IS NOT NULL AND published IS NOT NULL"
        )
        episodes = await self._fetchall(
            "SELECT id, title, published, podcast_id FROM episodes WHERE removed_at IS NULL AND published IS NOT NULL"
        )
        pairs = []
        for podcast_id in {row[3] for row in dated}:
            pairs += await asyncio.to_thread(
                _same_title_and_time,
                [tuple(row)[:3] for row in dated if row[3] == podcast_id],
                [tuple(row)[:3] for row in episodes if podcast_id is None or row[3] == podcast_id],
            )
        await self._executemany(
            "INSERT OR IGNORE INTO episode_articles (episode_id, article_id, reason) VALUES (?, ?, 'title-and-date')",
            pairs,
        )

    async def _topics_from_tags(self) -> None:
        """The episodes' 'feed' topics from the tags their items carry (topics.feed_topics), per
        podcast: a tag one show puts on most of its episodes, or reads out as a sponsor, is that
        show's, never a topic."""
        tags: dict[int, list[tuple[int, str]]] = {}
        for podcast_id, episode_id, tag in await self._fetchall(
            "SELECT e.podcast_id, t.episode_id, t.tag FROM episode_tags t "
            "JOIN episodes e ON e.id = t.episode_id AND e.removed_at IS NULL"
        ):
            tags.setdefault(podcast_id, []).append((episode_id, tag))
        rows: list[tuple[int, str]] = []
        labels: dict[str, str] = {}
        spellings: dict[str, str] = {}
        for podcast_id, podcast_tags in tags.items():
            language = await self._fetchvalue("SELECT (SELECT language FROM podcasts WHERE id = ?)", (podcast_id,))
            notes = [  # what the show reads out (its sponsors) is in its newest episodes' notes
                row[0]
                for row in await self._fetchall(
                    f"""SELECT description_text FROM episodes WHERE podcast_id = ? AND removed_at IS NULL
                        ORDER BY {NEWEST_FIRST} LIMIT {_NOTES_FOR_READS}""",
                    (podcast_id,),
                )
            ]
            found = await asyncio.to_thread(_feed_topics, podcast_tags, language, notes)
            rows += found.rows
            labels = {**found.labels, **labels}  # the first podcast's spelling of a topic they share
            spellings = {**found.spellings, **spellings}
        await self._execute("DELETE FROM episode_topics WHERE source = 'feed'")
        await self._executemany(
            "INSERT OR IGNORE INTO episode_topics (episode_id, topic, source) VALUES (?, ?, 'feed')", rows
        )
        await self._execute("DELETE FROM topic_labels")
        await self._executemany("INSERT INTO topic_labels (topic, label) VALUES (?, ?)", list(labels.items()))
        await self._execute("DELETE FROM topic_spellings")
        await self._executemany("INSERT INTO topic_spellings (spelling, topic) VALUES (?, ?)", list(spellings.items()))

    async def _topics_from_articles(self) -> None:
        """Topics of linked episodes: their articles' tags, and the category in the articles' addresses."""
        await self._execute("DELETE FROM episode_topics WHERE source IN ('article', 'url')")
        await self._execute(
            """INSERT OR IGNORE INTO episode_topics (episode_id, topic, source)
               SELECT l.episode_id, j.value, 'article' FROM episode_articles l
               JOIN articles a ON a.id = l.article_id, json_each(a.tags_json) j"""
        )
        linked = await self._fetchall(
            "SELECT l.episode_id, a.url FROM episode_articles l JOIN articles a ON a.id = l.article_id"
        )
        rows = [(row["episode_id"], topic) for row in linked if (topic := category_in_path(row["url"]))]
        await self._executemany(
            "INSERT OR IGNORE INTO episode_topics (episode_id, topic, source) VALUES (?, ?, 'url')", rows
        )

    async def _infer_topics(self) -> bool:
        """Inferred topics for the episodes nothing tags: all of them again when the tagged
        episodes and articles changed, else only the episodes written since. Whether none is
        left to infer."""
        tagged = "SELECT episode_id FROM episode_topics WHERE source != 'inferred'"
        # Each podcast's episodes are inferred from its own tagged episodes and articles only.
        references = await self._fetchall(
            f"""SELECT episode_id, topics, podcast_id FROM (
                    SELECT episode_id, podcast_id, group_concat(topic, ' ') AS topics,
                           row_number() OVER (PARTITION BY podcast_id ORDER BY episode_id DESC) AS newest
                    FROM (SELECT DISTINCT t.episode_id, e.podcast_id, t.topic FROM episode_topics t
                          JOIN episodes e ON e.id = t.episode_id AND e.removed_at IS NULL
                          WHERE t.source != 'inferred' ORDER BY t.episode_id DESC, t.topic)
                    GROUP BY episode_id)
                WHERE newest <= {_MAX_REFERENCE_EPISODES} ORDER BY episode_id DESC"""
        )
        articles = await self._fetchall(
            f"""SELECT id, title, summary, tags_json, podcast_id FROM articles WHERE tags_json != '[]'
                ORDER BY published IS NULL, published DESC, id DESC LIMIT {_MAX_REFERENCE_ARTICLES}"""
        )
        podcast_ids = [row[0] for row in await self._fetchall("SELECT id FROM podcasts ORDER BY id")]
        own_rows = _rows_by_podcast(references, articles, podcast_ids)
        await self._forget_inferred_where_references_changed(own_rows, references, articles)
        # An episode a sync tagged since is no longer inferred.
        await self._execute(f"DELETE FROM episode_topics WHERE source = 'inferred' AND episode_id IN ({tagged})")
        rows = await self._fetchall(
            f"""SELECT id, podcast_id FROM episodes WHERE removed_at IS NULL AND topics_inferred_at IS NULL
                AND id NOT IN ({tagged}) ORDER BY {NEWEST_FIRST} LIMIT {_INFERRED_PER_CALL + 1}"""
        )
        caught_up = len(rows) <= _INFERRED_PER_CALL
        rows = rows[:_INFERRED_PER_CALL]
        candidates = [row["id"] for row in rows]
        if not candidates:
            return True
        for podcast_id in dict.fromkeys(row["podcast_id"] for row in rows):
            own_references, podcast_articles = own_rows[podcast_id]
            own_articles = [a[:4] for a in podcast_articles]
            if not own_references and not own_articles:
                continue
            texts = [
                _Texts(words, frozenset(row["topics"].split()))
                for row, words in zip(
                    own_references, await self._episode_words([r["episode_id"] for r in own_references])
                )
            ]
            texts += await asyncio.to_thread(_article_texts, [tuple(row) for row in own_articles])
            own = [row["id"] for row in rows if row["podcast_id"] == podcast_id]
            words = await self._episode_words(own)
            idf = await self._idf({word for text in texts for word in text.words}.union(*words))
            found = await asyncio.to_thread(_inferred, dict(zip(own, words)), texts, idf)
            await self._executemany(
                "INSERT OR IGNORE INTO episode_topics (episode_id, topic, source, weight) VALUES (?, ?, 'inferred', ?)",
                [(episode_id, topic, score) for episode_id, topics in found.items() for topic, score in topics],
            )
        now = iso(utcnow())
        for start in range(0, len(candidates), _BATCH):
            batch = candidates[start : start + _BATCH]
            await self._execute(
                f"UPDATE episodes SET topics_inferred_at = ? WHERE id IN ({marks(batch)})", [now, *batch]
            )
        return caught_up

    async def _forget_inferred_where_references_changed(
        self, own_rows: dict[int, _OwnRows], references: list[aiosqlite.Row], articles: list[aiosqlite.Row]
    ) -> None:
        """Each podcast whose tagged episodes or articles (OWN_ROWS: what its episodes are inferred
        from) changed has all its episodes inferred again; the other podcasts keep theirs, so a new
        tagged episode of one show among a hundred re-infers that show alone."""
        prints = {
            podcast_id: hashlib.sha256(
                json.dumps([[tuple(r) for r in own_references], [tuple(a) for a in own_articles]]).encode()
            ).hexdigest()
            for podcast_id, (own_references, own_articles) in own_rows.items()
        }
        podcast_ids = list(own_rows)
        stored = {
            int(row[0].removeprefix(_REFERENCE_PRINT)): row[1]
            for row in await self._fetchall(
                "SELECT key, value FROM store_meta WHERE key GLOB ?", (f"{_REFERENCE_PRINT}*",)
            )
        }
        if not stored:  # kept store-wide before: still current, it holds for each podcast
            whole = hashlib.sha256(
                json.dumps([[tuple(r) for r in references], [tuple(a) for a in articles]]).encode()
            ).hexdigest()
            if whole == await self._meta(_STORE_REFERENCE_PRINT):
                stored = dict(prints)
        changed = [podcast_id for podcast_id in podcast_ids if stored.get(podcast_id) != prints[podcast_id]]
        for start in range(0, len(changed), _BATCH):
            batch = changed[start : start + _BATCH]
            episodes = f"SELECT id FROM episodes WHERE podcast_id IN ({marks(batch)})"
            await self._execute(
                f"DELETE FROM episode_topics WHERE source = 'inferred' AND episode_id IN ({episodes})", batch
            )
            await self._execute(
                f"UPDATE episodes SET topics_inferred_at = NULL WHERE topics_inferred_at IS NOT NULL "
                f"AND podcast_id IN ({marks(batch)})",
                batch,
            )
        await self._execute(
            "DELETE FROM store_meta WHERE key GLOB ? OR key = ?", (f"{_REFERENCE_PRINT}*", _STORE_REFERENCE_PRINT)
        )
        await self._executemany(
            "INSERT INTO store_meta (key, value) VALUES (?, ?)",
            [(f"{_REFERENCE_PRINT}{podcast_id}", digest) for podcast_id, digest in prints.items()],
        )

    async def _episode_words(self, ids: Sequence[int]) -> list[list[str]]:
        """The indexed words of each of IDS (title, chapters, the start of the notes without
        addresses), in order."""
        found: dict[int, list[str]] = {}
        for start in range(0, len(ids), _BATCH):
            batch = list(ids[start : start + _BATCH])
            rows = await self._fetchall(
                f"SELECT rowid, title, chapters, description FROM episodes_fts WHERE rowid IN ({marks(batch)})", batch
            )
            for row in rows:
                found[row[0]] = tokenize(f"{row[1]}\n{row[2]}\n{row[3][:_NOTES_READ]}")
        return [found.get(episode_id, []) for episode_id in ids]

    async def _idf(self, words: set[str]) -> dict[str, float]:
        """Inverse document frequency of WORDS in the episodes; a word no episode has, or one so
        common that it weighs nothing, is left out."""
        total = await self.episode_count()
        found: dict[str, float] = {}
        ordered = sorted(words)
        for start in range(0, len(ordered), _BATCH):
            batch = ordered[start : start + _BATCH]
            for term, documents in await self._fetchall(
                f"SELECT term, documents FROM search_terms WHERE term IN ({marks(batch)})", batch
            ):
                if (weight := inverse_document_frequency(documents, total)) > 0:
                    found[term] = weight
        return found

    async def _meta(self, key: str) -> str | None:
        row = await self._fetchone("SELECT value FROM store_meta WHERE key = ?", (key,))
        return row[0] if row else None

    async def _set_meta(self, key: str, value: str) -> None:
        await self._execute(
            "INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- topic counts -------------------------------------------------------------------------

    async def topic_counts_due(self) -> str | None:
        """The store generation whose topic counts are still to be computed, or None when the
        stored ones are current."""
        generation = await self._meta("generation") or "0"
        return None if generation == await self._meta(TOPICS_COUNTED) else generation

    async def topic_count_prints(self) -> dict[int, str]:
        """Each podcast's digest of what its stored topic counts were counted from
        (IndexReader.topic_inputs_print)."""
        rows = await self._fetchall("SELECT key, value FROM store_meta WHERE key GLOB ?", (f"{_COUNTED_FROM}*",))
        return {int(row[0].removeprefix(_COUNTED_FROM)): row[1] for row in rows}

    async def save_topic_counts(
        self, counts: dict[int, list[tuple[str, int, int]]], generation: str, prints: dict[int, str]
    ) -> bool:
        """Store the topics of the podcasts COUNTS recounted (podcast id -> (name, episodes listed,
        articles)) as counted at GENERATION, and each podcast's digest of what its counts are
        from (PRINTS), in one transaction; the other podcasts' counts are kept. Not when a sync
        changed the store since (False: the next one counts again)."""
        async with self._transaction():
            if (await self._meta("generation") or "0") != generation:
                return False
            await self._execute(
                f"DELETE FROM topic_counts WHERE podcast_id NOT IN ({marks(list(prints))})", list(prints)
            )
            for podcast_id, rows in counts.items():
                await self._execute("DELETE FROM topic_counts WHERE podcast_id = ?", (podcast_id,))
                await self._executemany(
                    "INSERT OR REPLACE INTO topic_counts (podcast_id, topic, episodes, articles) VALUES (?, ?, ?, ?)",
                    [(podcast_id, *row) for row in rows],
                )
            await self._execute("DELETE FROM store_meta WHERE key GLOB ?", (f"{_COUNTED_FROM}*",))
            await self._executemany(
                "INSERT INTO store_meta (key, value) VALUES (?, ?)",
                [(f"{_COUNTED_FROM}{podcast_id}", digest) for podcast_id, digest in prints.items()],
            )
            await self._set_meta(TOPICS_COUNTED, generation)
        return True

    # -- related episodes ---------------------------------------------------------------------

    async def related_due(self, limit: int) -> list[tuple[int, bool]]:
        """Up to LIMIT episodes whose related episodes are to be computed, the written ones
        first, then the newest: (id, whether it was written since, so those like it are due too).
        An episode whose list names one no longer in the feed is due again."""
        await self._execute(
            """UPDATE episodes SET related_due = 1 WHERE related_due = 0 AND removed_at IS NULL AND id IN (
                   SELECT r.episode_id FROM episode_related r JOIN episodes o ON o.id = r.other_id
                   WHERE o.removed_at IS NOT NULL)"""
        )
        rows = await self._fetchall(
            f"""SELECT id, related_due FROM episodes WHERE removed_at IS NULL AND related_due > 0
                ORDER BY related_due DESC, {NEWEST_FIRST} LIMIT ?""",
            (limit,),
        )
        return [(row[0], row[1] == 2) for row in rows]

    async def save_related(self, found: dict[int, list[tuple[int, float, str]]], written: Sequence[int]) -> None:
        """Store each episode's related episodes (other id, score, reason), best first, in one
        transaction. The episodes like one of WRITTEN, and those whose lists name one, are due again."""
        ids = list(found)
        async with self._transaction():
            await self._execute(f"DELETE FROM episode_related WHERE episode_id IN ({marks(ids)})", ids)
            await self._executemany(
                "INSERT INTO episode_related (episode_id, position, other_id, score, reason) VALUES (?, ?, ?, ?, ?)",
                [
                    (episode_id, position, other_id, score, reason)
                    for episode_id, listed in found.items()
                    for position, (other_id, score, reason) in enumerate(listed)
                ],
            )
            await self._execute(f"UPDATE episodes SET related_due = 0 WHERE id IN ({marks(ids)})", ids)
            neighbours = {other_id for episode_id in written for other_id, _, _ in found.get(episode_id, [])}
            if written:
                rows = await self._fetchall(
                    f"SELECT episode_id FROM episode_related WHERE other_id IN ({marks(written)})", list(written)
                )
                neighbours.update(row[0] for row in rows)
            due_again = sorted(neighbours - set(ids))
            if due_again:
                await self._execute(
                    f"UPDATE episodes SET related_due = 1 WHERE related_due = 0 AND id IN ({marks(due_again)})",
                    due_again,
                )

    async def stored_related(self, episode_id: int, limit: int) -> list[tuple[int, float, str]] | None:
        """EPISODE_ID's related episodes as the last sync computed them (those still in the
        feed), or None when they are not current."""
        due = await self._fetchvalue("SELECT (SELECT related_due FROM episodes WHERE id = ?)", (episode_id,))
        if due != 0:
            return None
        rows = await self._fetchall(
            """SELECT r.other_id, r.score, r.reason FROM episode_related r
               JOIN episodes o ON o.id = r.other_id AND o.removed_at IS NULL
               WHERE r.episode_id = ? ORDER BY r.position LIMIT ?""",
            (episode_id, limit),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    # -- reading ----------------------------------------------------------------------------

    async def reading(self, episode_ids: Sequence[int]) -> dict[int, list[Reading]]:
        """The companion articles of each of EPISODE_IDS, strongest link first, then newest."""
        found: dict[int, list[Reading]] = {episode_id: [] for episode_id in episode_ids}
        for start in range(0, len(episode_ids), _BATCH):
            batch = list(episode_ids[start : start + _BATCH])
            rows = await self._fetchall(
                f"""SELECT l.episode_id, l.reason, a.companion, a.title, a.url, a.published, a.tags_json
                    FROM episode_articles l JOIN articles a ON a.id = l.article_id
                    WHERE l.episode_id IN ({marks(batch)})
                    ORDER BY l.episode_id, {LINK_REASON_ORDER}, a.published IS NULL, a.published DESC, a.id""",
                batch,
            )
            for row in rows:
                found[row["episode_id"]].append(reading_of(row, row["reason"]))
        return found


def _article_values(article: Article) -> tuple[object, ...]:
    return (
        article.key,
        article.title,
        article.url,
        url_key(article.url),
        iso(article.published),
        article.summary,
        json.dumps(list(article.tags)),
        json.dumps([key for link in article.links if (key := url_key(link))]),
    )


def _feed_topics(tags: list[tuple[int, str]], language: str | None, notes: list[str]) -> FeedTopics:
    return feed_topics(tags, language, said_sentences(notes))


def _inferred(
    candidates: dict[int, list[str]], references: list[_Texts], idf: dict[str, float]
) -> dict[int, list[tuple[str, float]]]:
    vectors: dict[int, Vector] = {episode_id: vector(words, idf) for episode_id, words in candidates.items()}
    tagged = [(vector(text.words, idf), text.topics) for text in references]
    return infer(vectors, tagged)


def _same_title_and_time(
    articles: Sequence[tuple[int, str, str]], episodes: Sequence[tuple[int, str, str]]
) -> list[tuple[int, int]]:
    """(episode id, article id) for each article and episode published within SAME_TIME of each
    other under near-identical titles. In a worker thread: thousands of articles against a long
    catalogue are many title comparisons, so each side is normalised once and each article only
    meets the episodes of its window (dates are ISO strings, which sort as the times they name)."""
    by_time = sorted((published, normalise_title(title), episode_id) for episode_id, title, published in episodes)
    times = [published for published, _, _ in by_time]
    pairs = []
    for article_id, article_title, article_published in articles:
        published = parse_iso(article_published)
        title = normalise_title(article_title)
        if published is None or not title:
            continue
        start = bisect.bisect_left(times, iso(published - SAME_TIME) or "")
        end = bisect.bisect_right(times, iso(published + SAME_TIME) or "")
        pairs += [
            (episode_id, article_id)
            for _, episode_title, episode_id in by_time[start:end]
            if fuzz.ratio(title, episode_title) >= SAME_TITLE
        ]
    return pairs


_OwnRows = tuple[list[aiosqlite.Row], list[aiosqlite.Row]]


def _rows_by_podcast(
    references: list[aiosqlite.Row], articles: list[aiosqlite.Row], podcast_ids: list[int]
) -> dict[int, _OwnRows]:
    """Each podcast's tagged episodes and articles (an article of no podcast is every podcast's),
    each in the order read, in one pass over them rather than one per podcast."""
    references_of: dict[int, list[aiosqlite.Row]] = {podcast_id: [] for podcast_id in podcast_ids}
    for row in references:
        references_of.setdefault(row["podcast_id"], []).append(row)
    articles_of: dict[int | None, list[tuple[int, aiosqlite.Row]]] = {}
    for position, row in enumerate(articles):
        articles_of.setdefault(row["podcast_id"], []).append((position, row))
    shared = articles_of.pop(None, [])
    return {
        podcast_id: (
            references_of[podcast_id],
            [row for _, row in sorted(articles_of.get(podcast_id, []) + shared, key=lambda placed: placed[0])],
        )
        for podcast_id in podcast_ids
    }
