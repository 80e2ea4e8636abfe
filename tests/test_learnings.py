"""The learnings library: YAML learnings and five whys plus stored decisions, searchable, newest first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.config import Project
from agilesocial.review.learnings import collect_learnings
from test_retro_fixtures import make_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


def _store_decisions(project: Project) -> None:
    from agilesocial.warehouse.connection import warehouse

    with warehouse(project.warehouse_path()) as con:
        con.execute(
            """
            INSERT INTO results (run_at, experiment_id, sprint_id, metric, variant, is_guardrail, method, decision,
                decision_reason)
            VALUES
              (TIMESTAMPTZ '2026-11-23 10:00:00+00', 'fb-reels-vs-photos', '2026-s01', 'engagement_rate', 'reels',
               false, 'ratio_delta', 'keep_running', 'Too early to tell.'),
              (TIMESTAMPTZ '2026-11-25 10:00:00+00', 'fb-reels-vs-photos', '2026-s01', 'engagement_rate', 'reels',
               false, 'ratio_delta', 'scale', 'Reels earned 31 % more engagement per impression.'),
              (TIMESTAMPTZ '2026-09-10 10:00:00+00', 'li-carousels', '2026-s00', 'ctr', 'carousel',
               false, 'welch_t', 'stop', 'Carousels got fewer clicks than single images.')
            """
        )


def _add_old_experiment(project: Project) -> None:
    (project.root / "sprints/2026-s00.yaml").write_text(
        "id: 2026-s00\nstart: 2026-09-07\nend: 2026-09-20\ngoal: Try LinkedIn.\n"
    )
    (project.root / "experiments/li-hashtags.yaml").write_text(
        "id: li-hashtags\nsprint: 2026-s00\nstatus: stopped\nmetric: engagement_rate\ntags: [format, linkedin]\n"
        "learnings: [Hashtag walls look like spam to our buyers.]\n"
    )


def test_newest_first_with_stored_decisions(project: Project) -> None:
    _store_decisions(project)
    _add_old_experiment(project)
    report = collect_learnings(project)
    ids = [e.experiment for e in report.entries]
    # sprint 2026-s01 ends 22 Nov (alphabetical within it), then s00 (20 Sep), then a results-only experiment
    assert ids == ["fb-reels-vs-photos", "ig-question-captions", "x-morning-posting", "li-hashtags", "li-carousels"]
    reels = report.entries[0]
    assert reels.decision == "scale" and reels.reason.startswith("Reels earned")  # the latest run wins
    orphan = report.entries[-1]
    assert orphan.source is None and orphan.decision == "stop" and str(orphan.date) == "2026-09-10"
    assert "x-thread-vs-single" not in ids  # running, nothing learned or decided yet


def test_search_and_tags(project: Project) -> None:
    _add_old_experiment(project)
    assert [e.experiment for e in collect_learnings(project, search="OPINION").entries] == ["ig-question-captions"]
    assert [e.experiment for e in collect_learnings(project, search="calendar input").entries] == [
        "ig-question-captions"
    ]  # found in the five whys
    assert [e.experiment for e in collect_learnings(project, tags=["format"]).entries] == [
        "fb-reels-vs-photos",
        "li-hashtags",
    ]
    assert [e.experiment for e in collect_learnings(project, tags=["FORMAT", "linkedin"]).entries] == ["li-hashtags"]
    assert collect_learnings(project, search="no such words").entries == ()


def test_cli_json_and_text(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    _store_decisions(project)
    runner = CliRunner()
    res = runner.invoke(app, ["learnings", "--tag", "captions", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["schema_version"] == 1 and [e["experiment"] for e in data["learnings"]] == ["ig-question-captions"]
    assert len(data["learnings"][0]["five_whys"]) == 5
    res = runner.invoke(app, ["learnings", "--search", "reels"])
    assert res.exit_code == 0
    assert "fb-reels-vs-photos" in res.stdout and "decision: SCALE" in res.stdout
    assert "ig-question-captions" not in res.stdout
    res = runner.invoke(app, ["learnings", "--search", "zzz"])
    assert res.exit_code == 0 and res.stdout.strip() == "no learnings match"


def test_bad_files_are_skipped_with_a_warning(project: Project, tmp_path: Path) -> None:
    (project.root / "experiments/broken.yaml").write_text("id: [unclosed\n")
    report = collect_learnings(project)
    assert report.entries and any("broken.yaml" in w for w in report.warnings)
