"""Embeds on their own: limits and the facts an admin reads."""

import datetime as dt

from bot.discord_app.embeds import StatusFacts, fit_lines, plain, status_embed


def facts(**overrides):
    base = dict(
        episodes=90,
        last_attempt=None,
        last_success=None,
        last_error=None,
        consecutive_failures=0,
        last_result=None,
        next_sync=None,
        syncing=False,
        announce_channel=None,
        announce_problem=None,
        announce_note=None,
        announce_role=None,
        outbox=None,
        last_announce_failure=None,
        latency_ms=42.0,
        version="1",
        feed="https://example.com/rss",
    )
    return StatusFacts(**{**base, **overrides})


def test_status_flags_a_feed_failing_for_over_a_day():
    now = dt.datetime.now(dt.UTC)
    dead = status_embed(
        facts(last_error="HTTP 500", consecutive_failures=96, last_success=now - dt.timedelta(days=2), last_attempt=now)
    )
    assert any(f.name.startswith("⛔ Feed is dead") for f in dead.fields)
    failing = status_embed(
        facts(last_error="HTTP 500", consecutive_failures=2, last_success=now - dt.timedelta(hours=1), last_attempt=now)
    )
    assert any(f.name.startswith("Feed problem (2 failed attempts") for f in failing.fields)


def test_long_lists_fit_discord_limits_and_say_what_was_left_out():
    text = fit_lines([f"line {n:03d} " + "x" * 90 for n in range(100)], 1024)
    assert len(text) <= 1024
    shown = text.splitlines()
    assert shown[-1] == f"…and {100 - (len(shown) - 1)} more"
    assert fit_lines(["a", "b", "c"], 1024, max_items=2, more="…and {} more in the notes").splitlines() == [
        "a",
        "b",
        "…and 1 more in the notes",
    ]
    assert fit_lines(["a", "b"], 1024) == "a\nb"


def test_long_feed_text_keeps_its_start_within_the_limit():
    assert plain("word " * 300, 200).startswith("word word")
    escaped = plain("snake_case " * 100, 100)
    assert escaped.startswith("snake\\_case") and len(escaped) <= 100
