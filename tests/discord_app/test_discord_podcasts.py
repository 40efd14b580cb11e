"""Several podcasts through the fake Discord: three loopback feeds, each announced where a server
sends it, searched with and without the `podcast` option, one failing, one removed."""

import dataclasses

import pytest

from bot.core.library import Library
from bot.discord_app import status_pages
from tests.conftest import connected_bot
from tests.core.test_several_podcasts import network, show, three_feeds  # noqa: F401 (a fixture)
from tests.discord_app.test_discord_admin import channel_option
from tests.fake_discord import ADMIN_ID, GUILD_ID, NEWS_CHANNEL, SHOWS_CHANNEL


@pytest.fixture
def bot_config(three_feeds):  # noqa: F811 (the fixture imported above)
    return network(*three_feeds.items())


@pytest.fixture
def bot_feed():
    return None  # the config's podcasts


def option(name, value, kind=3):
    return {"name": name, "type": kind, "value": value}


async def admin(fake, name, options=None, resolved=None):
    return await fake.command(name, options, user_id=ADMIN_ID, resolved=resolved)


def announcer(env):
    return env.bot.get_cog("Announcements")


def _lines(record):
    return record.callback["data"]["embeds"][0]["description"].splitlines()


def posted_titles(env, channel):
    return [
        post["embeds"][0].get("title") or post["embeds"][0]["description"]
        for post in env.fake.messages.get(channel, [])
    ]


async def test_episode_with_and_without_the_podcast_option_names_the_show(discord_env):
    fake = discord_env.fake
    everywhere = await fake.command("episode", [option("query", "2")])
    shown = everywhere.callback["data"]["embeds"][0]["author"]["name"]
    (did_you_mean, *_) = [c for row in everywhere.callback["data"]["components"] for c in row["components"]]
    others = [option["description"] for option in did_you_mean["options"]]
    # Numbers are per podcast: each show's episode 2, the one shown named, the others offered.
    assert sorted([shown, *(d.split(" · ")[0] for d in others)]) == ["Alpha Show", "Beta Show", "Gamma Show"]
    assert all(d.endswith(" · episode #2 · 2024-01-02") for d in others)

    one = await fake.command("episode", [option("query", "2"), option("podcast", "beta")])
    assert one.callback["data"]["embeds"][0]["title"].startswith("2: Beta 2")
    by_title = await fake.command("episode", [option("query", "stories"), option("podcast", "Gamma Show")])
    assert by_title.callback["data"]["embeds"][0]["title"].startswith(("1: Gamma", "2: Gamma", "3: Gamma"))

    unknown = await fake.command("episode", [option("query", "2"), option("podcast", "delta")])
    assert unknown.ephemeral and unknown.callback["data"]["content"].startswith("No podcast here is called “delta”")

    listed = await fake.command("search", [option("query", "stories")])
    lines = listed.callback["data"]["embeds"][0]["description"]
    assert "Alpha Show · " in lines and "Beta Show · " in lines
    about = await fake.command("topic", [option("name", "stories")])
    assert {line.split(" · ")[0] for line in _lines(about)[3::2]} == {"Alpha Show", "Beta Show"}
    latest = await fake.command("latest", [option("podcast", "alpha"), option("count", 2, 4)])
    fields = latest.callback["data"]["embeds"][0]["fields"]
    assert [f["name"][:8] for f in fields] == ["5: Alpha", "4: Alpha"] and "Show" not in fields[0]["value"]


async def test_the_podcast_option_autocompletes_and_narrows_the_episode_autocomplete(discord_env):
    fake = discord_env.fake
    shows = await fake.autocomplete("episode", "podcast", "")
    assert [(c["name"], c["value"]) for c in shows] == [
        ("Alpha Show (alpha)", "alpha"),
        ("Beta Show (beta)", "beta"),
        ("Gamma Show (gamma)", "gamma"),
    ]
    assert [c["value"] for c in await fake.autocomplete("search", "podcast", "gam")] == ["gamma"]
    narrowed = await fake.autocomplete("episode", "query", "stories", others=[option("podcast", "beta")])
    assert narrowed and all(c["name"].startswith(f"{n}: Beta") for c, n in zip(narrowed, range(4, 0, -1)))
    mixed = await fake.autocomplete("episode", "query", "stories")
    assert {c["name"].rsplit(" · ", 1)[-1] for c in mixed} == {"Alpha Show", "Beta Show", "Gamma Show"}


async def test_a_server_chooses_the_podcasts_it_sees(discord_env, feed_server):
    fake = discord_env.fake
    hidden = await admin(fake, "admin podcasts hide", [option("podcast", "gamma")])
    assert "🚫 **gamma**" in hidden.callback["data"]["content"]
    assert [c["value"] for c in await fake.autocomplete("episode", "podcast", "")] == ["alpha", "beta"]
    refused = await fake.command("search", [option("query", "volcanoes"), option("podcast", "gamma")])
    assert refused.callback["data"]["content"].startswith("No podcast here is called")
    listed = await fake.command("search", [option("query", "stories")])
    assert "Gamma" not in listed.callback["data"]["embeds"][0]["description"]

    await discord_env.store.set_announce_channel(GUILD_ID, NEWS_CHANNEL)
    feed_server.serve("/gamma.xml", body=show("Gamma", range(1, 5), "volcanoes"), etag='"g2"')
    feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 7), "gardening"), etag='"a2"')
    await discord_env.library.sync_all()
    await announcer(discord_env).deliver()
    assert posted_titles(discord_env, NEWS_CHANNEL) == ["6: Alpha 6: gardening stories part 6"]  # gamma is hidden

    await admin(fake, "admin podcasts only", [option("podcast", "beta")])
    alone = await fake.command("search", [option("query", "stories")])
    assert "Beta Show · " not in alone.callback["data"]["embeds"][0]["description"]  # one show: not named
    assert (await discord_env.store.guild_podcasts(GUILD_ID)) == ("beta",)
    feed_server.serve("/beta.xml", body=show("Beta", range(1, 6), "compilers"), etag='"b2"')
    await discord_env.library.sync("beta")
    await announcer(discord_env).deliver()
    (*_, beta_post) = fake.messages[NEWS_CHANNEL]
    assert beta_post["embeds"][0]["author"]["name"] == "New episode"  # the one show here: not named
    await admin(fake, "admin podcasts all")
    assert (await discord_env.store.guild_podcasts(GUILD_ID)) is None


async def test_each_show_is_announced_where_the_server_sends_it_exactly_once(discord_env, feed_server):
    fake = discord_env.fake
    news, resolved = channel_option(NEWS_CHANNEL, "news")
    reply = await admin(fake, "admin announce channel", news, resolved)
    assert reply.callback["data"]["content"] == f"New episodes of every podcast will be announced in <#{NEWS_CHANNEL}>."
    shows, resolved = channel_option(SHOWS_CHANNEL, "shows")
    reply = await admin(fake, "admin announce channel", [*shows, option("podcast", "beta")], resolved)
    assert (
        reply.callback["data"]["content"]
        == f"New episodes of Beta Show (beta) will be announced in <#{SHOWS_CHANNEL}>."
    )
    await admin(fake, "admin announce channel", [*news, option("podcast", "beta")], resolved)  # a second route there

    feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 7), "gardening"), etag='"a2"')
    feed_server.serve("/beta.xml", body=show("Beta", range(1, 6), "compilers"), etag='"b2"')
    await discord_env.library.sync_all()
    for _ in range(2):
        await announcer(discord_env).deliver()

    assert sorted(posted_titles(discord_env, NEWS_CHANNEL)) == [
        "5: Beta 5: compilers stories part 5",
        "6: Alpha 6: gardening stories part 6",
    ]
    assert posted_titles(discord_env, SHOWS_CHANNEL) == ["5: Beta 5: compilers stories part 5"]
    authors = {post["embeds"][0]["author"]["name"] for post in fake.messages[NEWS_CHANNEL]}
    assert authors == {"New episode · Alpha Show", "New episode · Beta Show"}

    status = await admin(fake, "admin status")
    fields = {f["name"]: f["value"] for f in status.callback["data"]["embeds"][0]["fields"]}
    assert f"<#{NEWS_CHANNEL}>: every podcast" in fields["Announcements"]
    assert f"<#{SHOWS_CHANNEL}>: Beta Show (beta)" in fields["Announcements"]


async def test_one_feed_failing_while_the_others_sync_and_are_announced(discord_env, feed_server):
    await discord_env.store.set_announce_channel(GUILD_ID, NEWS_CHANNEL)
    feed_server.serve("/gamma.xml", status=500, body=b"down")
    feed_server.serve("/alpha.xml", body=show("Alpha", range(1, 7), "gardening"), etag='"a2"')
    resync = await admin(discord_env.fake, "admin resync")
    await discord_env.fake.wait_for(resync, lambda r: r.followups)
    report = resync.followups[0]["embeds"][0]["description"]
    assert "✅ **alpha**: 1 new" in report and "❗ **gamma**: failed, nothing changed" in report
    await announcer(discord_env).deliver()
    assert posted_titles(discord_env, NEWS_CHANNEL) == ["6: Alpha 6: gardening stories part 6"]

    status = await admin(discord_env.fake, "admin status")
    page = status.callback["data"]["embeds"][0]
    assert page["title"] == "podbot status: 3 podcasts"
    lines = page["description"].splitlines()
    assert lines[0] == "1 failing · 2 fine" and lines[2].startswith("❗ **gamma**") and "HTTP 500" in lines[3]
    one = await admin(discord_env.fake, "admin status", [option("podcast", "gamma")])
    detail = one.callback["data"]["embeds"][0]
    assert detail["title"] == "podbot status: Gamma Show (gamma)"
    assert any(f["name"].startswith("Feed problem (1 failed") for f in detail["fields"])


async def test_a_podcast_removed_from_the_config_is_kept_quiet(discord_env, feed_server):
    await discord_env.store.set_announce_channel(GUILD_ID, NEWS_CHANNEL)
    await discord_env.bot.close()
    feed_server.serve("/gamma.xml", body=show("Gamma", range(1, 5), "volcanoes"), etag='"g2"')
    fewer = dataclasses.replace(
        discord_env.library.config, listed_podcasts=discord_env.library.config.listed_podcasts[:2]
    )
    async with await Library.open(fewer, db=discord_env.library.store.path) as library:
        await library.sync_all()
        async with connected_bot(discord_env.fake, library) as bot:
            env = dataclasses.replace(discord_env, bot=bot, library=library)
            await announcer(env).deliver()
            assert posted_titles(env, NEWS_CHANNEL) == []
            status = await admin(env.fake, "admin status")
            page = status.callback["data"]["embeds"][0]["description"]
            assert "⏸️ **gamma** · Gamma Show · removed from the config: 3 episodes kept, not synced" in page
            assert [c["value"] for c in await env.fake.autocomplete("episode", "podcast", "")] == ["alpha", "beta"]
            found = await env.fake.command("search", [option("query", "volcanoes")])
            assert found.callback["data"].get("content", "").startswith("No episodes match")


async def test_status_pages_page_through_every_podcast(discord_env, monkeypatch):
    monkeypatch.setattr(status_pages, "PODCASTS_PER_PAGE", 1)
    fake = discord_env.fake
    status = await admin(fake, "admin status")
    assert status.ephemeral
    first = status.callback["data"]["embeds"][0]
    assert first["footer"]["text"].startswith("Page 1 of 3") and first["fields"]
    assert "**alpha**" in first["description"]
    (_, forward) = status.original["components"][0]["components"]
    turned = await fake.click(status.original, forward["custom_id"], user_id=ADMIN_ID)
    second = turned.callback["data"]["embeds"][0]
    assert second["footer"]["text"].startswith("Page 2 of 3") and "**beta**" in second["description"]
    assert not second.get("fields")


class TestAShowWhoseFeedFailedFromTheStart:
    @pytest.fixture
    def bot_config(self, three_feeds, feed_server):  # noqa: F811 (the fixture imported above)
        feed_server.serve("/gamma.xml", status=500, body=b"down")
        return network(*three_feeds.items())

    async def test_is_offered_by_name_until_its_feed_gives_a_title(self, discord_env, feed_server):
        fake = discord_env.fake
        assert [c["name"] for c in await fake.autocomplete("episode", "podcast", "gam")] == ["gamma"]
        feed_server.serve("/gamma.xml", body=show("Gamma", range(1, 4), "volcanoes"), etag='"g1"')
        await discord_env.library.sync("gamma")  # as the scheduler's syncs: the bot hears of it
        assert [c["name"] for c in await fake.autocomplete("episode", "podcast", "gam")] == ["Gamma Show (gamma)"]
