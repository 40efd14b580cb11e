"""The console's /topic, /topics and /related, and the topics and posts its /episode shows."""

from bot.terminal.console import answer


async def test_console_topics_related_and_an_episodes_companion_post(snapshot_library):
    topic = await answer("/topic vr", snapshot_library)
    assert topic.headed and topic.text.startswith("Virtual reality\n")
    assert "64: Caddy" in topic.text and "its companion post is filed under Virtual reality" in topic.text
    unknown = await answer("/topic securty", snapshot_library)
    assert unknown.text == "No episode is about 'securty' and it is not a topic; closest topics: security."
    listing = await answer("/topics", snapshot_library)
    assert "Security" in listing.text and "5 articles" in listing.text
    related = await answer("/related caddy", snapshot_library)
    assert related.text.splitlines()[1] == " 1. 68: How to Build a Mixed Reality Headset  (also about Virtual reality)"
    episode = await answer("/episode trust but canary", snapshot_library)
    assert "Topics: Distributed systems, Observability, Security" in episode.text
    assert (
        "Read: Trust But Canary: Configuration Safety at Scale (2026-04-08): https://engineering.fb.com/"
        in episode.text
    )
    assert "/topic NAME" in (await answer("/help", snapshot_library)).text
