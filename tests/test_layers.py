"""The folders are the architecture: the core never reaches up into a front end."""

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

FORBIDDEN_IN_CORE = ("discord", "argparse", "bot.terminal", "bot.discord_app", "cogs")


def imported_modules(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def violations(folder: str, forbidden: tuple[str, ...], *, top_level_only: bool = False) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for module in imported_modules(path, top_level_only=top_level_only)
        if any(module == name or module.startswith(name + ".") for name in forbidden)
    ]


def test_core_modules_never_import_discord_argparse_or_a_front_end():
    assert violations("bot/core", FORBIDDEN_IN_CORE) == []


def test_the_terminal_front_end_loads_discord_only_to_run_the_bot():
    assert violations("bot/terminal", ("discord",), top_level_only=True) == []


def test_using_the_core_and_the_cli_loads_no_discord():
    probe = "import sys, bot.core.library, bot.terminal.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'discord'))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"
