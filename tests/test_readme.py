"""The README documents every command and every option, and the set-up commands CI relies on."""

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from agilesocial.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README_ONLY = (ROOT / "README.md").read_text(encoding="utf-8")
# The command reference may live in docs/ (one page per topic); the README links to it.
README = README_ONLY + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md")))


def _commands(group: Any = None, prefix: str = "") -> list[tuple[str, Any]]:
    """Every command and subcommand (``accounts rename``) of the app, by its full name."""
    group = group or typer.main.get_command(app)  # Typer's own copy of click: no isinstance against click here
    out = []
    for name, command in sorted(getattr(group, "commands", {}).items()):
        out.append((f"{prefix}{name}", command))
        out += _commands(command, f"{prefix}{name} ")
    return out


def test_setup_commands_come_first() -> None:
    setup = README_ONLY.index("make demo")
    assert setup < README_ONLY.index("## ") or setup < 1500
    assert "make test" in README_ONLY[: setup + 400]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci/run").read_text()


def _sections() -> list[tuple[str, str, str]]:
    """Every heading of the README and docs/**/*.md with its text up to the next heading of the same or a higher
    level: ``(file, heading, text)``. Lines inside code fences are text, never headings."""
    out = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        lines = path.read_text(encoding="utf-8").splitlines()
        heads, fence = [], False
        for i, line in enumerate(lines):
            if line.startswith("```"):
                fence = not fence
            elif not fence and re.match(r"#{1,6} ", line):
                heads.append((i, len(line) - len(line.lstrip("#")), line))
        for k, (i, level, line) in enumerate(heads):
            end = next((j for j, lv, _ in heads[k + 1 :] if lv <= level), len(lines))
            out.append((path.name, line, "\n".join(lines[i:end])))
    return out


SECTIONS = _sections()


def command_sections(name: str) -> list[str]:
    """The sections whose heading names the command: ``agile-social NAME`` or `` `NAME` ``."""
    pattern = re.compile(rf"`(agile-social )?{re.escape(name)}(`| )")
    return [text for _, heading, text in SECTIONS if pattern.search(heading)]


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_option_is_documented_in_its_commands_section(name: str, command: Any) -> None:
    assert f"agile-social {name}" in README_ONLY, f"README has no example of 'agile-social {name}'"
    sections = command_sections(name)
    assert sections, f"no heading in README.md or docs/ names the command `{name}`"
    for param in command.params:
        if getattr(param, "param_type_name", "") != "option" or getattr(param, "hidden", False):
            continue
        longs = [o for o in [*param.opts, *param.secondary_opts] if o.startswith("--") and o != "--help"]
        assert any(re.search(rf"{re.escape(o)}\b", text) for o in longs for text in sections), (
            f"'agile-social {name}': option {longs} is not documented in the section of `{name}`"
        )


def test_subcommands_are_checked_too() -> None:
    assert "accounts rename" in dict(_commands())
    assert any("accounts rename" in text.splitlines()[0] for text in command_sections("accounts rename"))


def test_the_section_rule_can_fail() -> None:
    """An option mentioned only under another command's heading does not count."""
    assert command_sections("no-such-command") == []
    analyze = "\n".join(command_sections("analyze"))
    assert "--sequential" in analyze and "--csv" not in analyze.replace("--csv DIR", "")
