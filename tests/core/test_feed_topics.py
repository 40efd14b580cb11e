"""Topics from a feed's own tags hold up on any show: show-wide tags are not topics, the
publisher's spelling is kept, singular and plural are one topic, and an item keeps all its tags."""

from bot.core.config import Config
from bot.core.library import Library
from tests.conftest import rss, rss_item

SHOW_WIDE = ["Linux", "Jupiter Broadcasting", "Open Source", "Tech", "News", "BSD", "Ubuntu", "Podcast",
             "Technology", "Software", "Free", "GNU", "Servers", "Sysadmin", "Security"]  # fmt: skip


def tagged_item(n: int, tags: list[str], notes: str = "<p>Notes.</p>") -> str:
    categories = "".join(f"<category>{tag}</category>" for tag in tags)
    return rss_item(title=f"Episode {n}", guid=f"t{n}", number=n, audio=f"https://cdn.example/{n}.mp3",
                    notes=notes, extra=categories)  # fmt: skip


def sysadmin_show() -> bytes:
    own = {1: ["ZFS", "Databases"], 2: ["zfs", "Database"], 3: ["Red Hat", "database"], 4: ["KDE"], 5: ["KDE"]}
    many = [f"Keyword {k}" for k in range(30)] + ["Pop!_OS"]
    items = [tagged_item(n, SHOW_WIDE + own.get(n, []) + (many if n == 6 else [])) for n in range(1, 11)]
    return rss(*items, title="Sysadmin Weekly")


async def test_tags_on_every_episode_are_the_shows_and_spellings_of_one_topic_are_one(tmp_path):
    feed = tmp_path / "show.xml"
    feed.write_bytes(sysadmin_show())
    async with await Library.open(Config(), db=tmp_path / "s.db", feed=str(feed)) as library:
        await library.sync()
        topics = {t.label: t.episodes for t in await library.topics()}
        episode_six = next(e for e in await library.episodes() if e.number == 6)
        six_topics = {t.label for t in (await library.topics_of([episode_six.id]))[episode_six.id]}
        database = await library.topic("databases")
    assert not set(SHOW_WIDE) & set(topics), topics
    assert topics["ZFS"] == 2 and topics["KDE"] == 2 and topics["Red Hat"] == 1
    assert [label for label in topics if label.lower().startswith("database")] == ["Database"]
    assert topics["Database"] == 3 and len(database.results) == 3
    assert "Pop!_OS" in six_topics  # the 46th tag of its item


async def test_plurals_are_stemmed_in_the_feeds_language(tmp_path):
    items = [tagged_item(1, ["Pel·lícules"]), tagged_item(2, ["Pel·lícules"]), tagged_item(3, ["pel·lícula"])]
    items += [tagged_item(n, ["Sèries"]) for n in range(4, 10)]
    body = rss(*items, title="Cinema").replace(b"<channel>", b"<channel><language>ca</language>")
    feed = tmp_path / "ca.xml"
    feed.write_bytes(body)
    async with await Library.open(Config(), db=tmp_path / "ca.db", feed=str(feed)) as library:
        await library.sync()
        topics = {t.label: t.episodes for t in await library.topics()}
    assert topics == {"Pel·lícules": 3}, topics  # "Sèries" is on 6 of the 9 episodes: the show's


async def test_a_sponsor_the_notes_read_out_is_the_shows_not_a_topic(tmp_path):
    read = "<p>Sponsored by Acme Cloud: hundreds of courses, thousands of labs.</p><p>0:{n}0 Sponsor: Acme Cloud</p>"
    own = {1: "KDE", 2: "KDE", 3: "Fedora", 4: "Fedora", 5: "ZFS", 6: "ZFS", 7: "Btrfs", 8: "Btrfs", 9: "Arch"}
    items = [
        tagged_item(
            n, [own.get(n, "Debian")] + (["Acme Cloud"] if n in (1, 4, 7) else []), f"<p>We try {own.get(n)}.</p>"
        )
        for n in range(1, 11)
    ]
    items += [tagged_item(n, [], read.replace("{n}", str(n))) for n in range(11, 17)]
    feed = tmp_path / "show.xml"
    feed.write_bytes(rss(*items, title="Desktop Weekly"))
    async with await Library.open(Config(), db=tmp_path / "s.db", feed=str(feed)) as library:
        await library.sync()
        topics = {t.label for t in await library.topics()}
    assert topics == {"KDE", "Fedora", "ZFS", "Btrfs", "Arch", "Debian"}, topics
