"""``agile-social analyze`` through Typer's CliRunner: exit codes, JSON contract, text and Markdown output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from test_analysis_support import experiment, make_project, make_warehouse, split_posts

RESULT_KEYS = {
    "metric",
    "variant",
    "method",
    "n_control",
    "n_variant",
    "control_value",
    "variant_value",
    "abs_lift",
    "abs_ci",
    "rel_lift",
    "rel_ci",
    "p_value",
    "p_adjusted",
    "significant",
    "chance_to_beat",
}
WEIGHTED = [
    {"name": "photos", "selector": {"post_type": ["Photos"]}, "weight": 1},
    {"name": "reels", "selector": {"post_type": ["Reels"]}, "weight": 1},
]


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    exp = experiment(sprint="s1", guardrails=["comment_rate"], variants=WEIGHTED, window={"start": "2026-10-26"})
    proj = make_project(tmp_path / "p", [exp])
    (proj.root / "sprints").mkdir()
    (proj.root / "sprints" / "s1.yaml").write_text("id: s1\nstart: 2026-10-26\nend: 2026-11-22\ngoal: Learn.\n")
    make_warehouse(proj.root / "wh.duckdb", split_posts(30, 30, control_rate=0.03, variant_rate=0.042))
    monkeypatch.chdir(proj.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    return proj.root


def _invoke(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def test_json_follows_the_contract(project: Path) -> None:
    res = _invoke("analyze", "--sprint", "s1", "--format", "json")
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    doc = json.loads(res.stdout)  # type: ignore[attr-defined]
    assert doc["schema_version"] == 2 and doc["sprint"] == "s1" and doc["correction"] == "holm"
    (e,) = doc["experiments"]
    assert {"id", "design", "status", "decision", "srm", "warnings", "results"} <= set(e)
    assert e["decision"]["action"] == "scale" and e["decision"]["reason"].endswith("scale reels.")
    assert set(e["srm"]) >= {"p_value", "ok"} and e["srm"]["ok"] is True
    assert len(e["results"]) == 2
    for r in e["results"]:
        assert set(r) >= RESULT_KEYS
        assert len(r["abs_ci"]) == 2 and len(r["rel_ci"]) == 2 and r["chance_to_beat"] is None


def test_text_output_has_table_and_decision(project: Path) -> None:
    res = _invoke("analyze", "--experiment", "exp", "--correction", "bh")
    out = res.stdout  # type: ignore[attr-defined]
    assert res.exit_code == 0, out  # type: ignore[attr-defined]
    assert "exp (facebook, split) · SCALE" in out
    assert "engagement_rate" in out and "guardrail" in out and "(+40 %)" in out
    assert "Decision: Reels earned 40 % more engagement per impression than photos" in out
    assert "p-values adjusted for testing several metrics at once (Benjamini-Hochberg" in " ".join(out.split())
    assert max(len(line) for line in out.splitlines()) <= 100


def test_markdown_output(project: Path) -> None:
    res = _invoke("analyze", "--format", "md")
    out = res.stdout  # type: ignore[attr-defined]
    assert res.exit_code == 0
    assert "| metric | variant | posts c/v |" in out and "| engagement\\_rate | reels | 30/30 |" in out
    assert "### exp (facebook, split): SCALE" in out and "**Decision**: Reels earned 40 %" in out


def test_results_stored_by_the_cli(project: Path) -> None:
    from agilesocial.warehouse.connection import warehouse

    assert _invoke("analyze", "-q").exit_code == 0  # type: ignore[attr-defined]
    with warehouse(project / "wh.duckdb", read_only=True) as con:
        assert con.execute("SELECT count(*), min(decision) FROM results").fetchone() == (2, "scale")


def test_exit_1_on_invalid_plan_file(project: Path) -> None:
    (project / "experiments" / "broken.yaml").write_text("id: broken\nvariants: [\n")
    res = _invoke("analyze")
    assert res.exit_code == 1  # type: ignore[attr-defined]
    assert "broken.yaml:" in res.stderr and "Traceback" not in res.output  # type: ignore[attr-defined]


def test_exit_2_on_missing_data_or_unknown_ids(project: Path) -> None:
    res = _invoke("analyze", "--db", str(project / "missing.duckdb"))
    assert res.exit_code == 2 and "no warehouse yet" in res.stderr  # type: ignore[attr-defined]
    assert "facebook posts of account 'Northwind Coffee'" in res.stderr  # type: ignore[attr-defined]
    res = _invoke("analyze", "--sprint", "nope")
    assert res.exit_code == 2 and "unknown sprint 'nope'" in res.stderr  # type: ignore[attr-defined]
    res = _invoke("analyze", "--correction", "sidak")
    assert res.exit_code == 2  # type: ignore[attr-defined]


def test_cli_modules_import_no_heavy_libraries() -> None:
    code = (
        "import sys, agilesocial.cli.analyze, agilesocial.cli.power, agilesocial.analysis, "
        "agilesocial.analysis.model\n"
        "heavy = {'scipy', 'statsmodels', 'duckdb', 'numpy', 'pandas', 'jinja2'} & set(sys.modules)\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
