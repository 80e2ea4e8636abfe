"""The README documents every command and every option, and the set-up commands CI relies on."""

from pathlib import Path
from typing import Any

import pytest
import typer.main

from agilesocial.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README_ONLY = (ROOT / "README.md").read_text(encoding="utf-8")
# The command reference may live in docs/ (one page per topic); the README links to it.
README = README_ONLY + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md")))


def _commands() -> list[tuple[str, Any]]:
    group: Any = typer.main.get_command(app)  # Typer's own copy of click: no isinstance against click here
    return sorted(group.commands.items())


def test_setup_commands_come_first() -> None:
    setup = README_ONLY.index("make demo")
    assert setup < README_ONLY.index("## ") or setup < 1500
    assert "make test" in README_ONLY[: setup + 400]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci/run").read_text()


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_and_option_is_documented(name: str, command: Any) -> None:
    assert f"agile-social {name}" in README, f"README has no section or example for 'agile-social {name}'"
    for param in command.params:
        if getattr(param, "param_type_name", "") != "option" or getattr(param, "hidden", False):
            continue
        longs = [o for o in [*param.opts, *param.secondary_opts] if o.startswith("--") and o != "--help"]
        assert any(o in README for o in longs), f"'agile-social {name}': option {longs} is not documented in README"
