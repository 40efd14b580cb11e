"""The command line as a user runs it: real files, exit codes and output; `main` in this process, and
the real `python -m bot` where only a process shows it (tests/terminal/running.py)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, numbered_feed
from tests.terminal.running import run, run_process


def test_episode_caddy_on_a_fresh_machine(tmp_path):
    result = run_process(tmp_path, "episode", "caddy")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("64: Caddy - Building the next generation of CAD software for Mixed Reality")
    assert "11:46  Discovery of hand-based interactions" in result.stdout
    assert "1:03:35  Outro" in result.stdout
    assert (tmp_path / "data" / "episodes.db").exists()


def test_search_typo_and_number_json(synced):
    typo = run(synced, "search", "cadddy", "--json")
    document = json.loads(typo.stdout)
    assert document["query"] == "cadddy"
    assert document["results"][0]["number"] == 64
    number = json.loads(run(synced, "search", "#82", "--json").stdout)
    first = number["results"][0]
    assert (first["number"], first["title"], first["matched"]["field"]) == (82, "CSS at Scale with StyleX", "number")
    assert first["published"] == "2026-01-08T12:00:00Z"
    assert set(first) >= {
        "guid",
        "number",
        "title",
        "published",
        "duration_seconds",
        "link",
        "audio_url",
        "score",
        "matched",
    }


def test_episode_json_has_chapters_and_nothing_found_exits_1(synced):
    document = json.loads(run(synced, "episode", "hand-based interactions", "--json").stdout)
    assert document["matched"] == {
        "field": "chapter",
        "text": "Discovery of hand-based interactions",
        "start_seconds": 706,
    }
    assert len(document["chapters"]) == 19
    missing = run(synced, "episode", "zzqxv wqpfj")
    assert missing.returncode == 1 and missing.stdout == ""
    assert "no episode matches" in missing.stderr


def test_export_lists_every_episode(synced):
    document = json.loads(run(synced, "export", "--json").stdout)
    assert document["podcast"]["title"] == "Meta Tech Podcast"
    assert len(document["episodes"]) == 61
    assert all("chapters" in e and "description_text" in e for e in document["episodes"])


def test_sync_dry_run_then_real_then_unchanged(tmp_path):
    dry = json.loads(run(tmp_path, "sync", "--dry-run", "--json").stdout)
    assert len(dry["new"]) == 61 and dry["dry_run"]
    real = json.loads(run(tmp_path, "sync", "--json").stdout)
    assert len(real["new"]) == 61
    again = json.loads(run(tmp_path, "sync", "--json").stdout)
    assert again["not_modified"] and again["new"] == []


def test_bad_config_exits_2_naming_key_and_file(tmp_path):
    (tmp_path / "config.toml").write_text("[feed]\nurll = 'x'\n")
    result = run(tmp_path, "search", "caddy")
    assert result.returncode == 2
    assert "config.toml: unknown key 'feed.urll'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_feed_exits_3_and_keeps_the_store(synced):
    result = run(synced, "sync", "--feed", "http://127.0.0.1:9/rss")
    assert result.returncode == 3
    assert result.stderr.startswith("podbot: feed error: http://127.0.0.1:9/rss: cannot connect")
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(run(synced, "search", "caddy", "--json").stdout)["results"][0]["number"] == 64


def test_feed_from_a_local_file_and_shrink_refused(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(numbered_feed(10))
    assert run(tmp_path, "--db", "other.db", "sync", "--feed", str(feed)).returncode == 0
    feed.write_bytes(numbered_feed(2))
    refused = run(tmp_path, "sync", "--db", "other.db", "--feed", str(feed))
    assert refused.returncode == 3 and "refusing" in refused.stderr


def test_corrupt_database_exits_2_and_is_left_alone(tmp_path):
    (tmp_path / "bad.db").write_bytes(b"garbage" * 500)
    result = run(tmp_path, "search", "caddy", "--db", "bad.db")
    assert result.returncode == 2
    assert "bad.db: not a SQLite database or corrupt" in result.stderr
    assert (tmp_path / "bad.db").read_bytes() == b"garbage" * 500


def test_bad_usage_exits_2(tmp_path):
    assert run(tmp_path, "search").returncode == 2
    assert run(tmp_path, "search", "x", "--limit", "0").returncode == 2
    assert run(tmp_path, "frobnicate").returncode == 2


def test_health_reports_never_synced_then_ok(tmp_path):
    missing = run(tmp_path, "health")
    assert missing.returncode == 1 and "unhealthy: data/episodes.db: no database file here" in missing.stderr
    assert not (tmp_path / "data" / "episodes.db").exists()
    run(tmp_path, "sync", "--dry-run")  # makes the store, syncs nothing
    never = run(tmp_path, "health")
    assert never.returncode == 1 and "never synced" in never.stderr
    run(tmp_path, "sync")
    assert run(tmp_path, "health").returncode == 0


@pytest.mark.parametrize("line", ["/episode caddy", "/episode #64"])
def test_console_answers_like_the_bot(synced, line):
    result = run(synced, "console", stdin=f"{line}\n/search rust\n/latest 2\n/nope\nquit\n")
    assert result.returncode == 0
    assert "64: Caddy" in result.stdout and "1:03:35  Outro" in result.stdout
    assert "76: From C to Rust on Mobile" in result.stdout
    assert "Unknown command /nope" in result.stdout


def test_console_ends_on_eof(synced):
    assert run(synced, "console", stdin="/help\n").returncode == 0


def test_queries_starting_with_a_dash_are_queries(synced):
    for args in (("search", "-x", "--json"), ("search", "--json", "--", "-rf")):
        result = run(synced, *args)
        assert result.returncode in (0, 1), result.stderr
        assert json.loads(result.stdout)["query"] in ("-x", "-rf")


def test_json_is_valid_utf8_whatever_bytes_the_arguments_held(synced):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "search", b"caddy\xff\xfe", "--json"],
        cwd=synced,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout.decode("utf-8"))
    assert document["query"].startswith("caddy") and document["results"]


def test_a_database_from_a_newer_podbot_is_refused(tmp_path):
    import sqlite3

    connection = sqlite3.connect(tmp_path / "new.db")
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    result = run(tmp_path, "search", "rust", "--db", "new.db")
    assert result.returncode == 2
    assert "written by a newer podbot (schema 99, this one knows 13)" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_database_locked_by_another_process_is_a_busy_error_not_a_traceback(tmp_path):
    import sqlite3

    assert run(tmp_path, "sync", "--db", "busy.db").returncode == 0
    (tmp_path / "config.toml").write_text("[store]\nbusy_timeout_seconds = 0.1\n")
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_process(tmp_path, "sync", "--db", "busy.db")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 2, result.stderr
    assert "database is busy (another podbot process is writing); try again" in result.stderr
    assert "Traceback" not in result.stderr
    assert set(feed_failures(tmp_path / "busy.db")) == {0}, "a busy store is no failure of the feed"


def feed_failures(path):
    import sqlite3

    return [row[0] for row in sqlite3.connect(path).execute("SELECT consecutive_failures FROM feed_state")]


def test_a_reader_that_stops_early_gets_its_line_and_no_traceback(synced):
    pipeline = subprocess.run(
        f"'{sys.executable}' -m bot search rust | head -1",
        shell=True,
        cwd=synced,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert len(pipeline.stdout.splitlines()) == 1 and "Traceback" not in pipeline.stderr
    writer = subprocess.Popen(
        [sys.executable, "-m", "bot", "export"],
        cwd=synced,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    writer.stdout.read(10)
    writer.stdout.close()  # like `head -c 10`
    assert writer.wait(timeout=60) == 0 and b"Traceback" not in writer.stderr.read()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "--bogus", "x"), "podbot: unrecognized arguments: --bogus; try 'python -m bot search --help'"),
        (("search",), "podbot: search needs a query; try 'python -m bot search --help'"),
        (("episode", "  "), "podbot: episode needs a query; try 'python -m bot episode --help'"),
        (("search", "IN:Transcript"), "podbot: search needs a query; try 'python -m bot search --help'"),
        (("latest", "--count", "0"), "podbot: argument --count: must be at least 1; try 'python -m bot latest --help'"),
        (("frobnicate",), "podbot: unknown command 'frobnicate' (choose from run, sync-commands, sync, search,"),
        (("serch", "caddy"), "podbot: unknown command 'serch' (did you mean 'search'?); try 'python -m bot --help'"),
    ],
)
def test_usage_errors_are_one_line_with_a_hint(tmp_path, args, message):
    result = run(tmp_path, *args)
    assert result.returncode == 2 and result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_option_says_what_it_does(tmp_path):
    for command in ("sync", "search", "episode", "latest", "export"):
        help_text = run(tmp_path, command, "--help").stdout
        options = [line.split()[0] for line in help_text.splitlines() if line.strip().startswith("--")]
        described = [line for line in help_text.splitlines() if line.strip().startswith("--") and len(line.split()) > 1]
        assert options and len(described) == len(options), help_text


def test_episode_json_without_a_match_is_still_one_document(synced):
    result = run(synced, "episode", "zzqqxx", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"query": "zzqqxx", "result": None, "suggestions": []}


def test_a_huge_first_sync_prints_a_summary_not_every_title(tmp_path):
    feed = tmp_path / "big.xml"
    feed.write_bytes(numbered_feed(40))
    result = run(tmp_path, "sync", "--feed", str(feed))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("  new: ") == 10 and "…and 30 more new (all of them with --json)" in result.stdout


def test_a_missing_number_is_not_a_dead_end(synced):
    result = run(synced, "episode", "ep 65")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "episodes 12–86 are indexed; none is numbered 65); closest: 63: " in result.stderr
    document = json.loads(run(synced, "episode", "#65", "--json").stdout)
    assert [s["number"] for s in document["suggestions"]] == [63, 64, 67]


def test_episode_offers_the_other_close_matches_and_caddy_has_none(synced):
    result = run(synced, "episode", "kotlin")
    assert result.returncode == 0, result.stderr
    offered = result.stdout.split("Did you mean:\n", 1)[1].splitlines()
    assert offered and all(line.startswith("  ") and "(" in line for line in offered)
    assert "Did you mean" not in run(synced, "episode", "caddy").stdout  # one clear answer


async def test_sync_json_never_shows_the_feeds_secrets(tmp_path, feed_server):
    import asyncio

    url = feed_server.serve(body=numbered_feed(2))
    secret = url.replace("http://", "http://user:s3cr3t@") + "?auth=s3cr3t"
    result = await asyncio.to_thread(run, tmp_path, "sync", "--feed", secret, "--json")
    assert result.returncode == 0, result.stderr
    assert "s3cr3t" not in result.stdout and "127.0.0.1" in json.loads(result.stdout)["source"]
