"""/topic, /topics, companion posts and related episodes through the real discord.py client and
the fake Discord, on the bundled data."""

from tests.discord_app.test_discord_episodes import embed_of, menu
from tests.fake_discord import ADMIN_ID, MEMBER_ID

CANARY_POST = (
    "https://engineering.fb.com/2026/04/08/security/trust-but-canary-configuration-safety-at-scale-meta-tech-podcast/"
)


def name_option(value):
    return [{"name": "name", "type": 3, "value": value}]


async def test_topic_security_pages_its_episodes_with_reasons_and_lists_its_articles(discord_env):
    record = await discord_env.fake.command("topic", name_option("security"))
    assert record.callback["type"] == 4 and not record.ephemeral
    embed = embed_of(record)
    assert embed["title"] == "Security"
    lines = embed["description"].splitlines()
    assert lines[0].startswith("**1.** [83: Patch Me If You Can") and "is tagged Security" in lines[1]
    assert lines[2].startswith("**2.** [84: Trust But Canary")
    articles = next(field for field in embed["fields"] if field["name"] == "Articles")
    assert (
        "[Patch Me If You Can: AI Codemods for Secure-by-Default Android Apps](https://engineering.fb.com/"
        in articles["value"]
    )
    assert "How Advanced Browsing Protection Works in Messenger" in articles["value"]
    assert (
        "](" not in articles["value"].split("How Advanced Browsing Protection")[1].split("\n")[0]
    )  # no address, no link
    opened_menu = menu(record.callback["data"], "Open episode…")
    opened = await discord_env.fake.click(
        record.original, opened_menu["custom_id"], user_id=MEMBER_ID, values=[opened_menu["options"][1]["value"]]
    )
    assert embed_of(opened)["title"] == "84: Trust But Canary: Configuration Safety at Scale"


async def test_topic_autocomplete_lists_topics_with_counts_best_first(discord_env):
    everything = await discord_env.fake.autocomplete("topic", "name", "")
    assert everything[0] == {"name": "ML systems (11 episodes)", "value": "ml-systems"}
    typed = await discord_env.fake.autocomplete("topic", "name", "secu")
    assert typed[0]["value"] == "security" and typed[0]["name"].startswith("Security (")
    misspelt = await discord_env.fake.autocomplete("topic", "name", "virtal reality")
    assert misspelt[0]["value"] == "virtual-reality"


async def test_an_untagged_subject_and_an_unknown_word(discord_env):
    kotlin = embed_of(await discord_env.fake.command("topic", name_option("kotlin")))
    assert kotlin["title"] == "Episodes about “kotlin”"
    assert kotlin["description"].startswith("*Not a tagged topic: these episodes talk about it.*")
    unknown = await discord_env.fake.command("topic", name_option("securty"))
    assert unknown.ephemeral
    assert unknown.callback["data"]["content"].startswith("No episode is about “securty”, and it is not a topic.")
    assert "Closest topics: Security (" in unknown.callback["data"]["content"]


async def test_topics_lists_those_worth_browsing_each_counted_as_topic_lists_it(discord_env):
    embed = embed_of(await discord_env.fake.command("topics", []))
    assert embed["title"] == "Topics"
    counts = {}
    for line in embed["description"].splitlines():
        label, episodes, _ = line.split(" · ")
        counts[label.strip("*")] = int(episodes.split()[0])
    assert counts["Security"] == 7 and counts["Android"] == 10  # were 5 and 1: the episodes tagged
    assert "General" not in counts  # one article and no episode: not worth browsing
    assert embed["footer"]["text"].startswith("5 more on a single episode or article")
    for label in ("Security", "Android", "Developer tools"):
        listed = embed_of(await discord_env.fake.command("topic", name_option(label)))
        assert listed["footer"]["text"].endswith(f"· {counts[label]} results"), label


async def test_episode_84_reads_its_companion_post_and_opens_a_related_episode(discord_env):
    fake = discord_env.fake
    record = await fake.command("episode", [{"name": "query", "type": 3, "value": "84"}])
    embed = embed_of(record)
    read = next(field for field in embed["fields"] if field["name"] == "Read")
    assert read["value"] == f"[Trust But Canary: Configuration Safety at Scale]({CANARY_POST}) (2026-04-08)"
    topics = next(field for field in embed["fields"] if field["name"] == "Topics")
    assert topics["value"] == "Distributed systems · Observability · Security"  # the post's tags, then its address's
    related = menu(record.callback["data"], "Related episodes…")
    assert related["options"][0]["description"].startswith("also about ")
    stranger = await fake.click(record.original, related["custom_id"], user_id=ADMIN_ID, values=["0"])
    assert stranger.ephemeral
    opened = await fake.click(record.original, related["custom_id"], user_id=MEMBER_ID, values=["0"])
    assert opened.callback["type"] == 4 and embed_of(opened)["title"] == related["options"][0]["label"]


async def test_admin_status_shows_each_companion_feed_and_its_failure(discord_env):
    from tests.discord_app.test_discord_admin import admin

    def companions(record):
        fields = {f["name"]: f["value"] for f in record.callback["data"]["embeds"][0]["fields"]}
        return fields["Companion feeds"]

    assert companions(await admin(discord_env.fake, "admin status")).startswith("• Engineering at Meta: synced <t:")
    source = discord_env.library.companions[0].source
    await discord_env.store.record_feed_failure(source, "companion 'Engineering at Meta': feed file not found")
    assert companions(await admin(discord_env.fake, "admin status")).startswith(
        "• ⚠️ Engineering at Meta: 1 failed in a row: companion 'Engineering at Meta': feed file not found"
    )
