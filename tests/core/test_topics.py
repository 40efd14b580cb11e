"""Companion feeds, articles linked to episodes, topics and related episodes, on feeds of our own
served over real HTTP."""

import sqlite3

from bot.core.config import CompanionConfig, Config
from bot.core.library import Library
from tests.conftest import rss, rss_item

BLOG_NS = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'


def blog(*items: str) -> bytes:
    """A WordPress-style feed of posts."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {BLOG_NS}><channel><title>Our Blog</title>'
        "<link>https://blog.example</link>" + "".join(items) + "</channel></rss>"
    ).encode()


def post(title, link, date="Thu, 18 Jul 2024 16:00:00 +0000", tags=(), content="", guid=None):
    categories = "".join(f"<category><![CDATA[{tag}]]></category>" for tag in tags)
    parts = [f"<item><title>{title}</title>"]
    if link:
        parts.append(f"<link>{link}</link>")
    parts.append(f"<pubDate>{date}</pubDate>{categories}<guid isPermaLink='false'>{guid or title}</guid>")
    parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded></item>")
    return "".join(parts)


def episode(n, title, notes="<p>Notes.</p>", date=None, extra=""):
    return rss_item(
        title=title,
        guid=f"ep-{n}",
        number=n,
        pub_date=date or f"Mon, {n:02d} Jul 2024 12:00:00 +0000",
        audio=f"https://cdn.example/ep{n}.mp3",
        notes=notes,
        extra=extra,
    )


def config_with_blog(url: str) -> Config:
    return Config(companions=(CompanionConfig(name="Our Blog", url=url),))


async def open_synced(tmp_path, feed_server, podcast: bytes, posts: bytes | None = None, **blog_reply):
    feed = feed_server.serve("/feed.xml", body=podcast)
    config = config_with_blog(feed_server.serve("/blog.xml", body=posts, **blog_reply)) if posts else Config()
    library = await Library.open(config, db=tmp_path / "episodes.db", feed=feed)
    report = await library.sync()
    return library, report


async def numbers(library, ids):
    return [(await library.episode(i)).number for i in ids]


async def test_a_post_the_notes_link_is_the_episodes_reading_with_its_reason_tags_and_address_category(
    tmp_path, feed_server
):
    podcast = rss(
        episode(
            64,
            "Caddy: CAD in mixed reality",
            '<p>Read more: <a href="https://www.blog.example/2024/07/18/virtual-reality/caddy/?utm_source=x#top">'
            "the post</a></p>",
        ),
        episode(63, "Rust and C++ together", "<p>Interop stories.</p>"),
    )
    posts = blog(
        post("Caddy, the post", "http://blog.example/2024/07/18/virtual-reality/caddy", tags=["Developer Tools"]),
        post("Unrelated post", "https://blog.example/2024/07/01/web/other/", tags=["Web"]),
    )
    library, _ = await open_synced(tmp_path, feed_server, podcast, posts)
    async with library:
        caddy = (await library.find("caddy")).best.episode
        [reading] = (await library.reading([caddy.id]))[caddy.id]
        assert (reading.title, reading.reason, reading.topics) == (
            "Caddy, the post",
            "notes-link",
            ("developer-tools",),
        )
        assert reading.url == "http://blog.example/2024/07/18/virtual-reality/caddy"
        topics = {(t.name, t.source) for t in (await library.topics_of([caddy.id]))[caddy.id]}
        assert topics == {("developer-tools", "article"), ("virtual-reality", "url")}
        rust = (await library.find("rust")).best.episode
        assert (await library.reading([rust.id]))[rust.id] == []


async def test_a_post_that_links_the_episode_page_belongs_to_it(tmp_path, feed_server):
    podcast = rss(episode(7, "Hermes engine", extra="<link>https://pod.example/episodes/hermes</link>"))
    posts = blog(
        post(
            "Making JS start fast",
            "https://blog.example/hermes",
            content='<a href="http://pod.example/episodes/hermes/">listen</a>',
        )
    )
    library, _ = await open_synced(tmp_path, feed_server, podcast, posts)
    async with library:
        found = (await library.find("hermes")).best.episode
        assert [r.reason for r in (await library.reading([found.id]))[found.id]] == ["article-link"]


async def test_a_near_identical_title_links_within_two_weeks_and_never_further_or_on_a_looser_title(
    tmp_path, feed_server
):
    podcast = rss(
        episode(1, "Trust But Canary: Configuration Safety at Scale", date="Thu, 02 Apr 2026 12:00:00 +0000"),
        episode(2, "Patch Me If You Can", date="Fri, 27 Feb 2026 12:00:00 +0000"),
        episode(3, "Building a new storage engine", date="Mon, 02 Mar 2026 12:00:00 +0000"),
    )
    posts = blog(
        post("Trust but canary: configuration safety at scale", None, date="Wed, 08 Apr 2026 12:00:00 +0000"),
        post("Patch Me If You Can", "https://blog.example/patch", date="Fri, 15 May 2026 12:00:00 +0000"),
        post(
            "Building the new storage engines of tomorrow",
            "https://blog.example/s",
            date="Mon, 02 Mar 2026 12:00:00 +0000",
        ),
    )
    library, _ = await open_synced(tmp_path, feed_server, podcast, posts)
    async with library:
        ids = {n: (await library.find(f"#{n}")).best.episode.id for n in (1, 2, 3)}
        reading = await library.reading(list(ids.values()))
        [canary] = reading[ids[1]]
        assert canary.reason == "title-and-date" and canary.url is None  # a post without an address is never a link
        assert reading[ids[2]] == []  # the same title, eleven weeks later
        assert reading[ids[3]] == []  # alike, not near-identical


async def test_atom_category_terms_are_topics_and_a_topic_lists_its_articles(tmp_path, feed_server):
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom blog</title>'
        b'<entry><title>Encrypted backups</title><id>tag:a,1</id><link href="https://atom.example/backups"/>'
        b'<updated>2024-07-10T10:00:00Z</updated><category term="security" label="Security"/>'
        b"<summary>Keys that never leave the device.</summary></entry></feed>"
    )
    podcast = rss(episode(5, "Key transparency", '<p>See <a href="https://atom.example/backups">backups</a>.</p>'))
    library, _ = await open_synced(tmp_path, feed_server, podcast, atom)
    async with library:
        answer = await library.topic("privacy")  # a word listeners use for security
        assert answer.tagged and answer.name == "security" and answer.label == "Security"
        assert [r.match.episode.number for r in answer.results] == [5]
        assert "tagged Security" in answer.results[0].reason
        assert [(a.title, a.url) for a in answer.articles] == [("Encrypted backups", "https://atom.example/backups")]
        assert [(t.name, t.episodes, t.articles) for t in await library.topics()] == [("security", 1, 1)]


async def test_an_unchanged_companion_feed_is_asked_conditionally_and_a_broken_one_loses_nothing(tmp_path, feed_server):
    podcast = rss(episode(64, "Caddy", '<p><a href="https://blog.example/caddy">post</a></p>'))
    posts = blog(post("Caddy post", "https://blog.example/caddy", tags=["virtual-reality"]))
    library, _ = await open_synced(tmp_path, feed_server, podcast, posts, etag='"v1"')
    async with library:
        await library.sync(force=False)
        blog_requests = [r for r in feed_server.requests if r.path == "/blog.xml"]
        assert blog_requests[-1].headers.get("If-None-Match") == '"v1"'
        feed_server.serve("/blog.xml", body=b"<html><body>maintenance</body></html>", content_type="text/html")
        report = await library.sync(force=True)
        assert any("companion 'Our Blog'" in warning and "HTML page" in warning for warning in report.warnings)
        state = await library.store.feed_state(library.companions[0].source)
        assert state.consecutive_failures == 1 and "HTML page" in state.last_error
        caddy = (await library.find("caddy")).best.episode
        assert [r.title for r in (await library.reading([caddy.id]))[caddy.id]] == ["Caddy post"]


async def test_feed_categories_and_keywords_are_topics_and_others_are_inferred_from_their_words(tmp_path, feed_server):
    podcast = rss(
        episode(
            1,
            "Kernel bypass networking",
            "<p>Packets, NICs, kernel bypass and the TCP stack: networking latency at the edge.</p>",
            extra="<category>Networking</category><itunes:keywords>tcp, Edge Computing</itunes:keywords>",
        ),
        episode(
            2, "Faster TCP at the edge", "<p>How the TCP stack, NICs and packets shape edge networking latency.</p>"
        ),
        episode(3, "Baking bread", "<p>Flour, water, yeast and patience in the office kitchen.</p>"),
        episode(
            4, "Packets", "<p>Edge networking: NICs, packets and latency.</p>", extra="<category>Networking</category>"
        ),
    )
    library, _ = await open_synced(tmp_path, feed_server, podcast)
    async with library:
        ids = {n: (await library.find(f"#{n}")).best.episode.id for n in (1, 2, 3)}
        topics = await library.topics_of(list(ids.values()))
        assert {(t.name, t.source) for t in topics[ids[1]]} == {
            ("networking", "feed"),
            ("tcp", "feed"),
            ("edge-computing", "feed"),
        }
        assert "networking" in {t.name for t in topics[ids[2]] if t.source == "inferred"}
        assert topics[ids[3]] == []
        answer = await library.topic("Networking")
        assert [(r.match.episode.number, r.reason) for r in answer.results] == [
            (4, "the feed files it under Networking"),
            (1, "the feed files it under Networking"),
            (2, "its notes read like the other Networking episodes"),
        ]


async def test_an_untagged_word_finds_episodes_about_it_never_a_link_and_a_typo_suggests_topics(tmp_path, feed_server):
    podcast = rss(
        episode(1, "Kotlin at scale", "<p>Kotlin everywhere.</p>", extra="<category>Android</category>"),
        episode(2, "Build systems", "<p>Hermetic builds.</p><p>Kotlin 1:00</p><p>Outro 20:00</p>"),
        episode(3, "Notes that link it", "<p>See https://blog.example/2024/01/01/kotlin/a-post/ for more.</p>"),
        episode(4, "Mentions it twice", "<p>We used Kotlin, and Kotlin again, in passing.</p>"),
    )
    library, _ = await open_synced(tmp_path, feed_server, podcast)
    async with library:
        answer = await library.topic("kotlin")
        assert not answer.tagged
        assert [(r.match.episode.number, r.reason) for r in answer.results] == [
            (1, "in the title"),
            (2, "chapter 1:00 Kotlin"),
            (4, "mentioned 2 times in the notes"),
        ]
        unknown = await library.topic("andriod")
        assert unknown.results == () and [t.name for t in unknown.suggestions] == ["android"]


async def test_a_query_naming_a_topic_ranks_its_episodes_first_and_words_in_links_are_no_mention(tmp_path, feed_server):
    podcast = rss(
        episode(1, "Red team stories", "<p>Breaking in, with permission.</p>", extra="<category>Security</category>"),
        episode(2, "Config rollouts", "<p>Details: https://blog.example/2026/04/08/security/config-rollouts/</p>"),
        episode(3, "Password hygiene", "<p>Security for everyone: security keys and passkeys.</p>"),
    )
    library, _ = await open_synced(tmp_path, feed_server, podcast)
    async with library:
        assert [m.episode.number for m in await library.search("security")] == [1, 3]
        assert [m.episode.number for m in await library.search("which episodes are about security?")] == [1, 3]
        assert [m.episode.number for m in await library.search("rollouts")] == [2]


async def test_related_episodes_share_topics_or_words_and_say_which(tmp_path, feed_server):
    podcast = rss(
        episode(
            1,
            "Kotlin coroutines",
            "<p>Structured concurrency with coroutines in Kotlin on Android.</p>",
            extra="<category>Android</category>",
        ),
        episode(2, "Jetpack Compose", "<p>Declarative UI for Android apps.</p>", extra="<category>Android</category>"),
        episode(3, "Kotlin multiplatform", "<p>Sharing Kotlin code with coroutines across iOS and the web.</p>"),
        episode(4, "Baking bread", "<p>Flour, water, yeast and patience.</p>"),
    )
    library, _ = await open_synced(tmp_path, feed_server, podcast)
    async with library:
        first = (await library.find("#1")).best.episode
        related = await library.related(first.id)
        # 3 is inferred to be about Android too, but what it shares with 1 in words is Kotlin.
        assert [(r.episode.number, r.reason) for r in related] == [
            (3, "both discuss Kotlin"),
            (2, "also about Android"),
        ]
        assert 4 not in [r.episode.number for r in related]


async def test_a_schema_5_database_stops_counting_words_inside_links(tmp_path, feed_server):
    from tests.core.test_index import back_to_schema_5

    path = tmp_path / "episodes.db"
    url = feed_server.serve(body=rss(episode(1, "Config", "<p>See https://blog.example/2026/security/x/ now.</p>")))
    async with await Library.open(Config(), db=path, feed=url) as library:
        await library.sync()
    connection = sqlite3.connect(path)
    with connection:
        back_to_schema_5(connection)
        connection.execute("UPDATE episodes_fts SET description = 'See https://blog.example/2026/security/x/ now.'")
        connection.execute("INSERT OR REPLACE INTO search_terms VALUES ('security', 's', 8, 1, 0, 0, 0, 1)")
    connection.close()
    async with await Library.open(Config(), db=path, feed=url) as library:
        assert await library.search("security") == []
        assert [m.episode.number for m in await library.search("config")] == [1]


async def test_inference_works_in_bounded_steps_and_a_sync_catches_up(tmp_path, feed_server, monkeypatch):
    from bot.core.store import reading

    monkeypatch.setattr(reading, "_INFERRED_PER_CALL", 2)

    def notes(n):  # notes seven episodes said word for word would be the show's boilerplate
        return f"<p>Edge networking: NICs, packets, TCP and latency, {'then ' * n}more.</p>"

    tagged = [episode(n, f"Packets {n}", notes(n), extra="<category>Networking</category>") for n in (1, 2)]
    untagged = [episode(n, f"Packets {n}", notes(n)) for n in (3, 4, 5, 6, 7)]
    others = [episode(n, f"Baking {n}", f"<p>Flour, water and yeast, loaf {n}.</p>") for n in (8, 9, 10, 11)]
    library, _ = await open_synced(tmp_path, feed_server, rss(*tagged, *untagged, *others))
    async with library:
        answer = await library.topic("networking")
        assert sorted(r.match.episode.number for r in answer.results) == [1, 2, 3, 4, 5, 6, 7]
        reading_step = await library.store.relate()
        assert reading_step is True  # nothing left: the sync caught up, two episodes a step


async def test_a_topic_query_lists_tagged_episodes_then_mentions_then_inferred_ones(tmp_path, feed_server):
    notes = "<p>Edge networking: NICs, packets, TCP and latency.</p>"
    podcast = rss(
        episode(1, "Packets one", notes, extra="<category>Networking</category>"),
        episode(2, "Packets two", notes, extra="<category>Networking</category>"),
        episode(3, "Packets three", notes),  # inferred: it reads like the tagged two
        episode(4, "Networking careers", "<p>How people find jobs.</p>"),  # only says the word
        *(episode(n, f"Baking {n}", f"<p>Flour, water and yeast, loaf {n}.</p>") for n in (5, 6, 7)),
    )
    library, _ = await open_synced(tmp_path, feed_server, podcast)
    async with library:
        ranked = [m.episode.number for m in await library.search("networking")]
        assert ranked[2:] == [4, 3] and sorted(ranked[:2]) == [1, 2]


async def test_a_hostile_companion_feed_is_bounded_and_its_bad_addresses_are_never_links(tmp_path, feed_server):
    from bot.core.ingest.articles import MAX_ARTICLES

    many_tags = [f"tag {n} " + "word " * 18 for n in range(60)]  # 95 characters each: about 20 fit
    posts = blog(
        *(post(f"Post {n}", f"https://blog.example/p/{n}", tags=many_tags) for n in range(MAX_ARTICLES + 200)),
        post("Sneaky", "javascript:alert(1)", tags=["security"]),
    )
    library, _ = await open_synced(tmp_path, feed_server, rss(episode(1, "An episode")), posts)
    async with library:
        topics = {t.name: t for t in await library.topics()}
        words = "-word" * 4
        assert topics[f"tag-0{words}"].articles == MAX_ARTICLES and f"tag-30{words}" not in topics  # capped
        assert "security" not in topics  # the post past the cap was never read
    sneaky = blog(post("Sneaky", "javascript:alert(1)", tags=["security"]))
    library, _ = await open_synced(tmp_path / "second", feed_server, rss(episode(1, "An episode")), sneaky)
    async with library:
        [article] = (await library.topic("security")).articles
        assert article.title == "Sneaky" and article.url is None


async def test_a_companion_whose_guids_change_on_every_fetch_cannot_grow_the_store(tmp_path, feed_server):
    from bot.core.store.reading import MAX_STORED_ARTICLES

    def churned(fetch):
        return blog(
            *(post(f"Post {n}", f"https://blog.example/{fetch}/{n}", guid=f"{fetch}-{n}") for n in range(900)),
            post("Kept", "https://blog.example/kept", guid="kept", date="Mon, 01 Jan 2001 00:00:00 +0000"),
        )

    library, _ = await open_synced(tmp_path, feed_server, rss(episode(1, "An episode")), churned(0))
    async with library:
        for fetch in range(1, 4):
            feed_server.serve("/blog.xml", body=churned(fetch))
            await library.sync(force=True)
        connection = sqlite3.connect(tmp_path / "episodes.db")
        try:
            keys = {row[0] for row in connection.execute("SELECT key FROM articles")}
        finally:
            connection.close()
        assert len(keys) == MAX_STORED_ARTICLES
        assert {f"3-{n}" for n in range(900)} <= keys and "kept" in keys  # what the feed lists stays
        assert not any(key.startswith("0-") for key in keys)  # the oldest gone first


async def test_a_feed_inventing_tags_brings_a_bounded_set_of_topics(tmp_path, feed_server):
    from bot.core.ingest.articles import MAX_FEED_TOPICS

    posts = blog(
        *(post(f"Post {n}", f"https://blog.example/{n}", tags=[f"made up {n}", "security"]) for n in range(800))
    )
    library, _ = await open_synced(tmp_path, feed_server, rss(episode(1, "An episode")), posts)
    async with library:
        topics = {t.name for t in await library.topics()}
        assert "security" in topics and len(topics) <= MAX_FEED_TOPICS


async def test_every_topics_count_is_what_topic_lists(snapshot_library):
    topics = await snapshot_library.topics()
    assert len(topics) >= 10
    for topic in topics:
        for asked in (topic.name, topic.label):  # "Messaging and queues" as /topics shows it
            answer = await snapshot_library.topic(asked)
            assert (len(answer.results), len(answer.articles)) == (topic.episodes, topic.articles), asked


async def test_a_sync_counts_a_topic_again_when_a_new_episode_is_about_it(tmp_path, feed_server):
    tagged = [episode(n, f"Packets {n}", extra="<category>Networking</category>") for n in (1, 2)]
    others = [episode(n, f"Baking {n}", f"<p>Flour, water and yeast, loaf {n}.</p>") for n in (3, 4, 5)]
    library, _ = await open_synced(tmp_path, feed_server, rss(*tagged, *others))
    async with library:
        assert {t.name: t.episodes for t in await library.topics()} == {"networking": 2}
        feed_server.serve("/feed.xml", body=rss(episode(6, "Networking careers"), *tagged, *others))
        await library.sync()
        assert {t.name: t.episodes for t in await library.topics()} == {"networking": 3}
        assert len((await library.topic("networking")).results) == 3
