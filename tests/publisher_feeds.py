"""Small feeds of our own that imitate what real publishers emit, for the tests of what an
episode looks like."""

BOILERPLATE = "Got feedback? Send it to us on Threads. Follow the show on Mastodon."


def hardware_show() -> bytes:
    """A PC-hardware show as such publishers write it: the notes repeat the title on their first
    line, the summary is the second, every episode ends with the same feedback lines, the newest
    episode's guid is its audio file's path, and the show is dated in Pacific time (384 went out
    on a Tuesday evening, Wednesday in UTC)."""
    items = []
    for number, title, summary, guid, date in (
        (
            384,
            "384: Born To Run Fedora",
            "Josh installs Fedora on a handheld and the fans spin down.",
            "mp3/9/1/pc-384.mp3",
            "Tue, 02 Dec 2025 19:15:00 -0800",
        ),
        (
            383,
            "383: Graphics Cards Everywhere",
            "Five cards, one case, and a power supply that gives up.",
            "pc-383",
            "Tue, 25 Nov 2025 19:15:00 -0800",
        ),
        (
            382,
            "382: The Cooler Shootout",
            "Air against water on a very hot CPU, with surprises.",
            "pc-382",
            "Tue, 18 Nov 2025 19:15:00 -0800",
        ),
        (
            381,
            "381: Storage Week",
            "Drives big and small, and what a controller really does.",
            "pc-381",
            "Tue, 11 Nov 2025 19:15:00 -0800",
        ),
    ):
        notes = f"<p>Podcast #{number} - {title.split(': ', 1)[1]}</p><p>{summary}</p><p>{BOILERPLATE}</p>"
        items.append(
            f"""<item><title>{title}</title><itunes:episode>{number}</itunes:episode>
<guid>{guid}</guid><pubDate>{date}</pubDate>
<enclosure url="https://cdn.example.com/pc-{number}.mp3" type="audio/mpeg" length="1"/>
<description><![CDATA[{notes}]]></description></item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Hardware Hour</title><link>https://hardware.example.com/</link><language>en</language>
{"".join(items)}</channel></rss>""".encode()
