import pytest

from bot.core.config import FeedConfig
from bot.core.ingest.feed import FeedError, fetch, parse_sync
from bot.core.models import FeedState
from tests.conftest import rss, rss_item


async def test_fetch_returns_body_and_validators(feed_server, feed_config):
    body = rss(rss_item())
    url = feed_server.serve(body=body, etag='"v1"')
    result = await fetch(url, feed_config)
    assert result.body == body and result.etag == '"v1"'
    assert feed_server.requests[-1].headers["User-Agent"].startswith("podbot/")


async def test_conditional_get_answers_not_modified(feed_server, feed_config):
    url = feed_server.serve(body=rss(rss_item()), etag='"v1"')
    result = await fetch(url, feed_config, state=FeedState(source=url, etag='"v1"'))
    assert result.not_modified
    assert feed_server.requests[-1].headers["If-None-Match"] == '"v1"'


@pytest.mark.parametrize("status", [404, 500, 503])
async def test_http_errors_are_feed_errors(feed_server, feed_config, status):
    url = feed_server.serve(body=b"oops", status=status)
    with pytest.raises(FeedError, match=f"HTTP {status}"):
        await fetch(url, feed_config)


async def test_slow_server_times_out(feed_server):
    url = feed_server.serve(body=rss(rss_item()), hold=True)
    with pytest.raises(FeedError, match="timed out after 0.3 s"):
        await fetch(url, FeedConfig(timeout_seconds=0.3))


async def test_redirect_loop_is_refused(feed_server, feed_config):
    url = feed_server.serve("/a", redirect_to="/b")
    feed_server.serve("/b", redirect_to="/a")
    with pytest.raises(FeedError, match="redirects"):
        await fetch(url, feed_config)


async def test_redirect_is_followed(feed_server, feed_config):
    body = rss(rss_item())
    feed_server.serve("/new", body=body)
    assert (await fetch(feed_server.serve("/old", redirect_to="/new"), feed_config)).body == body


async def test_oversized_body_is_refused(feed_server):
    url = feed_server.serve(body=b"<rss>" + b"x" * 50_000_000)
    with pytest.raises(FeedError, match="over the 1,000,000-byte limit"):
        await fetch(url, FeedConfig(max_bytes=1_000_000, timeout_seconds=10))


async def test_unreachable_host(feed_config):
    with pytest.raises(FeedError, match="cannot connect"):
        await fetch("http://127.0.0.1:9/feed.xml", feed_config)


async def test_local_file_errors(tmp_path, feed_config):
    with pytest.raises(FeedError, match="not found"):
        await fetch(str(tmp_path / "missing.xml"), feed_config)
    with pytest.raises(FeedError, match="directory"):
        await fetch(str(tmp_path), feed_config)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response"),
        (b"   \n", "empty response"),
        (b'{"episodes": []}', "JSON"),
        (b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>", "HTML page"),
        (b"<?xml version='1.0'?>\n<not a feed & <<< >>>", "malformed XML .* no feed could be read"),
        (rss(), "no episodes"),
        (b"<rss version='2.0'><channel><title>x</title><item></item></channel></rss>", "no usable episodes"),
    ],
)
def test_bodies_that_are_not_usable_feeds(body, message):
    with pytest.raises(FeedError, match=message):
        parse_sync(body, "test-feed")


def test_items_without_guid_date_or_title_are_kept_with_fallbacks():
    feed = parse_sync(
        rss(
            rss_item(title=None, guid=None, number=7, audio="https://cdn.example/seven.mp3"),
            rss_item(title="No date", guid="g-nodate", pub_date=None),
            rss_item(title="Only notes", guid=None, audio=None, notes="<p>Special notes</p>"),
            rss_item(title=None, guid=None, audio=None, notes="<p>Links</p><p>Reel Friends: https://x.example/a</p>"),
        ),
        "test-feed",
    )
    seven, undated, notes_only, from_notes = feed.episodes
    assert (seven.title, seven.title_is_derived, seven.guid) == ("Episode 7", True, "https://cdn.example/seven.mp3")
    assert undated.published is None and undated.title == "No date"
    assert notes_only.guid.startswith("podbot:")
    assert from_notes.title == "Reel Friends"


def test_item_with_nothing_usable_is_skipped_and_reported():
    feed = parse_sync(rss(rss_item(), "<item><pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate></item>"), "t")
    assert len(feed.episodes) == 1
    assert feed.skipped_items == ("item 2: no title, audio or description",)


def test_repeated_guid_keeps_the_first():
    feed = parse_sync(rss(rss_item(title="First"), rss_item(title="Second")), "t")
    assert [e.title for e in feed.episodes] == ["First"]
    assert "repeats guid" in feed.skipped_items[0]


def test_libsyn_item_fields(snapshot_bytes):
    feed = parse_sync(snapshot_bytes, "snapshot")
    caddy = next(e for e in feed.episodes if e.number == 64)
    assert caddy.title == "Caddy - Building the next generation of CAD software for Mixed Reality"
    assert caddy.published.isoformat() == "2024-07-04T12:00:00+00:00"
    assert caddy.audio_url.endswith("mtp64_rc1.mp3?dest-id=697376")
    assert len(caddy.chapters) == 19 and caddy.chapters[-1].title == "Outro"
    assert caddy.chapters[-1].start_seconds == 3815
    assert {"Ed", "Jason", "Fan", "Raghavan"} <= set(caddy.guests)
    assert any(link.url == "https://heycaddy.net/" for link in caddy.links)
    assert "<" not in caddy.description_text
    assert feed.podcast.title == "Meta Tech Podcast"
    assert "reconstruction" in feed.podcast.description


def test_durations_and_psc_chapters_from_the_feed():
    extra = (
        '<psc:chapters version="1.2"><psc:chapter start="00:00:00" title="Start"/>'
        '<psc:chapter start="00:10:00" title="Middle"/></psc:chapters>'
    )
    feed = parse_sync(rss(rss_item(duration="1:02:03", extra=extra, notes="<p>Intro 0:06</p>")), "t")
    episode = feed.episodes[0]
    assert episode.duration_seconds == 3723
    assert [(c.start_seconds, c.title) for c in episode.chapters] == [(0, "Start"), (600, "Middle")]


async def test_a_local_device_is_read_with_the_download_cap():
    with pytest.raises(FeedError, match="over the 1,000-byte limit"):
        await fetch("/dev/zero", FeedConfig(max_bytes=1_000, timeout_seconds=10))


async def test_a_pipe_that_never_sends_the_feed_gives_up_after_the_timeout(tmp_path):
    import os

    pipe = tmp_path / "feed.fifo"
    os.mkfifo(pipe)
    writer = os.open(pipe, os.O_RDWR | os.O_NONBLOCK)  # a writer that never writes
    try:
        with pytest.raises(FeedError, match="nothing more to read after 0.2 s"):
            await fetch(str(pipe), FeedConfig(timeout_seconds=0.2))
    finally:
        os.close(writer)


async def test_an_address_podbot_cannot_fetch_is_shown_as_given_without_its_password():
    with pytest.raises(FeedError) as caught:
        await fetch("ftp://reader:s3cr3t@files.example/feed.xml", FeedConfig())
    assert str(caught.value).startswith("ftp://***@files.example/feed.xml: podbot reads feeds from http(s)")
