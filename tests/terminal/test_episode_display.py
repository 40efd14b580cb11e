"""What an episode looks like on a real feed, through the CLI, the console and the fake Discord:
a show whose notes open with the title, a guid that is a file path, a numbered title."""

import json

import pytest

from bot.terminal import cli
from bot.terminal.console import answer

BOILERPLATE = "Got feedback? Send it to us on Threads. Follow the show on Mastodon."


def hardware_show() -> bytes:
    """A PC-hardware show as such publishers write it: the notes repeat the title on their first
    line, the summary is the second, and every episode ends with the same feedback lines."""
    items = []
    for number, title, summary, guid in (
        (
            384,
            "384: Born To Run Fedora",
            "Josh installs Fedora on a handheld and the fans spin down.",
            "mp3/9/1/pc-384.mp3",
        ),
        (383, "383: Graphics Cards Everywhere", "Five cards, one case, and a power supply that gives up.", "pc-383"),
        (382, "382: The Cooler Shootout", "Air against water on a very hot CPU, with surprises.", "pc-382"),
        (381, "381: Storage Week", "Drives big and small, and what a controller really does.", "pc-381"),
    ):
        notes = f"<p>Podcast #{number} - {title.split(': ', 1)[1]}</p><p>{summary}</p><p>{BOILERPLATE}</p>"
        items.append(
            f"""<item><title>{title}</title><itunes:episode>{number}</itunes:episode>
<guid>{guid}</guid><pubDate>Tue, 0{number - 380} Dec 2025 12:00:00 +0000</pubDate>
<enclosure url="https://cdn.example.com/pc-{number}.mp3" type="audio/mpeg" length="1"/>
<description><![CDATA[{notes}]]></description></item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Hardware Hour</title><link>https://hardware.example.com/</link><language>en</language>
{"".join(items)}</channel></rss>""".encode()


@pytest.fixture
def hardware_feed(tmp_path):
    path = tmp_path / "hardware.rss"
    path.write_bytes(hardware_show())
    return str(path)


def run_cli(capsys, *args):
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_the_cli_shows_the_summary_not_the_title_again_nor_boilerplate_nor_a_path_as_a_page(
    tmp_path, hardware_feed, capsys
):
    db = str(tmp_path / "store.db")
    code, synced = run_cli(capsys, "--db", db, "sync", "--feed", hardware_feed)
    assert code == 0 and "new: 384: Born To Run Fedora" in synced
    assert "384: 384:" not in synced
    code, text = run_cli(capsys, "--db", db, "episode", "384")
    assert code == 0 and text.startswith("384: Born To Run Fedora\n")
    assert "Josh installs Fedora on a handheld and the fans spin down." in text
    assert "Podcast #384" not in text and "Got feedback" not in text
    assert "Episode page" not in text and "mp3/9/1" not in text.replace("pc-384.mp3", "")
    code, document = run_cli(capsys, "--db", db, "episode", "384", "--json")
    assert json.loads(document)["link"] is None


async def test_the_console_shows_the_same_summary_and_names_the_command_meant(tmp_path, hardware_feed):
    from bot.core.config import Config
    from bot.core.library import Library

    async with await Library.open(Config(), db=tmp_path / "store.db", feed=hardware_feed) as library:
        await library.sync()
        reply = await answer("/episode born to run", library)
        assert reply.text.startswith("384: Born To Run Fedora\n")
        assert "Josh installs Fedora" in reply.text and "Got feedback" not in reply.text
        assert "Episode page" not in reply.text
        typo = await answer("/epsiode caddy", library)
        assert typo.text == "Unknown command /epsiode. Did you mean /episode? Type /help for commands."


async def test_the_bundled_shows_boilerplate_is_left_out_of_the_console_summary(snapshot_library):
    reply = await answer("/episode 64", snapshot_library)
    assert "mechanical engineers Ed, Jason, Fan, and Raghavan" in reply.text
    assert "Got feedback" not in reply.text
