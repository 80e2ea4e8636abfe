"""The CI outputs of ``validate``: SARIF valid against the official 2.1.0 schema, paths relative to the repository
root and percent-encoded, rule documentation, ``--quiet`` in every format, and docs/rules.md kept current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, FormatChecker
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.lint import rulesdoc
from agilesocial.lint.registry import RULES
from test_lint_project import base_files, write_project

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests/fixtures/sarif/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
runner = CliRunner()


def invoke(*args: str) -> Any:
    result = runner.invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    return result


def sarif_errors(log: dict[str, Any]) -> list[str]:
    checker = FormatChecker()
    assert {"uri", "uri-reference"} <= set(checker.checkers), "install rfc3986-validator (dev extra)"
    validator = Draft7Validator(SCHEMA, format_checker=checker)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(log)]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the project in marketing/, one plan file named with a space, '%', ',' and ':'."""
    (tmp_path / ".git").mkdir()
    project = tmp_path / "marketing"
    files = base_files()
    plan = files.pop("plans/acme.yaml")
    del plan["objectives"][1]["deadline"]  # AS104 (error)
    plan["tools"].append({"id": "ig2", "platform": "instagram", "serves": ["eng"]})  # AS304 (warning)
    files["plans/Q1 launch 50%,a:b é.yaml"] = plan
    write_project(project, files)
    monkeypatch.chdir(project / "plans")
    return tmp_path


def test_the_schema_fixture_rejects_what_it_must() -> None:
    """The fixture is the real schema with format checks on: a bad URI and a missing message both fail."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "A"}]}]}
    assert any("'message' is a required property" in e for e in sarif_errors(bad))
    location = {"physicalLocation": {"artifactLocation": {"uri": "Q1 launch 50%.yaml"}}}
    bad["runs"][0]["results"] = [{"message": {"text": "m"}, "locations": [location]}]
    assert any("uri-reference" in e for e in sarif_errors(bad))


def test_sarif_is_valid_and_relative_to_the_repository_root(repo: Path) -> None:
    result = invoke("--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert sarif_errors(log) == []
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
    uris = {r["ruleId"]: r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]}
    assert uris["AS104"] == {
        "uri": "marketing/plans/Q1%20launch%2050%25%2Ca%3Ab%20%C3%A9.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert sorted(uris) == ["AS104", "AS304"]


def test_sarif_rules_are_documented(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rulesdoc.DOCS_ENV, "https://example.org/agile-social/docs/")
    log = json.loads(invoke("--format", "sarif").stdout)
    assert sarif_errors(log) == []
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://example.org/agile-social/docs/rules.md"
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    for descriptor in driver["rules"]:
        rule = RULES[descriptor["id"]]
        assert descriptor["helpUri"] == f"https://example.org/agile-social/docs/rules.md#{rule.code.lower()}"
        assert descriptor["shortDescription"] == {"text": rule.summary}
        assert descriptor["fullDescription"] == {"text": rule.description}
        assert descriptor["help"]["text"] == rule.fix and rule.fix in descriptor["help"]["markdown"]
        assert rule.description and rule.fix


def test_github_annotations_are_relative_to_the_repository_root(repo: Path) -> None:
    result = invoke("--format", "github")
    lines = result.output.splitlines()
    assert lines[0] == (
        "::error file=marketing/plans/Q1 launch 50%25%2Ca%3Ab é.yaml,line=12,col=3,title=AS104::objective 'svc' is "
        "not SMART: it has no deadline (add 'deadline: YYYY-MM-DD' to it)"
    )
    assert lines[1].startswith("::warning file=marketing/plans/Q1 launch 50%25%2Ca%3Ab é.yaml,line=")
    assert "Q1 launch 50%,a:b é.yaml:12:3: error AS104" in result.output  # the text report: relative to here


def test_outside_git_paths_are_relative_to_the_project_root(repo: Path) -> None:
    (repo / ".git").rmdir()
    log = json.loads(invoke("--format", "sarif").stdout)
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (repo / "marketing").resolve().as_uri() + "/"
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "plans/Q1%20launch%2050%25%2Ca%3Ab%20%C3%A9.yaml"


def _codes(fmt: str, output: str) -> list[str]:
    """The finding codes in an output of each format (rules lists left out)."""
    if fmt == "json":
        return [f["code"] for f in json.loads(output)["findings"]]
    if fmt == "sarif":
        return [r["ruleId"] for r in json.loads(output)["runs"][0]["results"]]
    if fmt == "github":
        return [line.split("title=")[1].split("::")[0] for line in output.splitlines() if line.startswith("::")]
    return [code for code in RULES if code in output]


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_quiet_drops_warnings_in_every_format(repo: Path, fmt: str) -> None:
    assert sorted(_codes(fmt, invoke("--format", fmt).stdout)) == ["AS104", "AS304"]
    assert _codes(fmt, invoke("--format", fmt, "--quiet").stdout) == ["AS104"]


def test_io_errors_in_sarif_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, base_files())
    (tmp_path / "sprints" / "old.yaml").symlink_to("../archive/old.yaml")
    monkeypatch.chdir(tmp_path)
    result = invoke("--format", "sarif", "--exit-zero")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    assert sarif_errors(log) == []
    (only,) = log["runs"][0]["results"]
    assert only["ruleId"] == "AS002" and only["level"] == "error"
    assert only["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sprints/old.yaml"
    data = json.loads(invoke("--format", "json").stdout)
    assert [(f["code"], f["path"]) for f in data["findings"]] == [("AS002", "sprints/old.yaml")]


def test_rules_page_is_current() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == rulesdoc.render_markdown(), "regenerate: python -m agilesocial.lint.rulesdoc > docs/rules.md"
    for code in RULES:
        assert f"\n## {code}\n" in page


def test_help_uri_follows_where_agile_social_was_installed_from(tmp_path: Path) -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    github = {"url": "https://github.com/acme/agile-social.git", "vcs_info": {"vcs": "git", "commit_id": commit}}
    assert rulesdoc._from_direct_url(github) == f"https://github.com/acme/agile-social/blob/{commit}/docs"
    gitlab = {"url": "https://gitlab.example.com/team/agile-social", "vcs_info": {"vcs": "git", "commit_id": commit}}
    assert rulesdoc._from_direct_url(gitlab) == f"https://gitlab.example.com/team/agile-social/-/blob/{commit}/docs"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "rules.md").write_text("# rules\n")
    assert rulesdoc._from_direct_url({"url": tmp_path.as_uri(), "dir_info": {}}) == (tmp_path / "docs").as_uri()
    assert rulesdoc._from_direct_url({"url": (tmp_path / "nothing").as_uri(), "dir_info": {}}) is None
    assert rulesdoc._from_direct_url({"url": "https://example.org/x.whl", "archive_info": {}}) is None
    assert rulesdoc.help_uri(RULES["AS404"]).endswith("/docs/rules.md#as404")  # this checkout's own docs
