"""Several podcasts in one store: three loopback feeds, each synced, searched and kept on its own."""

import pytest

from bot.core.config import Config, FeedConfig, PodcastConfig, RefreshConfig
from bot.core.ingest.feed import FeedError
from bot.core.library import Library, UnknownPodcast
from bot.core.topics import answers
from tests.conftest import rss, rss_item


def show(title: str, numbers: range, word: str, *, tag: str = "", tagged: int = 0, guid: str = "") -> bytes:
    """A show titled TITLE whose episodes are numbered NUMBERS and all about WORD; the first
    TAGGED of them carry TAG."""
    items = [
        rss_item(
            title=f"{title} {n}: {word} stories part {n}",
            guid=f"{guid or title.lower()}-{n}",
            number=n,
            audio=f"https://cdn.example/{title.lower()}/{n}.mp3",
            pub_date=f"Mon, {n:02d} Jan 2024 12:00:00 +0000",
            notes=f"<p>We talk about {word} with friends, episode {n}.</p>",
            extra=f"<category>{tag}</category>" if tag and i < tagged else "",
        )
        for i, n in enumerate(reversed(numbers))
    ]
    return rss(*items, title=f"{title} Show")


def network(*podcasts: tuple[str, str]) -> Config:
    return Config(
        feed=FeedConfig(timeout_seconds=2),
        refresh=RefreshConfig(feeds_at_once=2),
        listed_podcasts=tuple(PodcastConfig(name=name, url=url) for name, url in podcasts),
    )


@pytest.fixture
def three_feeds(feed_server):
    return {
        "alpha": feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 6), "gardening"), etag='"a1"'),
        "beta": feed_server.serve("/beta.xml", body=show("Beta", range(1, 5), "compilers"), etag='"b1"'),
        "gamma": feed_server.serve("/gamma.xml", body=show("Gamma", range(1, 4), "volcanoes"), etag='"g1"'),
    }


async def test_one_failing_feed_leaves_the_others_synced_and_searchable(tmp_path, feed_server, three_feeds):
    feed_server.serve("/beta.xml", status=500, body=b"down")
    async with await Library.open(network(*three_feeds.items()), db=tmp_path / "network.db") as library:
        alpha, beta, gamma = await library.sync_all()
        assert (len(alpha.new), alpha.podcast, len(gamma.new), gamma.podcast) == (5, "alpha", 3, "gamma")
        assert isinstance(beta, FeedError) and "HTTP 500" in str(beta)
        health = {h.podcast: h for h in await library.healths()}
        assert health["beta"].state.consecutive_failures == 1 and health["alpha"].state.last_error is None
        assert (health["alpha"].episodes, health["gamma"].episodes) == (5, 3)
        (best, *_) = await library.search("volcanoes")
        assert best.episode.podcast == "gamma"
        assert library.several and library.podcast_names == ("alpha", "beta", "gamma")
        feed_server.serve("/beta.xml", body=show("Beta", range(1, 5), "compilers"))
        beta = await library.sync("beta")
        assert len(beta.new) == 4 and beta.first_sync
        assert all(report.not_modified for report in await library.sync_all())
        conditional = {r.path: r.headers.get("If-None-Match") for r in feed_server.requests[-3:]}
        assert conditional == {"/alpha.xml": '"a1"', "/beta.xml": None, "/gamma.xml": '"g1"'}


async def test_numbers_are_per_podcast(tmp_path, three_feeds):
    async with await Library.open(network(*three_feeds.items()), db=tmp_path / "network.db") as library:
        await library.sync_all()
        found = await library.find("#2")
        offered = [found.best.episode.podcast, *(m.episode.podcast for m in found.alternatives)]
        assert sorted(offered) == ["alpha", "beta", "gamma"]
        assert all(m.episode.number == 2 for m in [found.best, *found.alternatives])
        only = await library.find("beta:2")
        assert (only.best.episode.podcast, only.best.episode.number, only.alternatives) == ("beta", 2, ())
        assert [m.episode.podcast for m in await library.search("gamma 3")][:1] == ["gamma"]
        assert {m.episode.podcast for m in await library.search("stories", 20, podcasts=["alpha"])} == {"alpha"}
        assert [e.podcast for e in await library.latest(3, podcasts=["gamma"])] == ["gamma"] * 3
        with pytest.raises(UnknownPodcast, match="delta"):
            await library.search("stories", podcasts=["delta"])


async def test_the_same_guid_in_two_feeds_is_two_episodes(tmp_path, feed_server):
    one = feed_server.serve("/one.xml", body=show("One", range(1, 3), "kites", guid="shared"))
    two = feed_server.serve("/two.xml", body=show("Two", range(1, 3), "boats", guid="shared"))
    async with await Library.open(network(("one", one), ("two", two)), db=tmp_path / "network.db") as library:
        await library.sync_all()
        episodes = await library.episodes()
        assert sorted((e.podcast, e.guid) for e in episodes) == [
            ("one", "shared-1"),
            ("one", "shared-2"),
            ("two", "shared-1"),
            ("two", "shared-2"),
        ]


async def test_a_podcast_removed_from_the_config_is_kept_but_no_longer_synced(tmp_path, feed_server, three_feeds):
    path = tmp_path / "network.db"
    async with await Library.open(network(*three_feeds.items()), db=path) as library:
        await library.sync_all()
    requests = len(feed_server.requests)
    kept = network(("alpha", three_feeds["alpha"]), ("gamma", three_feeds["gamma"]))
    async with await Library.open(kept, db=path) as library:
        await library.sync_all()
        assert {r.path for r in feed_server.requests[requests:]} == {"/alpha.xml", "/gamma.xml"}
        listed = {p.name: p for p in await library.podcasts()}
        assert (listed["beta"].configured, listed["beta"].episodes, listed["alpha"].configured) == (False, 4, True)
        assert all(m.episode.podcast != "beta" for m in await library.search("compilers"))
        assert {e.podcast for e in await library.episodes()} == {"alpha", "gamma"}
        with pytest.raises(UnknownPodcast, match="'beta' was removed from the config: its episodes are kept"):
            await library.search("compilers", podcasts=["beta"])
        with pytest.raises(
            UnknownPodcast, match="'beta' was removed from the config: its episodes are kept, not synced"
        ):
            await library.sync("beta")


async def test_a_podcast_prefix_narrows_a_topic_to_that_show(tmp_path, feed_server, three_feeds):
    shows = network(("north", three_feeds["alpha"]), ("south", three_feeds["beta"]))
    async with await Library.open(shows, db=tmp_path / "network.db") as library:
        await library.sync_all()
        everywhere = await library.topic("stories")  # every show's titles say it
        assert {r.match.episode.podcast for r in everywhere.results} == {"north", "south"}
        narrowed = await library.topic("south:stories")
        assert narrowed.results and {r.match.episode.podcast for r in narrowed.results} == {"south"}


async def test_feed_option_on_a_store_of_several_podcasts_reads_that_feeds_podcast(tmp_path, feed_server, three_feeds):
    path = tmp_path / "network.db"
    # Named otherwise than its feed's address (beta.xml) would name it.
    async with await Library.open(network(("alpha", three_feeds["alpha"]), ("b", three_feeds["beta"])), db=path) as lib:
        await lib.sync_all()
    async with await Library.open(Config(), db=path, feed=three_feeds["beta"]) as library:
        assert library.podcast_names == ("b",)
        assert [(e.podcast, e.number) for e in await library.latest(2)] == [("b", 4), ("b", 3)]


async def test_a_podcast_added_later_announces_none_of_its_back_catalogue(tmp_path, feed_server, three_feeds):
    path = tmp_path / "network.db"
    async with await Library.open(network(("alpha", three_feeds["alpha"])), db=path) as library:
        await library.sync_all()
        await library.store.add_announce_route(1, 100, None)
        feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 7), "gardening"))
        await library.sync("alpha")
        assert await library.store.enqueue_announcements() == 1  # alpha's new episode 6
    async with await Library.open(network(*three_feeds.items()), db=path) as library:
        await library.sync_all()
        assert await library.store.enqueue_announcements() == 0  # beta's and gamma's back catalogues


async def test_announcement_routes_pick_podcasts_and_post_once_per_channel(tmp_path, feed_server, three_feeds):
    path = tmp_path / "network.db"
    async with await Library.open(network(*three_feeds.items()), db=path) as library:
        await library.sync_all()
        store = library.store
        await store.add_announce_route(1, 100, "alpha")
        await store.add_announce_route(1, 100, None)  # the same channel takes every podcast too
        await store.add_announce_route(1, 200, "beta", role_id=7)
        assert [(r.channel_id, r.podcast, r.role_id) for r in await store.announce_routes(1)] == [
            (100, None, None),
            (100, "alpha", None),
            (200, "beta", 7),
        ]
        feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 7), "gardening"))
        feed_server.serve("/beta.xml", body=show("Beta", range(1, 6), "compilers"))
        await library.sync_all()
        assert await store.enqueue_announcements("alpha") == 1  # alpha 6 in 100, once
        assert await store.enqueue_announcements() == 2  # beta 5 in 100 and in 200
        pending = await store.announcements("pending")
        assert sorted((row.channel_id, row.episode_id) for row in pending) == sorted(
            {(row.channel_id, row.episode_id) for row in pending}
        )
        await store.remove_announce_route(1, 100, None)
        assert {row.channel_id for row in await store.announcements("pending")} == {100, 200}
        await store.set_guild_podcasts(1, ["alpha", "gamma"])
        assert await store.guild_podcasts(1) == ("alpha", "gamma")
        await store.set_guild_podcasts(1, None)
        assert await store.guild_podcasts(1) is None


async def test_topics_are_each_podcasts_own(tmp_path, feed_server):
    # Every Alpha episode carries "gardening": Alpha's show-wide tag, no topic. Beta puts it on
    # two of its six: a topic there, and only there.
    alpha = feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 7), "gardening", tag="Gardening", tagged=6))
    beta = feed_server.serve("/beta.xml", body=show("Beta", range(1, 7), "compilers", tag="Gardening", tagged=2))
    async with await Library.open(network(("alpha", alpha), ("beta", beta)), db=tmp_path / "network.db") as library:
        await library.sync_all()
        counts = {t.name: t.episodes for t in await library.topics()}
        answer = await library.topic("gardening")
        in_topic = [r.match.episode for r in answer.results if not r.reason.startswith("in the")]
        assert answer.tagged and len(in_topic) == counts["gardening"] >= 2
        assert {episode.podcast for episode in in_topic} == {"beta"}  # Alpha's only mention the word
        assert "gardening" not in {t.name for t in await library.topics(podcasts=["alpha"])}


async def test_a_show_whose_episodes_were_stored_between_another_shows_is_searched_whole(tmp_path, feed_server):
    alpha = feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 4), "gardening"))
    beta = feed_server.serve("/beta.xml", body=show("Beta", range(1, 4), "gardening"))
    async with await Library.open(network(("alpha", alpha), ("beta", beta)), db=tmp_path / "network.db") as library:
        await library.sync("alpha")
        await library.sync("beta")
        feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 7), "gardening"))
        await library.sync("alpha")  # Alpha's new episodes are stored after Beta's
        found = await library.search("gardening stories", 10, podcasts=["alpha"])
        assert sorted(m.episode.number for m in found) == [1, 2, 3, 4, 5, 6]
        assert {m.episode.podcast for m in found} == {"alpha"}
        assert [m.episode.number for m in await library.search("alpha 5", 1, podcasts=["alpha"])] == [5]


async def test_a_sync_of_one_podcast_counts_only_its_own_topics_again(tmp_path, feed_server, monkeypatch):
    alpha = feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 7), "gardening", tag="Roses", tagged=2))
    beta = feed_server.serve("/beta.xml", body=show("Beta", range(1, 9), "compilers", tag="Parsers", tagged=2))
    async with await Library.open(network(("alpha", alpha), ("beta", beta)), db=tmp_path / "network.db") as library:
        await library.sync_all()
        before = {t.name: t.episodes for t in await library.topics()}
        counted: list[str] = []
        count = answers.listed_counts

        def listed_counts(asking, topics):
            counted.extend(name for name, _, _ in topics)
            return count(asking, topics)

        monkeypatch.setattr(answers, "listed_counts", listed_counts)
        # Beta's notes change, and its new episode is tagged in place of an older one (what its
        # other episodes are inferred from changes): nothing of Alpha's does.
        feed_server.serve(
            "/beta.xml", body=show("Beta", range(1, 10), "compilers and linkers", tag="Parsers", tagged=2)
        )
        await library.sync("beta")
        assert counted == ["parsers"]
        after = {t.name: t.episodes for t in await library.topics()}
        assert after == {**before, "parsers": after["parsers"]} and after["parsers"] >= 2
        for name in ("roses", "parsers"):
            assert len((await library.topic(name)).results) == after[name]
        counted.clear()
        await library.sync_all(force=True)  # the same feeds again: nothing of either to count
        assert counted == []


async def test_a_single_feed_is_named_by_its_source_and_keeps_its_name(tmp_path, feed_server):
    url = feed_server.serve("/coder-radio.xml", body=show("Coder", range(1, 3), "shells"))
    async with await Library.open(Config(), db=tmp_path / "one.db", feed=url) as library:
        assert library.podcast_names == ("coder-radio",) and not library.several
        await library.sync()
        (match, *_) = await library.search("shells")
        assert match.episode.podcast == "coder-radio"
    moved = feed_server.serve("/new-home.xml", body=show("Coder", range(1, 4), "shells"))
    async with await Library.open(Config(), db=tmp_path / "one.db", feed=moved) as library:
        assert library.podcast_names == ("coder-radio",)  # the store's one podcast, moved
        report = await library.sync()
        assert (len(report.new), report.unchanged) == (1, 2)


def store_before_several_podcasts(path) -> None:
    """A database as podbot left it before several podcasts: every migration before that one,
    holding one show's episode with chapters, its feed state, a guild's channel and an outbox row."""
    import importlib.resources
    import sqlite3

    from bot.core.ingest.urls import url_key, without_urls
    from bot.core.store.database import _split_sql
    from bot.core.store.episodes import _TERM_COUNTS

    files = sorted(f for f in importlib.resources.files("bot.core.store.migrations").iterdir() if f.name[:3].isdigit())
    connection = sqlite3.connect(path)
    connection.create_function("url_key", 1, url_key)
    connection.create_function("without_urls", 1, lambda text: without_urls(text) if text else text)
    with connection:
        for migration in files[: next(i for i, f in enumerate(files) if "podcasts" in f.name)]:
            for statement in _split_sql(migration.read_text()):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {int(migration.name[:3])}")
        connection.execute("INSERT INTO podcast (id, title, language) VALUES (1, 'Old Show', 'en')")
        for episode_id, guid, title in ((3, "old-1", "Zeppelin telemetry"), (5, "old-2", "Garbage collection")):
            connection.execute(
                """INSERT INTO episodes (id, guid, number, title, published, fingerprint_json, first_seen, updated_at)
                   VALUES (?, ?, ?, ?, '2024-01-01T00:00:00+00:00', '{}', '2024-01-01', '2024-01-01')""",
                (episode_id, guid, episode_id, title),
            )
            connection.execute(
                "INSERT INTO episodes_fts (rowid, title, guests, chapters, description) VALUES (?, ?, '', 'Intro', '')",
                (episode_id, title),
            )
            connection.execute(
                "INSERT INTO chapters (episode_id, position, start_seconds, title) VALUES (?, 0, 0, 'Intro')",
                (episode_id,),
            )
        connection.execute(
            """INSERT INTO feed_state (source, etag, last_success)
               VALUES ('https://old.example/show.xml', '"e"', '2024-01-01T00:00:00+00:00')"""
        )
        connection.execute("INSERT INTO store_meta (key, value) VALUES ('feed_source', 'https://old.example/show.xml')")
        connection.execute("UPDATE store_meta SET value = '2' WHERE key = 'live_episodes'")
        connection.execute("INSERT INTO search_terms " + _TERM_COUNTS.format(where=""))
        connection.execute(
            """INSERT INTO guild_settings (guild_id, announce_channel_id, announce_role_id, announce_since, updated_at)
               VALUES (9, 90, 99, '2023-12-01', '2023-12-01')"""
        )
        connection.execute(
            """INSERT INTO outbox (episode_id, guild_id, channel_id, state, nonce, message_id, created_at, updated_at)
               VALUES (5, 9, 90, 'sent', 'n', 555, '2024-01-02', '2024-01-02')"""
        )
    connection.close()


async def test_a_single_show_database_moves_to_several_podcasts_losing_nothing(tmp_path):
    path = tmp_path / "old.db"
    store_before_several_podcasts(path)
    async with await Library.open(Config(), db=path, create=False) as library:
        assert library.podcast_names == ("show",)  # named by the feed it was synced from
        (summary,) = await library.podcasts()
        assert (summary.title, summary.episodes, summary.health.state.etag) == ("Old Show", 2, '"e"')
        episodes = await library.episodes()
        assert sorted((e.id, e.podcast, e.chapters[0].title) for e in episodes) == [
            (3, "show", "Intro"),
            (5, "show", "Intro"),
        ]
        assert [m.episode.id for m in await library.search("zeppelin")] == [3]
        assert [(r.channel_id, r.podcast, r.role_id) for r in await library.store.announce_routes(9)] == [
            (90, None, 99)
        ]
        (sent,) = await library.store.announcements_for_message(555)
        assert (sent.episode_id, sent.state) == (5, "sent")
        assert await library.store.enqueue_announcements() == 0  # the back catalogue stays unannounced


async def test_each_podcast_refreshes_on_its_own_schedule_and_backs_off_alone(tmp_path, feed_server, three_feeds):
    import asyncio
    import datetime as dt

    feed_server.serve("/beta.xml", status=500, body=b"down")
    config = network(*three_feeds.items())
    config = Config(
        feed=config.feed,
        refresh=RefreshConfig(interval_minutes=15, jitter_seconds=0, feeds_at_once=2),
        listed_podcasts=(
            PodcastConfig("alpha", three_feeds["alpha"], refresh_minutes=60),
            PodcastConfig("beta", three_feeds["beta"]),
            PodcastConfig("gamma", three_feeds["gamma"]),
        ),
    )
    async with await Library.open(config, db=tmp_path / "network.db") as library:
        reports = asyncio.Queue()
        library.on_synced(reports.put)
        library.start_refreshing()
        synced = {(await asyncio.wait_for(reports.get(), 10)).podcast for _ in range(2)}
        assert synced == {"alpha", "gamma"}
        while (await library.health("beta")).state is None:  # beta's start-up sync failed meanwhile
            await asyncio.sleep(0.01)
        for _ in range(2):  # two more failures: beta waits twice its interval, the others do not
            await library._refresher.refresh("beta")
        now = dt.datetime.now(dt.UTC)
        wait = {h.podcast: h.next_sync - now for h in await library.healths()}
        assert dt.timedelta(minutes=59) < wait["alpha"] <= dt.timedelta(minutes=60)
        assert dt.timedelta(minutes=14) < wait["gamma"] <= dt.timedelta(minutes=15)
        assert wait["beta"] > dt.timedelta(minutes=29)


async def test_at_most_feeds_at_once_are_fetched_together(tmp_path, feed_server, three_feeds):
    import asyncio

    for path in ("/alpha.xml", "/beta.xml", "/gamma.xml"):
        feed_server.serve(path, body=show("Held", range(1, 2), "waiting", guid=path), hold=True)
    async with await Library.open(network(*three_feeds.items()), db=tmp_path / "network.db") as library:
        syncing = asyncio.ensure_future(library.sync_all())
        await feed_server.requested(2)
        for _ in range(20):  # the third waits for a free slot however long the two take
            await asyncio.sleep(0)
        assert len(feed_server.requests) == 2
        feed_server.release()
        assert [len(report.new) for report in await syncing] == [1, 1, 1]


async def test_search_across_shows_ranks_as_the_show_alone_does(tmp_path, snapshot_db):
    import shutil

    from bot.core.ingest.feed import BUNDLED_SNAPSHOT
    from bot.core.search.searcher import number_in_query
    from tests.conftest import is_expected
    from tests.search_queries import QUERIES

    shutil.copy(snapshot_db, tmp_path / "network.db")  # the bundled show, synced once for the session
    (tmp_path / "garden.xml").write_bytes(show("Garden", range(1, 80), "gardening"))
    podcasts = (
        PodcastConfig("meta", str(BUNDLED_SNAPSHOT)),  # takes over the stored show of the same feed
        PodcastConfig("garden", str(tmp_path / "garden.xml")),
    )
    async with await Library.open(Config(listed_podcasts=podcasts), db=tmp_path / "network.db") as library:
        await library.sync("garden")
        misses = []
        for query, expected in QUERIES:
            results = await library.search(query, limit=10)
            wanted = [
                i for i, m in enumerate(results) if m.episode.podcast == "meta" and is_expected(m.episode, expected)
            ]
            # A number is each show's: the Meta episode is one of the two offered.
            if not wanted or wanted[0] > (1 if number_in_query(query) is not None else 0):
                misses.append((query, [m.episode.display_title[:30] for m in results[:2]]))
        assert misses == []
        assert [m.episode.podcast for m in await library.search("meta:21", limit=3)] == ["meta"]


async def test_each_podcast_is_read_in_its_own_language(tmp_path, feed_server):
    catalan = rss(
        rss_item(title="Les millors pel·lícules de l'any", guid="ca-1", audio="https://cdn.example/ca1.mp3"),
        rss_item(title="Sèries de televisió", guid="ca-2", audio="https://cdn.example/ca2.mp3"),
        title="Cinema en català",
    ).replace(b"<channel>", b"<channel><language>ca</language>")
    english = rss(
        rss_item(title="Managing large clusters", guid="en-1", audio="https://cdn.example/en1.mp3"),
        rss_item(title="Films we loved", guid="en-2", audio="https://cdn.example/en2.mp3"),
        title="Ops Talk",
    )
    one = feed_server.serve("/ca.xml", body=catalan)
    two = feed_server.serve("/en.xml", body=english)
    async with await Library.open(network(("cinema", one), ("ops", two)), db=tmp_path / "network.db") as library:
        await library.sync_all()
        # Catalan stems find the Catalan show's plural; English stems the English show's -ing form.
        assert [m.episode.guid for m in await library.search("pel·lícula")][:1] == ["ca-1"]
        assert [m.episode.guid for m in await library.search("manages")][:1] == ["en-1"]


async def test_listing_the_one_feed_as_a_podcast_keeps_its_episodes_and_routes(tmp_path, feed_server):
    url = feed_server.serve("/coder-radio.xml", body=show("Coder", range(1, 4), "shells"))
    path = tmp_path / "one.db"
    async with await Library.open(Config(feed=FeedConfig(url=url)), db=path) as library:
        await library.sync()
        await library.store.add_announce_route(1, 100, "coder-radio")
    async with await Library.open(network(("coder", url)), db=path) as library:
        assert library.podcast_names == ("coder",)
        (summary,) = await library.podcasts()  # the same podcast under its new name, nothing lost
        assert (summary.name, summary.episodes, summary.configured) == ("coder", 3, True)
        assert [(r.channel_id, r.podcast) for r in await library.store.announce_routes(1)] == [(100, "coder")]
        assert (await library.sync("coder")).not_modified
