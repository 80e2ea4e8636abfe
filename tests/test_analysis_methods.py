"""Method choice and the non-default methods, run through run_analysis; the demo project's experiments."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest

from agilesocial.analysis import run_analysis
from agilesocial.analysis.decide import metric_phrase
from agilesocial.analysis.methods import choose_method, expected_min
from agilesocial.analysis.sufficient import Sums
from agilesocial.config import load_project
from agilesocial.plan.experiment import Experiment, Method
from agilesocial.plan.metrics import BUILTIN_METRICS, Metric
from test_analysis_support import experiment, make_project, make_warehouse, post, split_posts

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 27)
M = BUILTIN_METRICS


def _exp(**kw: Any) -> Experiment:
    return Experiment.model_validate({"id": "e", **kw})


@pytest.mark.parametrize(
    ("kw", "metric", "method", "kind"),
    [
        ({}, "engagement_rate", Method.permutation, "ratio"),
        ({}, "comments", Method.permutation, "mean"),
        ({"method": "welch_t"}, "comments", Method.welch_t, "mean"),
        ({"unit": "user"}, "ctr", Method.two_proportion, "proportion"),
        ({"design": "before_after"}, "engagement_rate", Method.its, "its"),
        ({"method": "mann_whitney"}, "engagement_rate", Method.mann_whitney, "ratio"),
        ({"method": "negbin"}, "comments", Method.negbin, "mean"),
        ({"method": "bayesian", "unit": "user"}, "ctr", Method.bayesian, "proportion"),
        ({"method": "bayesian"}, "comments", Method.bayesian, "mean"),
    ],
)
def test_method_choice(kw: dict[str, Any], metric: str, method: Method, kind: str) -> None:
    choice = choose_method(_exp(**kw), M[metric])
    assert (choice.method, choice.kind, choice.warning) == (method, kind, None)


def test_override_that_does_not_fit_falls_back_with_a_warning() -> None:
    choice = choose_method(_exp(method="fisher"), M["comments"])
    assert choice.method == Method.permutation and "needs a ratio metric" in (choice.warning or "")
    choice = choose_method(_exp(method="welch_t", design="before_after"), M["engagement_rate"])
    assert choice.method == Method.its and "before/after" in (choice.warning or "")


def test_expected_cell_counts() -> None:
    # table [[3, 97], [9, 91]]: expected successes = 100 * 12 / 200 = 6 per arm
    c, v = Sums(10, 3, 9, 100, 1000, 30), Sums(10, 9, 81, 100, 1000, 90)
    assert expected_min(c, v) == pytest.approx(6.0)


def test_metric_phrases() -> None:
    assert metric_phrase(M["engagement_rate"]) == "engagement per impression"
    assert metric_phrase(M["engagement_per_reach"]) == "engagement per person reached"
    assert metric_phrase(M["comments"]) == "comments per post"
    assert metric_phrase(Metric("x", "ratio", "link_clicks", "reach")) == "link clicks per person reached"


def _run(tmp_path: Path, posts: list[dict[str, Any]], **exp: Any) -> Any:
    proj = make_project(tmp_path / "p", [experiment(**exp)])
    make_warehouse(tmp_path / "p" / "wh.duckdb", posts)
    return run_analysis(proj, today=TODAY).experiments[0]


POSTS = split_posts(25, 25, control_rate=0.03, variant_rate=0.042, jitter=0.6)


@pytest.mark.parametrize("method", ["mann_whitney", "negbin", "poisson", "welch_t", "ratio_delta"])
def test_per_post_methods_run_and_agree_on_direction(tmp_path: Path, method: str) -> None:
    metric = "engagements" if method == "welch_t" else "engagement_rate"
    e = _run(tmp_path, POSTS, method=method, metric=metric)
    r = e.results[0]
    assert r.method.startswith(method if method not in ("negbin", "poisson") else ("negbin", "poisson"))
    assert r.rel_lift is not None and r.rel_lift > 0.2 and r.p_value is not None and r.p_value < 0.05
    assert e.decision.action in ("scale", "iterate")


def test_pooled_z_is_shown_for_contrast_and_never_decides(tmp_path: Path) -> None:
    # A/A-like arms: pooled_z calls a difference that the randomisation test does not support
    posts = split_posts(25, 25, control_rate=0.03, variant_rate=0.0315, jitter=0.6, impressions=200_000)
    e = _run(tmp_path, posts, method="pooled_z", mde=0.5)
    deciding, contrast = e.results
    assert (deciding.method, deciding.contrast, contrast.method, contrast.contrast) == (
        "permutation",
        False,
        "pooled_z",
        True,
    )
    assert contrast.p_value is not None and contrast.p_value < 0.001  # the naive test is "sure"
    assert contrast.significant is None and contrast.p_adjusted is None
    assert deciding.p_value is not None and deciding.p_value > 0.05 and deciding.p_adjusted == deciding.p_value
    assert e.decision.action != "scale" and "pooled_z" not in e.decision.reason
    assert "shown for contrast only" in (deciding.method_why or "")
    assert deciding.to_dict()["method_why"] == deciding.method_why and contrast.to_dict()["contrast"] is True


def test_bayesian_reports_chance_to_beat(tmp_path: Path) -> None:
    r = _run(tmp_path, POSTS, method="bayesian").results[0]
    assert (
        r.method.startswith("bayesian")
        and r.p_value is None
        and r.chance_to_beat is not None
        and r.chance_to_beat > 0.95
    )
    assert r.significant is True


def test_unit_user_uses_fisher_for_small_counts(tmp_path: Path) -> None:
    posts = [
        post("c1", "2026-10-27T10:00:00+00:00", post_type="Photos", impressions=20, clicks=0),
        post("c2", "2026-10-28T10:00:00+00:00", post_type="Photos", impressions=30, clicks=1),
        post("v1", "2026-10-27T12:00:00+00:00", post_type="Reels", impressions=25, clicks=4),
        post("v2", "2026-10-28T12:00:00+00:00", post_type="Reels", impressions=25, clicks=2),
    ]
    # 1/50 vs 6/50: expected successes 3.5 < 5, so Fisher; two-sided p = 0.1117
    # (R: fisher.test(matrix(c(1, 49, 6, 44), 2))$p.value = 0.1117)
    r = _run(tmp_path, posts, unit="user", metric="ctr").results[0]
    assert r.method.startswith("fisher") and r.p_value == pytest.approx(0.1117, abs=5e-4)
    assert (r.control_value, r.variant_value) == (pytest.approx(0.02), pytest.approx(0.12))
    # 13 successes in 200 expects 6.5 per arm: the default two-proportion test stays
    more = [dict(p, metrics={**p["metrics"], "impressions": 100}) for p in posts]
    for i, clicks in ((0, 2), (2, 6), (3, 4)):  # 3/200 vs 10/200
        more[i]["metrics"]["clicks"] = clicks
    r = _run(tmp_path / "z", more, unit="user", metric="ctr").results[0]
    assert r.method.startswith("two_proportion")


def _daily_posts(days: int, start: dt.date, rate: float, step: float, change: dt.date) -> list[dict[str, Any]]:
    out = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        r = rate * (1 + step if day >= change else 1) * (1 + 0.05 * math.sin(i * 1.7))
        out.append(
            post(
                f"d{i}",
                f"{day}T09:00:00+00:00",
                platform="x",
                account="northwindcoffee",
                impressions=1000,
                engagements=round(1000 * r),
            )
        )
    return out


def test_demo_before_after_experiment_uses_its(tmp_path: Path) -> None:
    proj = load_project(ROOT)
    posts = _daily_posts(49, dt.date(2026, 10, 5), 0.02, 0.25, dt.date(2026, 11, 9))
    db = make_warehouse(tmp_path / "w.duckdb", posts)
    report = run_analysis(proj, experiment_ids=["x-morning-posting"], db=db, today=TODAY, store=False)
    e = report.experiments[0]
    r = e.results[0]
    assert (e.design, r.method, r.variant, e.control) == ("before_after", "its", "after", "before")
    # posts (one a day) and days: the demo's pre_period 35 days before the change, 14 days from it
    assert (r.n_control, r.n_variant, r.days_control, r.days_variant) == (35, 14, 35, 14)
    assert r.rel_lift == pytest.approx(0.25, abs=0.05)
    assert r.its is not None and r.its.day_of_week and r.its.placebo.fits == 22 and r.its.placebo.stands_out
    assert r.significant and e.decision.action == "scale"
    assert e.decision.reason.startswith("Engagement per impression was 2.00 % before the change and 2.49 % after")
    assert "the model expected 2.01 % without the change; you got 2.49 %: +24 %" in e.decision.reason


def test_demo_split_experiment_fills_the_retro_fields(tmp_path: Path) -> None:
    proj = load_project(ROOT)
    db = make_warehouse(tmp_path / "w.duckdb", split_posts(20, 20, control_rate=0.03, variant_rate=0.04))
    report = run_analysis(proj, experiment_ids=["fb-reels-vs-photos"], db=db, today=TODAY)
    e = report.experiments[0]
    assert (e.sprint, e.metric, e.platform, e.tags) == ("2026-s01", "engagement_rate", "facebook", ("format", "video"))
    assert e.hypothesis and e.hypothesis.startswith("We believe turning brew-guide photos into 20-second reels")
    assert [(r.metric, r.is_guardrail) for r in e.results] == [("engagement_rate", False), ("comment_rate", True)]
    assert e.srm is not None and e.srm.ok
