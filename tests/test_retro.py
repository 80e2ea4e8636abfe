"""The retro model, its renderers (snapshots), CSV export, history and the ``retro`` command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.config import Project
from agilesocial.retro.csvexport import neutralise, write_csv
from agilesocial.retro.model import Retro, sparkline
from agilesocial.retro.render import render, renderer
from agilesocial.review.sprint import build_retro
from agilesocial.review.workspace import default_sprint
from test_retro_fixtures import FORMULA, NOW, TODAY, XSS, fixed_retro, hand_built_analysis, make_project

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"  # UPDATE_SNAPSHOTS=1 pytest tests/test_retro.py rewrites them


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


@pytest.fixture
def retro(project: Project) -> Retro:
    return fixed_retro(project)


def check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"snapshot {path} is missing: run with UPDATE_SNAPSHOTS=1 to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; if intended, rerun with UPDATE_SNAPSHOTS=1"


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "html"])
def test_golden_retro_per_renderer(retro: Retro, fmt: str) -> None:
    check_snapshot(f"retro-2026-s01.{fmt}", render(retro, fmt))


@pytest.mark.parametrize("fmt", ["text", "md", "json", "csv", "html"])
def test_golden_analysis_per_renderer(fmt: str) -> None:
    check_snapshot(f"analysis-2026-s01.{fmt}", renderer(fmt).analysis(hand_built_analysis()))


def test_one_result_reads_the_same_in_every_format(retro: Retro) -> None:
    """The stopped experiment's primary metric got significantly worse: worded alike everywhere, never 'better'."""
    for fmt in ("text", "md", "html"):
        out = render(retro, fmt)
        for piece in ("-0.10 pts", "(-24 %)", "-41 % to -8.0 %", "0.008", "WORSE", "14/14"):
            assert piece in out, (fmt, piece)
    rows = list(csv.DictReader(io.StringIO(render(retro, "csv"))))
    worse = [r for r in rows if r["outcome"] == "worse"]
    assert [(r["experiment"], r["metric"], r["is_guardrail"]) for r in worse] == [
        ("ig-question-captions", "comment_rate", "false"),
        ("ig-question-captions", "engagement_rate", "true"),
    ]
    assert [r["outcome"] for r in json.loads(render(retro, "json"))["experiments"][1]["results"]] == ["worse"] * 2


def test_json_snapshot(retro: Retro) -> None:
    text = render(retro, "json")
    check_snapshot("retro-2026-s01.json", text)
    data = json.loads(text)
    assert data["schema_version"] == 2
    assert data["generated_at"] == NOW.isoformat()


def test_key_results_are_weekly_sums_and_ratios_of_sums(retro: Retro) -> None:
    # posts are published daily from 5 Oct (i = 0); sprint week 1 is 26 Oct - 1 Nov, i.e. i = 21..27
    follows = next(k for k in retro.key_results if k.metric == "follows")
    expected = [sum(4 + i % 5 for i in range(21 + 7 * w, 28 + 7 * w)) for w in range(4)]
    assert [w.value for w in follows.weeks] == expected
    assert [w.planned for w in follows.weeks] == [30, 35, 40, 45]
    assert [w.status for w in follows.weeks] == [
        "met" if a >= t else "missed" for a, t in zip(expected, [30, 35, 40, 45], strict=True)
    ]
    rate = next(k for k in retro.key_results if k.metric == "engagement_rate")
    eng = lambda i: 35 + i // 2 + (i * 13) % 17 + (8 if i % 2 else 0)  # noqa: E731
    imp = lambda i: 1000 + (i * 37) % 500  # noqa: E731
    days = range(21, 28)
    week1 = 3 * sum(eng(i) for i in days) / (3 * sum(imp(i) for i in days))  # all three platforms
    assert rate.weeks[0].value == pytest.approx(week1)
    assert rate.spark == "▅█▅▆"  # 4.30 %, 7.80 %, 4.99 %, 6.02 % on a scale from zero


def test_sparkline_starts_at_zero_so_a_dip_is_not_a_collapse() -> None:
    assert sparkline([0.043, 0.0333, None, 0.0416]) == "█▆ █"
    assert sparkline([None, None]) == "  " and sparkline([0.0, 0.0]) == "▁▁"
    assert sparkline([-2.0, 0.0, 2.0]) == "▁▅█"  # values below zero: scaled to their range


def test_objective_line_and_status(retro: Retro) -> None:
    eng = next(o for o in retro.objectives if o.id == "engagement")
    assert eng.line_start == dt.date(2026, 10, 1)  # the program start
    assert eng.platforms == ("facebook", "instagram")  # tools serving the objective
    last = [w for w in eng.weeks if w.value is not None][-1]
    share = (last.end - dt.date(2026, 10, 1)).days / (dt.date(2027, 6, 30) - dt.date(2026, 10, 1)).days
    assert last.planned == pytest.approx(0.035 + 0.015 * share)
    assert eng.status == "met" and eng.level is not None and eng.level >= 0.05  # the last 4 weeks hold the target
    assert eng.reason.startswith(f"the last 4 weeks held {eng.level * 100:.2f} %, at or beyond the 5.00 % target")


def test_top_posts_are_per_platform_above_its_median(retro: Retro) -> None:
    tops = {t.platform: t for t in retro.top_posts.platforms}
    assert list(tops) == ["facebook", "instagram", "x"]  # one list per platform, never one mixed list
    ig = tops["instagram"]
    assert ig.min_impressions == ig.median_impressions >= 100
    assert all(p.impressions >= ig.min_impressions for p in ig.by_rate)
    assert "tiny" not in [p.post_id for p in ig.by_rate]
    assert ig.by_rate[0].post_id == "xss" and ig.by_volume[0].post_id == "xss"
    assert all(p.platform == name for name, t in tops.items() for p in (*t.by_rate, *t.by_volume))
    # each post names the experiments and arms that selected it
    assert tops["x"].by_rate[0].tests == ("x-morning-posting: after the change", "x-thread-vs-single: thread")


def test_decisions_failures_and_next_sprint(retro: Retro) -> None:
    assert [e.action for e in retro.experiments] == ["scale", "stop", "iterate", "keep_running"]
    assert [f.experiment for f in retro.failures] == ["ig-question-captions", "x-morning-posting"]
    assert retro.failures[0].prompt is None and len(retro.failures[0].five_whys) == 5
    nxt = retro.next_sprint
    assert nxt.scale[0].what == "scale 'reels': engagement_rate +1.12 pts (+31 %) against the control"
    assert [(i.experiment, i.posts_needed) for i in nxt.rerun] == [
        ("x-morning-posting", None),
        ("x-thread-vs-single", 18),
    ]
    assert nxt.stopped[0].experiment == "ig-question-captions"
    assert nxt.stopped[0].what.startswith("Questions alone do not start conversations")  # a learning, not a ban
    guard = retro.experiments[1].guardrails[0]
    assert guard.worse  # engagement rate fell significantly


def test_stopped_without_root_cause_prompts(project: Project) -> None:
    path = project.root / "experiments/x-thread-vs-single.yaml"
    path.write_text(path.read_text().replace("status: running", "status: stopped"))
    r = build_retro(project, sprint="2026-s01", analysis=hand_built_analysis(), today=TODAY, store=False)
    failure = next(f for f in r.failures if f.experiment == "x-thread-vs-single")
    assert failure.prompt and "experiments/x-thread-vs-single.yaml" in failure.prompt
    assert "**to do**: Stopped without a root cause" in render(r, "md")


def test_terminal_output_fits_100_columns(retro: Retro) -> None:
    text = render(retro, "text")
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "Sprint retrospective 2026-s01" in text and "KEEP RUNNING" in text


def test_markdown_escapes_untrusted_post_text(retro: Retro) -> None:
    md = render(retro, "md")
    assert "<script>" not in md and "\\<script\\>" in md


def test_csv_export_neutralises_formulas(retro: Retro, tmp_path: Path) -> None:
    files = write_csv(retro, tmp_path / "csv")
    assert [f.name for f in files] == [
        f"2026-s01-{n}.csv"
        for n in ("objectives", "key_results", "experiments", "top_posts", "next_sprint", "overlaps")
    ]
    with (tmp_path / "csv/2026-s01-top_posts.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = {r["post_id"]: r["text"] for r in rows}
    assert texts["formula"] == "'" + FORMULA
    assert texts["xss"] == XSS  # starts with '<': left alone
    with (tmp_path / "csv/2026-s01-experiments.csv").open(newline="", encoding="utf-8") as fh:
        lifts = [r["rel_ci_lower"] for r in csv.DictReader(fh)]
    assert "-0.41" in lifts  # numbers stay numbers, even negative ones
    assert [neutralise(x) for x in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "ok", -3, None)] == [
        "'=1+1", "'+1", "'-x", "'@SUM(A1)", "'\tx", "ok", -3, ""
    ]  # fmt: skip


def _add_sprint_two(project: Project) -> None:
    (project.root / "sprints/2026-s02.yaml").write_text(
        "id: 2026-s02\nstart: 2026-11-23\nend: 2026-12-06\ngoal: Scale reels.\nkey_results:\n"
        "  - metric: follows\n    platform: instagram\n    weekly_targets: [20, 25]\n"
    )


def test_history_two_runs_give_a_trend(project: Project) -> None:
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.snapshots import snapshot_count

    _add_sprint_two(project)
    first = build_retro(project, sprint="2026-s01", analysis=hand_built_analysis(), today=TODAY, now=NOW)
    assert [p.sprint for p in first.trend] == ["2026-s01"]
    build_retro(project, sprint="2026-s01", analysis=hand_built_analysis(), today=TODAY)  # a re-run: still one point
    empty = hand_built_analysis().__class__(generated_at=NOW, experiments=(), sprint="2026-s02")
    second = build_retro(project, sprint="2026-s02", analysis=empty, today=TODAY)
    assert [p.sprint for p in second.trend] == ["2026-s01", "2026-s02"]
    assert second.trend[0].scaled == 1 and second.trend[0].kr_met == first.kr_met
    assert second.trend[1].experiments == 0
    assert "Trend across sprints" in render(second, "text")
    with warehouse(project.warehouse_path()) as con:
        assert snapshot_count(con, "2026-s01") == 2 and snapshot_count(con) == 3


def test_snapshots_of_schema_version_1_still_feed_the_trend(project: Project) -> None:
    """Version 2 reshaped top_posts/next_sprint, not the headline numbers: a sprint stored by version 1 stays in."""
    from agilesocial.warehouse.connection import warehouse

    _add_sprint_two(project)
    first = build_retro(project, sprint="2026-s01", analysis=hand_built_analysis(), today=TODAY, now=NOW)
    with warehouse(project.warehouse_path()) as con:
        con.execute("UPDATE retro_snapshots SET schema_version = 1")
        con.execute("INSERT INTO retro_snapshots SELECT run_at, 'from-the-future', 3, payload FROM retro_snapshots")
    empty = hand_built_analysis().__class__(generated_at=NOW, experiments=(), sprint="2026-s02")
    second = build_retro(project, sprint="2026-s02", analysis=empty, today=TODAY)
    assert [p.sprint for p in second.trend] == ["2026-s01", "2026-s02"]  # a later version's snapshot is not read
    assert second.trend[0].kr_met == first.kr_met


def test_default_sprint_is_latest_started(project: Project) -> None:
    _add_sprint_two(project)
    assert default_sprint(project, TODAY) == "2026-s02"
    assert default_sprint(project, dt.date(2026, 11, 1)) == "2026-s01"
    from agilesocial.errors import ConfigError

    with pytest.raises(ConfigError, match="no sprint has started"):
        default_sprint(project, dt.date(2026, 1, 1))


@pytest.fixture
def in_project(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """Run the CLI inside the project, with the analysis replaced by the hand-built one."""
    import agilesocial.analysis

    monkeypatch.chdir(project.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    monkeypatch.setattr(agilesocial.analysis, "run_analysis", lambda *a, **k: hand_built_analysis())
    return project


def test_cli_formats_output_and_csv(in_project: Project) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["retro", "2026-s01", "--format", "json", "--as-of", "2026-11-27"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["sprint"]["id"] == "2026-s01" and len(data["experiments"]) == 4
    res = runner.invoke(app, ["retro", "2026-s01", "--format", "html", "-o", "out/retro.html", "--csv", "tables"])
    assert res.exit_code == 0, res.output
    html = (in_project.root / "out/retro.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "&lt;script&gt;document.title" in html
    assert len(list((in_project.root / "tables").glob("*.csv"))) == 6
    res = runner.invoke(app, ["retro", "2026-s01", "--quiet", "--as-of", "2026-11-27"])
    assert res.exit_code == 0 and res.stdout.startswith(
        "2026-s01: 6/8 weekly key results met; fb-reels-vs-photos scale"
    )
    res = runner.invoke(app, ["retro", "2026-s01", "--as-of", "2026-11-27"])
    assert "What failed and why" in res.stdout and max(len(x) for x in res.stdout.splitlines()) <= 100


def test_cli_errors_are_one_line(in_project: Project) -> None:
    res = CliRunner().invoke(app, ["retro", "no-such-sprint"])
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and "unknown sprint 'no-such-sprint'" in res.stderr
    res = CliRunner().invoke(app, ["retro", "2026-s01", "--db", "missing.duckdb"])
    assert res.exit_code == 2 and "no warehouse yet" in res.stderr
    res = CliRunner().invoke(app, ["retro", "--help"])
    assert res.exit_code == 0 and "agile-social retro 2026-s01 --format html" in res.stdout


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_format_ends_with_the_glossary(retro: Retro, fmt: str) -> None:
    out = " ".join(render(retro, fmt).split())
    assert "Glossary: pts = percentage points" in out and "adjusted for testing several metrics at once" in out


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_analysis_format_ends_with_the_glossary(fmt: str) -> None:
    out = renderer(fmt).analysis(hand_built_analysis())
    last = [line for line in out.splitlines() if line.strip() and not line.startswith(("<!--", "</"))][-1]
    flat = " ".join(out.split())
    assert "Glossary: pts = percentage points" in flat and "inconclusive = not shown either way" in flat
    assert "is still possible" in last  # the glossary is the last words of the page
