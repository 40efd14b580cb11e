"""A member cannot grow the bot's memory with replies: a view keeps titles and ids, not episodes'
notes; a timed-out view is freed at once; and only so many views listen at a time."""

import asyncio
import gc
import weakref

import pytest

from bot.core.models import Episode
from bot.discord_app import views
from bot.discord_app.views import live_views


def kept_episodes(view):
    """Every Episode the view refers to, however deep."""
    seen, found, todo = set(), [], [view]
    while todo:
        item = todo.pop()
        if id(item) in seen or isinstance(item, (str, bytes, int, float)):
            continue
        seen.add(id(item))
        if isinstance(item, Episode):
            found.append(item)
        if isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(item)
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif hasattr(item, "__dict__") or hasattr(item, "__slots__"):
            todo.extend(gc.get_referents(item))
    return found


async def wait_until(condition):
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")


def embed_of(record):
    return record.callback["data"]["embeds"][0]


def custom_id(data, placeholder_or_label):
    for row in data["components"]:
        for component in row["components"]:
            if placeholder_or_label in (component.get("placeholder"), component.get("label")):
                return component["custom_id"]
    raise KeyError(placeholder_or_label)


async def search(discord_env, query="meta"):
    return await discord_env.fake.command("search", [{"name": "query", "type": 3, "value": query}])


async def test_a_search_view_keeps_no_notes_and_reads_the_episode_when_opened(discord_env):
    record = await search(discord_env)
    (view,) = live_views
    kept = kept_episodes(view)
    assert kept and all(e.description_text == "" and e.chapters == () for e in kept)
    message = record.original
    page_two = await discord_env.fake.click(message, custom_id(record.callback["data"], "Next ▶"))
    assert "Page 2" in embed_of(page_two)["footer"]["text"]
    opened = await discord_env.fake.click(message, custom_id(record.callback["data"], "Open episode…"), values=["0"])
    assert "`" in embed_of(opened)["description"]  # the full reply: chapters, read again


async def test_an_episode_view_keeps_no_notes_and_pages_chapters_read_again(discord_env):
    record = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": "caddy"}])
    views_now = list(live_views)
    assert views_now and all(e.description_text == "" and e.chapters == () for v in views_now for e in kept_episodes(v))
    data = record.callback["data"]
    if any(c.get("label") == "Chapters ▶" for row in data["components"] for c in row["components"]):
        paged = await discord_env.fake.click(record.original, custom_id(data, "Chapters ▶"))
        assert embed_of(paged)["title"].startswith("64: Caddy")


async def test_a_timed_out_view_is_freed_without_a_collection(discord_env, monkeypatch):
    monkeypatch.setattr(views, "VIEW_TIMEOUT_SECONDS", 0.05)
    await search(discord_env)
    (view,) = live_views
    released = weakref.ref(view)
    del view
    gc.disable()
    try:
        await wait_until(lambda: len(live_views) == 0)
        await wait_until(lambda: released() is None)
    finally:
        gc.enable()


async def test_only_so_many_views_listen_at_once_the_oldest_stops(discord_env, monkeypatch):
    monkeypatch.setattr(live_views, "limit", 2)
    await search(discord_env, "rust")
    (oldest,) = live_views
    for query in ("kotlin", "python", "threads"):
        await search(discord_env, query)
    assert len(live_views) == 2
    assert oldest.is_finished() and oldest.children == []


@pytest.fixture(autouse=True)
def no_views_left_over():
    for view in live_views:
        view.stop()
    yield
    for view in live_views:
        view.stop()
