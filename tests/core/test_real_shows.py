"""Search on shows we never tuned on: small feeds of our own imitating what real publishers emit (a
games show with "Part II" titles, dates and season numbers in titles and re-runs; a Linux show;
a Catalan culture show), searched through the Library as the CLI, console and bot search."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from bot.core.config import Config
from bot.core.library import Library
from tests.conftest import rss, rss_item


def feed(language: str, *items: tuple[str, str] | tuple[str, str, int]) -> bytes:
    """A channel in LANGUAGE of (title, notes[, episode number]) items, newest first."""
    entries = [
        rss_item(
            title=title,
            guid=f"item-{i}",
            notes=f"<p>{html.escape(notes)}</p>",
            number=rest[0] if rest else None,
            audio=f"https://cdn.example/audio/{i}.mp3",
            pub_date=f"Mon, {1 + i % 28:02d} Jan {2024 - i // 28} 12:00:00 +0000",
        )
        for i, (title, notes, *rest) in enumerate(items)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>A show</title>'
        f"<link>https://example.com</link><language>{language}</language>" + "".join(entries) + "</channel></rss>"
    ).encode()


GAMES = feed(
    "en-us",
    ("The Last of Us Part II Spoilercast", "Spoilers for all of it: Ellie, Abby and a long trip to Seattle."),
    ("E3 2019: Nite 2", "Night two of our E3 coverage. Last episode we promised Keanu, and here he is."),
    ("Giant Bombcast 612: The Last Episode Of The Year", "Our last episode before the holidays, with all of us."),
    ("Borderlands 3 Review", "Loot, shooting and Claptrap: we played through the whole campaign."),
    ("Giant Bombcast 3/12/2019", "Borderlands news, Apex Legends and what we ate this week."),
    ("Resident Evil 2 Remake Quick Look", "Leon and Claire return to Raccoon City in the remake."),
    ("Beastcast Season 2: Resident Evil Village", "Lady Dimitrescu and the village, spoilers for all."),
    ("Hitman Pt. 2 with Jeff", "The second half of our playthrough of the Paris mission."),
    ("Hitman Part 1 with Jeff", "The first half of our playthrough of the Paris mission."),
    ("A Countess Below Stairs", "A period drama told through letters and a big house."),
    ("#35 One Strike (Rerun)", "A re-run of the roguelike episode: we died 300 times.", 35),
    ("#35 One Strike", "The roguelike where you die in one hit; we died 300 times.", 35),
    ("#34 Kart Racers", "Every kart racer ranked, from the good to the bad.", 34),
)

LINUX = feed(
    "en-us",
    ("PIS Poor DNS", "Why our resolvers fell over, and the projects we fixed afterwards."),
    ("Borg, Omega and Kubernetes", "How Google runs big clusters: Borg schedules every job, managing machines."),
    ("New Chromebooks", "Google ships Chromebooks that run Linux apps."),
    ("Kernel 5.9 Released", "New drivers, new filesystems, and projects that moved to Rust."),
    ("Ubuntu 18.04 Upgrade Stories", "Upgrading our servers and what broke."),
    ("Ceph Storage", "Storage clusters with Ceph, and the disks that died."),
    ("ZFS on Root", "Booting from ZFS and snapshots before every upgrade."),
    ("KDE Plasma 6", "The desktop, Wayland and what changed for themes."),
)

CATALAN = feed(
    "ca",
    ("Les festes de la Mercè, 2a part", "Continuem parlant de les festes de la Mercè amb els gegants i el correfoc."),
    ("Les festes de la Mercè, 1a part", "Comencem a parlar de les festes de la Mercè i dels castells."),
    ("Castellers i tradicions", "Els castellers van fer pilars a la plaça."),
    ("La cuina catalana", "Receptes de l'àvia: escudella, calçots i crema catalana."),
    ("El Barça i la ciutat", "Futbol, identitat i els partits que van canviar la ciutat."),
)


async def library_of(tmp_path: Path, name: str, content: bytes) -> Library:
    path = tmp_path / f"{name}.xml"
    path.write_bytes(content)
    library = await Library.open(Config(), db=tmp_path / f"{name}.db", feed=str(path))
    await library.sync()
    return library


def synced_show(name: str, content: bytes):
    """A fixture named NAME: a library synced from CONTENT, a feed of our own."""

    @pytest.fixture(name=name)
    async def synced(tmp_path: Path):
        async with await library_of(tmp_path, name, content) as library:
            yield library

    return synced


games = synced_show("games", GAMES)
linux = synced_show("linux", LINUX)
catalan = synced_show("catalan", CATALAN)


async def best_title(library: Library, query: str) -> str | None:
    found = await library.find(query)
    return found.best.episode.title if found.best else None


@pytest.mark.parametrize(
    "query",
    [
        "the last of us part 2",
        "the last of us part ii",
        "last of us pt 2",
        "the last of us second part",
        "last of us 2",
        "the last of us",
    ],
)
async def test_a_part_however_written_finds_the_part(games, query):
    assert await best_title(games, query) == "The Last of Us Part II Spoilercast"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("borderlands 3", "Borderlands 3 Review"),
        ("resident evil 2", "Resident Evil 2 Remake Quick Look"),
        ("hitman part 2", "Hitman Pt. 2 with Jeff"),
        ("hitman second part", "Hitman Pt. 2 with Jeff"),
        ("hitman part 1", "Hitman Part 1 with Jeff"),
    ],
)
async def test_a_number_is_the_one_beside_the_words(games, query, expected):
    assert await best_title(games, query) == expected


async def test_a_near_word_does_not_stand_in_for_one_the_show_never_used(games, linux):
    assert await best_title(games, "star wars") is None
    assert await best_title(linux, "raspberry pi projects") is None


async def test_one_missing_word_does_not_refuse_a_clear_question(linux):
    assert await best_title(linux, "how google manages huge clusters") == "Borg, Omega and Kubernetes"


async def test_episodes_sharing_a_number_are_all_offered(games):
    found = await games.find("episode 35")
    assert found.best is not None
    assert {found.best.episode.title, *(m.episode.title for m in found.alternatives)} == {
        "#35 One Strike",
        "#35 One Strike (Rerun)",
    }


async def test_a_number_beyond_the_catalogue_never_matches_notes(games):
    assert await best_title(games, "episode 300") is None
    assert await best_title(games, "300") is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("festes de la merce segona part", "Les festes de la Mercè, 2a part"),
        ("merce part 2", "Les festes de la Mercè, 2a part"),
        ("la merce primera part", "Les festes de la Mercè, 1a part"),
        ("casteller", "Castellers i tradicions"),
    ],
)
async def test_a_show_in_another_language_is_searched_in_its_words(catalan, query, expected):
    assert await best_title(catalan, query) == expected


CODER = feed(
    "en",
    ("Rust in Production | CR 12", "Shipping a Rust service, and what we measured.", 12),
    ("Best of 2014 | CR 133", "Our favourite moments of 2014, with 12 clips.", 133),
    ("Tabs or Spaces | CR 11", "The oldest argument, settled again.", 11),
).replace(b"<title>A show</title>", b"<title>Coder Radio</title>")
SE_STYLE = feed(
    "en",
    ("SE-Radio Episode 89: Joe Armstrong on Erlang", "Erlang, processes and letting it crash.", 89),
    ("SE-Radio Episode 90: Testing at Scale", "Flaky tests, 89 of them, and how to fix them.", 90),
    ("SE-Radio Episode 91: Build Systems", "Bazel, caching and hermetic builds.", 91),
)


@pytest.mark.parametrize(
    ("content", "query", "expected"),
    [
        (CODER, "coder radio 12", "Rust in Production | CR 12"),
        (CODER, "CR 133", "Best of 2014 | CR 133"),
        (SE_STYLE, "se radio 89", "SE-Radio Episode 89: Joe Armstrong on Erlang"),
        (SE_STYLE, "se-radio 91", "SE-Radio Episode 91: Build Systems"),
    ],
)
async def test_the_shows_own_name_beside_a_number_asks_for_that_episode(tmp_path, content, query, expected):
    async with await library_of(tmp_path, "show", content) as library:
        assert await best_title(library, query) == expected


async def test_two_words_the_show_writes_as_one_find_it(tmp_path):
    show = feed(
        "en",
        ("3.16: Doppelgängland", "Vampire Willow arrives from another world.", 16),
        ("3.15: Consequences", "Faith and the aftermath of the deputy mayor.", 15),
        ("Thread Safety in Practice", "Locks, atomics and the rest.", 14),
    )
    async with await library_of(tmp_path, "rewatch", show) as library:
        assert await best_title(library, "doppelganger land") == "3.16: Doppelgängland"
        assert await best_title(library, "thread safety") == "Thread Safety in Practice"  # both indexed: as typed


async def test_a_feed_in_any_language_num2words_knows_partly_is_searched(tmp_path):
    """num2words lacks some forms in some languages (Swedish ordinal numerals): search still works."""
    swedish = feed(
        "sv-SE",
        ("Andra delen: Vikingarna", "Vi fortsätter med vikingarna och deras skepp.", 2),
        ("Första delen: Vikingarna", "Vi börjar prata om vikingarna.", 1),
    )
    async with await library_of(tmp_path, "svenska", swedish) as library:
        assert await best_title(library, "vikingarna andra delen") == "Andra delen: Vikingarna"


def test_every_language_a_feed_may_declare_has_words_stems_and_numbers():
    from num2words import CONVERTER_CLASSES

    from bot.core.words.language import language_of

    for tag in [*CONVERTER_CLASSES, "ca", "eu", "ga", "sv-SE", "pt-BR", "xx", ""]:
        language = language_of(tag)
        assert language.number("2") == 2 and language.stem("testing")


# A rewatch show numbering "season.episode", and a narrative show numbering "S01 Episode 08",
# both restarting every season; and one whose seasons are only in itunes:season.
REWATCH = feed(
    "en",
    ("3.09: The Wish", "Cordelia wishes Buffy had never come to Sunnydale."),
    ("3.07: Revelations", "Faith's new watcher is not what she seems."),
    ("2.07: Lie to Me", "An old friend of Buffy's wants to be a vampire."),
    ("1.07: Angel", "Buffy learns what Angel is."),
    ("0.07: Interview with a Composer", "The man who wrote the music, on how it was made."),
)
NARRATIVE = feed(
    "en",
    ("S02 Episode 03: Escaping", "How he got away, and what came after."),
    ("S01 Update: Day 03, The Hearing", "The last day of the hearing."),
    ("S01 Update: Day 02, The Hearing", "The second day of the hearing, and a surprise witness."),
    ("S01 Episode 08: The Deal with Jay", "Jay's story, told again."),
    ("S01 Episode 03: Leakin Park", "Where the car was found."),
)


rewatch = synced_show("rewatch", REWATCH)
narrative = synced_show("narrative", NARRATIVE)


@pytest.mark.parametrize("query", ["season 3 episode 9", "s3e9", "S03E09", "3.09", "3x09", "season three, ep 9"])
async def test_a_season_and_episode_however_written_finds_that_episode(rewatch, query):
    assert await best_title(rewatch, query) == "3.09: The Wish"


async def test_an_episode_number_of_a_show_that_restarts_each_season_offers_every_season(rewatch, narrative):
    found = await rewatch.find("episode 7")
    assert found.best is not None
    offered = {found.best.episode.title, *(match.episode.title for match in found.alternatives)}
    assert offered == {"3.07: Revelations", "2.07: Lie to Me", "1.07: Angel", "0.07: Interview with a Composer"}
    assert await best_title(narrative, "season one episode 8") == "S01 Episode 08: The Deal with Jay"
    assert await best_title(narrative, "season 2 episode 3") == "S02 Episode 03: Escaping"
    found = await narrative.find("episode 3")
    assert found.best is not None
    assert {found.best.episode.title, *(m.episode.title for m in found.alternatives)} == {
        "S02 Episode 03: Escaping",
        "S01 Episode 03: Leakin Park",
    }


async def test_a_season_number_is_never_shown_as_the_episode_number(rewatch):
    (match,) = await rewatch.search("the wish", limit=1)
    assert match.episode.display_title == "3.09: The Wish"
    assert (match.episode.season, match.episode.number) == (3, 9)


async def test_a_day_written_with_a_leading_zero_is_that_day(narrative):
    assert await best_title(narrative, "the hearing day 2") == "S01 Update: Day 02, The Hearing"


async def test_seasons_given_only_by_itunes_season_are_seasons(tmp_path):
    items = [
        rss_item(title=title, guid=title, number=number, extra=f"<itunes:season>{season}</itunes:season>")
        for title, season, number in (("Escaping", 2, 3), ("Leakin Park", 1, 3), ("The Alibi", 1, 1))
    ]
    async with await library_of(tmp_path, "seasons", rss(*items)) as library:
        assert await best_title(library, "season 1 episode 3") == "Leakin Park"
        assert await best_title(library, "s2e3") == "Escaping"


# A security show whose notes carry the story: the title names one word of a query, the notes of
# the episode meant say its rarer words together.
SECURITY = feed(
    "en",
    ("Wifi Stack Overfloweth", "A stack overflow in a wireless driver, and an attack on home routers."),
    ("HAMR Time", "Bad news for wifi lovers as the KRACK hack takes the world by storm; and lasers in disks."),
    ("Gambling with Code", "The latest on GitLab's data disaster, and a clever new way to gamble with code."),
    ("Metadata Matters", "What metadata says about you, and the data brokers who sell it."),
    ("Packet Loss", "Packet loss on the backbone and the routers that dropped it."),
    ("Data Centers Burn", "A fire in a data center, and backups that were never tested."),
    ("Formula for Disaster", "The formula that predicts outages, and a data breach."),
    ("Password Managers", "Audits of password managers and what they found."),
)


security = synced_show("security", SECURITY)


@pytest.mark.parametrize(
    ("query", "title"), [("krack wifi attack", "HAMR Time"), ("gitlab data loss", "Gambling with Code")]
)
async def test_notes_that_say_the_rarer_words_together_win_over_a_title_with_one(security, query, title):
    assert await best_title(security, query) == title


@pytest.mark.parametrize("query", ["formula one racing", "star wars", "sourdough starter recipe"])
async def test_a_topic_the_show_never_covered_is_still_refused(security, query):
    assert await best_title(security, query) is None


async def test_a_number_beside_the_initials_of_the_show_asks_for_that_episode(tmp_path):
    items = [
        rss_item(title=f"Episode {n}: {topic}", guid=f"se-{n}", number=n)
        for n, topic in ((89, "Joe Armstrong on Erlang"), (88, "The Singularity Research OS"), (9, "Remoting"))
    ]
    async with await library_of(tmp_path, "seradio", rss(*items, title="Software Engineering Radio")) as library:
        assert await best_title(library, "se radio 89") == "Episode 89: Joe Armstrong on Erlang"


# A Linux show that says "star" in one title and "war" in another, and "video" and "game" in
# passing in one episode's notes: none of it is about Star Wars or speedrunning.
NEAR_MISSES = feed(
    "en",
    ("Slaving for Red Star OS", "North Korea's own Linux distribution, taken apart."),
    ("The Patent War", "Who sues whom over patents, and why it matters for Linux."),
    ("Kdenlive Deep Dive", "Editing video on Linux, and our game of the week: SuperTuxKart."),
    ("Wayland at Last", "The display server arrives on every desktop."),
    ("Btrfs Snapshots", "Rolling back a broken upgrade in seconds."),
    ("Steam on Linux", "Valve's client, drivers and the games that run."),
)


near_misses = synced_show("near_misses", NEAR_MISSES)


@pytest.mark.parametrize("query", ["star wars", "video game speedrunning"])
async def test_words_said_apart_or_in_passing_do_not_answer_a_topic_never_covered(near_misses, query):
    assert await best_title(near_misses, query) is None


async def test_the_words_of_a_title_still_find_it_beside_a_word_the_show_never_said(near_misses):
    assert await best_title(near_misses, "red star") == "Slaving for Red Star OS"
    assert await best_title(near_misses, "red star ubuntu") == "Slaving for Red Star OS"


async def test_a_word_with_sharp_s_is_found_as_written_and_as_typed_without_it(tmp_path):
    items = [rss_item(title=title, guid=title) for title in ("Schöne Grüße aus München", "Die Straße nach Hause")]
    async with await library_of(tmp_path, "german", rss(*items)) as library:
        assert await best_title(library, "grüße") == "Schöne Grüße aus München"
        assert await best_title(library, "strasse") == "Die Straße nach Hause"


@pytest.mark.parametrize(
    ("name", "title"), [("els castellers", "Castellers i tradicions"), ("de la cuina", "La cuina catalana")]
)
async def test_a_topic_in_another_language_leaves_out_that_languages_stop_words(catalan, name, title):
    answer = await catalan.topic(name)
    assert [result.match.episode.title for result in answer.results] == [title]


def tagged_feed(*items: tuple[str, str, tuple[str, ...]]) -> bytes:
    """A channel (no <language>: English) of (title, notes, the item's categories) items, newest first."""
    return rss(
        *(
            rss_item(
                title=title,
                guid=f"tagged-{i}",
                notes=f"<p>{html.escape(notes)}</p>",
                audio=f"https://cdn.example/audio/tagged-{i}.mp3",
                pub_date=f"Mon, {1 + i:02d} Jan 2024 12:00:00 +0000",
                extra="".join(f"<category>{html.escape(tag)}</category>" for tag in tags),
            )
            for i, (title, notes, tags) in enumerate(items)
        ),
        title="An engineering show",
    )


engineering = synced_show(
    "engineering",
    tagged_feed(
        (
            "Adrian Cole on Platform as a Service",
            "Why teams rent a platform instead of running servers.",
            ("Docker", "Cloud"),
        ),
        ("James Turnbull on Docker", "Containers, images and what they changed for operations.", ()),
        ("Neha Narkhede on Kafka", "Logs as the heart of a data platform.", ("Streaming",)),
        ("Martin Kleppmann on CRDTs", "Editing the same document offline and merging later.", ("Distributed systems",)),
        ("Kelsey Hightower on Kubernetes", "Scheduling containers across a cluster.", ("Docker", "Cloud")),
        ("Charity Majors on Observability", "Events, traces and asking new questions in production.", ("Operations",)),
        ("Bryan Cantrill on Debugging", "Postmortem debugging and the tools that make it possible.", ("Operations",)),
    ),
)


async def test_an_episode_whose_title_says_the_topic_beats_one_a_tag_is_all_it_has(engineering):
    # SE Radio: `episode docker` answered a PaaS episode because of its "Docker" tag alone.
    found = await engineering.find("docker")
    assert found.best is not None and found.best.episode.title == "James Turnbull on Docker"
    listed = [match.episode.title for match in await engineering.search("docker")]
    assert set(listed[:3]) >= {"James Turnbull on Docker", "Adrian Cole on Platform as a Service"}
