import dataclasses

import pytest

from bot.core.config import Config, ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_config(None) == Config()


def test_example_config_is_valid_and_equals_the_defaults():
    from tests.conftest import ROOT

    config = load_config(ROOT / "config.example.toml")
    assert config == Config(source_file=str(ROOT / "config.example.toml"))


def test_values_are_read(tmp_path):
    config = load_config(
        write(
            tmp_path,
            '[feed]\nurl = "https://x.example/rss"\n[discord]\nowner_ids = [1, 2]\n[refresh]\ninterval_minutes = 5\n',
        )
    )
    assert config.feed.url == "https://x.example/rss"
    assert config.discord.shards is None
    assert load_config(write(tmp_path, '[discord]\nshards = "auto"\n')).discord.shards == "auto"
    assert load_config(write(tmp_path, "[discord]\nshards = 4\n")).discord.shards == 4
    assert config.discord.owner_ids == (1, 2)
    assert config.refresh.interval_minutes == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[feed]\nurll = 'x'\n", "unknown key 'feed.urll'"),
        ("[fede]\nurl = 'x'\n", "unknown section or key 'fede'"),
        ("[refresh]\ninterval_minutes = 'soon'\n", "'refresh.interval_minutes' must be a whole number"),
        ("[refresh]\ninterval_minutes = 0\n", "'refresh.interval_minutes' must be between 1 and 10080, got 0"),
        ("[discord]\nowner_ids = ['me']\n", "'discord.owner_ids' must be a list of whole numbers"),
        ("[discord]\ntest_guild_id = true\n", "'discord.test_guild_id' must be a whole number"),
        ("[discord]\nshards = 'many'\n", "'discord.shards' must be \"auto\" or a whole number of shards"),
        ("[discord]\nshards = 0\n", "'discord.shards' must be between 1 and 10000, got 0"),
        ("[logging]\nlevel = 'LOUD'\n", "'logging.level' must be one of"),
        ("[feed]\nmax_shrink_ratio = 2\n", "'feed.max_shrink_ratio' must be between 0 and 1"),
        ("feed = 3\n", "'feed' must be a table"),
        ("[feed\nurl = 1", "not valid TOML"),
        (
            "[[podcasts]]\nurl = 'a.xml'\n",
            r"'podcasts\[1\]\.name' must be a non-empty string, got nothing: the key is missing",
        ),
        (
            "[[companions]]\nname = 'blog'\n",
            r"'companions\[1\]\.url' must be a non-empty string, got nothing: the key is missing",
        ),
    ],
)
def test_bad_config_names_the_key_and_the_file(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_missing_file_named(tmp_path):
    with pytest.raises(ConfigError, match="missing.toml: config file not found"):
        load_config(tmp_path / "missing.toml")


def test_companions_and_topic_aliases_are_read_and_checked(tmp_path):
    from bot.core.config import CompanionConfig

    config = load_config(
        write(
            tmp_path,
            '[topics]\naliases = { k8s = "kubernetes" }\n'
            '[[companions]]\nname = "Our blog"\nurl = "https://blog.example/feed/"\n',
        )
    )
    assert config.companions == (CompanionConfig(name="Our blog", url="https://blog.example/feed/"),)
    assert config.topics.aliases == (("k8s", "kubernetes"),)
    assert load_config(write(tmp_path, "companions = []\n")).companions == ()
    for text, message in (
        ('[[companions]]\nname = "x"\n', "'companions[1].url' must be a non-empty string"),
        ('[[companions]]\nname = "x"\nurl = "u"\nfeed = "f"\n', "unknown key 'companions[1].feed'"),
        (
            '[[companions]]\nname = "x"\nurl = "u"\n[[companions]]\nname = "x"\nurl = "v"\n',
            "'companions[2].name' repeats the name 'x'",
        ),
        ("companions = 3\n", "'companions' must be [[companions]] tables"),
        ("[topics]\naliases = [1]\n", "'topics.aliases' must be a table of words"),
    ):
        with pytest.raises(ConfigError) as error:
            load_config(write(tmp_path, text))
        assert str(error.value).startswith(str(tmp_path / "config.toml")) and message in str(error.value)


async def test_no_companions_for_another_podcast_unless_configured(tmp_path, feed_server):
    from bot.core.library import Library
    from tests.conftest import rss, rss_item

    url = feed_server.serve(body=rss(rss_item()))
    async with await Library.open(Config(), db=tmp_path / "a.db", feed=url) as other_podcast:
        assert other_podcast.companions == []
    async with await Library.open(Config(), db=tmp_path / "b.db") as bundled:
        assert [c.companion.name for c in bundled.companions] == ["Engineering at Meta"]
    async with await Library.open(Config(companions=()), db=tmp_path / "c.db") as turned_off:
        assert turned_off.companions == []


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("[announce]\ndigest_pending_after_hours = inf\n", "announce.digest_pending_after_hours"),
        ("[announce]\ndigest_pending_after_hours = nan\n", "announce.digest_pending_after_hours"),
        ("[announce]\ndigest_pending_after_hours = 1e300\n", "announce.digest_pending_after_hours"),
        ("[feed]\ntimeout_seconds = nan\n", "feed.timeout_seconds"),
        ("[feed]\ntimeout_seconds = inf\n", "feed.timeout_seconds"),
        ("[feed]\nmax_bytes = 9223372036854775807\n", "feed.max_bytes"),
        ("[refresh]\ninterval_minutes = 9223372036854775807\n", "refresh.interval_minutes"),
        ("[refresh]\njitter_seconds = 9223372036854775807\n", "refresh.jitter_seconds"),
        ("[discord]\nresync_cooldown_seconds = 1e300\n", "discord.resync_cooldown_seconds"),
        ("[store]\nbusy_timeout_seconds = inf\n", "store.busy_timeout_seconds"),
    ],
)
def test_every_number_has_a_finite_range_checked_at_load(tmp_path, line, key):
    path = write(tmp_path, line)
    with pytest.raises(ConfigError, match=f"'{key}' must be") as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message


def test_every_number_in_the_defaults_has_a_documented_range():
    from bot.core import config as module
    from tests.conftest import ROOT

    example = (ROOT / "config.example.toml").read_text()
    numeric = {
        f"{section.name}.{key.name}"
        for section in dataclasses.fields(Config)
        if dataclasses.is_dataclass(section.default_factory)  # type: ignore[arg-type]
        for key in dataclasses.fields(section.default_factory)  # type: ignore[arg-type]
        if key.type in ("int", "float", "tuple[int, ...]")
    }
    assert numeric and numeric <= set(module.RANGES)
    for key in numeric:
        low, high = module.RANGES[key]
        assert f"# Range: {module.range_text(low, high)}." in example, key


def test_a_secret_under_a_wrong_typed_key_is_never_echoed(tmp_path):
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.s3cr3t-token-value"
    for text in (
        f'[discord]\nowner_ids = "{token}"\n',
        f'[discord]\ntest_guild_id = "{token}"\n',
        f'[[companions]]\nname = "blog"\nurl = ["{token}"]\n',
        f'[search]\nsynonyms = "{token}"\n',
    ):
        with pytest.raises(ConfigError) as caught:
            load_config(write(tmp_path, text))
        assert "s3cr3t" not in str(caught.value)
        assert "got a string" in str(caught.value) or "got a list" in str(caught.value)


def test_a_byte_order_mark_and_an_empty_store_path_are_named(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf[feed]\nurl = ''\n")
    with pytest.raises(ConfigError, match="byte-order mark"):
        load_config(path)
    with pytest.raises(ConfigError, match="'store.path' must be a file path, got an empty string"):
        load_config(write(tmp_path, '[store]\npath = " "\n'))


def test_podcasts_are_read_in_order_with_their_own_settings(tmp_path):
    from bot.core.config import CompanionConfig, PodcastConfig

    config = load_config(
        write(
            tmp_path,
            '[[podcasts]]\nname = "meta"\nurl = "https://a.example/rss"\ntitle = "Meta Tech"\nrefresh_minutes = 5\n'
            '[[podcasts.companions]]\nname = "Blog"\nurl = "https://a.example/blog"\n'
            '[[podcasts]]\nname = "radio-2"\nurl = "/feeds/radio.xml"\n',
        )
    )
    assert config.podcasts == (
        PodcastConfig(
            "meta", "https://a.example/rss", "Meta Tech", 5, (CompanionConfig("Blog", "https://a.example/blog"),)
        ),
        PodcastConfig("radio-2", "/feeds/radio.xml"),
    )


def test_without_podcasts_the_feed_or_the_bundled_snapshot_is_the_one_podcast(tmp_path):
    assert [p.name for p in Config().podcasts] == ["meta-tech-podcast"]  # the bundled file's name
    one = load_config(write(tmp_path, '[feed]\nurl = "https://feeds.example/coder-radio.xml"\n'))
    assert [(p.name, p.url) for p in one.podcasts] == [("coder-radio", "https://feeds.example/coder-radio.xml")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[feed]\nurl = "u"\n[[podcasts]]\nname = "a"\nurl = "v"\n', "both 'feed.url' and '[[podcasts]]'"),
        ('[[companions]]\nname = "b"\nurl = "w"\n[[podcasts]]\nname = "a"\nurl = "v"\n', "both '[[companions]]'"),
        ('[[podcasts]]\nurl = "v"\n', "'podcasts[1].name' must be a non-empty string"),
        ('[[podcasts]]\nname = "Big Show"\nurl = "v"\n', "'podcasts[1].name' must be a short lower-case name"),
        ('[[podcasts]]\nname = "a"\nurl = "v"\n[[podcasts]]\nname = "a"\nurl = "w"\n', "repeats the name 'a'"),
        ('[[podcasts]]\nname = "a"\nurl = "v"\n[[podcasts]]\nname = "b"\nurl = "v"\n', "'podcasts[2].url' repeats"),
        ('[[podcasts]]\nname = "a"\nurl = "v"\nrefresh_minutes = 0\n', "'podcasts[1].refresh_minutes' must be between"),
        ('[[podcasts]]\nname = "a"\nurl = "v"\nfeed = 1\n', "unknown key 'podcasts[1].feed'"),
        ("podcasts = []\n", "'podcasts' must be [[podcasts]] tables"),
    ],
)
def test_bad_podcasts_name_the_key_and_the_file(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
