"""topics, topic, related, and the topics and companion posts in episode/export, on the bundled data."""

import json

from tests.terminal.running import run

PATCH_ME_POST = (
    "https://engineering.fb.com/2026/03/13/android/ai-codemods-secure-by-default-android-apps-meta-tech-podcast/"
)
CANARY_POST = (
    "https://engineering.fb.com/2026/04/08/security/trust-but-canary-configuration-safety-at-scale-meta-tech-podcast/"
)


def test_topic_security_lists_the_tagged_episodes_first_and_the_blogs_articles(synced):
    result = run(synced, "topic", "security")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Security"
    assert lines[1].startswith(" 1. 83: Patch Me If You Can") and "is tagged Security" in lines[2]
    assert lines[3].startswith(" 2. 84: Trust But Canary")
    assert (
        f"Patch Me If You Can: AI Codemods for Secure-by-Default Android Apps (2026-03-13): {PATCH_ME_POST}"
        in result.stdout
    )
    # Posts whose address is unknown are named, never linked.
    assert "  How Advanced Browsing Protection Works in Messenger\n" in result.stdout


def test_topics_counts_what_topic_lists_and_leaves_out_the_one_offs(synced):
    topics = json.loads(run(synced, "topics", "--json").stdout)["topics"]  # complete: every topic
    assert {t["name"]: t["episodes"] for t in topics if t["name"] in ("security", "android")} == {
        "security": 7,
        "android": 10,
    }
    for name in ("security", "android"):
        assert len(json.loads(run(synced, "topic", name, "--json").stdout)["results"]) == (
            7 if name == "security" else 10
        )
    text = run(synced, "topics").stdout.splitlines()
    worth = [t for t in topics if t["worth_browsing"]]
    assert [line.split("  ")[0] for line in text[:-1]] == [t["label"] for t in worth]
    assert text[-1] == f"…and {len(topics) - len(worth)} on a single episode or article (--all)"
    assert len(run(synced, "topics", "--all").stdout.splitlines()) == len(topics)
    cut = json.loads(run(synced, "topics", "--json", "--limit", "2").stdout)
    assert len(cut["topics"]) == 2 and cut["left_out"] == len(topics) - 2


def test_topics_topic_related_and_episode_json(synced):
    topics = json.loads(run(synced, "topics", "--json").stdout)["topics"]
    by_name = {topic["name"]: topic for topic in topics}
    assert by_name["security"]["label"] == "Security" and by_name["security"]["articles"] == 5
    assert by_name["virtual-reality"]["episodes"] >= 2
    assert [t["episodes"] for t in topics] == sorted((t["episodes"] for t in topics), reverse=True)

    answer = json.loads(run(synced, "topic", "machine learning", "--json").stdout)
    assert answer["topic"] == "ml-systems" and answer["tagged"] is True
    # Asked in other words than the topic's: the episodes that use those words come first.
    assert answer["results"][0]["title"].startswith("PyTorch is now one of the most popular machine learning")
    tagged = next(r for r in answer["results"] if r["number"] == 83)
    assert "is tagged ML systems" in tagged["reason"]
    assert {"title", "url", "published", "topics", "reason"} <= set(answer["articles"][0])

    kotlin = json.loads(run(synced, "topic", "kotlin", "--json").stdout)
    assert kotlin["tagged"] is False and {r["number"] for r in kotlin["results"][:3]} == {21, 26, 71}

    related = json.loads(run(synced, "related", "caddy", "--json").stdout)
    assert related["episode"]["number"] == 64
    assert related["related"][0]["number"] == 68 and related["related"][0]["reason"] == "also about Virtual reality"

    episode = json.loads(run(synced, "episode", "84", "--json").stdout)
    assert episode["reading"] == [
        {
            "title": "Trust But Canary: Configuration Safety at Scale",
            "url": CANARY_POST,
            "published": "2026-04-08T12:00:00Z",
            "topics": ["observability", "distributed-systems"],
            "reason": "notes-link",
        }
    ]
    assert {(t["name"], t["source"]) for t in episode["topics"]} == {
        ("observability", "article"),
        ("distributed-systems", "article"),
        ("security", "url"),
    }


def test_episode_text_names_its_post_and_export_carries_topics_and_reading(synced):
    text = run(synced, "episode", "caddy").stdout
    assert "Topics: Virtual reality" in text
    caddy_post = "https://engineering.fb.com/2024/07/18/virtual-reality/caddy-cad-mixed-reality-mr-meta/"
    assert f"Read: {caddy_post} (2024-07-18)  (the episode's notes link it)" in text  # the post's title is unknown
    export = json.loads(run(synced, "export", "--json").stdout)
    assert all("topics" in e and "reading" in e for e in export["episodes"])
    linked = {e["number"] for e in export["episodes"] if e["reading"]}
    assert {60, 64, 68, 75, 76, 83, 84, 86} <= linked


def test_an_unknown_topic_exits_1_with_the_closest_topics(synced):
    result = run(synced, "topic", "securty")
    assert result.returncode == 1
    assert (
        result.stderr.strip() == "podbot: no episode is about 'securty' and it is not a topic; closest topics: security"
    )
    document = json.loads(run(synced, "topic", "securty", "--json").stdout)
    assert document["results"] == [] and document["suggestions"][0]["name"] == "security"
