"""The interactive console: the Discord commands, typed in a terminal."""

from __future__ import annotations

import asyncio
import shlex

from . import render_text
from .search import Searcher
from .store import Store

HELP = """Commands:
  /episode QUERY   the best match with its chapters (e.g. /episode caddy, /episode #64)
  /search QUERY    the ten best matches
  /latest [N]      the N newest episodes (default 5)
  /help            this help
  quit             leave (or press Ctrl-D)
Anything else is searched as if typed after /search."""


async def run_console(searcher: Searcher, store: Store, read=input, write=print) -> None:
    write(f"podbot console: {await store.episode_count()} episodes. Type /help for commands.")
    while True:
        try:
            line = (await asyncio.to_thread(read, "podbot> ")).strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if line in ("quit", "exit", "/quit", "/exit"):
            return
        if line:
            write(await answer(line, searcher, store))


async def answer(line: str, searcher: Searcher, store: Store) -> str:
    """The console's reply to one line of input."""
    command, _, rest = line.partition(" ")
    rest = rest.strip()
    if command == "/help":
        return HELP
    if command == "/episode":
        if not rest:
            return "Usage: /episode QUERY"
        match = await searcher.best(rest)
        return render_text.episode_text(match) if match else f"No episode matches {rest!r}."
    if command == "/latest":
        try:
            count = int(shlex.split(rest)[0]) if rest else 5
        except (ValueError, IndexError):
            return "Usage: /latest [N]"
        return render_text.latest_text(await store.latest(max(1, min(count, 50))))
    if command == "/search":
        query = rest
    elif command.startswith("/"):
        return f"Unknown command {command}. Type /help for commands."
    else:
        query = line
    if not query:
        return "Usage: /search QUERY"
    return render_text.results_text(query, await searcher.search(query))
