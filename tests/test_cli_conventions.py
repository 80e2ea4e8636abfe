"""Conventions every command and subcommand follows — enumerated from the Typer app, so a command added later is
held to them too: -h/--help with an example, --quiet, a bad option is one line and exit 2, --format means the same
everywhere (JSON with a schema_version, unchanged by --quiet), a missing project or warehouse is one clear line, no
colour without a terminal or with NO_COLOR, a fast start-up that imports no heavy modules."""

from __future__ import annotations

import json
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
FIX = ROOT / "tests" / "fixtures" / "exports"
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
PATHS = [path for path, _ in COMMANDS]
IDS = {"ids": lambda p: " ".join(p)}
#: Output formats a --format option may offer, and the flags that would compete with it.
FORMATS = {"text", "md", "json", "csv", "html", "github", "sarif"}
FORMAT_FLAGS = {f"--{f}" for f in FORMATS} | {"--output-format", "--machine"}


def _options(command: Any) -> dict[str, Any]:
    return {opt: p for p in command.params for opt in [*getattr(p, "opts", []), *getattr(p, "secondary_opts", [])]}


def _format_flags(command: Any) -> set[str]:
    """Flags (taking no value) named like a format: ``--json`` competing with ``--format json``. ``--csv DIR``
    (also write CSV tables into DIR) takes a value and is no competitor."""
    return {opt for opt, p in _options(command).items() if opt in FORMAT_FLAGS and getattr(p, "is_flag", False)}


def _with_format() -> list[tuple[str, ...]]:
    return [path for path, cmd in COMMANDS if "--format" in _options(cmd)]


def _one_error_line(result: Any) -> str:
    """The run wrote exactly one line, ``error: …``, on stderr, nothing on stdout, and no traceback."""
    assert result.stdout == "", result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert isinstance(result.exception, SystemExit), result.exception  # an exit code, not a crash
    return str(result.stderr)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"agile-social {__version__}\n"


def test_my_commands_are_registered() -> None:
    assert {path[0] for path, _ in COMMANDS} >= {"init", "validate", "schema"}
    assert ("accounts", "rename") in PATHS  # subcommands are enumerated too


@pytest.mark.parametrize("path", PATHS, **IDS)
def test_short_and_long_help_are_the_same(path: tuple[str, ...]) -> None:
    short, long = runner.invoke(app, [*path, "-h"]), runner.invoke(app, [*path, "--help"])
    assert short.exit_code == long.exit_code == 0, short.output
    assert short.stdout == long.stdout and f"agile-social {' '.join(path)}" in short.stdout


@pytest.mark.parametrize("path", [(), *PATHS], ids=lambda p: " ".join(p) or "agile-social")
def test_a_bad_option_is_one_line_and_exit_2(path: tuple[str, ...]) -> None:
    res = runner.invoke(app, [*path, "--zz-bogus"])
    assert res.exit_code == 2
    line = _one_error_line(res)
    where = " ".join(("agile-social", *path))
    assert line == f"error: {where}: no such option: --zz-bogus (see '{where} -h')\n"


@pytest.mark.parametrize("path", _with_format(), **IDS)
def test_format_means_the_same_in_every_command(path: tuple[str, ...]) -> None:
    """-f/--format, default text, choices from one set that always includes json; a bad value is one line that
    lists the choices; no competing --json style flag."""
    options = _options(dict(COMMANDS)[path])
    assert options["--format"] is options.get("-f"), "--format needs the short form -f"
    assert str(getattr(options["--format"].default, "value", options["--format"].default)) == "text"
    assert not _format_flags(dict(COMMANDS)[path]), "use --format instead"
    res = runner.invoke(app, [*path, "-f", "yaml"])
    assert res.exit_code == 2
    line = _one_error_line(res)
    choices = {c.strip("'") for c in line.split("is not one of ")[1].split(" (see")[0].split(", ")}
    assert "json" in choices and "text" in choices and choices <= FORMATS, choices


def test_no_command_without_format_has_a_machine_readable_flag() -> None:
    for path, cmd in COMMANDS:
        assert not _format_flags(cmd), path


#: For every command: what it needs to run in an empty folder (no agile-social.yaml, no warehouse), and the one line
#: it must then print (None: it needs neither and succeeds there). A new command must be added here.
WITHOUT_PROJECT: dict[tuple[str, ...], tuple[list[str], str | None]] = {
    ("accounts",): ([], "no warehouse yet (run 'agile-social ingest <exports>'"),
    ("accounts", "rename"): (["old", "new"], "no warehouse yet (run 'agile-social ingest <exports>'"),
    ("analyze",): ([], "no agile-social.yaml found in this folder or any parent (run 'agile-social init'"),
    ("calibrate",): (["-p", "x", "-a", "acme"], "no warehouse yet (run 'agile-social ingest <exports>'"),
    ("demo",): (["--dir", "demo", "--quiet"], None),
    ("export",): (["--parquet", "lake"], "no warehouse yet (run 'agile-social ingest <exports>'"),
    ("ingest",): ([str(FIX / "instagram_posts.csv"), "--quiet"], None),
    ("init",): (["--brand", "Acme", "--quiet"], None),
    ("learnings",): ([], "no agile-social.yaml found in this folder or any parent (run 'agile-social init'"),
    ("metrics",): (["--quiet"], None),
    ("power",): (["--experiment", "e1"], "no agile-social.yaml found in this folder or any parent"),
    ("retro",): ([], "no agile-social.yaml found in this folder or any parent (run 'agile-social init'"),
    ("schema",): (["--out", "schemas", "--quiet"], None),
    ("status",): ([], "no warehouse yet (run 'agile-social ingest <exports>'"),
    ("validate",): ([], "no plan, experiment or sprint YAML files found"),
}


def test_every_command_says_what_it_needs_without_a_project() -> None:
    assert sorted(WITHOUT_PROJECT) == sorted(PATHS), "add the new command to WITHOUT_PROJECT"


@pytest.mark.parametrize("path", sorted(WITHOUT_PROJECT), **IDS)
def test_a_missing_project_or_warehouse_is_one_clear_line(
    path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    args, message = WITHOUT_PROJECT[path]
    res = runner.invoke(app, [*path, *args], env={"NO_COLOR": "1"})
    if message is None:
        assert res.exit_code == 0, res.output
        return
    assert res.exit_code == 2, res.output
    assert message in _one_error_line(res)
    assert not (tmp_path / ".agile-social").exists(), "a command that only reads must not create a warehouse"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("conventions") / "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AGILE_SOCIAL_DB", raising=False)
        res = runner.invoke(app, ["demo", "--dir", str(folder), "--quiet"], env={"NO_COLOR": "1"})
        assert res.exit_code == 0, res.output
        mp.chdir(folder)
        yield folder


#: Arguments that make each command with --format do real work in the demo project. A new one must be added here.
JSON_ARGS: dict[tuple[str, ...], list[str]] = {
    ("accounts",): [],
    ("analyze",): ["--experiment", "x-thread-vs-single"],
    ("calibrate",): ["-p", "facebook", "-a", "Northwind Coffee", "--runs", "40", "--posts-per-arm", "5"],
    ("ingest",): [str(FIX / "instagram_posts.csv")],
    ("learnings",): [],
    ("metrics",): [],
    ("power",): ["--experiment", "fb-reels-vs-photos"],
    ("retro",): ["--no-store"],
    ("status",): [],
    ("validate",): [],
}


def test_every_command_with_format_has_json_args() -> None:
    assert sorted(JSON_ARGS) == sorted(_with_format()), "add the new command to JSON_ARGS"


def _json(res: Any) -> dict[str, Any]:
    """stdout as JSON (it must be the JSON and nothing else), without the run's own timestamps."""
    data = json.loads(res.stdout)
    assert isinstance(data, dict)
    for key in ("generated_at", "run_at"):
        data.pop(key, None)
    return data


@pytest.mark.parametrize("path", sorted(JSON_ARGS), **IDS)
def test_json_is_one_document_with_a_schema_version_and_quiet_leaves_it_alone(
    path: tuple[str, ...], demo: Path
) -> None:
    args = [*path, *JSON_ARGS[path], "--format", "json"]
    runner.invoke(app, args, env={"NO_COLOR": "1"})  # once before: 'ingest' loads the file the first time only
    res = runner.invoke(app, args, env={"NO_COLOR": "1"})
    assert res.exit_code == 0, res.output
    data = _json(res)
    # the sprint document (analyze, retro) is at version 2 since top_posts/next_sprint changed; the others at 1
    assert data["schema_version"] == (2 if path[0] in ("analyze", "retro") else 1), sorted(data)
    quiet = runner.invoke(app, [*args, "--quiet"], env={"NO_COLOR": "1"})
    assert quiet.exit_code == 0 and _json(quiet) == data


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
