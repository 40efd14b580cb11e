"""Build the bundled snapshot of the Engineering at Meta blog's feed from the hand-gathered facts.

Usage: python scripts/build_blog_snapshot.py BLOG_POSTS_JSON EPISODES_JSON OUTPUT_RSS

The output follows the layout WordPress serves (RSS 2.0, one <category> per tag, the summary in
<description>). It holds only facts from the inputs: the posts of BLOG_POSTS_JSON, plus the
companion posts that EPISODES_JSON's episodes link (`blog_post`) and the post list lacks. An unknown
title, date or address is left out rather than invented; an address only partly known is left
out too (its post still lends its tags to topics, but is never shown as a link). GUIDs are
synthesised (a stable UUID from what identifies the post) and say so.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import uuid
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from build_snapshot import cdata  # beside this script

SITE_URL = "https://engineering.fb.com"
FEED_URL = "https://engineering.fb.com/feed/"
GUID_NAMESPACE = uuid.UUID("0b6f4f7a-5d3e-4c1b-8e2a-6a9d3c7e1f20")
CHANNEL_DESCRIPTION = (
    "A reconstruction of the Engineering at Meta blog's feed from public pages (the blog's post "
    "list and the posts the Meta Tech Podcast's notes link), bundled with podbot so topics and "
    "companion posts work offline. It is not the publisher's feed: GUIDs are synthesised, and "
    "elements whose facts are unknown are left out."
)


def usable_url(url: str | None) -> str | None:
    """The post's address when it is known whole (one is known only in part, and says so)."""
    if not url or " " in url.strip() or not url.startswith("https://"):
        return None
    return url.strip()


def posts_from(blog_posts: list[dict], episodes: list[dict]) -> list[dict]:
    """The blog's posts, then the episodes' companion posts the list lacks (matched by address)."""
    posts = [dict(post) for post in blog_posts]
    known = {post["url"] for post in posts if post.get("url")}
    for episode in episodes:
        companion = episode.get("blog_post") or {}
        if companion.get("url") and companion["url"] not in known:
            known.add(companion["url"])
            posts.append(
                {
                    "title": companion.get("title"),
                    "summary": None,
                    "tags": [],
                    "url": companion["url"],
                    "date": companion.get("date"),
                }
            )
    return sorted(posts, key=lambda post: post.get("date") or "", reverse=True)


def item_xml(post: dict) -> str:
    url = usable_url(post.get("url"))
    identity = url or post.get("url") or post.get("title") or json.dumps(post, sort_keys=True)
    lines = ["  <item>"]
    if post.get("title"):
        lines.append(f"    <title>{escape(post['title'])}</title>")
    if url:
        lines.append(f"    <link>{escape(url)}</link>")
    elif post.get("url"):
        lines.append("    <!-- address only partly known; left out -->")
    if post.get("date"):
        published = dt.datetime.combine(dt.date.fromisoformat(post["date"]), dt.time(12), dt.UTC)
        lines.append(f"    <pubDate>{format_datetime(published)}</pubDate>")
    lines.extend(f"    <category>{cdata(tag)}</category>" for tag in post.get("tags") or [])
    guid = uuid.uuid5(GUID_NAMESPACE, identity)
    lines.append(f'    <guid isPermaLink="false">{guid}</guid>  <!-- synthesised -->')
    if post.get("summary"):
        lines.append(f"    <description>{cdata(post['summary'])}</description>")
    lines.append("  </item>")
    return "\n".join(lines)


def build(blog_posts: list[dict], episodes: list[dict]) -> str:
    items = "\n".join(item_xml(post) for post in posts_from(blog_posts, episodes))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Built by scripts/build_blog_snapshot.py from shared/data/blog_posts.json and episodes.json; do not edit by hand. -->
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Engineering at Meta</title>
  <link>{SITE_URL}</link>
  <atom:link href="{FEED_URL}" rel="self" type="application/rss+xml"/>
  <description>{cdata(CHANNEL_DESCRIPTION)}</description>
  <language>en-US</language>
{items}
</channel>
</rss>
"""


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        sys.stderr.write(__doc__ or "")
        return 2
    blog_posts = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    episodes = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
    Path(argv[3]).write_text(build(blog_posts, episodes), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
