"""The console as a person uses it: a real process on a pseudo-terminal 80 columns wide."""

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from bot.terminal.console import HELP, wrap
from tests.conftest import ROOT

ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][AB012]|\r")


def _own_terminal():
    """Make the pseudo-terminal the child's controlling terminal, so Ctrl-C becomes SIGINT."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    def __init__(self, folder, columns=80, **env):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        environment = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "COLUMNS": str(columns), **env}
        environment.pop("NO_COLOR", None) if "NO_COLOR" not in env else None
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            cwd=folder,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            close_fds=True,
            preexec_fn=_own_terminal,
        )
        os.close(slave)
        self.raw = ""

    def read_until(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while text not in ANSI.sub("", self.raw):
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"never saw {text!r} in {ANSI.sub('', self.raw)[-500:]!r}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    self.raw += os.read(self.master, 65536).decode(errors="replace")
                except OSError:  # the process closed the terminal
                    break
        return ANSI.sub("", self.raw)

    def type(self, keys):
        os.write(self.master, keys.encode())

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        os.close(self.master)


@pytest.fixture
def terminal(synced):
    """Starts the console in a folder whose store holds the bundled snapshot."""
    opened = []

    def start(**env):
        opened.append(Terminal(synced, **env))
        return opened[-1]

    yield start
    for each in opened:
        each.close()


def test_answers_wrap_at_80_columns_on_word_boundaries_with_a_blank_line_after(terminal):
    console = terminal()
    console.read_until("podbot> ")
    console.type("/episode caddy\r")
    screen = console.read_until("1:03:35  Outro\n\npodbot> ")  # the answer, a blank line, the prompt
    answer = screen.split("/episode caddy", 1)[1]
    # Only a single unbreakable word (a URL) may run past the edge; nothing is cut mid-word.
    too_wide = [line for line in answer.splitlines() if len(line) > 80 and " " in line.strip()]
    assert too_wide == []
    assert "mechanical engineers Ed, Jason, Fan, and Raghavan" in " ".join(answer.split())
    assert "score" not in screen


def test_help_reads_as_written_on_an_80_column_terminal():
    # Wrapping a line of /help would split its sentences at odd places ("...NAME:QUERY searches" / "one of them").
    assert wrap(HELP, 80) == HELP


def test_ctrl_c_clears_a_line_every_time_and_two_on_an_empty_line_leave_cleanly(terminal):
    console = terminal()
    console.read_until("podbot> ")
    for typed in ("half a que", "second li"):  # a second line after a first Ctrl-C is cleared too
        console.type(typed)
        console.read_until(f"podbot> {typed}")  # echoed: the console is reading
        console.type("\x03")
        console.read_until(f"podbot> {typed}^C\npodbot> ")  # cleared, and reading again
    console.type("\x03")
    console.read_until("press Ctrl-C again to leave")
    assert console.process.poll() is None
    console.type("\x03")
    assert console.process.wait(timeout=10) == 0
    assert "Traceback" not in console.read_until("")


def test_ctrl_d_leaves_with_exit_code_0(terminal):
    console = terminal()
    console.read_until("podbot> ")
    console.type("\x04")
    assert console.process.wait(timeout=10) == 0


def test_titles_are_bold_on_a_terminal_unless_no_color_is_set(terminal):
    colourful = terminal()
    colourful.read_until("podbot> ")
    colourful.type("/episode 64\r")
    colourful.read_until("Outro")
    assert "\x1b[1m64: Caddy" in colourful.raw
    plain = terminal(NO_COLOR="1")
    plain.read_until("podbot> ")
    plain.type("/episode 64\r")
    plain.read_until("Outro")
    assert "\x1b[1m" not in plain.raw


def test_over_long_lines_and_latest_0_are_refused_with_a_short_message(terminal):
    console = terminal()
    console.read_until("podbot> ")
    console.type("x" * 300 + "\r")
    console.read_until("a query can be at most 200")
    console.type("/latest 0\r")
    console.read_until("Usage: /latest [N], with N from 1 to 50")
