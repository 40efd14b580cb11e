"""Configuration: a TOML file read into frozen dataclasses, every key checked.

An unknown key, a wrong type or a bad value is a ConfigError naming the key and the file, so a
typo never silently falls back to a default. The Discord token is not configuration: it comes
only from the DISCORD_TOKEN environment variable.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_CONFIG_FILE = Path("config.toml")


class ConfigError(Exception):
    """A configuration problem, worded for the person who has to fix the file."""


@dataclass(frozen=True)
class FeedConfig:
    url: str = ""  # http(s) URL or local path; empty means the bundled snapshot
    timeout_seconds: float = 30.0
    # The largest podcasts' feeds (10,000 episodes with long notes) are 20-30 MB.
    max_bytes: int = 50_000_000
    max_redirects: int = 5
    # Refuse a sync whose feed lost more than this share of the stored episodes at once.
    max_shrink_ratio: float = 0.5
    # Files a feed names (podcast:chapters) and redirects go only to public addresses, or to
    # this feed's own origin; true also admits private LAN ranges (never loopback or metadata).
    allow_private_addresses: bool = False
    # Bounds on what one feed can make podbot do.
    max_title_chars: int = 1_000
    max_notes_chars: int = 100_000
    max_chapters: int = 500
    linked_files_per_sync: int = 50
    linked_file_max_bytes: int = 1_000_000
    linked_bytes_per_sync: int = 20_000_000
    linked_fetches_at_once: int = 4
    linked_file_timeout_seconds: float = 10.0
    transcript_max_bytes: int = 5_000_000  # podcast:transcript files: real ones run to a few MB
    # A large feed is parsed in a child process, which is stopped after this long.
    parse_timeout_seconds: float = 300.0


@dataclass(frozen=True)
class StoreConfig:
    path: str = "data/episodes.db"
    # How long a write waits for another podbot process (the bot, a CLI sync) to finish its own.
    busy_timeout_seconds: float = 5.0


@dataclass(frozen=True)
class RefreshConfig:
    interval_minutes: int = 15
    jitter_seconds: int = 60
    # Feeds fetched at the same time, however many podcasts are due (a sync of each is short).
    feeds_at_once: int = 4


@dataclass(frozen=True)
class DiscordConfig:
    test_guild_id: int = 0
    owner_ids: tuple[int, ...] = ()
    resync_cooldown_seconds: int = 60
    # None: one gateway connection (commands.Bot). "auto": as many shards as Discord recommends;
    # a number: that many. Discord requires shards past 2,500 servers.
    shards: int | str | None = None


@dataclass(frozen=True)
class AnnounceConfig:
    digest_after: int = 3
    # Announcements still pending after this many hours (a channel closed to the bot for a while)
    # go out together as one digest.
    digest_pending_after_hours: float = 24.0


@dataclass(frozen=True)
class SearchConfig:
    # More groups of words that mean the same, added to the ones podbot ships (bot/core/search/synonyms.py).
    synonyms: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class TopicsConfig:
    # More words for topics, added to the ones podbot ships (bot/core/topics/labels.py): word -> topic.
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CompanionConfig:
    """A feed of articles about the podcast's episodes (a blog's RSS or Atom feed)."""

    name: str
    url: str  # http(s) URL or local path, fetched and guarded like the podcast feed


@dataclass(frozen=True)
class PodcastConfig:
    """One podcast the instance follows: a `[[podcasts]]` entry, or the one `[feed] url` (or the
    bundled snapshot) names."""

    name: str  # a short lower-case slug, used in commands (`--podcast NAME`, `name:64`)
    url: str  # http(s) URL or local path; empty means the bundled snapshot
    title: str | None = None  # shown instead of the feed's own title
    refresh_minutes: int | None = None  # None: refresh.interval_minutes
    # None: the bundled blog snapshot when the podcast is the bundled snapshot, else none.
    companions: tuple[CompanionConfig, ...] | None = None


@dataclass(frozen=True)
class LoggingConfig:
    level: str = "INFO"


@dataclass(frozen=True)
class Config:
    feed: FeedConfig = field(default_factory=FeedConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    announce: AnnounceConfig = field(default_factory=AnnounceConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    # None: the bundled blog snapshot when the podcast is the bundled snapshot, else none.
    companions: tuple[CompanionConfig, ...] | None = None
    source_file: str | None = None
    listed_podcasts: tuple[PodcastConfig, ...] = ()  # the [[podcasts]] entries

    @property
    def podcasts(self) -> tuple[PodcastConfig, ...]:
        """Every podcast to follow, in config order: the [[podcasts]] entries, else the one
        `[feed] url` names, else the bundled snapshot."""
        if self.listed_podcasts:
            return self.listed_podcasts
        return (single_podcast(self.feed.url, self.companions),)

    @property
    def names_feeds(self) -> bool:
        """Whether the file chose the feeds (else the store's own, or the bundled snapshot, are read)."""
        return bool(self.listed_podcasts or self.feed.url.strip())


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
# Path parts of a feed address that say nothing of which show it is.
_GENERIC_PARTS = frozenset("feed feeds rss podcast podcasts atom xml index itunes audio mp3 main default".split())
_GENERIC_HOST_PARTS = frozenset("www feeds feed rss podcast podcasts".split())


def podcast_name_of(source: str) -> str:
    """The name of the podcast SOURCE (a feed address or file) is, when the config gives none: a
    file's stem ("meta-tech-podcast"), else the address's last telling path part, else its host
    ("changelog" for https://changelog.com/podcast/feed). The same source always gets the same
    name, so a store keeps knowing its podcast across restarts."""
    from bot.core.ingest.feed import is_url, resolve_source  # the feed module reads this config

    source = resolve_source(source)
    if is_url(source):
        address = urlsplit(source)
        parts = [Path(part).stem if i == 0 else part for i, part in enumerate(reversed(address.path.split("/")))]
        telling = [part for part in parts if part and part.lower() not in _GENERIC_PARTS]
        if telling:
            return _slug(telling[0])
        hostname = address.hostname or ""
        if hostname.replace(".", "").replace(":", "").isalnum() and not any(c.isalpha() for c in hostname):
            return _slug(hostname)  # an IP address is all the name it has
        host = [part for part in hostname.split(".") if part not in _GENERIC_HOST_PARTS]
        return _slug(host[0] if len(host) > 1 else "".join(host))
    return _slug(Path(source).stem)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:32].strip("-")
    return slug or "podcast"


def single_podcast(url: str, companions: tuple[CompanionConfig, ...] | None = None) -> PodcastConfig:
    """The one podcast of a config without [[podcasts]] (or of `--feed`), named by its source."""
    return PodcastConfig(name=podcast_name_of(url), url=url.strip(), companions=companions)


_BIGGEST_ID = 2**63 - 1  # Discord ids are 64-bit snowflakes
# Every number's range, inclusive; config.example.toml shows each one as "(LOW to HIGH)".
RANGES: dict[str, tuple[float, float]] = {
    "feed.timeout_seconds": (0.01, 3600.0),
    "feed.max_bytes": (1, 2_000_000_000),
    "feed.max_redirects": (0, 20),
    "feed.max_shrink_ratio": (0.0, 1.0),
    "feed.max_title_chars": (1, 100_000),
    "feed.max_notes_chars": (1, 10_000_000),
    "feed.max_chapters": (1, 10_000),
    "feed.linked_files_per_sync": (0, 10_000),
    "feed.linked_file_max_bytes": (1, 100_000_000),
    "feed.linked_bytes_per_sync": (1, 2_000_000_000),
    "feed.linked_fetches_at_once": (1, 64),
    "feed.linked_file_timeout_seconds": (0.01, 3600.0),
    "feed.transcript_max_bytes": (1, 200_000_000),
    "feed.parse_timeout_seconds": (0.01, 86400.0),
    "store.busy_timeout_seconds": (0.0, 600.0),
    "refresh.interval_minutes": (1, 10080),
    "refresh.jitter_seconds": (0, 3600),
    "refresh.feeds_at_once": (1, 64),
    "discord.test_guild_id": (0, _BIGGEST_ID),
    "discord.owner_ids": (1, _BIGGEST_ID),
    "discord.resync_cooldown_seconds": (0, 86400),
    "discord.shards": (1, 10_000),
    "announce.digest_after": (1, 1000),
    "announce.digest_pending_after_hours": (0.01, 8760.0),
}
_LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def load_config(path: Path | str | None) -> Config:
    """Read PATH; with None, read ./config.toml if present, else use the defaults."""
    if path is None:
        if not DEFAULT_CONFIG_FILE.exists():
            return Config()
        path = DEFAULT_CONFIG_FILE
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        if text.startswith("\ufeff"):
            raise ConfigError(
                f"{path}: starts with a UTF-8 byte-order mark (BOM), which TOML does not allow; "
                "save the file as UTF-8 without BOM"
            )
        raw = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    return _build(raw, str(path))


def _build(raw: dict[str, typing.Any], source: str) -> Config:
    sections = [f.name for f in dataclasses.fields(Config) if f.name not in ("source_file", "listed_podcasts")]
    sections.append("podcasts")
    values: dict[str, typing.Any] = {"source_file": source}
    for name, value in raw.items():
        if name not in sections:
            raise ConfigError(f"{source}: unknown section or key '{name}' (known: {', '.join(sections)})")
        if name == "companions":
            values[name] = _build_companions(value, source, "companions")
            continue
        if name == "podcasts":
            values["listed_podcasts"] = _build_podcasts(value, source)
            continue
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: '{name}' must be a table ([{name}])")
        section_type = typing.get_type_hints(Config)[name]
        values[name] = _build_section(section_type, name, value, source)
    config = Config(**values)
    if config.listed_podcasts and config.feed.url.strip():
        raise ConfigError(
            f"{source}: both 'feed.url' and '[[podcasts]]' name feeds; keep one (list the feed as a [[podcasts]] entry)"
        )
    if config.listed_podcasts and config.companions is not None:
        raise ConfigError(
            f"{source}: both '[[companions]]' and '[[podcasts]]' are set; give each podcast its own "
            "'companions' inside its [[podcasts]] entry"
        )
    return config


_PODCAST_KEYS = ("name", "url", "title", "refresh_minutes", "companions")


def _build_podcasts(raw: typing.Any, source: str) -> tuple[PodcastConfig, ...]:
    """[[podcasts]] tables: a unique slug name and a unique url each, the rest optional."""
    if not isinstance(raw, list) or not raw or any(not isinstance(table, dict) for table in raw):
        raise ConfigError(f"{source}: 'podcasts' must be [[podcasts]] tables, each with a name and a url")
    podcasts: list[PodcastConfig] = []
    for position, table in enumerate(raw, start=1):
        where = f"podcasts[{position}]"
        name, url = _name_and_url(table, source, where, _PODCAST_KEYS)
        if not _SLUG.match(name):
            raise ConfigError(
                f"{source}: '{where}.name' must be a short lower-case name (letters, digits and '-', at most 32), "
                f"got {name!r}"
            )
        if any(podcast.name == name for podcast in podcasts):
            raise ConfigError(f"{source}: '{where}.name' repeats the name {name!r}")
        if any(podcast.url == url for podcast in podcasts):
            raise ConfigError(f"{source}: '{where}.url' repeats the feed of another podcast")
        title = table.get("title")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            raise ConfigError(f"{source}: '{where}.title' must be a non-empty string, got {_kind(title)}")
        refresh = table.get("refresh_minutes")
        if refresh is not None:
            refresh = _check_value("refresh.interval_minutes", int, refresh, source, shown=f"{where}.refresh_minutes")
        companions = table.get("companions")
        podcasts.append(
            PodcastConfig(
                name=name,
                url=url,
                title=title.strip() if title else None,
                refresh_minutes=refresh,
                companions=None if companions is None else _build_companions(companions, source, f"{where}.companions"),
            )
        )
    return tuple(podcasts)


def _build_companions(raw: typing.Any, source: str, key: str) -> tuple[CompanionConfig, ...]:
    """[[companions]] tables, each with a name and a url; names are unique."""
    if not isinstance(raw, list) or any(not isinstance(table, dict) for table in raw):
        raise ConfigError(f"{source}: '{key}' must be [[{key}]] tables, each with a name and a url")
    companions: list[CompanionConfig] = []
    for position, table in enumerate(raw, start=1):
        where = f"{key}[{position}]"
        name, url = _name_and_url(table, source, where, ("name", "url"))
        if any(companion.name == name for companion in companions):
            raise ConfigError(f"{source}: '{where}.name' repeats the name {table['name']!r}")
        companions.append(CompanionConfig(name=name, url=url))
    return tuple(companions)


def _name_and_url(table: dict[str, typing.Any], source: str, where: str, known: tuple[str, ...]) -> tuple[str, str]:
    """The name and url of the table at WHERE ([[podcasts]], [[companions]]), which may hold only KNOWN keys."""
    for key in table:
        if key not in known:
            raise ConfigError(f"{source}: unknown key '{where}.{key}' (known: {', '.join(known)})")
    for key in ("name", "url"):
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{source}: '{where}.{key}' must be a non-empty string, got {_kind(value)}")
    return table["name"].strip(), table["url"].strip()


def _build_section(section_type: type, section: str, raw: dict[str, typing.Any], source: str) -> typing.Any:
    hints = typing.get_type_hints(section_type)
    known = {f.name for f in dataclasses.fields(section_type)}
    values = {}
    for key, value in raw.items():
        dotted = f"{section}.{key}"
        if key not in known:
            raise ConfigError(f"{source}: unknown key '{dotted}' (known in [{section}]: {', '.join(sorted(known))})")
        values[key] = _check_value(dotted, hints[key], value, source)
    return section_type(**values)


def range_text(low: float, high: float) -> str:
    return f"{_number_text(low)} to {_number_text(high)}"


def _number_text(number: float) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


def _kind(value: typing.Any) -> str:
    """What VALUE is, without showing it: a secret put under the wrong key stays unseen."""
    if value is None:
        return "nothing: the key is missing"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _check_value(
    key: str, expected: typing.Any, value: typing.Any, source: str, *, shown: str | None = None
) -> typing.Any:
    """VALUE checked as KEY's type and range; errors name SHOWN (default KEY)."""

    def fail(message: str) -> typing.NoReturn:
        raise ConfigError(f"{source}: '{shown or key}' {message}, got {_kind(value)}")

    def out_of_range(message: str, number: typing.Any) -> typing.NoReturn:
        raise ConfigError(f"{source}: '{shown or key}' {message}, got {number!r}")

    if key == "discord.shards":
        if value == "auto":
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            fail('must be "auto" or a whole number of shards')
    elif expected is bool:
        if not isinstance(value, bool):
            fail("must be true or false")
    elif expected is int:
        if isinstance(value, bool) or not isinstance(value, int):
            fail("must be a whole number")
    elif expected is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail("must be a number")
        value = float(value)
    elif expected is str:
        if not isinstance(value, str):
            fail("must be a string")
    elif expected == tuple[tuple[str, ...], ...]:
        if not isinstance(value, list) or any(
            not isinstance(group, list) or len(group) < 2 or any(not isinstance(w, str) or not w.strip() for w in group)
            for group in value
        ):
            fail('must be a list of lists of two or more words, like [["k8s", "kubernetes"]]')
        value = tuple(tuple(group) for group in value)
    elif expected == tuple[tuple[str, str], ...]:
        if not isinstance(value, dict) or any(
            not isinstance(v, str) or not v.strip() or not k.strip() for k, v in value.items()
        ):
            fail('must be a table of words and the topic each names, like { k8s = "kubernetes" }')
        value = tuple((k, v) for k, v in value.items())
    elif typing.get_origin(expected) is tuple:
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            fail("must be a list of whole numbers")
        value = tuple(value)
    if key in RANGES:
        low, high = RANGES[key]
        for number in value if isinstance(value, tuple) else (value,):
            # NaN fails every comparison, so this refuses it too.
            if not low <= number <= high:
                out_of_range(f"must be between {_number_text(low)} and {_number_text(high)}", number)
    if key == "store.path" and not value.strip():
        fail("must be a file path")
    if key == "logging.level" and value.upper() not in _LOG_LEVELS:
        out_of_range(f"must be one of {', '.join(sorted(_LOG_LEVELS))}", value)
    return value
