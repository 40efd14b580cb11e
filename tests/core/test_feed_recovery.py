"""Feeds every podcast app plays although their XML is broken: podbot reads them too, and says so.

Each fixture imitates a quirk real publishers' feeds have; all are written for these tests.
"""

import json
import subprocess
import sys

import pytest

from bot.core.config import FeedConfig
from bot.core.ingest.feed import FeedError, parse_sync
from bot.core.sync.syncer import Syncer
from tests.conftest import ROOT, rss, rss_item

ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'


def feed(*items, declaration='<?xml version="1.0" encoding="UTF-8"?>', namespaces=ITUNES, channel=""):
    return (
        f'{declaration}<rss version="2.0" {namespaces}><channel><title>Quirky</title>{channel}'
        + "".join(items)
        + "</channel></rss>"
    )


def item(n, title=None, notes="Notes", extra=""):
    return (
        f"<item><title>{title or f'Episode {n}'}</title><guid>q-{n}</guid>"
        f"<pubDate>Tue, 05 Dec 2023 23:37:00 +0000</pubDate>"
        f"<enclosure url='https://cdn.example/{n}.mp3' type='audio/mpeg' length='1'/>"
        f"<itunes:duration>10:00</itunes:duration><description>{notes}</description>{extra}</item>"
    )


RECOVERABLE = {
    "blank-lines-before-declaration": ("\n\n   " + feed(item(1), item(2))).encode(),
    "bom-and-spaces": ("\ufeff  " + feed(item(1), item(2))).encode(),
    "undeclared-prefixes": feed(
        item(1, extra="<podcast:season>2</podcast:season><media:rating>x</media:rating>"), item(2), namespaces=""
    ).encode(),
    "bare-ampersands": feed(
        item(1, title="Q & A"), item(2), channel='<itunes:category text="Society & Culture"/>'
    ).encode(),
    "html-entities": feed(item(1, notes="Caf&eacute;&nbsp;time &gtgt; later"), item(2)).encode(),
    "latin1-declared-utf8-sent": feed(
        item(1, notes="Über café"), item(2), declaration='<?xml version="1.0" encoding="ISO-8859-1"?>'
    ).encode(),
    "utf8-declared-latin1-sent": feed(item(1, notes="Über café"), item(2)).encode("latin-1"),
    "control-characters-and-nul": feed(item(1, notes="No\x00tes\x1b[31m red\x0b"), item(2)).encode(),
}


@pytest.mark.parametrize("body", RECOVERABLE.values(), ids=RECOVERABLE.keys())
def test_broken_feeds_podcast_apps_play_are_read(body):
    parsed = parse_sync(body, "quirky.xml")
    assert len(parsed.episodes) == 2
    for episode in parsed.episodes:
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in episode.description_text + episode.title)


def test_a_cut_off_feed_keeps_its_whole_items_and_distrusts_the_half_one():
    parsed = parse_sync(rss(rss_item(), rss_item(guid="g2", title="Second"))[:-40], "cut.xml")
    assert [e.guid for e in parsed.episodes] == ["guid-1"] and not parsed.complete
    assert "ends mid-item" in parsed.warnings[0]


def test_encoding_mismatches_give_the_intended_characters():
    for name in ("latin1-declared-utf8-sent", "utf8-declared-latin1-sent"):
        first = parse_sync(RECOVERABLE[name], "quirky.xml").episodes[0]
        assert first.description_text == "Über café", name


def test_entities_and_ampersands_read_as_text():
    assert parse_sync(RECOVERABLE["bare-ampersands"], "q").episodes[0].title == "Q & A"
    assert parse_sync(RECOVERABLE["html-entities"], "q").episodes[0].description_text.startswith("Café time")


def test_recovered_xml_errors_are_warnings_with_the_line_and_the_count():
    parsed = parse_sync(RECOVERABLE["bare-ampersands"], "q")
    assert parsed.warnings[0].startswith("feed has XML errors: ") and parsed.warnings[0].endswith("; 2 items read")
    assert "line 1" in parsed.warnings[0]
    assert parse_sync(RECOVERABLE["bom-and-spaces"], "q").warnings == ()  # nothing was wrong once trimmed


async def test_a_sync_of_a_broken_feed_stores_its_items_and_reports_the_warning(store, feed_server):
    url = feed_server.serve(body=RECOVERABLE["undeclared-prefixes"])
    report = await Syncer(store, FeedConfig(timeout_seconds=2), url).sync()
    assert len(report.new) == 2 and any(w.startswith("feed has XML errors") for w in report.warnings)
    assert await store.episode_count() == 2


def test_sync_json_lists_the_warnings(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_bytes(RECOVERABLE["html-entities"])
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sync", "--feed", str(path), "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert len(document["new"]) == 2 and document["warnings"][0].startswith("feed has XML errors")
    human = subprocess.run(
        [sys.executable, "-m", "bot", "sync", "--feed", str(path), "--dry-run", "--db", "x.db"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert "warning: feed has XML errors" in human.stdout


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>oops &nbsp;</body></html>",
            "HTML page",
        ),
        (b'  {"items": [1, 2]}', "JSON"),
    ],
)
def test_error_pages_and_json_are_still_refused(body, message):
    with pytest.raises(FeedError, match=message):
        parse_sync(body, "x")
