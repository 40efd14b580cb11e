"""The command line with several podcasts: every command takes --podcast, results name their show."""

import json

import pytest

from tests.core.test_several_podcasts import show
from tests.terminal.running import run


@pytest.fixture
def network(tmp_path):
    for name, word in (("alpha", "gardening"), ("beta", "compilers")):
        (tmp_path / f"{name}.xml").write_bytes(show(name.title(), range(1, 4), word))
    (tmp_path / "config.toml").write_text(
        "".join(
            f'[[podcasts]]\nname = "{name}"\nurl = "{tmp_path / name}.xml"\n' for name in ("alpha", "beta", "gamma")
        )
    )
    return tmp_path


def test_sync_syncs_every_podcast_and_reports_the_broken_one_beside_the_others(network):
    result = run(network, "sync", "--json")
    assert result.returncode == 3  # gamma's file is missing
    reports = {entry["podcast"]: entry for entry in json.loads(result.stdout)["podcasts"]}
    assert (len(reports["alpha"]["new"]), len(reports["beta"]["new"])) == (3, 3)
    assert "gamma.xml" in reports["gamma"]["error"]
    together = run(network, "sync").stdout.splitlines()
    assert together[:2] == ["alpha:", "  Feed unchanged since the last sync (3 episodes stored)."]
    assert together[-1].startswith("gamma: feed error: ") and "gamma.xml" in together[-1]
    text = run(network, "sync", "--podcast", "alpha")
    assert (text.returncode, text.stdout.strip()) == (0, "Feed unchanged since the last sync (3 episodes stored).")
    listed = json.loads(run(network, "podcasts", "--json").stdout)["podcasts"]
    assert [(p["name"], p["episodes"], p["configured"]) for p in listed] == [
        ("alpha", 3, True),
        ("beta", 3, True),
        ("gamma", 0, True),
    ]
    assert listed[2]["last_sync"] is None and "gamma.xml" in listed[2]["last_error"]
    assert "never synced" in run(network, "podcasts").stdout.splitlines()[2]
    health = run(network, "health")  # one broken feed among several: shown, not a restart
    assert health.returncode == 0 and "ok: 2 of 3 podcasts synced lately" in health.stdout


def test_results_name_their_podcast(network):
    run(network, "sync")
    results = json.loads(run(network, "search", "stories", "--json", "--limit", "10").stdout)["results"]
    assert {r["podcast"] for r in results} == {"alpha", "beta"}
    episode = json.loads(run(network, "episode", "beta:2", "--json").stdout)
    assert (episode["podcast"], episode["number"]) == ("beta", 2)
    latest = run(network, "latest", "--podcast", "alpha", "--count", "2")
    assert [line.split("  ", 1)[1] for line in latest.stdout.splitlines()] == [
        "[alpha] 3: Alpha 3: gardening stories part 3",
        "[alpha] 2: Alpha 2: gardening stories part 2",
    ]
    exported = json.loads(run(network, "export", "--json", "--podcast", "beta").stdout)
    assert exported["podcast"]["title"] == "Beta Show" and {e["podcast"] for e in exported["episodes"]} == {"beta"}
    assert [(p["name"], p["title"]) for p in exported["podcasts"]] == [("beta", "Beta Show")]
    # The podcast column lines up however long each show's name is.
    listed = run(network, "export", "--podcast", "beta", "--podcast", "alpha").stdout.splitlines()
    assert {line.split()[0] for line in listed} == {"alpha", "beta"}
    assert len({line.index(line.split()[2]) for line in listed}) == 1  # every title starts in one column
    everything = json.loads(run(network, "export", "--json").stdout)
    # Several shows exported: none of them is "the" podcast, and each is described.
    assert everything["podcast"] is None
    assert [(p["name"], p["title"]) for p in everything["podcasts"]] == [
        ("alpha", "Alpha Show"),
        ("beta", "Beta Show"),
        ("gamma", None),
    ]
    unknown = run(network, "search", "stories", "--podcast", "delta")
    assert unknown.returncode == 2 and "no podcast named 'delta' (podcasts: alpha, beta, gamma)" in unknown.stderr
