"""A small valid project (as data) for the lint tests, and a helper that writes it to disk."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

TODAY = date(2026, 11, 27)

CONFIG: dict[str, Any] = {
    "version": 1,
    "metrics": [{"name": "link_click_per_reach", "numerator": "link_clicks", "denominator": "reach"}],
}

PLAN: dict[str, Any] = {
    "id": "acme",
    "name": "Acme plan",
    "brand": "Acme",
    "objectives": [
        {
            "id": "eng",
            "goal": "talking",
            "statement": "Spread the word.",
            "metric": "engagement_rate",
            "baseline": 0.02,
            "target": 0.03,
            "deadline": "2027-06-30",
        },
        {
            "id": "svc",
            "goal": "supporting",
            "statement": "Help customers.",
            "metric": "link_click_per_reach",
            "baseline": 0.01,
            "target": 0.02,
            "deadline": "2027-06-30",
        },
    ],
    "target": {"segments": [{"name": "fans", "technographics": {"creators": 50, "joiners": 50}}]},
    "differentiator": {"value_proposition": "Brew guides nobody else has."},
    "tools": [
        {"id": "ig", "platform": "instagram", "serves": ["eng"]},
        {"id": "tw", "platform": "x", "serves": ["svc", "eng"]},
    ],
    "evaluation": {"kpis": [{"metric": "engagement_rate", "weekly_target": 0.025}]},
    "program": {"success_measures": ["engagement rate 3 %"], "owner": "Dana"},
}

EXPERIMENT: dict[str, Any] = {
    "id": "e1",
    "plan": "acme",
    "objective": "eng",
    "sprint": "s1",
    "hypothesis": {
        "we_believe": "questions in captions",
        "will_result_in": "more engagement",
        "we_will_know_when": "engagement rate rises by 10 %",
    },
    "platform": "instagram",
    "window": {"start": "2026-12-07", "end": "2026-12-20"},
    "variants": [
        {"name": "control", "selector": {"rest": True}},
        {"name": "question", "selector": {"text_contains": "?"}},
    ],
    "metric": "engagement_rate",
    "guardrails": ["comment_rate"],
}

SPRINTS: list[dict[str, Any]] = [
    {
        "id": "s1",
        "start": "2026-12-07",
        "end": "2026-12-20",
        "goal": "Find a format.",
        "key_results": [{"metric": "engagement_rate", "weekly_targets": [0.021, 0.022]}],
    },
    {"id": "s2", "start": "2026-12-21", "end": "2027-01-03", "goal": "Scale it."},
]


def base_files() -> dict[str, Any]:
    """Relative path -> YAML data of the valid project."""
    return copy.deepcopy(
        {
            "agile-social.yaml": CONFIG,
            "plans/acme.yaml": PLAN,
            "experiments/e1.yaml": EXPERIMENT,
            "sprints/s1.yaml": SPRINTS[0],
            "sprints/s2.yaml": SPRINTS[1],
        }
    )


@dataclass(frozen=True)
class Link:
    """A symbolic link in a project written by ``write_project`` (its target may be missing)."""

    target: str


def write_project(root: Path, files: dict[str, Any]) -> Path:
    for relative, data in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Link):
            target.symlink_to(data.target)
            continue
        target.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root


# ---- tests of run_validation on the whole project -------------------------------------------------------------------


def _run(root: Path, paths: list[Path] | None = None) -> Any:
    from agilesocial.config import load_project
    from agilesocial.lint.runner import run_validation

    return run_validation(load_project(root), paths, today=TODAY)


def test_base_project_is_clean(tmp_path: Path) -> None:
    report = _run(write_project(tmp_path, base_files()))
    assert report.findings == []
    assert len(report.files) == 4 and report.exit_code(strict=True) == 0


def test_given_files_use_the_project_as_context(tmp_path: Path, monkeypatch: Any) -> None:
    """Named files: references into other files resolve; file-scope findings elsewhere are not reported, but
    project-scope ones (a cross-file break) are, wherever they are."""
    files = base_files()
    files["sprints/s2.yaml"]["start"] = "2026-12-20"  # overlaps s1 (AS501 on both sprints: project scope)
    del files["plans/acme.yaml"]["program"]["owner"]  # AS603 in the plan: file scope
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    report = _run(tmp_path, [Path("experiments/e1.yaml")])
    assert report.files == ["experiments/e1.yaml"]
    assert [(f.code, f.path) for f in report.findings] == [("AS501", "sprints/s1.yaml"), ("AS501", "sprints/s2.yaml")]
    report = _run(tmp_path, [Path("plans/acme.yaml")])
    assert sorted(f.code for f in report.findings) == ["AS501", "AS501", "AS603"]
    report = _run(tmp_path)  # the whole project: everything
    assert sorted(f.code for f in report.findings) == ["AS501", "AS501", "AS603"]


def test_named_files_report_the_references_they_break(tmp_path: Path, monkeypatch: Any) -> None:
    """What the pre-commit hook used to let through when it validated only the changed files."""
    monkeypatch.chdir(tmp_path)
    files = base_files()
    files["plans/acme.yaml"]["objectives"][0]["id"] = "engagement"  # e1 and the tools refer to 'eng'
    files["plans/acme.yaml"]["tools"] = [{"id": "ig", "platform": "instagram", "serves": ["engagement", "svc"]}]
    write_project(tmp_path, files)
    report = _run(tmp_path, [Path("plans/acme.yaml")])
    assert [(f.code, f.path) for f in report.findings] == [("AS402", "experiments/e1.yaml")]
    assert report.exit_code() == 1

    files = base_files()
    files["agile-social.yaml"]["metrics"][0]["name"] = "link_clicks_per_reach"  # the plan uses the old name
    write_project(tmp_path, files)
    report = _run(tmp_path, [Path("agile-social.yaml")])
    assert [(f.code, f.path) for f in report.findings] == [("AS107", "plans/acme.yaml")]

    write_project(tmp_path, base_files())
    (tmp_path / "sprints/s1.yaml").unlink()  # e1 runs in sprint s1
    for paths in (None, [Path("sprints")], [Path("plans/acme.yaml")], [tmp_path]):
        report = _run(tmp_path, paths)
        assert [(f.code, f.path) for f in report.findings] == [("AS403", "experiments/e1.yaml")], paths


def test_the_config_is_always_checked(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    files = base_files()
    files["agile-social.yaml"]["timezone"] = "Europe/Amsterdm"
    write_project(tmp_path, files)
    for paths in (None, [Path("experiments/e1.yaml")], [Path("agile-social.yaml")]):
        report = _run(tmp_path, paths)
        assert [(f.code, f.path, f.line) for f in report.findings] == [("AS001", "agile-social.yaml", 6)], paths


def test_paths_are_relative_to_the_repository_root(tmp_path: Path, monkeypatch: Any) -> None:
    """Text output stays relative to the current folder; repo_path (annotations, SARIF) to the git top level."""
    (tmp_path / ".git").mkdir()
    project = tmp_path / "marketing"
    files = base_files()
    del files["plans/acme.yaml"]["program"]["owner"]
    write_project(project, files)
    for cwd, shown in ((project / "plans", "acme.yaml"), (tmp_path, "marketing/plans/acme.yaml")):
        monkeypatch.chdir(cwd)
        (finding,) = _run(project).findings
        assert (finding.path, finding.repo_path) == (shown, "marketing/plans/acme.yaml")
    (tmp_path / ".git").rmdir()  # not in git: relative to the project root
    (finding,) = _run(project).findings
    assert finding.repo_path == "plans/acme.yaml"


def test_findings_are_sorted_and_located(tmp_path: Path, monkeypatch: Any) -> None:
    files = base_files()
    del files["plans/acme.yaml"]["objectives"][1]["deadline"]
    files["plans/acme.yaml"]["tools"][0]["serves"] = []
    files["experiments/e1.yaml"]["metric"] = "engagment_rate"
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    report = _run(tmp_path)
    got = [(f.path, f.line, f.code) for f in report.findings]
    assert got == sorted(got, key=lambda t: (t[0], t[1]))
    plan_lines = (tmp_path / "plans/acme.yaml").read_text().splitlines()
    by_code = {f.code: f for f in report.findings}
    assert plan_lines[by_code["AS104"].line - 1].strip() == "- id: svc"
    assert plan_lines[by_code["AS301"].line - 1].strip() == "- id: ig"
    exp = by_code["AS404"]
    assert (exp.path, exp.line, exp.column) == ("experiments/e1.yaml", 20, 1)
    assert exp.hint == "did you mean 'engagement_rate'?"
    assert report.exit_code() == 1


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("reactions", "likes"),  # Facebook's and LinkedIn's word, spelt like 'impressions'
        ("Reactions", "likes"),
        ("reaction_rate", "like_rate"),
        ("reply_rate", "comment_rate"),
        ("retweets", "shares"),
        ("bookmark_rate", "save_rate"),
        ("followers", "follows"),
        ("engagment_rate", "engagement_rate"),  # a typo still gets the closest spelling
    ],
)
def test_an_unknown_metric_gets_the_catalogue_name_it_means(tmp_path: Path, name: str, suggestion: str) -> None:
    files = base_files()
    files["experiments/e1.yaml"]["metric"] = name
    write_project(tmp_path, files)
    (finding,) = _run(tmp_path).findings
    assert finding.code == "AS404" and finding.hint == f"did you mean {suggestion!r}?"
