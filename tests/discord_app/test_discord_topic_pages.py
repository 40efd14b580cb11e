"""/topics on a show with more topics worth browsing than a page holds, through the real
discord.py client and the fake Discord."""

import pytest

from tests.conftest import rss, rss_item
from tests.discord_app.test_discord_episodes import embed_of
from tests.discord_app.test_view_memory import custom_id
from tests.fake_discord import MEMBER_ID

TOPICS = 30  # each on two episodes: worth browsing, and more than a page's 20


@pytest.fixture
def bot_feed(tmp_path):
    def tags(n):
        own = [f"<category>Subject {n // 2}</category>"]
        return "".join(own + ([f"<category>Once {n}</category>"] if n < 3 else []))

    items = [
        rss_item(title=f"Episode {n}", guid=f"e{n}", number=n, audio=f"https://cdn.example/{n}.mp3", extra=tags(n))
        for n in range(TOPICS * 2)
    ]
    feed = tmp_path / "many-topics.xml"
    feed.write_bytes(rss(*items, title="Many Topics"))
    return str(feed)


async def test_topics_pages_the_topics_worth_browsing(discord_env):
    record = await discord_env.fake.command("topics", [])
    first = embed_of(record)
    assert len(first["description"].splitlines()) == 20
    assert first["footer"]["text"].startswith("Page 1 of 2 · 3 more on a single episode or article")
    assert "Once" not in first["description"]
    second = embed_of(
        await discord_env.fake.click(record.original, custom_id(record.callback["data"], "Next ▶"), user_id=MEMBER_ID)
    )
    lines = second["description"].splitlines()
    assert len(lines) == TOPICS - 20 and all(" · 2 episodes · 0 articles" in line for line in lines)
    assert second["footer"]["text"].startswith("Page 2 of 2")
