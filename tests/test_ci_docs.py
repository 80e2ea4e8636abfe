"""docs/ci.md works as written: the pre-commit configuration it documents, run against a local clone of this
repository, passes a good commit and stops commits that break the project (a deleted sprint, a renamed objective);
the GitHub workflow has the permissions SARIF upload needs and uploads only a report that exists."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from test_lint_project import base_files, write_project

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
PLACEHOLDER = "AGILE_SOCIAL_GIT"


def yaml_blocks() -> list[Any]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", DOC, flags=re.S)]


def documented_pre_commit_config() -> dict[str, Any]:
    (config,) = [b for b in yaml_blocks() if isinstance(b, dict) and "repos" in b]
    return config


def documented_workflow() -> dict[str, Any]:
    (workflow,) = [b for b in yaml_blocks() if isinstance(b, dict) and "jobs" in b]
    return workflow


def git(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check)


def test_the_documented_pins_are_commits_of_this_repository() -> None:
    config = documented_pre_commit_config()
    (repo,) = config["repos"]
    assert repo["repo"] == PLACEHOLDER and repo["hooks"][0]["language_version"] == "python3.11"
    rev = repo["rev"]
    assert re.fullmatch(r"[0-9a-f]{40}", rev), "pin a full commit SHA: the repository has no release tags"
    assert DOC.count(rev) >= 4  # the same pin in the install commands, the hook and the workflow
    if not (ROOT / ".git").exists() or git("rev-parse", "--is-shallow-repository", cwd=ROOT).stdout.strip() == "true":
        pytest.skip("not a full git checkout")
    assert git("cat-file", "-e", f"{rev}^{{commit}}", cwd=ROOT, check=False).returncode == 0, f"{rev} is not a commit"
    hooks = yaml.safe_load(git("show", f"{rev}:.pre-commit-hooks.yaml", cwd=ROOT).stdout)
    assert all(h["pass_filenames"] is False and h["always_run"] is True for h in hooks)


def test_the_workflow_uploads_sarif_only_when_it_exists() -> None:
    workflow = documented_workflow()
    assert workflow["permissions"] == {"contents": "read", "actions": "read", "security-events": "write"}
    steps = workflow["jobs"]["validate"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["if"] == "always() && hashFiles('results.sarif') != ''"
    assert upload["with"] == {"sarif_file": "results.sarif"}
    install = next(s for s in steps if s.get("name") == "Install agile-social")
    assert install["run"] == f'pip install "git+{PLACEHOLDER}@{documented_pre_commit_config()["repos"][0]["rev"]}"'


@pytest.mark.parametrize(
    ("case", "status", "kept"), [("clean", 0, True), ("findings", 0, True), ("io", 2, True), ("broken", 2, False)]
)
def test_the_workflow_sarif_step(tmp_path: Path, case: str, status: int, kept: bool) -> None:
    """GitHub runs ``run:`` with ``bash -e``; the step keeps the report when validate wrote one."""
    step = next(s for s in documented_workflow()["jobs"]["validate"]["steps"] if "results.sarif" in s.get("run", ""))
    files = base_files()
    if case == "findings":
        del files["plans/acme.yaml"]["program"]["owner"]
    write_project(tmp_path, files)
    if case == "io":
        (tmp_path / "sprints" / "s9.yaml").symlink_to("gone.yaml")
    if case == "broken":
        (tmp_path / "agile-social.yaml").write_text("version: 1\nplanz: plans\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == status, done.stderr
    sarif = tmp_path / "results.sarif"
    assert sarif.exists() == kept
    if kept:
        assert sarif.read_text().startswith('{\n  "version": "2.1.0"')


@pytest.mark.skipif(shutil.which("python3.11") is None, reason="the documented hook needs python3.11 on PATH")
def test_the_documented_pre_commit_hook_stops_breaking_commits(tmp_path: Path) -> None:
    """The documented configuration, with AGILE_SOCIAL_GIT set to a local clone of this repository (the hook is
    installed from it, its dependencies from the package index)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    config = documented_pre_commit_config()
    rev = config["repos"][0]["rev"]
    clone = tmp_path / "agile-social"
    git("clone", "--quiet", "--no-checkout", str(ROOT), str(clone), cwd=tmp_path)
    if git("cat-file", "-e", f"{rev}^{{commit}}", cwd=clone, check=False).returncode:
        pytest.skip(f"{rev} is not in this clone (shallow checkout)")
    config["repos"][0]["repo"] = str(clone)

    team = tmp_path / "team"
    team.mkdir()
    git("init", "--quiet", "-b", "main", cwd=team)
    files = base_files()
    files["plans/acme.yaml"]["objectives"][0]["deadline"] = "2099-06-30"  # the hook checks against today's date
    files["plans/acme.yaml"]["objectives"][1]["deadline"] = "2099-06-30"
    write_project(team, files)
    (team / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the hook runs the agile-social installed from the clone, not this checkout
    pre_commit = [sys.executable, "-m", "pre_commit"]
    subprocess.run([*pre_commit, "install"], cwd=team, env=env, check=True, capture_output=True)

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        git("add", "-A", cwd=team)
        return subprocess.run(
            ["git", "commit", "-q", "-m", message],
            cwd=team,
            env={
                **env,
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@x",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@x",
            },
            capture_output=True,
            text=True,
        )

    first = commit("a valid project")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "agile-social validate" in first.stdout + first.stderr and "Passed" in first.stdout + first.stderr

    (team / "sprints" / "s1.yaml").unlink()  # e1 runs in sprint s1: a deletion-only commit
    deleted = commit("drop the first sprint")
    out = deleted.stdout + deleted.stderr
    assert deleted.returncode != 0, out
    assert re.search(r"experiments/e1\.yaml:\d+:\d+: error AS403 experiment 'e1' refers to unknown sprint 's1'", out)
    git("reset", "--quiet", "--hard", cwd=team)

    plan = (team / "plans" / "acme.yaml").read_text().replace("- id: eng", "- id: engagement")
    (team / "plans" / "acme.yaml").write_text(plan.replace("- eng\n", "- engagement\n"))
    renamed = commit("rename an objective")
    out = renamed.stdout + renamed.stderr
    assert renamed.returncode != 0, out
    assert "error AS402 experiment 'e1' refers to objective 'eng', not found in plan 'acme'" in out
    assert git("log", "--oneline", cwd=team).stdout.count("\n") == 1  # only the valid commit went in
