"""The command line: `python -m bot COMMAND`. Prints for people, or one JSON document with --json.

Exit codes: 0 ok, 1 nothing found or user error, 2 bad usage, config or database, 3 feed
unreachable or invalid. Discord is imported only by the commands that talk to Discord.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import difflib
import json
import logging
import os
import re
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot import __version__
from bot.core.config import Config, ConfigError, load_config
from bot.core.ingest.feed import EXAMPLE_FEED_NAME, FeedError
from bot.core.ingest.heap import settle_after_startup
from bot.core.ingest.urls import redact_addresses
from bot.core.library import FeedHealth, Library, UnknownPodcast
from bot.core.models import browsable
from bot.core.search.moments import asks_for_moments
from bot.core.store import StoreError
from bot.core.topics.answers import MOST_LISTED
from bot.terminal import render_text, render_topics

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_FEED = 0, 1, 2, 3
TOPICS_SHOWN = 50  # `topics` lists this many worth browsing, the largest first; a screenful or two
log = logging.getLogger("bot")


class UserError(Exception):
    """Something the person asked for cannot be done; exits 1 with the message."""


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def show(args: argparse.Namespace, as_json: Callable[[], Any], as_text: Callable[[], str]) -> None:
    """One JSON document with --json, else text for people."""
    if args.json:
        emit_json(as_json())
    else:
        print(as_text())


async def cmd_sync(library: Library, args: argparse.Namespace) -> int:
    names = list(dict.fromkeys(args.podcast or library.podcast_names))
    if len(names) == 1:
        report = await library.sync(names[0], dry_run=args.dry_run)
        show(args, lambda: render_text.sync_json(report), lambda: render_text.sync_text(report))
        return EXIT_OK
    # Several podcasts: a failing feed is reported beside the others' results, and exits 3.
    reports = await library.sync_all(names, dry_run=args.dry_run)
    named = list(zip(names, reports))
    show(
        args,
        lambda: {
            "podcasts": [
                {"podcast": name, "error": redact_addresses(str(report))}
                if isinstance(report, FeedError)
                else render_text.sync_json(report)
                for name, report in named
            ]
        },
        lambda: "\n".join(
            f"{name}:"
            + (f" feed error: {redact_addresses(str(report))}" if isinstance(report, FeedError) else "")
            + ("" if isinstance(report, FeedError) else "\n  " + render_text.sync_text(report).replace("\n", "\n  "))
            for name, report in named
        ),
    )
    return EXIT_FEED if any(isinstance(report, FeedError) for report in reports) else EXIT_OK


async def cmd_podcasts(library: Library, args: argparse.Namespace) -> int:
    podcasts = await library.podcasts()
    show(args, lambda: render_text.podcasts_json(podcasts), lambda: render_text.podcasts_text(podcasts))
    return EXIT_OK


async def cmd_search(library: Library, args: argparse.Namespace) -> int:
    await library.ensure_loaded()
    matches = await library.search(args.query, limit=args.limit, podcasts=args.podcast, in_transcripts=args.transcript)
    show(
        args,
        lambda: {"query": args.query, "results": [render_text.match_json(m) for m in matches]},
        lambda: render_text.results_text(args.query, matches, named=library.several),
    )
    return EXIT_OK if matches else EXIT_NOT_FOUND


async def cmd_episode(library: Library, args: argparse.Namespace) -> int:
    await library.ensure_loaded()
    found = await library.find(args.query, podcasts=args.podcast)
    match = found.best
    if match is None:
        closest = list(found.closest)
        if args.json:  # still one JSON document, as every --json promises
            emit_json(
                {"query": args.query, "result": None, "suggestions": [render_text.match_json(m) for m in closest]}
            )
        raise UserError(
            render_text.no_match_text(
                args.query, found.hint, closest, about=found.unclear_about, one_line=True, named=library.several
            )
        )
    extras = await library.extras(match.episode.id, related=0)
    podcast = await library.podcast(match.episode.podcast or None)
    show(
        args,
        lambda: {
            **render_text.episode_match_json(match),
            "topics": render_topics.episode_topics_json(list(extras.topics)),
            "reading": [render_topics.reading_json(r) for r in extras.reading],
        },
        lambda: render_text.episode_text(
            match, found.alternatives, render_topics.reading_text(extras), podcast, named=library.several
        ),
    )
    return EXIT_OK


async def cmd_topics(library: Library, args: argparse.Namespace) -> int:
    await library.ensure_loaded()
    topics = await library.topics(podcasts=args.podcast)
    if args.json and not args.limit:
        shown = topics  # a machine gets every topic, each saying whether it is worth browsing
    else:
        shown = (topics if args.all else browsable(topics))[: args.limit or (None if args.all else TOPICS_SHOWN)]
    left_out = render_topics.left_out_text(topics, shown, more="--limit N", every="--all")
    show(
        args,
        lambda: render_topics.topics_json(topics, None if len(shown) == len(topics) else shown),
        lambda: render_topics.topics_text(shown, left_out),
    )
    return EXIT_OK


async def cmd_topic(library: Library, args: argparse.Namespace) -> int:
    await library.ensure_loaded()
    answer = await library.topic(args.query, limit=args.limit, podcasts=args.podcast)
    if not answer.results and not answer.articles:
        if args.json:
            emit_json(render_topics.topic_json(answer))
        raise UserError(render_topics.unknown_topic_text(answer))
    show(
        args,
        lambda: render_topics.topic_json(answer),
        lambda: render_topics.topic_text(answer, named=library.several),
    )
    return EXIT_OK


async def cmd_related(library: Library, args: argparse.Namespace) -> int:
    await library.ensure_loaded()
    found = await library.find(args.query, podcasts=args.podcast)
    if found.best is None:
        if args.json:
            emit_json({"query": args.query, "episode": None, "related": []})
        raise UserError(
            render_text.no_match_text(
                args.query, found.hint, list(found.closest), about=found.unclear_about, one_line=True
            )
        )
    episode = found.best.episode
    related = await library.related(episode.id, limit=args.limit)
    show(
        args,
        lambda: render_topics.related_json(episode, related),
        lambda: render_topics.related_text(episode, related, named=library.several),
    )
    return EXIT_OK


async def cmd_latest(library: Library, args: argparse.Namespace) -> int:
    await library.ensure_loaded()
    episodes = await library.latest(args.count, podcasts=args.podcast)
    show(
        args,
        lambda: {"episodes": [render_text.episode_json(episode) for episode in episodes]},
        lambda: render_text.latest_text(episodes, named=library.several),
    )
    return EXIT_OK


async def cmd_export(library: Library, args: argparse.Namespace) -> int:
    await library.ensure_loaded()
    episodes = await library.episodes(podcasts=args.podcast)
    if not args.json:
        print(render_text.export_text(episodes, named=library.several))
        return EXIT_OK
    ids = [episode.id for episode in episodes]
    topics, reading = await library.topics_of(ids), await library.reading(ids)
    names = list(dict.fromkeys(args.podcast)) if args.podcast else library.podcast_names
    document = render_text.export_json([(name, await library.podcast(name)) for name in names], episodes)
    for episode, fields in zip(episodes, document["episodes"]):
        fields["topics"] = render_topics.episode_topics_json(topics[episode.id])
        fields["reading"] = [render_topics.reading_json(r) for r in reading[episode.id]]
    emit_json(document)
    return EXIT_OK


async def cmd_console(library: Library, args: argparse.Namespace) -> int:
    from .console import run_console

    await library.ensure_loaded()
    settle_after_startup()
    await run_console(library)
    return EXIT_OK


async def cmd_health(library: Library, args: argparse.Namespace) -> int:
    """Healthy when the store opens and the last successful sync is within three refresh
    intervals; with several podcasts, when one of them synced that recently (one broken feed
    among many is shown by `podcasts`, not fixed by restarting the bot)."""
    healths = await library.healths()
    if healths[0].store_problem:
        raise UserError(f"unhealthy: {healths[0].store_problem}")
    problems, fine = [], []
    for health in healths:
        try:
            fine.append(_recent_sync(library, health))
        except UserError as problem:
            problems.append(problem)
    if not fine:
        raise problems[0]
    if not library.several:
        print(f"ok: {fine[0]}")
    else:
        episodes = sum(health.episodes for health in healths)
        late = f"; {len(problems)} not synced lately (see `podcasts`)" if problems else ""
        print(f"ok: {len(fine)} of {len(healths)} podcasts synced lately, {episodes} episodes{late}")
    return EXIT_OK


def _recent_sync(library: Library, health: FeedHealth) -> str:
    """HEALTH's podcast's episodes and last sync in words; UserError when it is not recent."""
    state, episodes = health.state, health.episodes
    interval = library.followed[health.podcast].config.refresh_minutes or library.config.refresh.interval_minutes
    limit = dt.timedelta(minutes=3 * interval)
    if state is None or state.last_success is None:
        raise UserError(f"unhealthy: {health.source} has never synced ({episodes} episodes stored)")
    age = dt.datetime.now(dt.UTC) - state.last_success
    if age > limit:
        error = f"; last error: {state.last_error}" if state.last_error else ""
        raise UserError(f"unhealthy: last successful sync {age.total_seconds() / 60:.0f} min ago{error}")
    return f"{episodes} episodes, last sync {age.total_seconds() / 60:.0f} min ago"


def _global_options(suppress_defaults: bool) -> _Parser:
    """--config/--db/-v, accepted before or after the command; after it, only when given."""
    options = _Parser(add_help=False)
    default: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress_defaults else {}
    options.add_argument("--config", metavar="PATH", help="config file (default: ./config.toml if present)", **default)
    options.add_argument(
        "--db", metavar="PATH", help="SQLite database (default: store.path from the config)", **default
    )
    options.add_argument(
        "--feed",
        metavar="URL|PATH",
        help="feed to read instead of the configured ones ('example': the bundled example show with transcripts)",
        **default,
    )
    options.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr", **default)
    return options


# argparse's words for a command it does not know (Python 3.11 suggests no close one itself).
_INVALID_CHOICE = re.compile(r"argument COMMAND: invalid choice: '(?P<typed>[^']*)' \(choose from (?P<choices>.*)\)$")


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, "podbot: …", with where to look next, and exit code 2."""

    def error(self, message: str) -> typing.NoReturn:
        if mistyped := _INVALID_CHOICE.match(message):
            typed, choices = mistyped["typed"], re.findall(r"'([^']*)'", mistyped["choices"])
            closest = difflib.get_close_matches(typed, choices, n=1, cutoff=0.6)
            hint = f" (did you mean '{closest[0]}'?)" if closest else f" (choose from {', '.join(choices)})"
            message = f"unknown command '{typed}'{hint}"
        self.usage_error(message, self.prog)

    def usage_error(self, message: str, prog: str) -> typing.NoReturn:
        self.exit(EXIT_USAGE, f"podbot: {message}; try '{prog} --help'\n")


def build_parser() -> _Parser:
    parser = _Parser(
        prog="python -m bot",
        description="Podcast episode search, on Discord and in the terminal.",
        parents=[_global_options(suppress_defaults=False)],
    )
    common = _global_options(suppress_defaults=True)
    parser.add_argument("--version", action="version", version=f"podbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def command(name: str, handler: Callable[..., Any] | None, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    command("run", None, "run the Discord bot (token from DISCORD_TOKEN)")
    command("sync-commands", None, "register the slash commands with Discord globally")
    sub = command("sync", cmd_sync, "fetch the feeds and update the store")
    _podcast_option(sub)
    sub.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    sub.add_argument("--json", action="store_true", help=_JSON_HELP)
    sub = command("search", cmd_search, "list the episodes matching a query")
    sub.add_argument("query", nargs="?", help="what to look for (a query starting with - works too)")
    sub.add_argument("--limit", type=_positive_int, default=10, help="at most this many results (default 10)")
    sub.add_argument(
        "--transcript",
        action="store_true",
        help="list the moments the transcripts say it (at most 10), like 'QUERY in:transcript'",
    )
    sub.add_argument("--json", action="store_true", help=_JSON_HELP)
    _podcast_option(sub)
    sub = command("episode", cmd_episode, "show the best match with its chapters, like /episode")
    sub.add_argument("query", nargs="?", help="what to look for (a query starting with - works too)")
    sub.add_argument("--json", action="store_true", help=_JSON_HELP)
    _podcast_option(sub)
    sub = command("latest", cmd_latest, "the newest episodes")
    sub.add_argument("--count", type=_positive_int, default=5, help="how many (default 5)")
    sub.add_argument("--json", action="store_true", help=_JSON_HELP)
    _podcast_option(sub)
    sub = command("topics", cmd_topics, "the topics worth browsing with their episode and article counts, like /topics")
    sub.add_argument(
        "--limit", type=_positive_int, help=f"at most this many (default {TOPICS_SHOWN}; with --json, all of them)"
    )
    sub.add_argument("--all", action="store_true", help="every topic, those on a single episode or article too")
    sub.add_argument("--json", action="store_true", help=_JSON_HELP + " (every topic, unless --limit)")
    _podcast_option(sub)
    sub = command("podcasts", cmd_podcasts, "every podcast with its episode count and how its syncing goes")
    sub.add_argument("--json", action="store_true", help=_JSON_HELP)
    sub = command("topic", cmd_topic, "the episodes and articles of a topic (or about a word), like /topic")
    sub.add_argument("query", metavar="NAME", nargs="?", help="a topic: security, ml, kotlin, open source, ...")
    sub.add_argument(
        "--limit", type=_positive_int, default=MOST_LISTED, help=f"at most this many episodes (default {MOST_LISTED})"
    )
    sub.add_argument("--json", action="store_true", help=_JSON_HELP)
    _podcast_option(sub)
    sub = command("related", cmd_related, "the episodes most like the one a query finds")
    sub.add_argument("query", nargs="?", help="what to look for (a query starting with - works too)")
    sub.add_argument("--limit", type=_positive_int, default=5, help="at most this many (default 5)")
    sub.add_argument("--json", action="store_true", help=_JSON_HELP)
    _podcast_option(sub)
    sub = command("export", cmd_export, "every stored episode with its chapters")
    sub.add_argument("--json", action="store_true", help=_JSON_HELP)
    _podcast_option(sub)
    command("console", cmd_console, "interactive: type /episode caddy, /search rust, /latest, /help")
    command("health", cmd_health, "exit 0 when the store opens and the last sync is recent")
    return parser


_JSON_HELP = "print one JSON document on stdout instead of text"


def _podcast_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--podcast",
        metavar="NAME",
        action="append",
        help="only this podcast (its name in the config; repeat for several; default: every podcast)",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class _RedactingFormatter(logging.Formatter):
    """Log lines (tracebacks included) with every address redacted: a library's message may
    name the feed URL with its password or token."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_addresses(super().format(record))


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=getattr(logging, level.upper()), handlers=[handler])


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, where a query may start with '-' (`search -x`, `search -- -rf`) and any
    bytes the arguments held become valid text."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)

    def fail(message: str) -> typing.NoReturn:
        parser.usage_error(message, f"{parser.prog} {args.command}")

    if "query" in args:
        if args.query is None and unknown and not any(word in _OPTION_WORDS for word in unknown):
            args.query, unknown = " ".join(unknown), []
        elif args.query is not None and unknown and not any(word.startswith("-") for word in unknown):
            args.query, unknown = " ".join([args.query, *unknown]), []  # `topic open source`, unquoted
        if args.query is None or not asks_for_moments(args.query)[0]:  # nothing, or only 'in:transcript'
            fail(f"{args.command} needs a query")
        args.query = as_text(args.query)
    if unknown:
        fail(f"unrecognized arguments: {' '.join(as_text(word) for word in unknown)}")
    return args


_OPTION_WORDS = frozenset(
    {"--json", "--limit", "--podcast", "--config", "--db", "--feed", "--transcript", "-v", "--verbose", "-h", "--help"}
)


def as_text(argument: str) -> str:
    """ARGUMENT as valid Unicode: bytes that were not UTF-8 (kept by Python as lone surrogates)
    become U+FFFD, so JSON and terminal output stay valid."""
    return argument.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`| head -1`): what it wanted was printed. Point stdout at nothing
        # so the interpreter's final flush doesn't complain, and finish quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _main(argv: list[str] | None) -> int:
    args = parse_arguments(argv)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        return _fail(f"config error: {error}", EXIT_USAGE)
    # The CLI reports failures itself, one line each; -v shows the log as the bot would write it.
    runs_bot = args.handler is None
    configure_logging(config.logging.level if args.verbose or runs_bot else "CRITICAL")
    return asyncio.run(_run_bot(args, config) if runs_bot else _run(args, config))


async def _run_bot(args: argparse.Namespace, config: Config) -> int:
    from bot.discord_app.runner import StartupError, run_bot  # imports discord, which the other commands never need

    try:
        await run_bot(config, args.db, sync_commands_only=args.command == "sync-commands")
    except StartupError as error:
        return _fail(str(error), EXIT_USAGE)
    except StoreError as error:
        return _fail(f"database error: {error}", EXIT_USAGE)
    return EXIT_OK


async def _run(args: argparse.Namespace, config: Config) -> int:
    # health reports on a store; it never makes an empty one where the store is missing.
    creates_store = args.handler is not cmd_health
    try:
        feed = getattr(args, "feed", None)
        async with await Library.open(
            config, db=_db_for(args.db, feed, config), feed=feed, create=creates_store
        ) as library:
            return await args.handler(library, args)
    except StoreError as error:
        if not creates_store:  # health: a missing or unusable store is unhealthy
            return _fail(f"unhealthy: {error}", EXIT_NOT_FOUND)
        return _fail(f"database error: {error}", EXIT_USAGE)
    except FeedError as error:
        return _fail(f"feed error: {error}", EXIT_FEED)
    except UserError as error:
        return _fail(str(error), EXIT_NOT_FOUND)
    except UnknownPodcast as error:
        return _fail(str(error), EXIT_USAGE)


def _db_for(db: str | None, feed: str | None, config: Config) -> str | None:
    """The example show gets a store of its own beside the configured one, unless --db names one:
    trying it never replaces the episodes a real feed filled the store with."""
    if db is None and feed == EXAMPLE_FEED_NAME:
        return str(Path(config.store.path).with_name("example.db"))
    return db


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"podbot: {redact_addresses(message)}\n")
    return code
