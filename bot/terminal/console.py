"""The interactive console: the Discord commands, typed in a terminal.

It behaves like a good terminal tool: line editing and history (readline, where Python has it),
Ctrl-C clears the line (on an empty line, a second Ctrl-C or Ctrl-D leaves), answers are wrapped to the
terminal's width at word boundaries with a blank line between them, and titles are bold when
the output is a terminal and NO_COLOR is unset.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import os
import shlex
import shutil
import signal
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from typing import NamedTuple

from bot.core import formatting
from bot.core.library import Library, UnknownPodcast
from bot.core.models import browsable
from bot.core.search.searcher import MAX_QUERY_CHARS
from bot.terminal import render_text, render_topics

with contextlib.suppress(ImportError):
    import readline  # importing it gives input() line editing and history

MAX_LATEST = 50
TOPICS_PER_PAGE = 25
HELP = f"""Commands:
  /episode QUERY   the best match and its chapters (/episode caddy, /episode 64)
  /search QUERY    the ten best matches (QUERY in:transcript: the moments said)
  /latest [N]      the N newest episodes (default 5, at most {MAX_LATEST})
  /topic NAME      a topic's episodes and articles (/topic security)
  /topics [PAGE]   the topics worth browsing, with episode and article counts,
                   25 a page
  /related QUERY   the episodes most like the one QUERY finds
  /podcasts        every podcast with its episodes and how its syncing goes
  /help            this help
  quit             leave (or Ctrl-D; Ctrl-C clears the line, and twice on an
                   empty line leaves)
Anything else is searched as if typed after /search. With several podcasts,
NAME:QUERY searches one of them (/episode coder-radio:64), and /latest N NAME
lists one's newest."""


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


def _raise_keyboard_interrupt() -> None:
    raise KeyboardInterrupt


class CtrlC:
    """SIGINT for the console, never lost. CPython's readline waits for keys in select() and looks
    at signals only when select is interrupted, so a Ctrl-C arriving while it is busy with a key
    (about 1 in 300 right after an echo, on a loaded machine) would wait for the next Enter. The
    signal's wake-up byte reaches a watcher thread, which interrupts the main thread (a SIGUSR1
    that does nothing) until the handler has run. ON_INTERRUPT says what a Ctrl-C does now: inside
    `read` it is a KeyboardInterrupt; anywhere else it waits for the next `read`, so one arriving
    while the console writes (the instant after a prompt or a reply is on screen) is never raised
    where nothing catches it."""

    POKES = 20
    POKE_SECONDS = 0.05

    def __init__(self) -> None:
        self.on_interrupt: Callable[[], None] = self._remember
        self._handled = threading.Event()
        self._pending = False

    def _remember(self) -> None:
        self._pending = True

    def read(self, read: Callable[[str], str], prompt: str) -> str:
        """READ(PROMPT), raising KeyboardInterrupt for a Ctrl-C while it waits or since the last read."""
        self.on_interrupt = _raise_keyboard_interrupt
        try:
            if self._pending:
                self._pending = False
                raise KeyboardInterrupt
            return read(prompt)
        finally:
            self.on_interrupt = self._remember

    def handler(self, signum: int, frame: object) -> None:
        self._handled.set()
        self.on_interrupt()

    def watch(self, wakeups: int, main_thread: int) -> None:
        while data := os.read(wakeups, 64):
            if signal.SIGINT not in data:
                continue
            self._handled.clear()  # a handler that ran just before only costs a few idle pokes
            for _ in range(self.POKES):
                if self._handled.wait(self.POKE_SECONDS):
                    break
                signal.pthread_kill(main_thread, signal.SIGUSR1)


@contextlib.contextmanager
def interruptible() -> Iterator[CtrlC]:
    """Ctrl-C as a KeyboardInterrupt inside input() (asyncio.run's own handler would only cancel
    the task and leave input() waiting for Enter), delivered even when readline is not waiting."""
    ctrl_c = CtrlC()
    wakeups, wakeup_writer = os.pipe()
    os.set_blocking(wakeup_writer, False)
    previous_wakeup = signal.set_wakeup_fd(wakeup_writer, warn_on_full_buffer=False)
    previous_usr1 = signal.signal(signal.SIGUSR1, lambda signum, frame: None)
    previous = signal.signal(signal.SIGINT, ctrl_c.handler)
    watcher = threading.Thread(target=ctrl_c.watch, args=(wakeups, threading.get_ident()), daemon=True)
    watcher.start()
    try:
        yield ctrl_c
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.set_wakeup_fd(previous_wakeup)
        os.close(wakeup_writer)  # the watcher reads the end and stops
        watcher.join()
        signal.signal(signal.SIGUSR1, previous_usr1)
        os.close(wakeups)


def typed_text() -> str:
    """What is on the line being edited (readline keeps it after a Ctrl-C); "" without readline."""
    return readline.get_line_buffer() if "readline" in sys.modules else ""


async def run_console(
    library: Library,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    typed: Callable[[], str] = typed_text,
) -> None:
    """Read and answer lines until quit or Ctrl-D. Ctrl-C with text on the line clears it, every
    time; on an empty line it says a second one leaves, and one right after it does. A Ctrl-C
    while an answer is worked out stops that answer."""
    if library.several:
        podcasts = await library.podcasts()
        held = sum(p.episodes for p in podcasts if p.configured)
        write(f"podbot console: {len(library.podcast_names)} podcasts, {held} episodes. Type /help for commands.")
    else:
        write(f"podbot console: {(await library.health()).episodes} episodes. Type /help for commands.")
    leaving = False  # the last key was a Ctrl-C on an empty line
    with interruptible() as ctrl_c:
        while True:
            try:
                # Read in this thread: a reader thread would not see Ctrl-C and keeps the process alive.
                line = ctrl_c.read(read, "podbot> ").strip()
                if line in ("quit", "exit", "/quit", "/exit"):
                    return
                leaving = False
                if line and (reply := await answer_unless_interrupted(line, library, ctrl_c)):
                    text = bold_first_line(reply.text) if reply.headed and styled() else reply.text
                    write(wrap(text, shutil.get_terminal_size().columns) + "\n")
            except EOFError:
                write("")
                return
            except KeyboardInterrupt:
                if typed().strip():
                    write("^C")
                    continue
                if leaving:
                    write("")
                    return
                leaving = True
                write("^C (press Ctrl-C again to leave, or Ctrl-D)")


async def answer_unless_interrupted(line: str, library: Library, ctrl_c: CtrlC) -> Reply | None:
    """answer(LINE), or None when Ctrl-C stops it: while it runs, a Ctrl-C cancels the answer
    through the event loop instead of breaking into the loop itself."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(answer(line, library))

    def stop() -> None:
        loop.call_soon_threadsafe(task.cancel)

    previous, ctrl_c.on_interrupt = ctrl_c.on_interrupt, stop
    try:
        return await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
        return None
    finally:
        ctrl_c.on_interrupt = previous


COMMANDS = ("/episode", "/search", "/latest", "/topic", "/topics", "/related", "/podcasts", "/help", "/quit")


def unknown_command_text(command: str) -> str:
    """An unknown command names the closest one ("/epsiode" -> /episode) when one is close."""
    closest = difflib.get_close_matches(command.casefold(), COMMANDS, n=1, cutoff=0.6)
    hint = f" Did you mean {closest[0]}?" if closest else ""
    return f"Unknown command {command}.{hint} Type /help for commands."


class Reply(NamedTuple):
    """The console's answer to a line; HEADED when its first line is a heading (a title) to bold."""

    text: str
    headed: bool = False


async def _topics_page(rest: str, library: Library) -> Reply:
    """/topics [PAGE]: a page of the topics worth browsing, and what else there is."""
    try:
        page = int(rest) if rest else 1
    except ValueError:
        page = 0
    topics = await library.topics()
    listed = browsable(topics)
    pages = formatting.page_count(len(listed), TOPICS_PER_PAGE)
    if not 1 <= page <= pages:
        return Reply(f"Usage: /topics [PAGE], with PAGE from 1 to {pages}")
    shown = listed[(page - 1) * TOPICS_PER_PAGE : page * TOPICS_PER_PAGE]
    before = listed[: (page - 1) * TOPICS_PER_PAGE]
    more = f"/topics {page + 1}" if page < pages else "/topics"
    left_out = render_topics.left_out_text(topics, before + shown, more=more, every="/topic NAME finds any")
    heading = f"Topics, page {page} of {pages}" if pages > 1 else ""
    text = render_topics.topics_text(shown, left_out)
    return Reply(f"{heading}\n{text}" if heading else text, headed=bool(heading))


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
        named = library.several
        if found.best is None:
            closest = list(found.closest)
            return Reply(render_text.no_match_text(rest, found.hint, closest, about=found.unclear_about, named=named))
        if command == "/related":
            related = await library.related(found.best.episode.id)
            return Reply(render_topics.related_text(found.best.episode, related, named=named), headed=True)
        extras = await library.extras(found.best.episode.id, related=0)
        lines = render_topics.reading_text(extras)
        podcast = await library.podcast(found.best.episode.podcast or None)
        text = render_text.episode_text(found.best, found.alternatives, lines, podcast, named=named)
        return Reply(text, headed=True)
    if command == "/podcasts":
        return Reply(render_text.podcasts_text(await library.podcasts()))
    if command == "/topics":
        return await _topics_page(rest, library)
    if command == "/topic":
        if not rest:
            return Reply("Usage: /topic NAME")
        topic = await library.topic(rest)
        if not topic.results and not topic.articles:
            text = render_topics.unknown_topic_text(topic)
            return Reply(text[0].upper() + text[1:] + ".")
        return Reply(render_topics.topic_text(topic, named=library.several), headed=True)
    if command == "/latest":
        words = shlex.split(rest) if rest else []
        try:
            count = int(words[0]) if words else 5
        except ValueError:
            count = 0
        if not 1 <= count <= MAX_LATEST or len(words) > 2:
            return Reply(f"Usage: /latest [N]{' [PODCAST]' if library.several else ''}, with N from 1 to {MAX_LATEST}")
        try:
            episodes = await library.latest(count, podcasts=words[1:] or None)
        except UnknownPodcast as error:
            return Reply(f"{str(error)[0].upper()}{str(error)[1:]}.")
        return Reply(render_text.latest_text(episodes, named=library.several), headed=bool(episodes))
    if command == "/search":
        query = rest
    elif command.startswith("/"):
        return Reply(unknown_command_text(command))
    else:
        query = line
    if not query:
        return Reply("Usage: /search QUERY")
    matches = await library.search(query)
    return Reply(render_text.results_text(query, matches, named=library.several), headed=bool(matches))
