"""The search index lives in SQLite and follows every sync: edits, removals, upgrades."""

import sqlite3

from bot.core.config import Config
from bot.core.library import Library
from tests.conftest import numbered_feed, rss, rss_item


def feed(*items):
    return rss(*items)


def item(number, title, notes="<p>An episode.</p>"):
    return rss_item(
        title=title, guid=f"g{number}", number=number, audio=f"https://cdn.example/{number}.mp3", notes=notes
    )


async def numbers(library, query):
    return [match.episode.number for match in await library.search(query)]


async def test_an_edited_episode_is_found_by_its_new_words_and_no_longer_by_its_old(tmp_path, feed_server):
    url = feed_server.serve(body=feed(item(2, "Zeppelin telemetry"), item(1, "Garbage collection")))
    async with await Library.open(Config(), db=tmp_path / "episodes.db", feed=url) as library:
        await library.sync()
        assert await numbers(library, "zeppelin") == [2]
        feed_server.serve(body=feed(item(2, "Quokka observability"), item(1, "Garbage collection")))
        await library.sync()
        assert await numbers(library, "quokka") == [2]
        assert await numbers(library, "quokkka") == [2]  # the new word is a typo target at once
        assert await numbers(library, "zeppelin") == []
        assert await numbers(library, "zepelin") == []  # nor is the old one, misspelt


async def test_a_removed_episode_leaves_search_and_its_words_leave_the_typo_list(tmp_path, feed_server):
    url = feed_server.serve(body=feed(item(2, "Zeppelin telemetry"), item(1, "Garbage collection")))
    async with await Library.open(Config(), db=tmp_path / "episodes.db", feed=url) as library:
        await library.sync()
        feed_server.serve(body=feed(item(1, "Garbage collection")))
        await library.sync()
        assert await numbers(library, "zeppelin") == []
        assert (await library.health()).episodes == 1
        (suggestion,) = await library.suggest("", 25)
        assert suggestion.episode.number == 1


async def test_a_small_sync_after_a_large_one_keeps_typos_working(tmp_path, feed_server):
    url = feed_server.serve(body=numbered_feed(600))  # a first sync this large rebuilds the term list
    async with await Library.open(Config(), db=tmp_path / "episodes.db", feed=url) as library:
        await library.sync()
        newer = (item(601, "Capybara scheduling"),)
        feed_server.serve(body=numbered_feed(600, newer_items=newer))
        report = await library.sync()
        assert [episode.number for episode in report.new] == [601]
        assert await numbers(library, "capybarra") == [601]
        assert (await library.health()).episodes == 601


async def test_a_title_made_up_from_the_notes_is_not_a_title_match(tmp_path, feed_server):
    untitled = rss_item(
        title="", guid="u", audio="https://cdn.example/u.mp3", notes="<p>Walrus migrations at scale.</p>"
    )
    url = feed_server.serve(body=feed(untitled, item(1, "Walrus")))
    async with await Library.open(Config(), db=tmp_path / "episodes.db", feed=url) as library:
        await library.sync()
        first, second = await library.search("walrus")
        assert (first.episode.number, first.matched.field) == (1, "title")
        assert second.matched.field == "description"


def before_several_podcasts(connection: sqlite3.Connection) -> None:
    """Undo migration 010 (several podcasts), as a podbot before it left the file: one podcast
    row, episodes without podcast_id and with a store-wide unique guid."""
    connection.execute(
        """CREATE TABLE podcast (id INTEGER PRIMARY KEY CHECK (id = 1), title TEXT NOT NULL, link TEXT,
               description TEXT, image_url TEXT, language TEXT, boilerplate_json TEXT)"""
    )
    connection.execute(
        """INSERT INTO podcast SELECT id, title, link, description, image_url, language, boilerplate_json
           FROM podcasts WHERE id = 1"""
    )
    (table,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'episodes'").fetchone()
    table = table.replace("podcast_id INTEGER NOT NULL REFERENCES podcasts (id),", "")
    table = table.replace("guid TEXT NOT NULL,", "guid TEXT NOT NULL UNIQUE,").replace(
        ",\n    UNIQUE (podcast_id, guid)", ""
    )
    columns = [row[1] for row in connection.execute("PRAGMA table_info(episodes)") if row[1] != "podcast_id"]
    connection.execute(table.replace('CREATE TABLE "episodes"', "CREATE TABLE episodes_before", 1))
    connection.execute(f"INSERT INTO episodes_before SELECT {', '.join(columns)} FROM episodes")
    connection.execute("DROP TABLE episodes")
    connection.execute("ALTER TABLE episodes_before RENAME TO episodes")
    for index, column in (("number", "number"), ("published", "published"), ("audio_key", "audio_key")):
        connection.execute(f"CREATE INDEX episodes_by_{index} ON episodes ({column})")
    connection.execute("ALTER TABLE articles DROP COLUMN podcast_id")
    connection.execute("ALTER TABLE guild_settings DROP COLUMN podcasts_json")
    connection.execute("DROP TABLE announce_routes")
    connection.execute("DROP TABLE podcasts")
    connection.execute("PRAGMA user_version = 9")


def back_to_schema_5(connection: sqlite3.Connection) -> None:
    """Undo migrations 013 (transcripts), 012 (topic counts), 011 (seasons), 010 (several
    podcasts), 009 (publishers' UTC offsets), 008 (outbox posted_at, posted_digest), 007 (tags,
    related episodes) and 006 (topics and companion articles), as a podbot before them left the
    file."""
    for table in ("transcript_fts_terms", "transcript_fts", "transcript_terms", "transcript_passages"):
        connection.execute(f"DROP TABLE {table}")
    connection.execute("DROP TABLE episode_transcripts")
    for column in ("is_transcript", "speakers_json"):
        connection.execute(f"ALTER TABLE linked_files DROP COLUMN {column}")
    connection.execute("DROP TABLE topic_counts")
    connection.execute("ALTER TABLE episodes DROP COLUMN season")
    before_several_podcasts(connection)
    connection.execute("ALTER TABLE episodes DROP COLUMN published_offset_minutes")
    connection.execute("DROP INDEX outbox_by_posted")
    for column in ("posted_at", "posted_digest"):
        connection.execute(f"ALTER TABLE outbox DROP COLUMN {column}")
    for table in ("episode_tags", "topic_labels", "topic_spellings", "episode_related"):
        connection.execute(f"DROP TABLE {table}")
    connection.execute("ALTER TABLE episodes DROP COLUMN related_due")
    for table in ("episode_topics", "episode_articles", "episode_urls", "articles"):
        connection.execute(f"DROP TABLE {table}")
    connection.execute("ALTER TABLE episodes DROP COLUMN topics_inferred_at")
    connection.execute(
        "DELETE FROM store_meta WHERE key IN ('related_generation', 'linked_generation', 'topics_reference', "
        "'topics_counted')"
    )
    connection.execute("PRAGMA user_version = 5")


async def test_a_database_from_before_the_index_moved_into_sqlite_is_upgraded(tmp_path, feed_server):
    path = tmp_path / "episodes.db"
    url = feed_server.serve(body=feed(item(2, "Zeppelin telemetry"), item(1, "Garbage collection")))
    async with await Library.open(Config(), db=path, feed=url) as library:
        await library.sync()
    connection = sqlite3.connect(path)  # back to schema 4, as an older podbot left it
    with connection:
        back_to_schema_5(connection)
        connection.execute("DROP TABLE search_terms")
        connection.execute("DROP TABLE episodes_fts_columns")
        connection.execute("DELETE FROM store_meta WHERE key = 'live_episodes'")
        connection.execute("PRAGMA user_version = 4")
    connection.close()
    async with await Library.open(Config(), db=path, feed=url) as library:
        assert (await library.health()).episodes == 2
        assert await numbers(library, "zeppelin") == [2]
        assert await numbers(library, "zepelin") == [2]
