"""An episode whose chapters and notes would overflow one embed is paginated, never cut silently."""

import pytest

from tests.conftest import rss, rss_item

CHAPTERS = 120


@pytest.fixture
def bot_feed(tmp_path):
    chapters = "".join(
        f"<p>Chapter {n:03d}: a very long chapter title about build systems, compilers and the art of "
        f"making mobile apps fast for billions of people {n // 60}:{n % 60:02d}</p>"
        for n in range(CHAPTERS)
    )
    links = "".join(
        f'<p>Link {n}: <a href="https://example.com/{"x" * 80}/{n}">https://example.com/{n}</a></p>' for n in range(30)
    )
    notes = "<p>" + "A long introduction. " * 600 + "</p>" + links + "<p>Timestamps</p>" + chapters
    path = tmp_path / "huge.xml"
    path.write_bytes(
        rss(
            rss_item(
                title="The longest episode " + "ever " * 80,
                number=1,
                notes=notes,
                audio="https://cdn.example/" + "a" * 200 + ".mp3",
            )
        )
    )
    return str(path)


async def test_long_chapter_lists_are_paginated_within_limits(discord_env):
    fake = discord_env.fake
    record = await fake.command("episode", [{"name": "query", "type": 3, "value": "#1"}])
    embed = record.callback["data"]["embeds"][0]
    assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
    assert "(page 1 of" in embed["description"]
    pages = int(embed["description"].split("(page 1 of ")[1].split(")")[0])
    seen = [line for line in embed["description"].splitlines() if "#t=" in line]
    message = record.original
    for _ in range(pages - 1):
        buttons = message["components"][0]["components"]
        click = await fake.click(message, buttons[1]["custom_id"])
        message = click.original
        seen += [line for line in message["embeds"][0]["description"].splitlines() if "#t=" in line]
    assert len(seen) == CHAPTERS
    assert message["components"][0]["components"][1].get("disabled")


async def test_a_matched_chapter_opens_on_its_page_and_is_marked(discord_env):
    record = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": "Chapter 110"}])
    embed = record.callback["data"]["embeds"][0]
    assert "(page 1 of" not in embed["description"]
    marked = [line for line in embed["description"].splitlines() if line.startswith("▶ ")]
    assert len(marked) == 1 and "Chapter 110:" in marked[0]
