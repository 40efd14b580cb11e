import pytest

from bot.core.config import FeedConfig
from bot.core.ingest.feed import FeedError
from bot.core.store import Store
from bot.core.sync.syncer import Syncer, SyncInProgress
from tests.conftest import numbered_feed, rss, rss_item


def syncer_for(store, url, **config):
    return Syncer(store, FeedConfig(**{"timeout_seconds": 1.0, **config}), url)


async def titles(store):
    return sorted(e.title for e in await store.episodes())


async def test_first_sync_stores_everything_and_second_is_not_modified(store, feed_server):
    url = feed_server.serve(body=numbered_feed(10), etag='"v1"')
    syncer = syncer_for(store, url)
    first = await syncer.sync()
    assert (len(first.new), first.first_sync) == (10, True)
    second = await syncer.sync()
    assert second.not_modified and second.unchanged == 10 and not second.new
    assert feed_server.requests[-1].headers["If-None-Match"] == '"v1"'


async def test_same_bytes_without_etag_is_not_modified(store, feed_server):
    url = feed_server.serve(body=numbered_feed(5))
    syncer = syncer_for(store, url)
    await syncer.sync()
    assert (await syncer.sync()).not_modified


async def test_edited_title_and_notes_are_changes_not_new_episodes(store, feed_server):
    url = feed_server.serve(body=rss(rss_item(title="Old title", notes="<p>Intro 0:06</p>")))
    syncer = syncer_for(store, url)
    await syncer.sync()
    feed_server.serve(body=rss(rss_item(title="New title", notes="<p>Intro 0:06</p><p>Outro 40:00</p>")))
    report = await syncer.sync()
    assert not report.new
    assert [c.fields for c in report.changed] == [("title", "notes", "chapters")]
    assert await titles(store) == ["New title"]
    (episode,) = await store.episodes()
    assert [c.title for c in episode.chapters] == ["Intro", "Outro"]


async def test_guid_change_is_recognised_by_audio_url(store, feed_server):
    url = feed_server.serve(body=numbered_feed(6, guid_prefix="old"))
    syncer = syncer_for(store, url)
    await syncer.sync()
    ids_before = sorted(e.id for e in await store.episodes())
    feed_server.serve(body=numbered_feed(6, guid_prefix="new"))
    report = await syncer.sync()
    assert not report.new and not report.removed
    assert len(report.changed) == 6 and all(c.fields == ("guid",) for c in report.changed)
    assert sorted(e.id for e in await store.episodes()) == ids_before


async def test_guid_and_audio_change_is_recognised_by_number_and_close_title(store, feed_server):
    url = feed_server.serve(
        body=rss(rss_item(title="Kotlin at Facebook", number=21, guid="a", audio="https://x/1.mp3"))
    )
    syncer = syncer_for(store, url)
    await syncer.sync()
    feed_server.serve(body=rss(rss_item(title="Kotlin at Facebook!", number=21, guid="b", audio="https://y/2.mp3")))
    report = await syncer.sync()
    assert not report.new and len(report.changed) == 1


async def test_tracking_query_on_audio_url_still_matches(store, feed_server):
    url = feed_server.serve(body=rss(rss_item(guid="a", audio="https://cdn.example/e.mp3?dest-id=1")))
    syncer = syncer_for(store, url)
    await syncer.sync()
    feed_server.serve(body=rss(rss_item(guid="b", audio="https://cdn.example/e.mp3?dest-id=2&utm=x")))
    assert not (await syncer.sync()).new


async def test_archive_rerelease_is_a_new_episode(store, feed_server):
    original = rss_item(title="What it's like to ship code", number=55, guid="a", audio="https://x/55.mp3")
    url = feed_server.serve(body=rss(original))
    syncer = syncer_for(store, url)
    await syncer.sync()
    rerelease = rss_item(title="ARCHIVE: What it's like to ship code", guid="b", audio="https://x/55.mp3")
    feed_server.serve(body=rss(rerelease, original))
    report = await syncer.sync()
    assert [c.title for c in report.new] == ["ARCHIVE: What it's like to ship code"]
    assert report.unchanged == 1


async def test_item_that_left_the_feed_is_removed_but_kept(store, feed_server):
    url = feed_server.serve(body=numbered_feed(5))
    syncer = syncer_for(store, url)
    await syncer.sync()
    feed_server.serve(body=numbered_feed(4, start=2))
    report = await syncer.sync()
    assert [c.number for c in report.removed] == [1]
    assert await store.episode_count() == 4
    feed_server.serve(body=numbered_feed(5))
    back = await syncer.sync()
    assert not back.new and [c.fields[0] for c in back.changed] == ["restored"]


async def test_feed_that_shrank_to_a_few_items_changes_nothing(store, feed_server):
    url = feed_server.serve(body=numbered_feed(90))
    syncer = syncer_for(store, url)
    await syncer.sync()
    feed_server.serve(body=numbered_feed(2, start=89))
    with pytest.raises(FeedError, match="would remove 88 of 90 stored; refusing"):
        await syncer.sync()
    assert await store.episode_count() == 90
    state = await store.feed_state(url)
    assert "refusing" in state.last_error and state.consecutive_failures == 1


@pytest.mark.parametrize(
    "reply",
    [
        {"status": 500, "body": b"error"},
        {"body": b"<rss><channel><item><title>cut off"},
        {"body": b"<html><body>maintenance</body></html>", "content_type": "text/html"},
        {"body": b"", "status": 200},
    ],
    ids=["500", "truncated", "html", "empty"],
)
async def test_broken_feed_never_touches_the_store(store, feed_server, reply):
    url = feed_server.serve(body=numbered_feed(8))
    syncer = syncer_for(store, url)
    await syncer.sync()
    before = await titles(store)
    feed_server.serve(**reply)
    with pytest.raises(FeedError):
        await syncer.sync()
    assert await titles(store) == before
    assert (await store.feed_state(url)).last_error


async def test_timeout_never_touches_the_store(store, feed_server):
    url = feed_server.serve(body=numbered_feed(3))
    syncer = syncer_for(store, url)
    await syncer.sync()
    feed_server.serve(body=numbered_feed(4), hold=True)
    syncer.config = FeedConfig(timeout_seconds=0.2)
    with pytest.raises(FeedError, match="timed out"):
        await syncer.sync()
    assert await store.episode_count() == 3


async def test_dry_run_reports_without_writing(store, feed_server):
    url = feed_server.serve(body=numbered_feed(3))
    syncer = syncer_for(store, url)
    report = await syncer.sync(dry_run=True)
    assert len(report.new) == 3 and report.dry_run
    assert await store.episode_count() == 0
    assert await store.feed_state(url) is None


async def test_crash_while_writing_leaves_the_previous_state(tmp_path, feed_server, monkeypatch):
    path = tmp_path / "episodes.db"
    store = await Store.open(path)
    url = feed_server.serve(body=numbered_feed(3))
    await syncer_for(store, url).sync()
    feed_server.serve(body=numbered_feed(6))

    async def fail_after_the_episodes_are_written(self, state):
        raise OSError("disk vanished")

    monkeypatch.setattr(Store, "_save_feed_state", fail_after_the_episodes_are_written)
    # Any exception is a failed sync: one line for the operator, recorded, the store untouched.
    with pytest.raises(FeedError, match="sync failed unexpectedly .OSError: disk vanished"):
        await syncer_for(store, url).sync()
    monkeypatch.undo()
    await store.close()
    reopened = await Store.open(path)
    try:
        assert await reopened.episode_count() == 3
        state = await reopened.feed_state(url)
        assert "disk vanished" in state.last_error and state.consecutive_failures == 1
    finally:
        await reopened.close()


async def test_second_sync_does_not_start_while_one_runs(store, feed_server):
    import asyncio

    url = feed_server.serve(body=numbered_feed(3), hold=True)
    syncer = syncer_for(store, url)
    running = asyncio.create_task(syncer.sync())
    await feed_server.requested()
    assert syncer.running
    with pytest.raises(SyncInProgress):
        await syncer.sync(wait=False)
    feed_server.release()
    assert len((await running).new) == 3


@pytest.mark.parametrize(
    ("path", "chapters"),
    [("/ch.json", ["From JSON"]), ("/gone.json", ["Intro"])],
    ids=["chapters-file-wins", "missing-file-falls-back-to-notes"],
)
async def test_podcast_chapters_file_over_notes(store, feed_server, path, chapters):
    feed_server.serve(
        "/ch.json", body=b'{"chapters": [{"startTime": 0, "title": "From JSON"}]}', content_type="application/json"
    )
    extra = f'<podcast:chapters url="{feed_server.url(path)}" type="application/json+chapters"/>'
    url = feed_server.serve(body=rss(rss_item(notes="<p>Intro 0:06</p>", extra=extra)))
    await syncer_for(store, url).sync()
    (episode,) = await store.episodes()
    assert [c.title for c in episode.chapters] == chapters


async def test_titles_without_words_never_merge_two_episodes(store, feed_server):
    others = [rss_item(title=f"Other {n}", guid=f"o{n}", audio=f"https://x/o{n}.mp3") for n in range(3)]
    url = feed_server.serve(body=rss(rss_item(title="❤️", guid="a", audio="https://x/a.mp3"), *others))
    syncer = syncer_for(store, url)
    await syncer.sync()
    # "a" leaves the feed and "b", as wordless and from the same day, arrives: a new episode.
    feed_server.serve(body=rss(rss_item(title="❤️", guid="b", audio="https://x/b.mp3"), *others))
    report = await syncer.sync()
    assert [c.guid for c in report.new] == ["b"] and [c.guid for c in report.removed] == ["a"]


async def test_a_feed_address_with_secrets_is_never_shown_with_them(store, feed_server, caplog):
    secret = feed_server.url("/private.xml").replace("http://", "http://reader:s3cr3t@") + "?auth=s3cr3t"
    with pytest.raises(FeedError) as caught:
        await syncer_for(store, secret).sync()
    state = await store.feed_state(secret)
    shown = [str(caught.value), state.last_error, caplog.text]
    assert all("s3cr3t" not in text for text in shown), shown
    assert "http://***@127.0.0.1" in state.last_error and "auth=***" in state.last_error
