"""Announcements stay exactly-once when Discord's answer is lost, when the bot shuts down mid-post
and when the channel got busy before a restart; a feed rewriting its notes edits only what a
recent announcement shows."""

import asyncio
import logging

import pytest

from bot.core.config import AnnounceConfig, Config
from cogs import announce
from tests.conftest import numbered_feed, rss_item
from tests.discord_app import test_announcements
from tests.discord_app.test_announcements import announcer, post_requests
from tests.fake_discord import GUILD_ID, NEWS_CHANNEL


@pytest.fixture
def bot_config():
    return Config(announce=AnnounceConfig(digest_after=100))


# The announcement tests' feed and #news set-up are this module's fixtures too.
bot_feed = test_announcements.bot_feed
news = test_announcements.news


def edit_requests(env):
    return [r for r in env.fake.requests if r[0] == "PATCH" and r[1].startswith(f"channels/{NEWS_CHANNEL}/messages/")]


async def states(env):
    return (await env.store.outbox_summary(GUILD_ID)).counts


async def wait_until(condition):
    for _ in range(500):
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never held")


async def test_a_lost_answer_stays_sending_and_is_settled_promptly_without_a_second_post(news, feed_server):
    announcer(news).prompt_retry_seconds = 0.05  # the loaded cog's: load_extension imports a module of its own
    news.fake.drop_post_responses = 1
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await news.library.syncer.sync()
    await announcer(news).deliver()
    assert (await states(news)).get("sending") == 1  # not pending: the channel is checked first

    async def settled():
        return (await states(news)).get("sent") == 1

    await wait_until(settled)  # by itself, within seconds: no sync needed
    assert len(news.fake.messages[NEWS_CHANNEL]) == 1
    assert len(post_requests(news)) == 1


async def test_a_crash_mid_post_finds_the_post_after_others_posted_many_messages(news, feed_server):
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await news.library.syncer.sync()
    await announcer(news).deliver()
    (row,) = await news.store.announcements("sent")
    await news.store.update_announcements([row.id], "sending")  # as a kill -9 after the POST leaves it
    for n in range(120):
        news.fake.post_by_member(NEWS_CHANNEL, f"chatter {n}")
    await announcer(news).deliver()
    assert (await states(news)).get("sent") == 1
    assert len(post_requests(news)) == 1


async def test_closing_mid_post_leaves_the_row_sending_and_logs_no_error(news, feed_server, caplog):
    feed_server.serve(body=numbered_feed(91), etag='"v2"')
    await news.library.syncer.sync()
    news.fake.hold_posts = asyncio.Event()
    round_ = asyncio.create_task(announcer(news).deliver())
    await asyncio.wait_for(news.fake.post_held.wait(), 10)
    with caplog.at_level(logging.WARNING):
        await news.bot.close()
    news.fake.hold_posts.set()
    await asyncio.wait_for(asyncio.gather(round_, return_exceptions=True), 10)
    assert (await states(news)).get("sending") == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text


def promo_feed(promo: str, *, hidden: bool = False) -> bytes:
    """91 to 120 new, each with notes whose promo line changes on every fetch; HIDDEN puts it
    past what an announcement shows."""
    filler = "Long notes about engineering. " * 40 if hidden else ""
    newer = tuple(
        rss_item(
            title=f"New {n}",
            guid=f"new-{n}",
            number=n,
            audio=f"https://cdn.example/audio/new{n}.mp3",
            pub_date=f"Mon, {1 + n % 28:02d} Feb 2030 12:00:00 +0000",
            notes=f"<p>{filler}{promo}</p>",
        )
        for n in range(120, 90, -1)
    )
    return numbered_feed(90, newer_items=newer)


@pytest.mark.parametrize("hidden", [False, True])
async def test_rotating_notes_edit_only_recent_announcements_and_only_what_shows(news, feed_server, hidden):
    feed_server.serve(body=promo_feed("Sponsor A", hidden=hidden), etag='"p0"')
    await news.library.syncer.sync()
    await announcer(news).deliver()
    assert len(post_requests(news)) == 30
    for fetch in range(1, 4):
        feed_server.serve(body=promo_feed(f"Sponsor {fetch}", hidden=hidden), etag=f'"p{fetch}"')
        await news.library.syncer.sync()
        await announcer(news).deliver()
    edits = len(edit_requests(news))
    assert edits == (0 if hidden else 3 * announce.EDITS_PER_CHANNEL)
    assert len(post_requests(news)) == 30
