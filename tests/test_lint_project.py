"""A small valid project (as data) for the lint tests, and a helper that writes it to disk."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

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


def write_project(root: Path, files: dict[str, Any]) -> Path:
    for relative, data in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
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
    """pre-commit passes only changed files: references into other files still resolve, findings stay in the file."""
    files = base_files()
    files["sprints/s2.yaml"]["start"] = "2026-12-20"  # overlaps s1 (AS501 on both sprints)
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    report = _run(tmp_path, [Path("experiments/e1.yaml")])
    assert report.files == ["experiments/e1.yaml"] and report.findings == []
    report = _run(tmp_path, [Path("sprints/s2.yaml")])
    assert [(f.code, f.path) for f in report.findings] == [("AS501", "sprints/s2.yaml")]


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
