"""Running the command line the two ways the tests need.

`run` calls the CLI's `main(argv)` in this process, in a given folder, with its own stdin, stdout
and stderr: the same code as `python -m bot` from argument parsing to exit code, without starting
an interpreter (a second each). `run_process` starts the real `python -m bot`, kept for what only
a process shows: a fresh machine, the bytes of argv, pipes closed early, signals, other processes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import subprocess
import sys
from pathlib import Path

from bot.terminal.cli import main
from tests.conftest import ROOT


@dataclasses.dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run(folder: Path, *args: str, stdin: str | None = None) -> Ran:
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(folder)
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            _stdin(io.StringIO(stdin or "")),
        ):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse's usage errors and --help
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        os.chdir(previous)
    return Ran(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _stdin(replacement: io.StringIO):
    previous, sys.stdin = sys.stdin, replacement
    try:
        yield
    finally:
        sys.stdin = previous


def run_process(folder: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=folder,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )
