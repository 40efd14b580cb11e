"""What an episode looks like on a real feed, through the CLI, the console and the fake Discord:
a show whose notes open with the title, a guid that is a file path, a numbered title."""

import json

import pytest

from bot.terminal import cli
from bot.terminal.console import answer
from tests.publisher_feeds import hardware_show


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
    assert code == 0 and text.startswith("384: Born To Run Fedora\n2025-12-02\n")  # Tuesday, as dated
    assert "Josh installs Fedora on a handheld and the fans spin down." in text
    assert "Podcast #384" not in text and "Got feedback" not in text
    assert "Episode page" not in text and "mp3/9/1" not in text.replace("pc-384.mp3", "")
    code, document = run_cli(capsys, "--db", db, "episode", "384", "--json")
    assert json.loads(document)["link"] is None
    assert json.loads(document)["published"] == "2025-12-03T03:15:00Z"  # the instant, in UTC as before
    code, latest = run_cli(capsys, "--db", db, "latest", "--count", "1")
    assert latest.startswith("2025-12-02  384: Born To Run Fedora")


async def test_the_console_shows_the_same_summary_and_names_the_command_meant(tmp_path, hardware_feed):
    from bot.core.config import Config
    from bot.core.library import Library

    async with await Library.open(Config(), db=tmp_path / "store.db", feed=hardware_feed) as library:
        await library.sync()
        reply = await answer("/episode born to run", library)
        assert reply.text.startswith("384: Born To Run Fedora\n2025-12-02\n")
        assert "Josh installs Fedora" in reply.text and "Got feedback" not in reply.text
        assert "Episode page" not in reply.text
        typo = await answer("/epsiode caddy", library)
        assert typo.text == "Unknown command /epsiode. Did you mean /episode? Type /help for commands."


async def test_the_bundled_shows_boilerplate_is_left_out_of_the_console_summary(snapshot_library):
    reply = await answer("/episode 64", snapshot_library)
    assert "mechanical engineers Ed, Jason, Fan, and Raghavan" in reply.text
    assert "Got feedback" not in reply.text
