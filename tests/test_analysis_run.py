"""run_analysis end to end on small warehouses: decisions, guards, corrections, errors and stored results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from agilesocial.analysis import run_analysis
from agilesocial.analysis.model import AnalysisReport
from agilesocial.errors import AgileSocialError, DataError
from agilesocial.warehouse.connection import warehouse
from test_analysis_support import experiment, make_project, make_warehouse, post, split_posts

TODAY = dt.date(2026, 11, 27)
WEIGHTED = [
    {"name": "photos", "selector": {"post_type": ["Photos"]}, "weight": 1},
    {"name": "reels", "selector": {"post_type": ["Reels"]}, "weight": 1},
]


def _run(tmp_path: Path, posts: list[dict[str, Any]], exps: list[dict[str, Any]] | None = None, **kw: Any) -> Any:
    proj = make_project(tmp_path / "p", exps or [experiment()])
    make_warehouse(tmp_path / "p" / "wh.duckdb", posts)
    kw.setdefault("today", TODAY)
    return run_analysis(proj, **kw)


def _one(report: AnalysisReport) -> Any:
    assert len(report.experiments) == 1
    return report.experiments[0]


def test_scale_when_variant_clearly_better(tmp_path: Path) -> None:
    e = _one(_run(tmp_path, split_posts(30, 30, control_rate=0.03, variant_rate=0.042)))
    assert e.decision.action == "scale"
    assert e.decision.reason.startswith("Reels earned 40 % more engagement per impression than photos (95 % CI +")
    assert e.decision.reason.endswith("; scale reels.")
    r = e.results[0]
    assert (r.method, r.n_control, r.n_variant, r.significant, r.mde_reached) == ("permutation", 30, 30, True, True)
    assert r.control_value == pytest.approx(0.03, rel=0.02) and r.rel_lift == pytest.approx(0.40, abs=0.02)


def test_stop_when_variant_significantly_worse(tmp_path: Path) -> None:
    e = _one(_run(tmp_path, split_posts(30, 30, control_rate=0.03, variant_rate=0.022)))
    assert e.decision.action == "stop"
    assert "less engagement per impression than photos" in e.decision.reason
    assert e.decision.reason.endswith("stop reels and keep photos.")


def test_stop_when_ci_rules_out_the_mde(tmp_path: Path) -> None:
    e = _one(_run(tmp_path, split_posts(60, 60, control_rate=0.03, variant_rate=0.0305)))
    r = e.results[0]
    assert not r.significant and r.rel_ci[1] < 0.15
    assert e.decision.action == "stop" and "the planned +15 % lift is already ruled out" in e.decision.reason
    assert "after 60 posts per variant; stop and test a bolder idea" in e.decision.reason


def test_futile_but_below_planned_posts_says_stop_early_or_finish(tmp_path: Path) -> None:
    exp = experiment(sample_size={"posts_per_variant": 100}, status="running")
    e = _one(_run(tmp_path, split_posts(60, 60, control_rate=0.03, variant_rate=0.0305), [exp]))
    assert e.decision.action == "futile" and e.decision.posts_needed == 40
    assert "after 60 of the 100 planned posts per variant; stop early or finish as planned" in e.decision.reason


def test_iterate_when_lift_is_real_but_below_mde(tmp_path: Path) -> None:
    e = _one(_run(tmp_path, split_posts(60, 60, control_rate=0.03, variant_rate=0.0315, jitter=0.02)))
    assert e.results[0].significant and e.results[0].mde_reached is False
    assert e.decision.action == "iterate" and "below the planned 15 %" in e.decision.reason


def test_iterate_when_guardrail_harmed(tmp_path: Path) -> None:
    posts = split_posts(30, 0, control_rate=0.03, variant_rate=0, comment_share=0.1)
    posts += split_posts(0, 30, control_rate=0, variant_rate=0.042, comment_share=0.05)
    e = _one(_run(tmp_path, posts, [experiment(guardrails=["comment_rate"])]))
    guard = [r for r in e.results if r.is_guardrail]
    assert len(guard) == 1 and guard[0].significant and guard[0].rel_lift < 0
    assert e.decision.action == "iterate" and "hurt comment_rate" in e.decision.reason


def test_keep_running_says_how_many_more_posts(tmp_path: Path) -> None:
    posts = split_posts(6, 6, control_rate=0.03, variant_rate=0.033, jitter=0.8)
    e = _one(_run(tmp_path, posts, [experiment(status="running")]))
    assert e.decision.action == "keep_running"
    assert e.decision.posts_needed is not None and e.decision.posts_needed > 50
    assert f"about {e.decision.posts_needed} more posts per variant" in e.decision.reason
    assert any("only 6 posts each in photos and reels" in w for w in e.warnings)


def test_a_completed_experiment_is_inconclusive_never_keep_running(tmp_path: Path) -> None:
    """status: completed -- no more posts are coming: the result is inconclusive, with what it could have detected."""
    posts = split_posts(6, 6, control_rate=0.03, variant_rate=0.033, jitter=0.8)
    e = _one(_run(tmp_path, posts))  # the helper's experiment is completed
    assert e.status == "completed" and e.decision.action == "inconclusive" and e.decision.posts_needed is None
    reason = e.decision.reason
    assert reason.startswith("Inconclusive: reels earned 11 % more engagement per impression than photos (95 % CI ")
    assert "with 6 posts per variant this test could only have detected a lift of about " in reason
    assert "a 15 % lift needs about " in reason and "rerun it bigger or test a bolder idea" in reason
    # the detectable lift is the t-referred power formula of the test that ran, at the control's variance
    from agilesocial.analysis.sufficient import Sums
    from agilesocial.analysis.verdict import detectable_lift

    per = [p for p in posts if p["post_type"] == "Photos"]
    ys = [float(p["metrics"]["engagements"]) for p in per]
    xs = [float(p["metrics"]["impressions"]) for p in per]
    control = Sums(
        6,
        sum(ys),
        sum(y * y for y in ys),
        sum(xs),
        sum(x * x for x in xs),
        sum(x * y for x, y in zip(xs, ys, strict=True)),
    )
    lift = detectable_lift("permutation", "ratio", control, 6, alpha=0.05, power=0.8, alternative="two-sided")
    assert lift is not None and f"about {lift * 100:.0f} %" in reason


def test_srm_flags_an_unbalanced_split(tmp_path: Path) -> None:
    e = _one(
        _run(tmp_path, split_posts(40, 10, control_rate=0.03, variant_rate=0.042), [experiment(variants=WEIGHTED)])
    )
    # chi-square of 40 vs 10 against 1:1 is 18 on 1 df: p = 2.2e-5 (scipy.stats.chisquare([40, 10]))
    assert e.srm is not None and not e.srm.ok and e.srm.p_value == pytest.approx(2.209e-5, rel=1e-3)
    assert e.decision.action == "iterate" and "sample-ratio" in e.decision.reason


def test_no_srm_without_weights(tmp_path: Path) -> None:
    assert _one(_run(tmp_path, split_posts(40, 10, control_rate=0.03, variant_rate=0.042))).srm is None


def _three_arm_posts() -> list[dict[str, Any]]:
    posts = split_posts(30, 30, control_rate=0.03, variant_rate=0.033, jitter=0.5)
    posts += [dict(p, post_id="x" + p["post_id"], post_type="Videos") for p in posts if p["post_type"] == "Reels"]
    return posts


def test_holm_across_variants_and_metrics(tmp_path: Path) -> None:
    variants = [*WEIGHTED, {"name": "videos", "selector": {"post_type": ["Videos"]}}]
    exp = experiment(variants=variants, guardrails=["comment_rate"])
    e = _one(_run(tmp_path, _three_arm_posts(), [exp]))
    assert len(e.results) == 4
    raw = [r.p_value for r in e.results]
    order = sorted(range(4), key=lambda i: raw[i])
    expected = [0.0] * 4
    running = 0.0
    for rank, i in enumerate(order):  # Holm step-down, as R's p.adjust(method = "holm")
        running = max(running, min(1.0, (4 - rank) * raw[i]))
        expected[i] = running
    assert [r.p_adjusted for r in e.results] == pytest.approx(expected)
    e_none = _one(run_analysis(make_project(tmp_path / "p", [exp]), today=TODAY, correction="none", store=False))
    assert [r.p_adjusted for r in e_none.results] == pytest.approx(raw)


def test_peeking_warning_and_sequential_alpha(tmp_path: Path) -> None:
    posts = split_posts(30, 30, control_rate=0.03, variant_rate=0.042)
    e = _one(_run(tmp_path, posts, today=dt.date(2026, 11, 10)))
    assert any("before the planned end (2026-11-22)" in w and "--sequential" in w for w in e.warnings)
    proj = make_project(tmp_path / "p", [experiment()])
    seq = _one(run_analysis(proj, today=dt.date(2026, 11, 10), sequential=True, store=False))
    assert any("sequential boundary" in w for w in seq.warnings)
    assert not any("planned end" in w for w in _one(_run(tmp_path / "after", posts, today=TODAY)).warnings)


def test_sprint_end_is_the_planned_end_without_window(tmp_path: Path) -> None:
    proj = make_project(tmp_path / "p", [experiment(window=None, sprint="s1")])
    (proj.root / "sprints").mkdir()
    (proj.root / "sprints" / "s1.yaml").write_text("id: s1\nstart: 2026-10-26\nend: 2026-11-30\ngoal: Learn.\n")
    make_warehouse(proj.root / "wh.duckdb", split_posts(30, 30, control_rate=0.03, variant_rate=0.042))
    report = run_analysis(proj, sprint="s1", today=TODAY)
    assert report.sprint == "s1" and any("(2026-11-30)" in w for w in _one(report).warnings)


def test_results_are_appended_to_the_results_table(tmp_path: Path) -> None:
    exp = experiment(guardrails=["comment_rate"], sprint=None)
    report = _run(tmp_path, split_posts(30, 30, control_rate=0.03, variant_rate=0.042), [exp])
    run_analysis(make_project(tmp_path / "p", [exp]), today=TODAY)
    run_analysis(make_project(tmp_path / "p", [exp]), today=TODAY, store=False)
    with warehouse(tmp_path / "p" / "wh.duckdb", read_only=True) as con:
        rows = con.execute(
            "SELECT experiment_id, metric, variant, is_guardrail, method, decision, p_adjusted, run_at "
            "FROM results ORDER BY run_at, is_guardrail"
        ).fetchall()
    assert len(rows) == 4  # two runs x two metrics; the store=False run wrote nothing
    assert rows[0][:6] == ("exp", "engagement_rate", "reels", False, "permutation", "scale")
    assert rows[1][:4] == ("exp", "comment_rate", "reels", True)
    assert rows[0][6] == pytest.approx(report.experiments[0].results[0].p_adjusted)
    assert rows[0][7].tzinfo is not None


def test_overlapping_variants_are_an_error_naming_posts(tmp_path: Path) -> None:
    posts = split_posts(12, 12, control_rate=0.03, variant_rate=0.04)
    posts[0]["labels"] = ["reel-test"]
    variants = [
        {"name": "photos", "selector": {"post_type": ["Photos"]}},
        {"name": "labelled", "selector": {"labels": ["reel-test"]}},
    ]
    with pytest.raises(DataError, match=r"1 posts match more than one variant: c000 \(photos and labelled\)") as exc:
        _run(tmp_path, posts, [experiment(variants=variants)])
    assert exc.value.exit_code == 2 and exc.value.path.endswith("exp.yaml") and exc.value.line


def test_empty_variant_says_what_to_ingest(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="variant 'reels' matched none of the 12") as exc:
        _run(tmp_path, split_posts(12, 0, control_rate=0.03, variant_rate=0.04))
    assert "facebook posts of account 'Northwind Coffee' published 2026-10-26 to 2026-11-22" in str(exc.value)


def test_no_posts_and_no_warehouse_are_data_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="has no posts in the warehouse") as exc:
        _run(tmp_path, [post("other", "2026-10-27T10:00:00+00:00", platform="x", impressions=5)])
    assert exc.value.exit_code == 2
    proj = make_project(tmp_path / "q", [experiment()])
    with pytest.raises(DataError, match="no warehouse yet") as exc:
        run_analysis(proj, today=TODAY)
    assert "ingest" in str(exc.value) and "facebook posts" in str(exc.value)


def test_invalid_plan_file_is_exit_1_with_location(tmp_path: Path) -> None:
    proj = make_project(tmp_path / "p", [experiment()])
    (proj.root / "experiments" / "bad.yaml").write_text("id: bad\nvariants: 3\nmetric: ctr\n")
    with pytest.raises(AgileSocialError) as exc:
        run_analysis(proj, today=TODAY)
    assert exc.value.exit_code == 1 and "bad.yaml:2" in str(exc.value)


def test_unknown_ids_are_exit_2(tmp_path: Path) -> None:
    proj = make_project(tmp_path / "p", [experiment()])
    for kwargs in ({"sprint": "nope"}, {"experiment_ids": ["nope"]}, {"correction": "sidak"}):
        with pytest.raises(AgileSocialError) as exc:
            run_analysis(proj, today=TODAY, **kwargs)  # type: ignore[arg-type]
        assert exc.value.exit_code == 2
        assert ("nope" in str(exc.value)) != ("sidak" in str(exc.value))


def test_unknown_metric_is_a_plan_error(tmp_path: Path) -> None:
    proj = make_project(tmp_path / "p", [experiment(metric="vibes")])
    with pytest.raises(AgileSocialError, match="unknown metric 'vibes'") as exc:
        run_analysis(proj, today=TODAY)
    lines = (proj.root / "experiments" / "exp.yaml").read_text().splitlines()
    assert exc.value.exit_code == 1 and exc.value.line == lines.index("metric: vibes") + 1


def test_not_started_experiments_are_skipped_with_a_note(tmp_path: Path) -> None:
    later = experiment("later", window={"start": "2026-12-01", "end": "2026-12-20"})
    report = _run(tmp_path, split_posts(12, 12, control_rate=0.03, variant_rate=0.04), [experiment(), later])
    assert [e.id for e in report.experiments] == ["exp"]
    assert report.warnings == ("later: not started yet (window starts 2026-12-01)",)


def test_a_database_without_the_schema_is_a_data_error(tmp_path: Path) -> None:
    import duckdb

    proj = make_project(tmp_path / "p", [experiment()])
    duckdb.connect(str(proj.root / "wh.duckdb")).close()  # an empty DuckDB file, never migrated
    with pytest.raises(DataError, match="cannot read the warehouse") as exc:
        run_analysis(proj, today=TODAY, store=False)
    assert exc.value.exit_code == 2
