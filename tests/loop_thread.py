"""Where our code runs during a sync: on the event loop's thread or off it.

A structural check instead of a stopwatch: a function that parses, reconciles or scores text
either runs on the loop's thread or it does not, however fast or busy the machine is. The
profiler hooks see every Python call; the loop thread's hook is the test's own thread (the loop
runs there), worker threads get theirs from `threading.setprofile` as they start, which is why
the loop is given a fresh default executor inside the window.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any

# Flags of code objects that only await: orchestration, which belongs on the loop.
_AWAITING = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE | inspect.CO_ASYNC_GENERATOR

Where = tuple[str, str]  # (module, qualified name)


class CallSites:
    """`with CallSites() as sites: await ...`, then `sites.on_loop` and `sites.off_loop`."""

    def __init__(self) -> None:
        self.on_loop: set[Where] = set()
        self.off_loop: set[Where] = set()
        self._executor: ThreadPoolExecutor | None = None

    def __enter__(self) -> CallSites:
        threading.setprofile(self._off_loop)
        self._executor = ThreadPoolExecutor(thread_name_prefix="profiled")
        asyncio.get_running_loop().set_default_executor(self._executor)
        sys.setprofile(self._on_loop)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
        assert self._executor is not None
        self._executor.shutdown(wait=False)

    def _on_loop(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and not frame.f_code.co_flags & _AWAITING:
            self.on_loop.add(_where(frame))

    def _off_loop(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            self.off_loop.add(_where(frame))


def _where(frame: FrameType) -> Where:
    return frame.f_globals.get("__name__", "?"), frame.f_code.co_qualname


def in_modules(sites: set[Where], prefixes: tuple[str, ...]) -> set[Where]:
    return {site for site in sites if site[0].startswith(prefixes)}
