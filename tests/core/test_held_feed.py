"""A store answers for the show it holds: read commands use its feed, change nothing, and the
bundled blog comes only with the bundled show."""

import json

from bot.core.config import Config, FeedConfig
from bot.core.ingest.linked import download_due
from bot.core.ingest.netguard import AddressPolicy, origin_of
from bot.core.library import Library
from tests.conftest import rss, rss_item


def hardware_feed() -> bytes:
    return rss(
        rss_item(title="GPU prices fall", guid="h1", notes="<p>Graphics cards and GPU prices.</p>"),
        rss_item(title="CPU coolers", guid="h2", audio="https://cdn.example/h2.mp3", notes="<p>Coolers.</p>"),
        title="PC Hardware Weekly",
    )


async def test_read_commands_answer_for_the_feed_the_store_holds(tmp_path):
    feed = tmp_path / "hardware.xml"
    feed.write_bytes(hardware_feed())
    db = tmp_path / "x.db"
    async with await Library.open(Config(), db=db, feed=str(feed)) as library:
        await library.sync()
    async with await Library.open(Config(), db=db) as library:  # `--db X topics`, no --feed
        assert library.source == str(feed) and library.companions == []
        await library.ensure_loaded()
        topics = await library.topics()
        assert await library.store.feed_state(str(feed)) is not None
        articles = await library.store._fetchvalue("SELECT count(*) FROM articles")
        titles = sorted(e.title for e in await library.episodes())
    assert articles == 0 and titles == ["CPU coolers", "GPU prices fall"]
    assert all("meta" not in t.name for t in topics)


async def test_chapters_named_by_a_local_feed_file_are_downloaded_with_a_guarded_session(tmp_path, feed_server):
    chapters = json.dumps({"chapters": [{"startTime": 0, "title": "From the file"}]}).encode()
    url = feed_server.serve("/c.json", body=chapters, content_type="application/json")
    # A feed read from a file brings no HTTP session; the round makes one that enforces the policy
    # (here one that trusts the test server, as a feed's own origin is trusted).
    policy = AddressPolicy(trusted=origin_of(url))
    round_ = await download_due([url], {}, FeedConfig(timeout_seconds=2), None, policy, tmp_path)
    assert [c.title for c in round_.files[0].chapters or ()] == ["From the file"] and round_.downloaded == 1


async def test_a_local_feed_fetches_its_chapters_under_the_address_policy_and_reports_only_real_work(
    tmp_path, feed_server
):
    url = feed_server.serve("/c.json", body=b'{"chapters": []}', content_type="application/json")
    item = rss_item(notes="<p>0:00 Intro</p><p>5:00 Notes chapter</p>")
    item = item.replace("</item>", f'<podcast:chapters url="{url}" type="application/json+chapters"/></item>')
    feed = tmp_path / "local.xml"
    feed.write_bytes(rss(item))
    async with await Library.open(Config(), db=tmp_path / "public.db", feed=str(feed)) as library:
        report = await library.sync()
        (episode,) = await library.episodes()
    # A loopback address is no public address: refused before connecting, and not counted as downloaded.
    assert feed_server.requests == [] and report.linked_fetched == 0
    assert any("loopback" in warning for warning in report.warnings)
    assert [c.title for c in episode.chapters] == ["Intro", "Notes chapter"]
