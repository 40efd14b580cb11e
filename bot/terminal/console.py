"""The interactive console: the Discord commands, typed in a terminal.

It behaves like a good terminal tool: line editing and history (readline, where Python has it),
Ctrl-C clears the line and a second one (or Ctrl-D) leaves, answers are wrapped to the
terminal's width at word boundaries with a blank line between them, and titles are bold when
the output is a terminal and NO_COLOR is unset.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import NamedTuple

from bot.core.library import Library
from bot.core.search import MAX_QUERY_CHARS
from bot.terminal import render_text, render_topics

with contextlib.suppress(ImportError):
    import readline  # noqa: F401  (importing it gives input() line editing and history)

MAX_LATEST = 50
HELP = f"""Commands:
  /episode QUERY   the best match with its chapters (e.g. /episode caddy, /episode #64)
  /search QUERY    the ten best matches
  /latest [N]      the N newest episodes (default 5, at most {MAX_LATEST})
  /topic NAME      a topic's episodes and articles (e.g. /topic security, /topic kotlin)
  /topics          every topic with its episode and article counts
  /related QUERY   the episodes most like the one QUERY finds
  /help            this help
  quit             leave (or press Ctrl-D; Ctrl-C clears the line, twice leaves)
Anything else is searched as if typed after /search."""


def styled() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def wrap(text: str, width: int) -> str:
    """TEXT wrapped to WIDTH at word boundaries; continuation lines keep the line's indentation,
    and long words (URLs) are never broken."""
    lines = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        lines.append(
            textwrap.fill(line, width, subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False)
            if len(line) > width
            else line
        )
    return "\n".join(lines)


def bold_first_line(text: str) -> str:
    first, _, rest = text.partition("\n")
    return f"\033[1m{first}\033[0m" + (f"\n{rest}" if rest else "")


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C as a KeyboardInterrupt inside input(), where asyncio.run's own handler would only
    cancel the task and leave input() waiting for Enter."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


async def run_console(
    library: Library, read: Callable[[str], str] = input, write: Callable[[str], None] = print
) -> None:
    write(f"podbot console: {(await library.health()).episodes} episodes. Type /help for commands.")
    interrupted = False
    with interruptible():
        while True:
            try:
                # Read in this thread: a reader thread would not see Ctrl-C and keeps the process alive.
                line = read("podbot> ").strip()
            except EOFError:
                write("")
                return
            except KeyboardInterrupt:
                if interrupted:
                    write("")
                    return
                interrupted = True
                write("^C (press Ctrl-C again or Ctrl-D to leave)")
                continue
            interrupted = False
            if line in ("quit", "exit", "/quit", "/exit"):
                return
            if line:
                reply = await answer(line, library)
                text = bold_first_line(reply.text) if reply.headed and styled() else reply.text
                write(wrap(text, shutil.get_terminal_size().columns) + "\n")


class Reply(NamedTuple):
    """The console's answer to a line; HEADED when its first line is a heading (a title) to bold."""

    text: str
    headed: bool = False


async def answer(line: str, library: Library) -> Reply:
    """The console's reply to one line of input."""
    if len(line) > MAX_QUERY_CHARS:
        return Reply(f"That is {len(line):,} characters; a query can be at most {MAX_QUERY_CHARS}. Try fewer words.")
    command, _, rest = line.partition(" ")
    rest = rest.strip()
    if command == "/help":
        return Reply(HELP, headed=True)
    if command in ("/episode", "/related"):
        if not rest:
            return Reply(f"Usage: {command} QUERY")
        found = await library.find(rest)
        if found.best is None:
            return Reply(render_text.no_match_text(rest, found.hint, list(found.closest), about=found.unclear_about))
        if command == "/related":
            related = await library.related(found.best.episode.id)
            return Reply(render_topics.related_text(found.best.episode, related), headed=True)
        extras = await library.extras(found.best.episode.id, related=0)
        lines = render_topics.reading_text(extras)
        return Reply(render_text.episode_text(found.best, found.alternatives, lines), headed=True)
    if command == "/topics":
        return Reply(render_topics.topics_text(await library.topics()), headed=False)
    if command == "/topic":
        if not rest:
            return Reply("Usage: /topic NAME")
        topic = await library.topic(rest)
        if not topic.results and not topic.articles:
            text = render_topics.unknown_topic_text(topic)
            return Reply(text[0].upper() + text[1:] + ".")
        return Reply(render_topics.topic_text(topic), headed=True)
    if command == "/latest":
        try:
            count = int(shlex.split(rest)[0]) if rest else 5
        except (ValueError, IndexError):
            count = 0
        if not 1 <= count <= MAX_LATEST:
            return Reply(f"Usage: /latest [N], with N from 1 to {MAX_LATEST}")
        episodes = await library.latest(count)
        return Reply(render_text.latest_text(episodes), headed=bool(episodes))
    if command == "/search":
        query = rest
    elif command.startswith("/"):
        return Reply(f"Unknown command {command}. Type /help for commands.")
    else:
        query = line
    if not query:
        return Reply("Usage: /search QUERY")
    matches = await library.search(query)
    return Reply(render_text.results_text(query, matches), headed=bool(matches))
