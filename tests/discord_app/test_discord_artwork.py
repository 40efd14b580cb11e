"""/episode shows the podcast's artwork, and its title leads to the podcast's page when the
episode has no page of its own."""

import pytest

from tests.conftest import rss_item


@pytest.fixture
def bot_feed(tmp_path):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Art Show</title>'
        '<link>https://show.example/</link><itunes:image href="https://cdn.example/art.jpg"/>'
        + rss_item(title="No page of its own", guid="a", number=1)
        + rss_item(
            title="With a page",
            guid="b",
            number=2,
            extra='<link>https://show.example/ep/2</link><itunes:image href="https://cdn.example/ep2.png"/>',
        )
        + "</channel></rss>"
    )
    path = tmp_path / "art.xml"
    path.write_text(body)
    return str(path)


async def test_artwork_thumbnail_and_title_links(discord_env):
    fake = discord_env.fake
    first = (await fake.command("episode", [{"name": "query", "type": 3, "value": "#1"}])).callback["data"]["embeds"][0]
    assert first["thumbnail"]["url"] == "https://cdn.example/art.jpg"
    assert first["url"] == "https://show.example/"
    assert "[Audio](https://cdn.example/audio/ep1.mp3?dest-id=1)" in next(
        f["value"] for f in first["fields"] if f["name"] == "Listen"
    )
    second = (await fake.command("episode", [{"name": "query", "type": 3, "value": "#2"}])).callback["data"]["embeds"][
        0
    ]
    assert second["url"] == "https://show.example/ep/2"
    assert second["thumbnail"]["url"] == "https://cdn.example/ep2.png"  # the item's own artwork wins
