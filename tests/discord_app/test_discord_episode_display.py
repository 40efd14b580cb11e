"""/episode and /admin resync on a PC-hardware-like show, through the real client and the fake
Discord: the same summary, date and links as the terminal shows."""

import pytest

from tests.discord_app.test_discord_episodes import embed_of
from tests.publisher_feeds import hardware_show


@pytest.fixture
def bot_feed(tmp_path):
    path = tmp_path / "hardware.rss"
    path.write_bytes(hardware_show())
    return str(path)


async def test_episode_shows_the_publishers_date_its_own_summary_and_no_path_as_its_page(discord_env):
    record = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": "384"}])
    embed = embed_of(record)
    assert embed["title"] == "384: Born To Run Fedora"
    assert embed["description"].startswith("2025-12-02\n\nJosh installs Fedora on a handheld")
    assert "Got feedback" not in embed["description"] and "Podcast #384" not in embed["description"]
    assert embed["url"] == "https://hardware.example.com/"  # the show's page, never "mp3/9/1/…"
