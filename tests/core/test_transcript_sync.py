"""podcast:transcript files through a sync: chosen, downloaded within the budget and the address
policy, remembered with their validators, retried when they fail, and searchable."""

import json

from bot.core.config import Config, FeedConfig
from bot.core.library import Library
from bot.core.sync.syncer import Syncer
from bot.terminal import render_text
from tests.conftest import FeedServer, rss, rss_item
from tests.loop_thread import CallSites, in_modules

VTT = b"""WEBVTT

00:00:05.000 --> 00:00:09.000
<v Priya Raman>We generate the bindings with bindgen every night.

00:01:10.000 --> 00:01:15.000
<v Priya Raman>Then the fuzzer runs until morning.
"""


def transcript_item(*transcripts: tuple[str, str], guid: str = "guid-1", notes: str = "<p>Notes.</p>") -> str:
    tags = "".join(f'<podcast:transcript url="{url}" type="{kind}" language="en"/>' for url, kind in transcripts)
    return rss_item(guid=guid, notes=notes, extra=tags)


def transcript_requests(server: FeedServer) -> list[str]:
    return [request.path for request in server.requests if request.path != "/feed.xml"]


async def sync(store, url: str, config: FeedConfig | None = None):
    return await Syncer(store, config or FeedConfig(timeout_seconds=2), url).sync()


async def test_the_timed_transcript_is_read_and_its_moments_found(tmp_path, feed_server):
    feed_server.serve("/t.vtt", body=VTT, content_type="text/vtt")
    feed_server.serve("/t.txt", body=b"Untimed words.", content_type="text/plain")
    item = transcript_item(("/t.txt", "text/plain"), ("/t.vtt", "text/vtt"))
    url = feed_server.serve(body=rss(item))
    config = Config(feed=FeedConfig(timeout_seconds=2))
    async with await Library.open(config, db=tmp_path / "e.db", feed=url) as library:
        report = await library.sync()
        assert transcript_requests(feed_server) == ["/t.vtt"] and report.linked_fetched == 1
        (moment,) = await library.search("fuzzer", in_transcripts=True)
        assert moment.matched.field == "transcript" and moment.matched.start_seconds == 70
        assert "fuzzer runs until morning" in moment.matched.text
        found = await library.find("bindgen")
        assert found.best is not None and found.best.matched.start_seconds == 5
        # The speaker the notes never name is a guest, for search.
        (episode,) = await library.episodes()
        assert episode.guests == ("Priya Raman",)
        assert (await library.find("priya")).best.matched.field == "guest"


async def test_an_unchanged_transcript_is_revalidated_not_read_again(store, feed_server):
    feed_server.serve("/t.vtt", body=VTT, content_type="text/vtt", etag='"v1"')
    url = feed_server.serve(body=rss(transcript_item(("/t.vtt", "text/vtt"))))
    await sync(store, url)
    feed_server.serve(body=rss(transcript_item(("/t.vtt", "text/vtt"), notes="<p>Edited notes.</p>")))
    await sync(store, url)
    last = [r for r in feed_server.requests if r.path == "/t.vtt"][-1]
    assert last.headers.get("If-None-Match") == '"v1"'
    rows = await store._fetchall("SELECT text FROM transcript_passages")
    assert len(rows) == 2  # the passages of the first download stand, not twice


async def test_a_failed_transcript_is_reported_counted_and_retried_later(store, feed_server):
    feed_server.serve("/t.vtt", status=500)
    url = feed_server.serve(body=rss(transcript_item(("/t.vtt", "text/vtt"))))
    report = await sync(store, url)
    assert any(w.startswith("transcript file not used (retried later)") for w in report.warnings)
    assert await store.transcript_status() == (0, 1)
    (known,) = (await store.linked_files([feed_server.url("/t.vtt")])).values()
    assert known.failures == 1 and known.next_attempt_at is not None
    # Its retry time come, a later sync reads it.
    await store._execute("UPDATE linked_files SET next_attempt_at = '2000-01-01T00:00:00+00:00'")
    feed_server.serve("/t.vtt", body=VTT, content_type="text/vtt")
    await Syncer(store, FeedConfig(timeout_seconds=2), url).sync(force=True)
    assert await store.transcript_status() == (1, 0)


async def test_a_transcript_over_its_cap_is_refused_naming_the_setting(store, feed_server):
    feed_server.serve("/t.vtt", body=VTT * 100, content_type="text/vtt")
    url = feed_server.serve(body=rss(transcript_item(("/t.vtt", "text/vtt"))))
    report = await sync(store, url, FeedConfig(timeout_seconds=2, transcript_max_bytes=1000))
    assert any("feed.transcript_max_bytes" in w for w in report.warnings)


async def test_a_transcript_elsewhere_on_a_private_address_is_never_requested(store, feed_server):
    elsewhere = FeedServer()
    await elsewhere.start()
    try:
        elsewhere.serve("/secret.vtt", body=VTT, content_type="text/vtt")
        url = feed_server.serve(body=rss(transcript_item((elsewhere.url("/secret.vtt"), "text/vtt"))))
        report = await sync(store, url)
        assert elsewhere.requests == []
        assert any("transcript file not used" in w for w in report.warnings)
    finally:
        await elsewhere.stop()


async def test_a_local_feed_reads_transcripts_beside_it_and_never_outside(store, tmp_path):
    folder = tmp_path / "show"
    (folder / "t").mkdir(parents=True)
    (folder / "t" / "one.json").write_text(
        json.dumps({"segments": [{"startTime": 12, "endTime": 15, "body": "Local words here.", "speaker": "Ann"}]})
    )
    (tmp_path / "outside.vtt").write_bytes(VTT)
    items = [
        transcript_item(("t/one.json", "application/json"), guid="a"),
        transcript_item(("../outside.vtt", "text/vtt"), guid="b"),
    ]
    (folder / "feed.xml").write_bytes(rss(*items))
    report = await sync(store, str(folder / "feed.xml"))
    assert await store.transcript_status() == (1, 1)
    assert any("must be in the feed file's folder" in w for w in report.warnings)


async def test_a_dry_run_downloads_no_transcript(store, feed_server):
    feed_server.serve("/t.vtt", body=VTT, content_type="text/vtt")
    url = feed_server.serve(body=rss(transcript_item(("/t.vtt", "text/vtt"))))
    report = await Syncer(store, FeedConfig(timeout_seconds=2), url).sync(dry_run=True)
    assert transcript_requests(feed_server) == [] and report.linked_pending == 1


async def test_transcripts_are_parsed_and_merged_off_the_event_loop(store, feed_server):
    feed_server.serve("/t.vtt", body=VTT * 50, content_type="text/vtt")
    feed_server.serve("/t.srt", body=b"1\n00:00:01,000 --> 00:00:02,000\nAnn: Hi.\n", content_type="application/srt")
    items = [
        transcript_item(("/t.vtt", "text/vtt"), guid="a"),
        transcript_item(("/t.srt", "application/srt"), guid="b"),
    ]
    url = feed_server.serve(body=rss(*items))
    with CallSites() as sites:
        await sync(store, url)
    parsing = ("webvtt", "srt", "bot.core.ingest.transcripts")
    assert in_modules(sites.on_loop, parsing) == set()
    assert in_modules(sites.off_loop, ("webvtt",)) and in_modules(sites.off_loop, ("srt",))
    assert ("bot.core.ingest.transcripts.passages", "passages_of") in sites.off_loop


async def test_an_untimed_transcript_answers_with_what_was_said_and_no_time(tmp_path, feed_server):
    feed_server.serve("/t.txt", body=b"Ann: We keep a spare pager in the kitchen drawer.\n", content_type="text/plain")
    url = feed_server.serve(body=rss(transcript_item(("/t.txt", "text/plain"))))
    async with await Library.open(
        Config(feed=FeedConfig(timeout_seconds=2)), db=tmp_path / "e.db", feed=url
    ) as library:
        await library.sync()
        found = await library.find("kitchen drawer")
    assert found.best is not None and found.best.matched.field == "transcript"
    assert found.best.matched.start_seconds is None
    text = render_text.episode_text(found.best)
    assert "Said: “We keep a spare pager in the kitchen drawer.”" in text and "#t=" not in text


async def test_a_transcript_the_feed_replaces_is_forgotten(store, feed_server):
    feed_server.serve("/old.vtt", body=VTT, content_type="text/vtt")
    feed_server.serve("/new.vtt", body=VTT.replace(b"fuzzer", b"sanitizer"), content_type="text/vtt")
    url = feed_server.serve(body=rss(transcript_item(("/old.vtt", "text/vtt"))))
    await sync(store, url)
    feed_server.serve(body=rss(transcript_item(("/new.vtt", "text/vtt"))))
    await sync(store, url)
    texts = [row[0] for row in await store._fetchall("SELECT text FROM transcript_passages")]
    assert len(texts) == 2 and not any("fuzzer" in text for text in texts)
    (found,) = await store._fetchall("SELECT count(*) FROM transcript_fts WHERE transcript_fts MATCH 'fuzzer'")
    assert found[0] == 0
