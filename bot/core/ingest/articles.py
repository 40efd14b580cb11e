"""Reading a companion feed: a blog's RSS or Atom feed of articles (WordPress, Ghost, Medium...),
each with its title, address, date, summary, the tags it is filed under and the pages it links."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from bot.core.config import FeedConfig
from bot.core.ingest.feed import read_document
from bot.core.ingest.items import categories_of, clean_text, published_of, richest_description
from bot.core.ingest.netguard import is_url
from bot.core.ingest.notes import read_notes
from bot.core.ingest.urls import url_key
from bot.core.models import Article
from bot.core.topics.labels import topic_name

# A blog's feed lists its latest 10 to 50 posts; a feed with more is cut here, newest kept.
MAX_ARTICLES = 1_000
# The topics one fetch can bring: the most used tags of its articles (a real blog files its posts
# under tens to a few hundred); a feed inventing tags cannot make thousands of topics.
MAX_FEED_TOPICS = 300
_MAX_SUMMARY_CHARS = 2_000
_MAX_LINKS = 50


def parse_articles(body: bytes, source: str, config: FeedConfig) -> list[Article]:
    """The articles of the feed BODY, each bounded like a podcast item (title, text, links).
    Blocking: run it in a worker thread. FeedError when BODY is not an RSS or Atom feed."""
    document, _, _ = read_document(body, source, "a feed of articles")
    articles: dict[str, Article] = {}
    for entry in document.entries[:MAX_ARTICLES]:
        article = _article(entry, config)
        if article is not None:
            articles.setdefault(article.key, article)
    return _with_common_tags(list(articles.values()))


def _with_common_tags(articles: list[Article]) -> list[Article]:
    """ARTICLES keeping only the MAX_FEED_TOPICS tags used most among them (ties: the first seen)."""
    used = Counter(tag for article in articles for tag in article.tags)
    if len(used) <= MAX_FEED_TOPICS:
        return articles
    kept = {tag for tag, _ in used.most_common(MAX_FEED_TOPICS)}
    return [dataclasses.replace(a, tags=tuple(t for t in a.tags if t in kept)) for a in articles]


def _article(entry: Any, config: FeedConfig) -> Article | None:
    title = clean_text(entry.get("title"))[: config.max_title_chars] or None
    link = str(entry.get("link") or "").strip()
    url = link if is_url(link) and url_key(link) else None
    markup = richest_description(entry)[: config.max_notes_chars]
    notes = read_notes(markup)
    key = str(entry.get("id") or "").strip()[:2048] or url or title
    if key is None:
        return None
    tags = tuple(dict.fromkeys(name for category in categories_of(entry) if (name := topic_name(category))))
    return Article(
        key=key,
        title=title,
        url=url,
        published=published_of(entry),
        summary=" ".join(notes.text.split())[:_MAX_SUMMARY_CHARS],
        tags=tags,
        links=tuple(dict.fromkeys(link.url for link in notes.links if url_key(link.url)))[:_MAX_LINKS],
    )
