"""Build the bundled RSS snapshot from the hand-gathered episode facts.

Usage: python scripts/build_snapshot.py EPISODES_JSON OUTPUT_RSS

The output follows the layout libsyn serves (RSS 2.0 with the itunes, content and podcast
namespaces). It holds only facts from the input: an unknown title, number, duration or
description is left out rather than invented. Two things a feed cannot do without are
synthesised and say so: GUIDs (a stable UUID derived from what identifies the episode) and,
for episodes with no known date, a date between their neighbours, marked in a comment. An
episode whose title was not seen but whose page address names it ("86-a-hard-cell-...") takes
the title from the address, written as its companion post writes the words, marked in a comment.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import sys
import uuid
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

FEED_URL = "https://insidefacebookmobile.libsyn.com/rss"
SITE_URL = "https://insidefacebookmobile.libsyn.com"
AUDIO_URL = "https://traffic.libsyn.com/secure/insidefacebookmobile/{stem}_rc1.mp3?dest-id=697376"
GUID_NAMESPACE = uuid.UUID("8f6b1f0e-3c1d-4f7e-9a57-3f1c2f1d9b10")
URL_RE = re.compile(r"https?://[^\s<>()\"]+[^\s<>()\".,;:!?]")
CHANNEL_DESCRIPTION = (
    "A reconstruction of the Meta Tech Podcast feed from public pages (Apple Podcasts, Castbox, "
    "Podbean, libsyn, engineering.fb.com), bundled with podbot so it works offline. It is not the "
    "publisher's feed: GUIDs are synthesised, dates marked as estimated are not published facts, "
    "a title not seen is read from its episode page's address, and elements whose facts are "
    "unknown are left out."
)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def linkify(text: str) -> str:
    """Escape text for HTML and turn bare URLs into anchors, as libsyn's editor does."""
    out, last = [], 0
    for match in URL_RE.finditer(text):
        out.append(html.escape(text[last : match.start()], quote=False))
        url = match.group(0)
        out.append(f'<a href="{html.escape(url)}">{html.escape(url, quote=False)}</a>')
        last = match.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def duration_element(seen: str | None) -> tuple[str | None, str | None]:
    """Return (itunes:duration value, comment) for a duration as the directories listed it."""
    if not seen:
        return None, None
    seen = seen.strip()
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", seen):
        return seen, None
    minutes = re.fullmatch(r"(\d+) min", seen)
    if minutes:
        total = int(minutes.group(1))
        return f"{total // 60:02d}:{total % 60:02d}:00", f"duration listed as '{seen}' (rounded)"
    seconds = re.fullmatch(r"(\d+) sec", seen)
    if seconds:
        return f"00:{int(seconds.group(1)):02d}", None
    return None, f"duration '{seen}' not understood"


def notes_body(episode: dict) -> str:
    """The prose part of the show notes, without the links and timestamps sections."""
    description = episode.get("description") or ""
    if episode.get("description_format") == "flattened":
        description = re.split(r"\s(?:Timestamps|Links|Topics Discussed)\s", " " + description + " ")[0]
        return f"<p>{linkify(description.strip())}</p>" if description.strip() else ""
    paragraphs = []
    for line in description.split("\n"):
        if line.strip() in ("Links", "Timestamps"):
            break
        if line.strip():
            paragraphs.append(f"<p>{linkify(line.strip())}</p>")
    return "".join(paragraphs)


def chapter_lines(episode: dict) -> list[str]:
    """Timestamp lines as seen; a 'lines' description keeps its own (glitches included)."""
    description = episode.get("description") or ""
    if episode.get("description_format") == "lines" and "\nTimestamps\n" in description:
        return [line.strip() for line in description.split("\nTimestamps\n", 1)[1].split("\n") if line.strip()]
    return [f"{chapter['title']} {chapter['start']}" for chapter in episode.get("chapters") or []]


def show_notes_html(episode: dict) -> str:
    parts = [notes_body(episode)]
    links = list(episode.get("links") or [])
    if episode.get("blog_post"):
        links.append({"label": episode["blog_post"]["title"], "url": episode["blog_post"]["url"]})
    if links:
        items = "".join(
            f'<li>{html.escape(link.get("label") or link["url"], quote=False)}: <a href="{html.escape(link["url"])}">'
            f"{html.escape(link['url'], quote=False)}</a></li>"
            for link in links
        )
        parts.append(f"<p>Links</p><ul>{items}</ul>")
    lines = chapter_lines(episode)
    if lines:
        parts.append("<p>Timestamps</p>" + "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines))
    return "".join(part for part in parts if part)


def estimated_dates(episodes: list[dict]) -> dict[int, tuple[dt.date, str]]:
    """Dates for undated episodes: the companion blog post's day, else midway between neighbours."""
    known = {i: dt.date.fromisoformat(e["published"]) for i, e in enumerate(episodes) if e.get("published")}
    estimates: dict[int, tuple[dt.date, str]] = {}
    for index, episode in enumerate(episodes):
        if index in known:
            continue
        if episode.get("blog_post") and episode["blog_post"].get("date"):
            estimates[index] = (
                dt.date.fromisoformat(episode["blog_post"]["date"]),
                "date estimated from the companion blog post",
            )
            continue
        newer = next((known[i] for i in range(index - 1, -1, -1) if i in known), None)
        older = next((known[i] for i in range(index + 1, len(episodes)) if i in known), None)
        if newer and older:
            estimates[index] = (older + (newer - older) / 2, "date estimated between its neighbours")
        elif newer or older:
            estimates[index] = (newer or older, "date estimated from its neighbour")
    return estimates


def episode_stem(episode: dict) -> str:
    if episode.get("number") is not None:
        return f"mtp{episode['number']:02d}"
    if episode.get("slug"):
        return episode["slug"]
    key = episode.get("title") or (episode.get("blog_post") or {}).get("title") or episode.get("description") or ""
    return "mtp-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")[:48]


def title_from_address(episode: dict) -> str | None:
    """The title an episode's page address names ("86-a-hard-cell-engineering-ultra-narrow-..."
    -> "A Hard Cell Engineering Ultra-Narrow Batteries for AI Glasses"): its words as the
    companion post's title writes them (hyphenated pairs too), the others capitalised."""
    words = (episode.get("slug") or "").split("-")
    if words[:1] == [str(episode.get("number"))]:
        words = words[1:]
    if not any(words):
        return None
    post = (episode.get("blog_post") or {}).get("title") or ""
    written = {form.casefold().replace("-", " "): form for form in re.findall(r"\w+(?:-\w+)*", post)}
    title, at = [], 0
    while at < len(words):
        pair = " ".join(words[at : at + 2])
        if at + 1 < len(words) and pair in written:
            title.append(written[pair])
            at += 2
            continue
        word = words[at]
        title.append(written.get(word) or word[:1].upper() + word[1:])
        at += 1
    return " ".join(title)


def item_xml(episode: dict, published: dt.date | None, date_comment: str | None) -> str:
    stem = episode_stem(episode)
    guid = uuid.uuid5(GUID_NAMESPACE, stem)
    lines = ["  <item>"]
    if episode.get("number") is None and episode.get("number_inferred") is not None:
        lines.append(f"    <!-- number not published; {episode['number_inferred']} by position only -->")
    title = episode.get("title")
    if not title and (title := title_from_address(episode)):
        lines.append("    <!-- title not seen; read from the episode page's address -->")
    if title:
        lines.append(f"    <title>{escape(title)}</title>")
        lines.append(f"    <itunes:title>{escape(title)}</itunes:title>")
    if published:
        if date_comment:
            lines.append(f"    <!-- {date_comment} -->")
        stamp = dt.datetime.combine(published, dt.time(12, 0), dt.UTC)
        lines.append(f"    <pubDate>{format_datetime(stamp)}</pubDate>")
    lines.append(f'    <guid isPermaLink="false">{cdata(str(guid))}</guid>')
    if episode.get("slug"):
        lines.append(f"    <link>{cdata(SITE_URL + '/' + episode['slug'])}</link>")
    notes = show_notes_html(episode)
    if notes:
        lines.append(f"    <description>{cdata(notes)}</description>")
        lines.append(f"    <content:encoded>{cdata(notes)}</content:encoded>")
    lines.append(f'    <enclosure length="0" type="audio/mpeg" url={quoteattr(AUDIO_URL.format(stem=stem))} />')
    duration, duration_comment = duration_element(episode.get("duration"))
    if duration:
        if duration_comment:
            lines.append(f"    <!-- {duration_comment} -->")
        lines.append(f"    <itunes:duration>{duration}</itunes:duration>")
    lines.append("    <itunes:explicit>false</itunes:explicit>")
    if episode.get("number") is not None:
        lines.append(f"    <itunes:episode>{episode['number']}</itunes:episode>")
    episode_type = "bonus" if (episode.get("title") or "").startswith(("ARCHIVE:", "Update:")) else "full"
    lines.append(f"    <itunes:episodeType>{episode_type}</itunes:episodeType>")
    lines.append("  </item>")
    return "\n".join(lines)


def build(episodes: list[dict]) -> str:
    estimates = estimated_dates(episodes)
    items = []
    for index, episode in enumerate(episodes):
        if episode.get("published"):
            published, comment = dt.date.fromisoformat(episode["published"]), None
        else:
            published, comment = estimates.get(index, (None, None))
        items.append(item_xml(episode, published, comment))
    head = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Built by scripts/build_snapshot.py from shared/data/episodes.json; do not edit by hand. -->
<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">
<channel>
  <title>Meta Tech Podcast</title>
  <link>{SITE_URL}</link>
  <atom:link href="{FEED_URL}" rel="self" type="application/rss+xml"/>
  <language>en</language>
  <description>{cdata(CHANNEL_DESCRIPTION)}</description>
  <itunes:author>Meta</itunes:author>
  <itunes:summary>{cdata(CHANNEL_DESCRIPTION)}</itunes:summary>
  <itunes:type>episodic</itunes:type>
  <itunes:category text="Technology"/>
"""
    return head + "\n".join(items) + "\n</channel>\n</rss>\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write(__doc__ or "")
        return 2
    episodes = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    Path(argv[2]).write_text(build(episodes), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
