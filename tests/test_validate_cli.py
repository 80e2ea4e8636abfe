"""``agile-social validate`` through the CLI: exit codes, formats, options, and the repository's demo project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.lint.reporters import REPORTERS
from test_lint_project import base_files, write_project

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    result = runner.invoke(app, ["validate", *args], env=env)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The valid lint project with one error (AS104, no deadline) and one warning (AS412, stopped, no five whys)."""
    files = base_files()
    del files["plans/acme.yaml"]["objectives"][1]["deadline"]
    files["experiments/e1.yaml"]["status"] = "stopped"
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_demo_project_validates_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "experiments")  # the config is found by walking up
    result = invoke("--strict")
    assert result.exit_code == 0, result.output
    assert result.output == "ok: 6 files checked, no problems found\n"


def test_text_report(project: Path) -> None:
    result = invoke()
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        "experiments/e1.yaml:23:1: warning AS412 stopped experiment 'e1' records no five whys "
        "(add 'five_whys: [...]' down to the root cause, so the failure teaches 'do not repeat')"
    )
    assert lines[1] == ""  # files are separated by a blank line
    assert lines[2].startswith("plans/acme.yaml:12:3: error AS104 objective 'svc' is not SMART: it has no deadline")
    assert lines[-1] == "1 error, 1 warning in 2 of 4 files checked"


def test_quiet_shows_only_errors(project: Path) -> None:
    result = invoke("--quiet")
    assert result.exit_code == 1
    assert "AS104" in result.output and "AS412" not in result.output


def test_strict_and_exit_zero(project: Path) -> None:
    files = base_files()
    files["experiments/e1.yaml"]["status"] = "stopped"
    write_project(project, files)
    assert invoke().exit_code == 0  # only the warning is left
    assert invoke("--strict").exit_code == 1
    assert invoke("--strict", "--exit-zero").exit_code == 0
    assert invoke("--quiet").output == ""


def test_json_format(project: Path) -> None:
    result = invoke("--format", "json")
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["summary"] == {"files_checked": 4, "files_with_findings": 2, "errors": 1, "warnings": 1}
    assert [f["code"] for f in data["findings"]] == ["AS412", "AS104"]
    assert set(data["findings"][0]) == {"code", "severity", "path", "line", "column", "message", "hint", "repo_path"}
    assert {r["code"] for r in data["rules"]} >= {"AS001", "AS104", "AS412"}


def test_github_format(project: Path) -> None:
    result = invoke("--format", "github")
    lines = result.output.splitlines()
    assert lines[0].startswith("::warning file=experiments/e1.yaml,line=23,col=1,title=AS412::stopped experiment")
    assert lines[1].startswith("::error file=plans/acme.yaml,line=12,col=3,title=AS104::objective 'svc'")
    assert "1 error, 1 warning in 2 of 4 files checked" in result.output  # the text report follows


def test_github_escaping() -> None:
    from agilesocial.lint.reporters import _escape_data, _escape_property

    assert _escape_data("50 %\r\nnext: a,b") == "50 %25%0D%0Anext: a,b"
    assert _escape_property("dir,x/a:b.yaml") == "dir%2Cx/a%3Ab.yaml"


def test_sarif_format(project: Path) -> None:
    sarif = json.loads(invoke("--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "agile-social"
    first = run["results"][0]
    assert first["ruleId"] == "AS412" and first["level"] == "warning"
    assert rules[first["ruleIndex"]]["id"] == "AS412"
    location = first["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "experiments/e1.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 23, "startColumn": 1},
    }


def test_format_choices_match_the_registry() -> None:
    from agilesocial.cli.validate import FORMATS

    assert tuple(REPORTERS) == FORMATS
    result = invoke("--format", "xml")
    assert result.exit_code == 2 and "'xml' is not one of text, json, github, sarif" in result.output


def test_no_colour_without_a_terminal(project: Path) -> None:
    for env in ({"NO_COLOR": "1"}, {"TERM": "xterm-256color"}):
        result = invoke(env=env)
        assert "\x1b[" not in result.output


def test_explicit_paths_and_missing_paths(project: Path) -> None:
    result = invoke("experiments", "sprints/s1.yaml")
    assert result.exit_code == 0  # the error is in plans/, which was not asked for
    assert "2 files checked" in result.output
    result = invoke("plans/nope.yaml")
    assert result.exit_code == 2
    assert result.output == "error: plans/nope.yaml: no such file or directory (check the path)\n"


def test_folder_without_plan_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("hi")
    monkeypatch.chdir(tmp_path)
    result = invoke("notes")
    assert result.exit_code == 2
    assert result.output.startswith("error: no plan, experiment or sprint YAML files found in notes")
    result = invoke()
    assert result.exit_code == 2
    assert "no plan, experiment or sprint YAML files found in plans/, experiments/, sprints/" in result.output


def test_broken_config_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, base_files())
    (tmp_path / "agile-social.yaml").write_text("version: 1\nplanz: plans\n")
    monkeypatch.chdir(tmp_path)
    result = invoke()
    assert result.exit_code == 2
    assert result.output == "error: agile-social.yaml:2:1: unknown key 'planz' (did you mean 'plans'?)\n"


def test_validate_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from agilesocial.cli.app import app\n"
        "try:\n    app(['validate'])\n"
        "except SystemExit as e:\n    assert e.code == 0, e.code\n"
        "print(sorted(m for m in ('scipy', 'statsmodels', 'duckdb', 'numpy', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "[]"


def test_pre_commit_hook_definition() -> None:
    """Whole-project validation on every commit: deletions and files outside the hard-coded folders count too."""
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["agile-social-validate"]["entry"] == "agile-social validate"
    assert hooks["agile-social-validate-strict"]["entry"] == "agile-social validate --strict"
    for hook in hooks.values():
        assert hook["pass_filenames"] is False and hook["always_run"] is True, hook
        assert hook["language"] == "python" and hook["language_version"] == "python3.11"
        assert "files" not in hook and "types" not in hook
