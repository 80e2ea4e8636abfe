"""Conventions every command follows — including the commands added later: --help with an example, --quiet,
no colour without a terminal or with NO_COLOR, a fast start-up that imports no heavy modules."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from agilesocial import __version__
from agilesocial.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy", "statsmodels", "duckdb", "numpy", "pandas", "jinja2")
runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    out = []
    for name, command in sorted(getattr(group, "commands", {}).items()):
        path = (*prefix, name)
        out.append((path, command))
        out += _commands(command, path)
    return out


COMMANDS = _commands(typer.main.get_command(app))
LEAVES = [(path, cmd) for path, cmd in COMMANDS if not getattr(cmd, "commands", None)]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"agile-social {__version__}\n"


def test_my_commands_are_registered() -> None:
    assert {path[0] for path, _ in COMMANDS} >= {"init", "validate", "schema"}


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p))
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert re.search(r"(?im)^\s*examples?:", text), f"'agile-social {' '.join(path)} --help' has no 'Example:' section"
    assert re.search(rf"(?m)^\s+agile-social {re.escape(' '.join(path))}\b", text), "the example runs the command"
    assert "\x1b[" not in text


@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=lambda p: " ".join(p))
def test_command_has_quiet(path: tuple[str, ...]) -> None:
    command = dict(LEAVES)[path]
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    assert "--quiet" in options, f"'agile-social {' '.join(path)}' has no --quiet"


def _run_in_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with stdout on a pseudo-terminal (so it believes it may use colour)."""
    primary, secondary = pty.openpty()
    code = "from agilesocial.cli.app import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=secondary, stderr=secondary, cwd=ROOT, env=env, close_fds=True
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_color_on_a_terminal(tmp_path: Path) -> None:
    bad = tmp_path / "plans" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("id: [\n")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm-256color", "COLUMNS": "120"}
    coloured = _run_in_terminal(["validate", str(bad)], env)
    assert "AS001" in coloured and "\x1b[" in coloured  # colour on a terminal...
    plain = _run_in_terminal(["validate", str(bad)], env | {"NO_COLOR": "1"})
    assert "AS001" in plain and "\x1b[" not in plain  # ...but not with NO_COLOR


def test_help_starts_without_heavy_modules() -> None:
    code = (
        "import sys\nfrom agilesocial.cli.app import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "[]"
