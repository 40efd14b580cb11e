"""/admin status with a hundred podcasts: compact lines, problems first, every page within limits."""

import dataclasses
import datetime as dt

from bot.core.library import FeedHealth
from bot.core.models import FeedState, SyncReport
from bot.discord_app.status_pages import PODCASTS_PER_PAGE, status_pages
from tests.discord_app.test_embeds import facts
from tests.fake_discord import embed_problems

NOW = dt.datetime.now(dt.UTC)


@dataclasses.dataclass
class Podcast:
    name: str
    title: str
    episodes: int
    health: FeedHealth
    configured: bool = True


def podcast(n, *, error=None, failures=0, last_success=NOW - dt.timedelta(minutes=5), warnings=(), configured=True):
    state = FeedState(
        source=f"https://feeds.example/{n}.xml",
        last_attempt=NOW,
        last_success=last_success,
        last_error=error,
        consecutive_failures=failures,
    )
    report = SyncReport(source=state.source, warnings=list(warnings))
    health = FeedHealth(
        source=state.source, episodes=1000, state=state, last_report=report, next_sync=NOW, syncing=False
    )
    title = f"[Show {n}](https://x.example): " + "a very long podcast title " * 10
    return Podcast(f"show{n:03d}", title, 1000, health, configured)


def test_a_hundred_podcasts_page_within_discord_limits_problems_first():
    podcasts = [podcast(n) for n in range(100)]
    podcasts[57] = podcast(57, error="HTTP 500 from https://secret.example/feed?token=abc " * 20, failures=4)
    podcasts[80] = podcast(80, error="timed out", failures=300, last_success=NOW - dt.timedelta(days=3))
    podcasts[90] = podcast(90, warnings=["XML error", "cut notes"])
    podcasts[99] = podcast(99, configured=False)
    pages = status_pages(podcasts, facts(announce_channel="<#1>"))

    assert len(pages) >= 100 // PODCASTS_PER_PAGE
    for page in pages:
        assert embed_problems([page.to_dict()]) == []
    text = "\n".join(page.description for page in pages)
    assert all(f"**show{n:03d}**" in text for n in range(100))  # no podcast left out
    first = pages[0].description.splitlines()
    assert first[0] == "1 dead · 1 failing · 1 with warnings · 1 removed · 96 fine"
    assert first[2].startswith("⛔ **show080**") and "300 failed in a row (dead for over a day)" in first[3]
    assert first[4].startswith("❗ **show057**") and "token=abc" not in first[5]
    assert first[6].startswith("⚠️ **show090**") and "2 warnings" in first[6]
    assert first[7].startswith("⏸️ **show099**") and "removed from the config" in first[7]
    assert r"\[Show 0\](https\://x.example)" in first[8]  # feed titles stay literal
    assert {field.name for field in pages[0].fields} >= {"Announcements", "Version"}
    assert all(not page.fields for page in pages[1:])
    assert pages[-1].footer.text.startswith(f"Page {len(pages)} of {len(pages)}")
