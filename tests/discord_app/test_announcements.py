"""New-episode announcements: the real bot, a fake Discord, and a loopback feed the tests edit.

Syncs and announcement rounds are triggered directly; nothing waits on timers.
"""

import asyncio
import dataclasses
import datetime as dt

import pytest

from bot.core.models import OutboxRow
from bot.core.outbox import plan_deliveries, retry_delay
from tests.conftest import numbered_feed, rss_item
from tests.fake_discord import (
    ADMIN_ID,
    FANS_ROLE,
    GUILD_ID,
    LOCKED_CHANNEL,
    NEWS_CHANNEL,
    OTHER_GUILD_CHANNEL,
    SEND_MESSAGES,
    VIEW_CHANNEL,
)

OTHER_GUILD = 200000000000000002


@pytest.fixture
async def bot_feed(feed_server):
    return feed_server.serve(body=numbered_feed(90), etag='"v1"')


@pytest.fixture
async def news(discord_env):
    """The bot set up to announce in #news, after its first sync stored 90 episodes."""
    await discord_env.store.set_announce_channel(GUILD_ID, NEWS_CHANNEL)
    return discord_env


def announcer(env):
    return env.bot.get_cog("Announcements")


async def sync_and_announce(env):
    report = await env.library.syncer.sync()
    await announcer(env).deliver()
    return report


def posts(env, channel=NEWS_CHANNEL):
    return env.fake.messages.get(channel, [])


def post_requests(env, channel=NEWS_CHANNEL):
    return [r for r in env.fake.requests if r[0] == "POST" and r[1] == f"channels/{channel}/messages"]


async def test_first_run_with_90_items_posts_nothing(news):
    await sync_and_announce(news)
    assert posts(news) == []
    assert (await news.store.outbox_summary(GUILD_ID)).counts == {"skipped": 90}


async def test_one_new_item_is_posted_once(news, feed_server):
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    report = await sync_and_announce(news)
    assert [c.number for c in report.new] == [91]
    await sync_and_announce(news)  # unchanged feed: 304
    await announcer(news).deliver()
    (post,) = posts(news)
    assert post["embeds"][0]["title"].startswith("91: Topic 91")
    assert post["nonce"] and post["allowed_mentions"] == {"parse": []}
    assert len(post_requests(news)) == 1


async def test_announcement_goes_out_right_after_the_sync_that_found_it(news, feed_server):
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await news.library.sync()  # tells the bot, as the scheduler's syncs and /admin resync do
    for _ in range(100):
        if posts(news):
            break
        await asyncio.sleep(0.02)
    assert len(posts(news)) == 1


async def test_edited_item_edits_the_message_in_place(news, feed_server):
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    feed_server.serve(body=numbered_feed(91).replace(b"Topic 91:", b"Retitled 91:"), etag='"v3"')
    report = await sync_and_announce(news)
    assert [c.fields for c in report.changed] == [("title",)]
    (post,) = posts(news)
    assert post["embeds"][0]["title"].startswith("91: Retitled 91")
    assert any(r[0] == "PATCH" and r[1] == f"channels/{NEWS_CHANNEL}/messages/{post['id']}" for r in news.fake.requests)
    assert len(post_requests(news)) == 1


async def test_all_guids_changed_posts_and_edits_nothing(news, feed_server):
    feed_server.serve(body=numbered_feed(90, guid_prefix="renamed"), etag='"v2"')
    report = await sync_and_announce(news)
    assert len(report.changed) == 90 and not report.new
    assert posts(news) == [] and not [r for r in news.fake.requests if r[0] == "PATCH"]


async def test_five_new_items_after_downtime_become_one_digest_newest_first(news, feed_server):
    feed_server.serve(body=numbered_feed(95), etag='"v2"')
    await sync_and_announce(news)
    (digest,) = posts(news)
    embed = digest["embeds"][0]
    assert embed["title"] == "5 new episodes"
    lines = embed["description"].splitlines()
    assert [line.split(":")[0].strip("*[") for line in lines] == ["95", "94", "93", "92", "91"]
    assert (await news.store.outbox_summary(GUILD_ID)).counts == {"skipped": 90, "sent": 5}


async def test_three_new_items_are_three_posts(news, feed_server):
    feed_server.serve(body=numbered_feed(93), etag='"v2"')
    await sync_and_announce(news)
    assert [p["embeds"][0]["title"][:2] for p in posts(news)] == ["91", "92", "93"]


@pytest.mark.parametrize(
    "reply",
    [
        {"body": numbered_feed(91), "etag": '"v1"'},  # the server says 304 Not Modified
        {"status": 500, "body": b"error"},
        {"body": b"<?xml version='1.0'?><rss><<<not a feed"},
        {"body": numbered_feed(2, start=89)},
    ],
    ids=["304", "500", "malformed", "shrunk-to-2"],
)
async def test_feed_faults_change_nothing_and_post_nothing(news, feed_server, reply):
    feed_server.serve(**reply)
    try:
        await sync_and_announce(news)
    except Exception as error:
        assert "refusing" in str(error) or "HTTP 500" in str(error) or "malformed" in str(error)
    assert posts(news) == [] and await news.store.episode_count() == 90


async def test_a_cut_off_feed_keeps_every_stored_episode_and_announces_its_complete_new_one(news, feed_server):
    feed_server.serve(body=numbered_feed(91)[:-300])  # ends inside the oldest item
    report = await sync_and_announce(news)
    assert [c.number for c in report.new] == [91] and report.removed == [] and not report.changed
    assert "ends mid-item" in report.warnings[0]
    assert len(posts(news)) == 1 and await news.store.episode_count() == 91


async def test_feed_timeout_changes_nothing(news, feed_server):
    news.library.syncer.config = news.library.syncer.config.__class__(timeout_seconds=0.3)
    feed_server.serve(body=numbered_feed(91), hold=True)
    with pytest.raises(Exception, match="timed out"):
        await sync_and_announce(news)
    await announcer(news).deliver()
    assert posts(news) == [] and await news.store.episode_count() == 90


async def test_new_channel_marks_everything_already_stored_as_seen(discord_env, feed_server):
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await discord_env.library.syncer.sync()  # 91 arrives while no channel is configured
    await discord_env.store.set_announce_channel(GUILD_ID, NEWS_CHANNEL)
    await announcer(discord_env).deliver()
    assert posts(discord_env) == []


async def test_role_ping_notifies_exactly_that_role(news, feed_server):
    await news.store.set_announce_role(GUILD_ID, FANS_ROLE)
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    (post,) = posts(news)
    assert post["content"] == f"<@&{FANS_ROLE}>"
    assert post["allowed_mentions"] == {"parse": [], "roles": [FANS_ROLE]}


async def test_every_guild_gets_its_own_announcement(news, feed_server):
    await news.store.set_announce_channel(OTHER_GUILD, OTHER_GUILD_CHANNEL)
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    assert len(posts(news)) == 1 and len(posts(news, OTHER_GUILD_CHANNEL)) == 1


async def test_permission_loss_is_reported_and_recovers_when_settings_change(news, feed_server):
    news.fake.locked_channels.add(NEWS_CHANNEL)
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    await announcer(news).deliver()
    assert posts(news) == [] and len(post_requests(news)) == 1  # failed for good: not retried
    status = await news.fake.command("admin status", user_id=ADMIN_ID)
    announcements = next(
        f["value"] for f in status.callback["data"]["embeds"][0]["fields"] if f["name"] == "Announcements"
    )
    assert "1 failed" in announcements and "Discord error 50013" in announcements
    news.fake.locked_channels.discard(NEWS_CHANNEL)
    resolved = {
        "channels": {
            str(NEWS_CHANNEL): {
                "id": str(NEWS_CHANNEL),
                "name": "news",
                "type": 0,
                "permissions": str(VIEW_CHANNEL | SEND_MESSAGES),
            }
        }
    }
    await news.fake.command(
        "admin announce channel",
        [{"name": "channel", "type": 7, "value": str(NEWS_CHANNEL)}],
        user_id=ADMIN_ID,
        resolved=resolved,
    )
    await announcer(news).deliver()
    assert len(posts(news)) == 1


async def test_rate_limit_retry_after_is_honoured(news, feed_server):
    news.fake.fail_next_posts.append(
        (429, {"message": "You are being rate limited.", "retry_after": 0.2, "global": False})
    )
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    assert len(post_requests(news)) == 2 and len(posts(news)) == 1


async def test_a_rejected_post_is_retried_later_not_immediately(news, feed_server):
    news.fake.fail_next_posts.append((400, {"code": 50109, "message": "The request body contains invalid JSON."}))
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    await announcer(news).deliver()
    assert posts(news) == [] and len(post_requests(news)) == 1
    summary = await news.store.outbox_summary(GUILD_ID)
    assert summary.counts["pending"] == 1 and summary.last_failure.error_code == 50109


async def test_an_invalid_payload_is_posted_once_in_minimal_form(news, feed_server):
    news.fake.fail_next_posts.append((400, {"code": 50035, "message": "Invalid Form Body"}))
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    (post,) = posts(news)
    assert (
        post["embeds"][0]["title"] == "91: Topic 91: compilers engineering" and "description" not in post["embeds"][0]
    )
    assert len(post_requests(news)) == 2


async def test_a_payload_refused_even_when_minimal_fails_for_good_with_the_reason(news, feed_server):
    news.fake.fail_next_posts.extend([(400, {"code": 50035, "message": "Invalid Form Body"})] * 2)
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    await announcer(news).deliver()
    assert posts(news) == [] and len(post_requests(news)) == 2
    summary = await news.store.outbox_summary(GUILD_ID)
    assert summary.counts["failed"] == 1 and summary.last_failure.error_code == 50035
    assert "Invalid Form Body" in summary.last_failure.last_error


async def test_announcements_resume_by_themselves_when_permission_comes_back(news, feed_server):
    await news.store.set_announce_channel(GUILD_ID, LOCKED_CHANNEL)
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    await announcer(news).deliver()
    # Still missing in the cached permissions: retrying would cost a request, so none is made.
    assert len(post_requests(news, LOCKED_CHANNEL)) == 1
    news.fake.locked_channels.discard(LOCKED_CHANNEL)
    await news.fake.dispatch(
        "CHANNEL_UPDATE",
        {
            "id": str(LOCKED_CHANNEL),
            "type": 0,
            "name": "locked",
            "position": 0,
            "guild_id": str(GUILD_ID),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        },
    )
    for _ in range(100):  # the update alone brings the announcement: no command, no sync
        if posts(news, LOCKED_CHANNEL):
            break
        await asyncio.sleep(0.02)
    assert len(posts(news, LOCKED_CHANNEL)) == 1
    status = await news.fake.command("admin status", user_id=ADMIN_ID)
    announcements = next(
        f["value"] for f in status.callback["data"]["embeds"][0]["fields"] if f["name"] == "Announcements"
    )
    assert "Permissions in #locked came back" in announcements and "1 waiting announcement posted" in announcements


async def test_removed_and_restored_episode_is_not_announced_again(news, feed_server):
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await sync_and_announce(news)
    feed_server.serve(body=numbered_feed(90, start=2), etag='"v3"')  # 1 leaves, 91 stays
    await sync_and_announce(news)
    feed_server.serve(body=numbered_feed(91), etag='"v4"')
    await sync_and_announce(news)
    assert len(posts(news)) == 1


async def test_archive_rerelease_is_announced_as_new(news, feed_server):
    rerelease = rss_item(
        title="ARCHIVE: Topic 90: rust engineering", guid="archive-90", audio="https://cdn.example/audio/ep90.mp3"
    )
    feed_server.serve(body=numbered_feed(90, newer_items=(rerelease,)), etag='"v2"')
    report = await sync_and_announce(news)
    assert [c.title for c in report.new] == ["ARCHIVE: Topic 90: rust engineering"]
    assert len(posts(news)) == 1


def row(row_id, channel, guild=1):
    return OutboxRow(
        id=row_id,
        episode_id=row_id,
        guild_id=guild,
        channel_id=channel,
        state="pending",
        nonce=f"n{row_id}",
        message_id=None,
        attempts=0,
    )


def test_deliveries_digest_only_past_the_threshold_per_channel():
    rows = [row(i, 10) for i in range(4)] + [row(i, 20) for i in range(4, 7)]
    deliveries = plan_deliveries(rows, digest_after=3)
    assert [(d.channel_id, len(d.rows)) for d in deliveries] == [(10, 4), (20, 1), (20, 1), (20, 1)]
    assert deliveries[0].is_digest and deliveries[0].nonce == "n0"


def test_retry_delay_doubles_and_is_bounded():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(30).total_seconds() == 3600


def test_pending_rows_that_waited_long_become_one_digest():
    now = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
    fresh = [dataclasses.replace(row(i, 10), created_at=now - dt.timedelta(minutes=5)) for i in range(2)]
    old = [dataclasses.replace(row(i, 20), created_at=now - dt.timedelta(days=3)) for i in range(2, 4)]
    deliveries = plan_deliveries(fresh + old, digest_after=3, stale_after=dt.timedelta(hours=24), now=now)
    assert [(d.channel_id, len(d.rows)) for d in deliveries] == [(10, 1), (10, 1), (20, 2)]
