"""One decision rule, applied alike: each decision path's sentence agrees with its numbers (issue 15 items 2, 4, 9).

Futility before and after the planned sample, win, loss, keep running (direction and time at the posting rate),
guardrail verdicts (tolerated harm, both metric directions), before/after futility, p-value words and warnings.
The numbers a sentence must quote are recomputed here from the posts the test wrote, not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest

from agilesocial.analysis import run_analysis
from agilesocial.analysis.beforeafter_decide import decide_before_after
from agilesocial.analysis.model import MetricResult
from agilesocial.analysis.warnings_text import MetricWarning, grouped, reword
from agilesocial.analysis.wording import p_text, posts_in_time, time_text
from agilesocial.plan.metrics import BUILTIN_METRICS, Metric
from test_analysis_support import experiment, make_project, make_warehouse, split_posts

TODAY = dt.date(2026, 11, 27)  # after the helper experiment's window (2026-10-26 .. 2026-11-22: exactly 4 weeks)
WINDOW_WEEKS = 4


def _run(tmp_path: Path, posts: list[dict[str, Any]], exp: dict[str, Any], **config: Any) -> Any:
    proj = make_project(tmp_path / "p", [exp], **config)
    make_warehouse(tmp_path / "p" / "wh.duckdb", posts)
    return run_analysis(proj, today=TODAY, store=False).experiments[0]


def _signed(x: float) -> str:
    return f"{x * 100:+.0f} %"


# -- futility -------------------------------------------------------------------------------------------------------


def test_futility_before_the_planned_sample_says_stop_early_or_finish(tmp_path: Path) -> None:
    posts = split_posts(20, 20, control_rate=0.03, variant_rate=0.028)
    e = _run(tmp_path, posts, experiment(sample_size={"posts_per_variant": 40}, status="running"))
    r = e.results[0]
    assert not r.significant and r.rel_ci[1] < 0.15  # the CI's best end is below the planned +15 %
    d = e.decision
    assert d.action == "futile"
    assert f"the planned +15 % lift is already ruled out (the 95 % CI tops out at {_signed(r.rel_ci[1])})" in d.reason
    assert "after 20 of the 40 planned posts per variant; stop early or finish as planned" in d.reason
    assert "needed to detect" not in d.reason  # never asks for posts to detect a lift the data rules out
    # finishing the plan: 20 more posts per variant at 20 posts per variant over the 4-week window
    rate = 20 / WINDOW_WEEKS
    assert (d.posts_needed, d.posts_per_week, d.weeks_needed) == (20, rate, math.ceil(20 / rate))
    assert "about 20 more posts per variant: ~4 weeks at your rate of 5 a week" in d.reason


@pytest.mark.parametrize("planned, status", [(20, "running"), (None, "running"), (40, "completed")])
def test_futility_after_the_planned_sample_or_once_finished_stops_with_the_same_reason(
    tmp_path: Path, planned: int | None, status: str
) -> None:
    posts = split_posts(20, 20, control_rate=0.03, variant_rate=0.028)
    plan = {"sample_size": {"posts_per_variant": planned}} if planned else {}
    e = _run(tmp_path, posts, experiment(status=status, **plan))
    r = e.results[0]
    d = e.decision
    assert d.action == "stop"
    assert f"the planned +15 % lift is already ruled out (the 95 % CI tops out at {_signed(r.rel_ci[1])})" in d.reason
    assert d.reason.endswith("after 20 posts per variant; stop and test a bolder idea.")
    assert f"{abs(r.rel_lift) * 100:.0f} % less engagement per impression" in d.reason


def test_futility_of_a_lower_is_better_metric_reads_as_a_drop(tmp_path: Path) -> None:
    lower = {"name": "comment_load", "numerator": "comments", "denominator": "impressions", "direction": "lower"}
    posts = split_posts(20, 20, control_rate=0.03, variant_rate=0.032)  # the variant rises: the wrong way
    e = _run(tmp_path, posts, experiment(metric="comment_load", status="running"), metrics=[lower])
    r = e.results[0]
    assert r.rel_ci[0] > -0.15 and not r.significant
    assert e.decision.action == "stop"
    assert f"the planned -15 % drop is already ruled out (the 95 % CI goes no lower than {_signed(r.rel_ci[0])})" in (
        e.decision.reason
    )


# -- win, loss, keep running ----------------------------------------------------------------------------------------


def test_win_quotes_its_lift_and_interval(tmp_path: Path) -> None:
    e = _run(tmp_path, split_posts(30, 30, control_rate=0.03, variant_rate=0.042), experiment())
    r = e.results[0]
    lo, hi = r.rel_ci
    assert e.decision.action == "scale" and lo > 0.15 * 0 and r.rel_lift > 0.15
    assert e.decision.reason == (
        f"Reels earned {r.rel_lift * 100:.0f} % more engagement per impression than photos "
        f"(95 % CI {_signed(lo)} to {_signed(hi)}); scale reels."
    )


def test_loss_stops_the_variant(tmp_path: Path) -> None:
    e = _run(tmp_path, split_posts(30, 30, control_rate=0.03, variant_rate=0.022), experiment())
    r = e.results[0]
    assert r.significant and r.rel_ci[1] < 0
    assert e.decision.action == "stop"
    assert e.decision.reason.startswith(f"Reels earned {abs(r.rel_lift) * 100:.0f} % less engagement")
    assert e.decision.reason.endswith("; stop reels and keep photos.")


@pytest.mark.parametrize("variant_rate, words", [(0.033, "more"), (0.027, "less")])
def test_keep_running_gives_the_direction_and_the_time_at_the_posting_rate(
    tmp_path: Path, variant_rate: float, words: str
) -> None:
    posts = split_posts(6, 6, control_rate=0.03, variant_rate=variant_rate, jitter=0.8)
    e = _run(tmp_path, posts, experiment(status="running"))
    r, d = e.results[0], e.decision
    assert d.action == "keep_running" and (r.rel_lift > 0) == (words == "more")
    assert f"Too early to tell: so far reels earned {abs(r.rel_lift) * 100:.0f} % {words} engagement" in d.reason
    assert ", not yet clear; to detect the planned +15 % lift it needs about " in d.reason
    rate = 6 / WINDOW_WEEKS
    weeks = math.ceil(d.posts_needed / rate)
    assert (d.posts_per_week, d.weeks_needed) == (rate, weeks)
    assert f"about {d.posts_needed} more posts per variant: ~{weeks} weeks at your rate of 1.5 a week" in d.reason
    assert weeks > 13 and "longer than a quarter; to answer it sooner, try a bolder variant" in d.reason


def test_a_finished_experiment_times_the_rerun(tmp_path: Path) -> None:
    posts = split_posts(6, 6, control_rate=0.03, variant_rate=0.033, jitter=0.8)
    d = _run(tmp_path, posts, experiment()).decision  # completed
    assert d.action == "inconclusive" and d.posts_per_week == 6 / WINDOW_WEEKS
    assert f"({d.weeks_needed} weeks at your rate of 1.5 a week" not in d.reason
    assert f"~{d.weeks_needed} weeks at your rate of 1.5 a week" in d.reason


# -- guardrails -----------------------------------------------------------------------------------------------------


def _guard_posts(variant_comment_share: float) -> list[dict[str, Any]]:
    posts = split_posts(30, 0, control_rate=0.03, variant_rate=0, comment_share=0.1)
    return posts + split_posts(0, 30, control_rate=0, variant_rate=0.042, comment_share=variant_comment_share)


def test_guardrail_harm_blocks_scaling_and_names_the_tolerance(tmp_path: Path) -> None:
    e = _run(tmp_path, _guard_posts(0.05), experiment(guardrails=["comment_rate"]))
    g = next(r for r in e.results if r.is_guardrail)
    assert g.guard == "harm" and g.max_harm == 0.1 and g.rel_ci[1] < 0 and g.rel_ci[0] < -0.1
    assert e.decision.action == "iterate"
    assert f"but it hurt comment_rate ({_signed(g.rel_lift)}) beyond the tolerated 10 %" in e.decision.reason


def test_max_harm_per_guardrail_and_from_the_config(tmp_path: Path) -> None:
    per_guardrail = experiment(guardrails=[{"metric": "comment_rate", "max_harm": 0.6}])
    e = _run(tmp_path / "a", _guard_posts(0.05), per_guardrail)
    g = next(r for r in e.results if r.is_guardrail)
    assert (g.guard, g.max_harm) == ("tolerated_harm", 0.6) and e.decision.action == "scale"
    e = _run(tmp_path / "b", _guard_posts(0.05), experiment(guardrails=["comment_rate"]), defaults={"max_harm": 0.6})
    assert next(r for r in e.results if r.is_guardrail).guard == "tolerated_harm"


def test_an_improved_guardrail_reads_no_harm_never_better(tmp_path: Path) -> None:
    from agilesocial.retro import fmt
    from agilesocial.retro.page_experiments import result_cell

    e = _run(tmp_path, _guard_posts(0.1), experiment(guardrails=["comment_rate"]))
    g = next(r for r in e.results if r.is_guardrail)
    assert g.significant and g.outcome == "better"  # it did improve ...
    assert g.guard == "no_harm" and fmt.shown_outcome(g) == "inconclusive"  # ... but it is not the experiment's win
    cell = result_cell(g)
    assert (cell.text, cell.sub, cell.tone) == ("no harm beyond 10 %", "(shown)", "muted")


def _guardrail(rel_ci: tuple[float, float], direction: str = "higher", max_harm: float | None = 0.1) -> MetricResult:
    mid = sum(rel_ci) / 2
    return MetricResult(
        "comment_rate", "v", "permutation", 20, 20, 0.01, 0.01 * (1 + mid), 0.01 * mid, None, mid, rel_ci,
        0.5, 0.5, False, None, is_guardrail=True, direction=direction, max_harm=max_harm,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize(
    "rel_ci, direction, verdict, words",
    [
        ((-0.08, 0.12), "higher", "no_harm", ("no harm beyond 10 %", "(shown)")),
        ((-0.23, 0.35), "higher", "cannot_tell", ("cannot tell yet", "down to -23 %")),
        ((-0.09, -0.02), "higher", "tolerated_harm", ("harm within 10 %", "(tolerated)")),
        ((-0.31, -0.12), "higher", "harm", ("HARM", "down to -31 %")),
        ((0.05, 0.30), "higher", "no_harm", ("no harm beyond 10 %", "(shown)")),  # improved: still "no harm"
        ((-0.12, 0.08), "lower", "no_harm", ("no harm beyond 10 %", "(shown)")),  # lower is better: a rise harms
        ((-0.35, 0.23), "lower", "cannot_tell", ("cannot tell yet", "up to +23 %")),
        ((0.12, 0.31), "lower", "harm", ("HARM", "up to +31 %")),
        ((-0.10, 0.05), "higher", "no_harm", ("no harm beyond 10 %", "(shown)")),  # the margin itself is tolerated
    ],
)
def test_guardrail_verdicts_in_both_directions(
    rel_ci: tuple[float, float], direction: str, verdict: str, words: tuple[str, str]
) -> None:
    from agilesocial.retro import fmt

    g = _guardrail(rel_ci, direction)
    assert g.guard == verdict and fmt.guard(g) == words
    assert g.harms is (verdict == "harm")
    assert g.to_dict()["guard"] == verdict and g.to_dict()["max_harm"] == 0.1


# -- before/after -----------------------------------------------------------------------------------------------------


def _its(rel_ci: tuple[float, float], significant: bool = False) -> MetricResult:
    mid = sum(rel_ci) / 2
    return MetricResult(
        "engagement_rate", "after", "its", 50, 20, 0.02, 0.0205, 0.02 * mid, None, mid, rel_ci, 0.4, 0.4,
        significant, None, counterfactual_value=0.02,
    )  # fmt: skip


@pytest.mark.parametrize("over, action", [(False, "futile"), (True, "stop")])
def test_before_after_futility_follows_the_same_rule(over: bool, action: str) -> None:
    metric = BUILTIN_METRICS["engagement_rate"]
    d = decide_before_after(_its((-0.06, 0.07)), metric, harmed=(), mde=0.1, ci_alpha=0.05, over=over)
    assert d.action == action
    assert "the planned +10 % lift is already ruled out (the 95 % CI tops out at +7 %)" in d.reason
    tail = "stop early or finish as planned." if not over else "the change did not bring the planned lift"
    assert tail in d.reason and "keep what you did before" not in d.reason


def test_before_after_keep_running_gives_the_direction() -> None:
    metric = BUILTIN_METRICS["engagement_rate"]
    d = decide_before_after(_its((-0.1, 0.3)), metric, harmed=(), mde=0.1, ci_alpha=0.05)
    assert d.action == "keep_running"
    assert d.reason.startswith("Too early to tell: so far engagement per impression was 2.00 % before the change")
    assert ", not yet clear; collect more days after the change." in d.reason


# -- words for numbers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "p, text",
    [(0.0004, "< 0.001"), (0.001, "0.001"), (0.0549, "0.055"), (0.5, "0.500"), (0.995, "> 0.99"), (1.0, "> 0.99")],
)
def test_p_values_print_alike_everywhere(p: float, text: str) -> None:
    from agilesocial.retro import fmt

    assert p_text(p) == text == fmt.pvalue(p)


def test_near_miss_gets_words_not_a_bare_p(tmp_path: Path) -> None:
    posts = split_posts(16, 16, control_rate=0.03, variant_rate=0.027)
    e = _run(tmp_path, posts, experiment(status="running", sample_size={"posts_per_variant": 40}))
    r = e.results[0]
    assert 0.05 <= r.p_adjusted < 0.10 and r.rel_lift < 0
    assert f"p = {r.p_adjusted:.3f}: not shown; a drop of up to {_signed(r.rel_ci[0])} is still possible" in (
        e.decision.reason
    )


@pytest.mark.parametrize(
    "more, rate, text",
    [
        (13, 4.0, "~4 weeks at your rate of 4 a week"),
        (13, 4.4, "~3 weeks at your rate of 4.4 a week"),
        (1, 0.25, "~4 weeks at your rate of 0.25 a week"),
        (172, 2.3, "~75 weeks at your rate of 2.3 a week, longer than a quarter; to answer it sooner, try a bolder"),
        (5, None, ""),
    ],
)
def test_more_posts_in_time(more: int, rate: float | None, text: str) -> None:
    assert time_text(more, rate).startswith(text) and (text or not time_text(more, rate))
    whole = posts_in_time(more, rate)
    assert whole.startswith(f"about {more} more post") and (text in whole)


# -- warnings -------------------------------------------------------------------------------------------------------


def _metric(name: str, numerator: str, denominator: str | None) -> Metric:
    return Metric(name=name, kind="ratio", numerator=numerator, denominator=denominator)


def test_warnings_name_the_arm_and_the_denominator_actually_used() -> None:
    per_reach = _metric("link_per_reach", "link_clicks", "reach")
    w = reword(
        "the control's 12 posts have such uneven impressions that they weigh like 4 equal posts (fewer than 30): the "
        "p-value may be somewhat optimistic",
        per_reach,
        "photos",
        "reels",
    )
    assert w.text.startswith("photos' 12 posts have such uneven reach that they weigh like 4 equal posts")
    w = reword(
        "one post holds 62% or more of the variant's value sum: the result mostly reflects that single post",
        per_reach,
        "photos",
        "reels",
    )
    assert w.text == "one post holds 62% or more of reels' link_clicks: the result mostly reflects that single post"
    w = reword("the variant's denominator sums to 0 (e.g. no impressions recorded)", per_reach, "photos", "thread")
    assert w.text == "thread's reach sums to 0 (none recorded)"


def test_warnings_are_one_line_per_cause_across_arms_and_metrics() -> None:
    ctr = _metric("link_ctr", "link_clicks", "impressions")
    comments = _metric("comment_rate", "comments", "impressions")
    raw = []
    for metric in (ctr, comments):
        for w in (
            "only 6 posts in the control (fewer than 10): results are fragile",
            "only 6 posts in the variant (fewer than 10): results are fragile",
        ):
            raw.append(reword(w, metric, "single", "thread"))
    raw.append(reword("only 4 posts in the variant (fewer than 10): results are fragile", ctr, "single", "carousel"))
    raw.append(MetricWarning("comment_rate", "2 posts have 0 impressions in thread and add nothing to the rate"))
    lines = grouped(raw, ["link_ctr", "comment_rate"])
    assert lines == [
        "link_ctr: only 6 posts in single and 6 in thread and 4 in carousel (fewer than 10): results are fragile",
        "comment_rate: only 6 posts each in single and thread (fewer than 10): results are fragile",
        "comment_rate: 2 posts have 0 impressions in thread and add nothing to the rate",
    ]


def test_a_run_merges_the_control_and_variant_small_sample_warnings(tmp_path: Path) -> None:
    posts = split_posts(6, 6, control_rate=0.03, variant_rate=0.033, jitter=0.8)
    e = _run(tmp_path, posts, experiment(status="running", guardrails=["comment_rate"]))
    fragile = [w for w in e.warnings if "results are fragile" in w]
    assert fragile == [
        "engagement_rate, comment_rate: only 6 posts each in photos and reels (fewer than 10): results are fragile"
    ]


# -- validate -------------------------------------------------------------------------------------------------------


def test_validate_checks_guardrails_with_a_tolerated_harm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from agilesocial.cli.app import app
    from test_lint_project import base_files, write_project

    files = base_files()
    files["experiments/e1.yaml"]["guardrails"] = [{"metric": "comment_rate", "max_harm": 0.05}]
    write_project(tmp_path / "ok", files)
    monkeypatch.chdir(tmp_path / "ok")
    result = CliRunner().invoke(app, ["validate", "--format", "json"])
    codes = [f["code"] for f in json.loads(result.output)["findings"]]
    assert "AS405" not in codes and "AS001" not in codes, result.output

    files["experiments/e1.yaml"]["guardrails"] = ["engagement_rate", {"metric": "comment_rat", "max_harm": 1.5}]
    write_project(tmp_path / "bad", files)
    monkeypatch.chdir(tmp_path / "bad")
    result = CliRunner().invoke(app, ["validate", "--format", "json"])
    found = [(f["code"], f["line"], f["message"]) for f in json.loads(result.output)["findings"]]
    # one precise finding on the max_harm line (not also "should be a valid string" from the name-only form)
    assert result.exit_code == 1 and found == [
        ("AS001", 24, "guardrails.1.max_harm: Input should be less than 1 (got 1.5)")
    ], result.output
