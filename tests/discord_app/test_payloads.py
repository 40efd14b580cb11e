"""Every Discord payload built from feed data is valid by construction, whatever the feed holds."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.models import (
    Chapter,
    Episode,
    EpisodeExtras,
    EpisodeTopic,
    Link,
    Match,
    MatchReason,
    PodcastInfo,
    Reading,
    Related,
    SyncReport,
    TopicAnswer,
    TopicCount,
    TopicResult,
)
from bot.discord_app import embeds, topic_embeds
from bot.discord_app.choices import topic_choices
from bot.discord_app.views import EpisodeView, SearchView, TopicView
from tests.fake_discord import component_problems, embed_problems

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="*_~`|>#[]()\\@<:&\n\x00\x1b\u202e ", max_size=3000),
    st.just("@everyone <@&123> **bold** ||spoiler|| `code` [x](javascript:alert(1))"),
    st.builds(lambda n: "a" * n, st.integers(0, 250_000)),
    st.just(""),
)
HOSTILE_URL = st.one_of(
    st.none(),
    st.just("javascript:alert(1)"),
    st.just("http://a..b/c"),
    st.just("https://example.com/ep(1)"),
    st.builds(lambda n: "https://cdn.example/" + "a" * n, st.integers(0, 5000)),
    st.text(max_size=50),
)


@st.composite
def hostile_episodes(draw):
    chapters = tuple(
        Chapter(start_seconds=i * 7, title=draw(HOSTILE_TEXT)[:200] or "x")
        for i in range(draw(st.sampled_from([0, 1, 30, 10_000])))
    )
    links = tuple(Link(label=draw(HOSTILE_TEXT), url=draw(HOSTILE_URL) or "") for _ in range(draw(st.integers(0, 8))))
    return Episode(
        id=draw(st.integers(1, 10**9)),
        guid="g",
        number=draw(st.one_of(st.none(), st.integers(0, 10**6))),
        title=draw(HOSTILE_TEXT),
        published=draw(st.one_of(st.none(), st.just(dt.datetime(2024, 7, 4, tzinfo=dt.UTC)))),
        duration_seconds=draw(st.one_of(st.none(), st.integers(0, 10**7))),
        link=draw(HOSTILE_URL),
        audio_url=draw(HOSTILE_URL),
        description_text=draw(HOSTILE_TEXT),
        links=links,
        chapters=chapters,
        guests=tuple(draw(st.lists(HOSTILE_TEXT, max_size=3))),
    )


def matches_for(episode, text):
    reasons = [
        MatchReason("title", episode.title),
        MatchReason("chapter", text, 5),
        MatchReason("guest", text),
        MatchReason("description", text),
    ]
    return [Match(episode, 90.0 - i, reason) for i, reason in enumerate(reasons)]


def hostile_extras(episode, text, url):
    """Topics, companion posts and related episodes as a hostile feed and blog could make them."""
    reading = tuple(Reading("blog", text or None, url, None, (text,), "notes-link") for _ in range(7))
    topics = tuple(EpisodeTopic(text[:60] or "t", text, "article") for _ in range(30))
    return EpisodeExtras(topics, reading, tuple(Related(episode, 0.5, text) for _ in range(30)))


def hostile_answer(episode, text, url, tagged):
    matches = matches_for(episode, text)
    results = tuple(TopicResult(match, text) for match in matches * 7)
    articles = tuple(Reading("blog", text, url, None, (), "") for _ in range(40))
    suggestions = (TopicCount(text[:60] or "t", text, 10**6, 0),) * 5
    return TopicAnswer(text, text[:60], text, tagged, results, articles, suggestions)


def assert_valid(*built):
    payload = [embed.to_dict() for embed in built]
    for embed in payload:
        assert embed_problems([embed]) == [], embed_problems([embed])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(episode=hostile_episodes(), text=HOSTILE_TEXT, link=HOSTILE_URL, image=HOSTILE_URL)
def test_embeds_from_hostile_episodes_pass_discords_validation(episode, text, link, image):
    matches = matches_for(episode, text)
    assert_valid(embeds.episode_embed(matches[0], 0, None, PodcastInfo(title=text, link=link, image_url=image)))
    pages = embeds.chapter_pages(episode)
    for page in {0, len(pages) - 1}:
        assert_valid(embeds.episode_embed(matches[1], page, pages))
    for match in matches:
        assert_valid(embeds.episode_embed(match))
    assert_valid(embeds.results_embed(text, matches * 7, 0), embeds.latest_embed([episode] * 10))
    assert_valid(embeds.announcement_embed(episode), embeds.minimal_announcement_embed([episode]))
    assert_valid(embeds.digest_embed([episode] * 30))
    report = SyncReport(source=text, new=[], warnings=[text] * 50)
    assert_valid(embeds.sync_report_embed(report))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(episode=hostile_episodes(), text=HOSTILE_TEXT)
async def test_views_from_hostile_episodes_have_valid_components(episode, text):
    matches = matches_for(episode, text)
    view = EpisodeView(1, matches[0], matches[1:])
    assert component_problems(view.to_components()) == []
    assert_valid(view.embed())
    search = SearchView(1, text, matches * 7)
    assert component_problems(search.to_components()) == []
    assert_valid(search.embed())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(episode=hostile_episodes(), text=HOSTILE_TEXT, url=HOSTILE_URL, tagged=st.booleans())
async def test_topics_and_companion_posts_from_hostile_feeds_are_valid_payloads(episode, text, url, tagged):
    matches = matches_for(episode, text)
    extras = hostile_extras(episode, text, url)
    view = EpisodeView(1, matches[0], matches[1:], None, extras)
    assert component_problems(view.to_components()) == []
    assert_valid(view.embed())
    answer = hostile_answer(episode, text, url, tagged)
    topic_view = TopicView(1, answer)
    assert component_problems(topic_view.to_components()) == []
    assert_valid(topic_view.embed(), topic_embeds.topic_embed(answer, 3))
    many = list(answer.suggestions) * 200
    assert_valid(topic_embeds.topics_embed(many, many, 0), topic_embeds.topics_embed(many, many[:30], 1))
    assert len(topic_embeds.unknown_topic_message(answer)) <= 2000
    for choice in topic_choices(list(answer.suggestions)):
        assert 1 <= len(choice.name) <= 100 and 1 <= len(choice.value) <= 100
