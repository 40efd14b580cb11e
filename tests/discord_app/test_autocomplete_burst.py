"""Autocomplete under a burst: a keystroke that can no longer be answered within Discord's 3 s,
or that the same member's next keystroke replaced, is dropped unanswered, not queued."""

import asyncio

from tests.fake_discord import ADMIN_ID, MEMBER_ID


async def test_a_keystroke_past_the_deadline_is_not_answered_the_next_is(discord_env):
    fake = discord_env.fake
    late = await fake.send_autocomplete("episode", "query", "cad", age=5.0)
    fresh = await fake.send_autocomplete("episode", "query", "caddy", user_id=ADMIN_ID)
    await asyncio.wait_for(fresh.answered.wait(), 10)
    assert fresh.callback["data"]["choices"]
    # Requests take their turn in order: the late one was decided before the fresh one ran.
    assert not late.answered.is_set() and late.callback is None
    assert [r for r in fake.requests if r[1].endswith(f"{late.id}/{late.token}/callback")] == []


async def test_a_members_superseded_keystrokes_are_coalesced(discord_env):
    fake = discord_env.fake
    gate = discord_env.bot.autocomplete
    async with gate._turn:  # the search is busy with someone else's request
        typed = [await fake.send_autocomplete("episode", "query", text) for text in ("c", "ca", "cad", "cadd")]
        other = await fake.send_autocomplete("topic", "name", "sec", user_id=ADMIN_ID)
        for _ in range(500):
            if len(gate._latest) == 2 and gate._latest[(MEMBER_ID, "episode")] == typed[-1].id:
                break
            await asyncio.sleep(0.01)
    await asyncio.wait_for(typed[-1].answered.wait(), 10)
    await asyncio.wait_for(other.answered.wait(), 10)
    assert typed[-1].callback["data"]["choices"][0]["name"].startswith("64: Caddy")
    assert [record.answered.is_set() for record in typed[:-1]] == [False, False, False]
