"""Feeds written by someone hostile: podbot requests nothing it should not, and nothing escapes a sync."""

import json
import os
import subprocess
import sys
import time

import pytest

from bot.core.config import Config, FeedConfig
from bot.core.ingest.feed import FeedError, fetch, parse_sync
from bot.core.ingest.netguard import AddressPolicy, UnsafeUrl, address_problem
from bot.core.library import Library
from bot.core.store import Store
from bot.core.sync.syncer import Syncer
from tests.conftest import FeedServer, hostile_catalogue, numbered_feed, rss, rss_item
from tests.loop_thread import CallSites, in_modules

NOTES_WITH_CHAPTERS = "<p>0:00 Intro</p><p>5:00 Notes chapter</p>"


@pytest.fixture
async def internal_server():
    """Stands in for a service on the bot's machine that a feed must never reach."""
    server = FeedServer()
    await server.start()
    server.serve(
        "/secret.json",
        body=json.dumps({"chapters": [{"startTime": 0, "title": "SECRET"}]}).encode(),
        content_type="application/json",
    )
    yield server
    await server.stop()
    assert server.requests == [], "the internal service was contacted"


def chapters_item(url: str, guid: str = "guid-1", **fields) -> str:
    return rss_item(
        guid=guid,
        notes=NOTES_WITH_CHAPTERS,
        extra=f'<podcast:chapters url="{url}" type="application/json+chapters"/>',
        **fields,
    )


async def sync_feed(store, url, config=None):
    return await Syncer(store, config or FeedConfig(timeout_seconds=2), url).sync()


async def chapter_titles(store):
    (episode,) = await store.episodes()
    return [c.title for c in episode.chapters]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "169.254.169.254",
        "10.0.0.8",
        "192.168.1.1",
        "172.16.0.1",
        "100.64.0.1",
        "fd00:ec2::254",
        "fe80::1",
        "224.0.0.251",
        "0.0.0.0",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert address_problem(address) is not None


def test_public_addresses_pass_and_lan_only_when_allowed():
    assert address_problem("93.184.216.34") is None and address_problem("2606:4700::1111") is None
    assert address_problem("10.0.0.8", allow_private=True) is None
    # Allowing the LAN never opens loopback or the cloud metadata address.
    assert address_problem("127.0.0.1", allow_private=True) is not None
    assert address_problem("169.254.169.254", allow_private=True) is not None


@pytest.mark.parametrize(
    "url",
    [
        "http://a..b/c.json",
        "http://x:99999/c.json",
        "http://exa mple.com/c",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http://127.1/c.json",
        "http://2130706433/c.json",
        "http://0x7f.0.0.1/",
        "http:///c.json",
        "http://[::ffff:127.0.0.1]/c.json",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_urls_podbot_will_not_fetch_are_refused_before_any_request(url):
    with pytest.raises(UnsafeUrl):
        AddressPolicy().check(url)


async def test_malformed_chapters_url_is_a_warning_not_a_crash(store, feed_server):
    url = feed_server.serve(body=rss(chapters_item("http://a..b/c.json")))
    report = await sync_feed(store, url)
    assert any("a..b" in warning for warning in report.warnings)
    assert await chapter_titles(store) == ["Intro", "Notes chapter"]
    state = await store.feed_state(url)
    assert state.last_error is None and state.consecutive_failures == 0


async def test_redirect_to_a_malformed_host_is_a_warning(store, feed_server):
    feed_server.serve("/c.json", redirect_to="http://a..b/c.json")
    url = feed_server.serve(body=rss(chapters_item(feed_server.url("/c.json"))))
    report = await sync_feed(store, url)
    assert any("not a valid domain name" in warning for warning in report.warnings)
    assert await chapter_titles(store) == ["Intro", "Notes chapter"]


@pytest.mark.parametrize(
    "where",
    [
        "http://127.0.0.1:{port}/secret.json",
        "http://localhost:{port}/secret.json",
        "http://[::ffff:127.0.0.1]:{port}/secret.json",
    ],
)
async def test_chapters_files_never_reach_other_local_services(store, feed_server, internal_server, where):
    target = where.format(port=internal_server.port)
    url = feed_server.serve(body=rss(chapters_item(target)))
    report = await sync_feed(store, url)
    assert report.warnings and "SECRET" not in await chapter_titles(store)
    assert await chapter_titles(store) == ["Intro", "Notes chapter"]


async def test_redirects_to_a_local_service_are_refused(store, feed_server, internal_server):
    secret = f"http://127.0.0.1:{internal_server.port}/secret.json"
    feed_server.serve("/c.json", redirect_to=secret)
    url = feed_server.serve(body=rss(chapters_item(feed_server.url("/c.json"))))
    await sync_feed(store, url)
    assert "SECRET" not in await chapter_titles(store)
    # The configured feed's own redirect is a request the feed's server chose, so it is checked too.
    feed_server.serve("/moved.xml", redirect_to=f"http://127.0.0.1:{internal_server.port}/feed.xml")
    with pytest.raises(FeedError, match="loopback"):
        await fetch(feed_server.url("/moved.xml"), FeedConfig(timeout_seconds=2))


async def test_the_configured_feed_may_be_on_any_host(feed_server):
    body = rss(rss_item())
    assert (await fetch(feed_server.serve(body=body), FeedConfig(timeout_seconds=2))).body == body


async def test_chapters_on_the_feeds_own_origin_are_used(store, feed_server):
    feed_server.serve("/c.json", body=json.dumps({"chapters": [{"startTime": 0, "title": "From the file"}]}).encode())
    url = feed_server.serve(body=rss(chapters_item("/c.json")))  # relative: resolves against the feed
    report = await sync_feed(store, url)
    assert await chapter_titles(store) == ["From the file"] and report.linked_fetched == 1


def bomb_feed(server, count, size):
    server.serve("/big.json", body=b'{"chapters": [' + b" " * size + b"]}", content_type="application/json")
    items = [
        chapters_item(server.url(f"/big.json?{n}"), guid=f"g{n}", audio=f"https://cdn.example/{n}.mp3")
        for n in range(count)
    ]
    return server.serve(body=rss(*items))


def chapter_requests(server):
    return [r for r in server.requests if r.path == "/big.json"]


async def test_chapter_bomb_is_bounded_per_file_and_per_sync(store, feed_server):
    url = bomb_feed(feed_server, 60, 2_000_000)
    report = await sync_feed(store, url)
    # Each file stops at its 1 MB cap, and that counts against the sync's 20 MB.
    assert len(chapter_requests(feed_server)) == 20
    assert report.linked_pending == 40
    assert any(
        w.startswith("20 chapters files not used (retried later)") and "over the 1,000,000-byte limit" in w
        for w in report.warnings
    )
    assert await store.episode_count() == 60
    assert all(e.chapters[0].title == "Intro" for e in await store.episodes())


async def test_files_per_sync_are_capped(store, feed_server):
    url = bomb_feed(feed_server, 60, 10)
    report = await sync_feed(store, url)
    assert len(chapter_requests(feed_server)) == 50 and report.linked_pending == 10


async def test_total_bytes_per_sync_are_capped(store, feed_server):
    url = bomb_feed(feed_server, 10, 900)
    config = FeedConfig(
        timeout_seconds=2, linked_file_max_bytes=1000, linked_bytes_per_sync=3000, linked_fetches_at_once=2
    )
    report = await sync_feed(store, url, config)
    assert len(chapter_requests(feed_server)) == 3 and report.linked_pending == 7


async def test_pending_files_are_fetched_by_later_syncs_then_revalidated_only_on_change(store, feed_server):
    feed_server.serve(
        "/c.json", body=json.dumps({"chapters": [{"startTime": 0, "title": "Filed"}]}).encode(), etag='"c1"'
    )
    items = [
        chapters_item(feed_server.url(f"/c.json?{n}"), guid=f"g{n}", audio=f"https://cdn.example/{n}.mp3")
        for n in range(5)
    ]
    url = feed_server.serve(body=rss(*items), etag='"feed"')
    config = FeedConfig(timeout_seconds=2, linked_files_per_sync=2)
    reports = [await sync_feed(store, url, config) for _ in range(4)]
    assert [r.linked_pending for r in reports] == [3, 1, 0, 0]
    assert reports[-1].not_modified  # caught up: the feed is conditional-GET again
    assert len([r for r in feed_server.requests if r.path == "/c.json"]) == 5
    assert all(e.chapters[0].title == "Filed" for e in await store.episodes())
    # An edited item revalidates its file with its validators instead of downloading it again.
    items[0] = chapters_item(
        feed_server.url("/c.json?0"), guid="g0", audio="https://cdn.example/0.mp3", title="Edited title"
    )
    feed_server.serve(body=rss(*items), etag='"feed2"')
    await sync_feed(store, url, config)
    last = [r for r in feed_server.requests if r.path == "/c.json"][-1]
    assert last.headers.get("If-None-Match") == '"c1"'


async def test_dry_runs_and_refused_syncs_download_nothing(store, feed_server):
    url = bomb_feed(feed_server, 10, 10)
    report = await Syncer(store, FeedConfig(timeout_seconds=2), url).sync(dry_run=True)
    assert chapter_requests(feed_server) == [] and report.linked_pending == 10
    big = feed_server.serve("/feed.xml", body=numbered_feed(10))
    await sync_feed(store, big)
    shrunk = rss(chapters_item(feed_server.url("/big.json"), guid="g-1"))
    feed_server.serve("/feed.xml", body=shrunk)
    with pytest.raises(FeedError, match="refusing"):
        await sync_feed(store, big)
    assert chapter_requests(feed_server) == []


async def test_failed_chapters_file_keeps_notes_chapters_and_is_retried_later(store, feed_server):
    feed_server.serve("/c.json", body=b"oops", status=500)
    url = feed_server.serve(body=rss(chapters_item(feed_server.url("/c.json"))))
    report = await sync_feed(store, url)
    assert any("HTTP 500" in w for w in report.warnings)
    assert await chapter_titles(store) == ["Intro", "Notes chapter"]
    (known,) = (await store.linked_files([feed_server.url("/c.json")])).values()
    assert known.failures == 1 and known.next_attempt_at is not None


def test_over_long_titles_and_notes_are_cut_with_a_warning():
    config = FeedConfig(max_title_chars=1000, max_notes_chars=5000, max_chapters=20)
    notes = "".join(f"<p>{n // 60}:{n % 60:02d} Part {n}</p>" for n in range(1000))
    parsed = parse_sync(rss(rss_item(title="x" * 250_000, notes=notes)), "feed", config)
    (episode,) = parsed.episodes
    assert len(episode.title) == 1000 and len(episode.description_html) <= 5000
    assert len(episode.chapters) <= 20
    assert any("title cut" in w for w in parsed.warnings) and any("notes cut" in w for w in parsed.warnings)


# Per-item text work: parsing, notes, chapters, boilerplate, words and reconciliation.
TEXT_MODULES = (
    "feedparser",
    "bot.core.ingest.items",
    "bot.core.ingest.chapters",
    "bot.core.ingest.notes",
    "bot.core.ingest.boilerplate",
    "bot.core.words.text",
)
SYNC_STEPS = {
    ("bot.core.ingest.feed", "parse_sync"),
    ("bot.core.ingest.feed", "body_digest"),
    ("bot.core.sync.syncer", "reconcile"),
    ("bot.core.sync.syncer", "_with_boilerplate"),
    ("bot.core.sync.identity", "fingerprint"),
    ("bot.core.sync.identity", "normalise_title"),
    ("bot.core.store.episodes", "_insert_rows"),
    ("bot.core.store.episodes", "_terms_of"),
}


def assert_the_heavy_work_ran_off_the_loop(sites: CallSites) -> None:
    """Every step whose cost grows with the feed ran, and none of it on the event loop's thread."""
    heavy_on_loop = in_modules(sites.on_loop, TEXT_MODULES) | (SYNC_STEPS & sites.on_loop)
    assert heavy_on_loop == set(), f"on the event loop: {sorted(heavy_on_loop)}"
    assert sites.off_loop >= SYNC_STEPS, f"never ran: {sorted(SYNC_STEPS - sites.off_loop)}"
    assert {"bot.core.ingest.items", "bot.core.ingest.chapters", "bot.core.ingest.notes"} <= {
        module for module, _ in sites.off_loop
    }


async def test_reconciling_huge_titles_runs_off_the_event_loop(tmp_path, feed_server):
    store = await Store.open(tmp_path / "episodes.db")
    try:
        titles = [f"{n} " + "word " * 50_000 for n in range(6)]
        items = [rss_item(title=t, guid=f"a{n}", number=n, audio=None) for n, t in enumerate(titles)]
        url = feed_server.serve(body=rss(*items))
        await sync_feed(store, url)
        feed_server.serve(
            body=rss(*(rss_item(title=t + "!", guid=f"b{n}", number=n, audio=None) for n, t in enumerate(titles)))
        )
        with CallSites() as sites:
            report = await sync_feed(store, url)
        assert len(report.changed) == 6 and not report.new
        assert_the_heavy_work_ran_off_the_loop(sites)
    finally:
        await store.close()


async def test_a_hostile_sync_that_renames_every_guid_does_its_heavy_work_off_the_event_loop(tmp_path, feed_server):
    """The structure behind `make bench`'s "longest event-loop block during a hostile 10k-item
    sync" row: what grows with the feed never runs on the loop, so the bot keeps answering."""
    first = feed_server.serve("/first.xml", body=hostile_catalogue(30, "first"))
    renamed = feed_server.serve("/renamed.xml", body=hostile_catalogue(30, "renamed"))
    config = Config(feed=FeedConfig(timeout_seconds=10))
    async with await Library.open(config, db=tmp_path / "episodes.db", feed=first) as library:
        await library.sync()
    async with await Library.open(config, db=tmp_path / "episodes.db", feed=renamed) as library:
        with CallSites() as sites:
            report = await library.sync()
    assert report.new == [] and len(report.changed) == 30  # every GUID changed, nothing is new
    assert_the_heavy_work_ran_off_the_loop(sites)


async def test_large_feeds_parse_in_a_child_process_with_the_same_results_and_errors():
    from bot.core.ingest.feed import CHILD_PARSE_BYTES, parse

    padding = "x" * CHILD_PARSE_BYTES
    body = rss(rss_item(notes=f"<p>0:00 Intro</p><p>{padding}</p>"), rss_item(guid="g2", title="Second"))
    parsed = await parse(body, "big-feed", FeedConfig())
    assert [e.title for e in parsed.episodes] == ["An episode", "Second"]
    assert parsed.episodes[0].chapters[0].title == "Intro"
    assert any("notes cut" in w for w in parsed.warnings)
    with pytest.raises(FeedError, match="big-page: response is an HTML page"):
        await parse(b"<!DOCTYPE html><html><body>" + padding.encode() + b"</body></html>", "big-page")


async def test_local_feeds_read_chapters_files_beside_them_but_nowhere_else(store, tmp_path):
    folder = tmp_path / "show"
    (folder / "chapters").mkdir(parents=True)
    (folder / "chapters" / "1.json").write_text(
        json.dumps(
            {
                "chapters": [
                    {"startTime": 0, "title": "From the file", "url": "https://ex.com/more"},
                    {"startTime": 60, "title": "Hidden", "toc": False},
                ]
            }
        )
    )
    (tmp_path / "secret.json").write_text(json.dumps({"chapters": [{"startTime": 0, "title": "SECRET"}]}))
    feed = folder / "feed.xml"
    feed.write_bytes(
        rss(
            chapters_item("chapters/1.json"),
            chapters_item("../secret.json", guid="g2", audio="https://cdn.example/2.mp3"),
        )
    )
    report = await sync_feed(store, str(feed))
    by_guid = {e.guid: e for e in await store.episodes()}
    assert [(c.title, c.url) for c in by_guid["guid-1"].chapters] == [("From the file", "https://ex.com/more")]
    assert [c.title for c in by_guid["g2"].chapters] == ["Intro", "Notes chapter"]
    assert any("feed file's folder" in w for w in report.warnings)


async def test_an_oversized_feed_says_how_to_raise_the_limit(feed_server):
    url = feed_server.serve(body=b"<rss>" + b"x" * 3000)
    with pytest.raises(FeedError, match="raise feed.max_bytes in the config"):
        await fetch(url, FeedConfig(max_bytes=1000, timeout_seconds=2))


async def test_a_parse_that_takes_too_long_is_stopped_with_a_clear_error():
    from bot.core.ingest.feed import CHILD_PARSE_BYTES, parse

    body = rss(rss_item(notes="<p>" + "x" * CHILD_PARSE_BYTES + "</p>"))
    with pytest.raises(FeedError, match=r"parsing took longer than 0.01 s \(feed.parse_timeout_seconds\)"):
        await parse(body, "slow-feed", FeedConfig(parse_timeout_seconds=0.01))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_feed_parser_dies_with_the_process_that_started_it():
    from tests.conftest import ROOT

    feed_in, feed_out = os.pipe()  # the test holds the writing end: the parser waits for its feed
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import os, subprocess, sys, time\n"
            f"env = {{**os.environ, 'PODBOT_PARSE_PARENT': str(os.getpid())}}\n"  # as feed.parse starts it
            f"child = subprocess.Popen([sys.executable, '-m', 'bot.core.ingest.parse_worker'], stdin={feed_in}, env=env)\n"
            f"print(child.pid, flush=True)\n"
            f"time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        pass_fds=(feed_in,),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        child = int(parent.stdout.readline())
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 60
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), "the parser outlived the process that started it"
    finally:
        os.close(feed_in)
        os.close(feed_out)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as status:
            return status.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
