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
    assert config.discord.owner_ids == (1, 2)
    assert config.refresh.interval_minutes == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[feed]\nurll = 'x'\n", "unknown key 'feed.urll'"),
        ("[fede]\nurl = 'x'\n", "unknown section or key 'fede'"),
        ("[refresh]\ninterval_minutes = 'soon'\n", "'refresh.interval_minutes' must be a whole number"),
        ("[refresh]\ninterval_minutes = 0\n", "'refresh.interval_minutes' must be greater than 0"),
        ("[discord]\nowner_ids = ['me']\n", "'discord.owner_ids' must be a list of whole numbers"),
        ("[discord]\ntest_guild_id = true\n", "'discord.test_guild_id' must be a whole number"),
        ("[logging]\nlevel = 'LOUD'\n", "'logging.level' must be one of"),
        ("[feed]\nmax_shrink_ratio = 2\n", "'feed.max_shrink_ratio' must be between 0 and 1"),
        ("feed = 3\n", "'feed' must be a table"),
        ("[feed\nurl = 1", "not valid TOML"),
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
        ('[[companions]]\nname = "x"\nurl = "u"\n[[companions]]\nname = "x"\nurl = "v"\n', "repeats the name"),
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
