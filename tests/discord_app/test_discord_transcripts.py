"""/episode and /search answer with the moment a transcript says it, through the fake Discord."""

import pytest

from tests.fake_discord import ADMIN_ID, MEMBER_ID


@pytest.fixture
def bot_feed() -> str:
    return "example"


def embed_of(record):
    return record.callback["data"]["embeds"][0]


async def test_episode_shows_the_moment_with_its_audio_link_and_chapter(discord_env):
    record = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": "bindgen"}])
    embed = embed_of(record)
    assert embed["title"].startswith("1: Rust in a seventeen-year-old C++ codebase")
    description = embed["description"]
    assert "Said at [`" in description and "ep1.mp3#t=" in description and "**bindgen**" in description.lower()
    assert "In chapter `6:26` Generating the bindings" in description
    assert "▶ **" in description  # the chapter it falls in stands out in the list


async def test_search_where_transcript_lists_moments_across_episodes(discord_env):
    options = [{"name": "query", "type": 3, "value": "database"}, {"name": "where", "type": 3, "value": "transcript"}]
    record = await discord_env.fake.command("search", options, user_id=MEMBER_ID)
    embed = embed_of(record)
    assert embed["title"] == "Moments saying “database”"
    assert embed["description"].count("said at [`") >= 2 and "#t=" in embed["description"]


async def test_search_in_transcript_in_the_query_asks_the_same(discord_env):
    options = [{"name": "query", "type": 3, "value": "whoever allocates frees in:transcript"}]
    record = await discord_env.fake.command("search", options)
    embed = embed_of(record)
    assert embed["title"] == "Moments saying “whoever allocates frees”"
    assert "whoever allocates frees" in embed["description"].lower()


async def test_a_transcript_search_nothing_says_is_a_short_private_answer(discord_env):
    options = [{"name": "query", "type": 3, "value": "kubernetes"}, {"name": "where", "type": 3, "value": "transcript"}]
    record = await discord_env.fake.command("search", options)
    assert record.ephemeral and "No transcript says “kubernetes”" in record.callback["data"]["content"]


async def test_admin_status_counts_the_stored_transcripts(discord_env):
    record = await discord_env.fake.command("admin status", user_id=ADMIN_ID)
    fields = {field["name"]: field["value"] for field in embed_of(record)["fields"]}
    assert fields["Transcripts"] == "4 stored"
