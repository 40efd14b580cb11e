"""A hostile feed's values reach Discord only in payloads Discord accepts (the fake enforces its rules)."""

import pytest

from tests.conftest import rss, rss_item

HOSTILE_LINK = "javascript:alert(1)"
LONG_AUDIO = "https://cdn.example/" + "a" * 2100 + ".mp3"


@pytest.fixture
def bot_feed(tmp_path):
    items = [
        rss_item(
            title="@everyone **Bad** ||links|| " + "x" * 400,
            guid="bad-link",
            number=1,
            notes='<p>0:00 Intro</p><p><a href="javascript:alert(1)">click *me*</a></p>',
            extra=f"<link>{HOSTILE_LINK}</link>",
        ),
        rss_item(
            title="Long audio", guid="long-audio", number=2, audio=LONG_AUDIO, extra="<link>http://a..b/episode</link>"
        ),
    ]
    path = tmp_path / "hostile.xml"
    path.write_bytes(rss(*items))
    return str(path)


async def test_bad_links_and_huge_urls_never_break_a_reply(discord_env):
    fake = discord_env.fake
    for query in ("#1", "#2"):
        record = await fake.command("episode", [{"name": "query", "type": 3, "value": query}])
        embed = record.callback["data"]["embeds"][0]
        assert "javascript:" not in str(embed) and "a..b" not in embed.get("url", "")
    latest = await fake.command("latest")
    fields = latest.callback["data"]["embeds"][0]["fields"]
    assert len(fields) == 2 and all(len(f["value"]) <= 1024 for f in fields)
    # The fake Discord rejects (and records) any invalid payload; the fixture asserts there were none.
