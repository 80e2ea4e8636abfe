"""Defects found in the hardening pass, each pinned by a test: method overrides that did not fit the metric or unit,
decision sentences that contradicted their own numbers, degenerate count and time-series fits, and plain-word errors.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import agilesocial.stats as stats
from agilesocial.analysis import run_analysis
from agilesocial.cli.app import app
from agilesocial.errors import DataError
from agilesocial.stats.result import normal_compare
from test_analysis_support import experiment, make_project, make_warehouse, post, split_posts

TODAY = dt.date(2026, 11, 27)
LINK_PER_PERSON = {"name": "link_per_person", "numerator": "link_clicks", "denominator": "reach"}


def _analyse(tmp_path: Path, posts: list[dict[str, Any]], today: dt.date = TODAY, **exp: Any) -> Any:
    proj = make_project(tmp_path / "p", [experiment(**exp)], metrics=[LINK_PER_PERSON])
    make_warehouse(tmp_path / "p" / "wh.duckdb", posts)
    return run_analysis(proj, today=today, store=False).experiments[0]


def _ads_posts() -> list[dict[str, Any]]:
    """An ads split reporting people: 4 ad sets per arm, reach = people, link clicks = people who clicked."""
    out = []
    for arm, ptype, base in (("c", "Photos", 30), ("v", "Reels", 40)):
        for i in range(4):
            when = "2026-10-28T10:00:00+00:00"
            out.append(post(f"{arm}{i}", when, post_type=ptype, reach=1000 + 10 * i, link_clicks=base + i))
    return out  # control 126 / 4060 people, variant 166 / 4060


def test_bayesian_with_unit_user_models_people(tmp_path: Path) -> None:
    # was: "the test could not run: control: sum_y == 126.0, must be a success count between 0 and n == 4"
    r = _analyse(tmp_path, _ads_posts(), unit="user", metric="link_per_person", method="bayesian").results[0]
    assert r.method == "bayesian_proportion" and r.p_value is None and r.p_adjusted is None
    assert (r.n_control, r.n_variant) == (4060, 4060)  # people, not ad sets
    # independent reference: P(p_v > p_c) under Beta(1 + s, 1 + f) posteriors, by numerical integration in R 4.2.2:
    #   integrate(function(x) dbeta(x, 167, 3895) * pbeta(x, 127, 3935), 0, 0.2, rel.tol = 1e-12)$value
    #   -> 0.991416318126261
    exact = 0.991416318126261
    assert r.chance_to_beat == pytest.approx(exact, abs=0.01)
    assert r.significant is (exact >= 0.95)


def test_unit_user_reports_people_and_matches_the_uncorrected_chi_square(tmp_path: Path) -> None:
    r = _analyse(tmp_path, _ads_posts(), unit="user", metric="link_per_person").results[0]
    assert r.method == "two_proportion" and (r.n_control, r.n_variant) == (4060, 4060)
    # R 4.2.2: prop.test(c(126, 166), c(4060, 4060), correct = FALSE) -> X-squared 5.68384653614352,
    # p-value 0.0171217911121215 (tests/r/classical.R)
    assert r.p_value == pytest.approx(0.0171217911121215, rel=1e-9)
    assert r.statistic**2 == pytest.approx(5.68384653614352, rel=1e-9)  # z² is the uncorrected X²


def test_unit_user_with_more_successes_than_people_says_so(tmp_path: Path) -> None:
    posts = [dict(p, metrics={**p["metrics"], "link_clicks": 5000}) for p in _ads_posts()]
    e = _analyse(tmp_path, posts, unit="user", metric="link_per_person")
    r = e.results[0]
    assert r.p_value is None and "the control has 20,000 link_clicks for 4,060 reach" in (r.note or "")
    assert "use unit: post" in e.decision.reason


def test_welch_t_on_a_rate_metric_compares_per_post_rates(tmp_path: Path) -> None:
    # was: the mean of the numerator per post (30 engagements) reported as the engagement rate
    posts = split_posts(25, 25, control_rate=0.03, variant_rate=0.036, jitter=0.6)
    r = _analyse(tmp_path, posts, method="welch_t").results[0]
    rates = {
        arm: [p["metrics"]["engagements"] / p["metrics"]["impressions"] for p in posts if p["post_id"][0] == arm]
        for arm in "cv"
    }
    assert r.method == "welch_t"
    assert r.control_value == pytest.approx(np.mean(rates["c"])) and r.control_value < 0.05
    # R 4.2.2: t.test(ve / imp, ce / imp) on these per-post rates -> t 1.50046560017967, df 46.6371818727036,
    # p-value 0.140233996233308 (tests/r/classical.R)
    assert r.p_value == pytest.approx(0.140233996233308, rel=1e-9)


@pytest.mark.parametrize("method", ["two_proportion", "chi_square", "fisher"])
def test_people_tests_on_post_level_data_fall_back_to_the_default(tmp_path: Path, method: str) -> None:
    # was: impressions of posts treated as independent people, with no word of warning
    e = _analyse(tmp_path, split_posts(20, 20, control_rate=0.03, variant_rate=0.036), method=method)
    assert e.results[0].method == "permutation"
    assert any(f"method {method} needs unit: user" in w and "permutation was used" in w for w in e.warnings)


def test_negbin_without_overdispersion_falls_back_to_poisson() -> None:
    # equidispersed (here underdispersed) counts: NB2's dispersion hits 0 and its Hessian is singular
    yc, yv = [3, 3, 2, 4, 3, 3, 2, 4, 3, 3, 3, 2], [4, 4, 3, 5, 4, 4, 3, 5, 4, 4, 4, 3]
    ones = [1.0] * 12
    r = stats.count_glm(yc, ones, yv, ones, family="negbin")
    poisson = stats.count_glm(yc, ones, yv, ones, family="poisson")
    assert r.method == "poisson" and any("no overdispersion" in w for w in r.warnings)
    assert r.p_value == pytest.approx(poisson.p_value) and r.rel_lift == pytest.approx(47 / 35 - 1)


def test_negbin_on_a_count_metric_runs_through_analyze(tmp_path: Path) -> None:
    e = _analyse(
        tmp_path, split_posts(30, 30, control_rate=0.03, variant_rate=0.036), method="negbin", metric="comments"
    )
    r = e.results[0]
    assert r.p_value is not None and r.method in ("negbin", "poisson") and r.note is None


def test_forced_poisson_warns_when_counts_are_overdispersed() -> None:
    yc, yv = [0, 40, 1, 90, 2, 0, 60, 3], [5, 70, 0, 1, 80, 2, 0, 50]
    r = stats.count_glm(yc, [100] * 8, yv, [100] * 8, family="poisson")
    assert r.method == "poisson" and any("use method: negbin" in w for w in r.warnings)


@pytest.mark.parametrize("seed", range(5))
def test_relative_ci_agrees_with_the_p_value(seed: int) -> None:
    # Fieller's interval: excludes 0 exactly when p < alpha (the delta-method interval did not, e.g. p = 0.040
    # with a CI of -1 % to +41 %)
    rng = np.random.default_rng(seed)
    for _ in range(400):
        c = float(rng.uniform(0.5, 2.0))
        v = c * float(rng.uniform(0.6, 1.6))
        var_c, var_v = (float(rng.uniform(0.001, 0.05)) * c * c for _ in range(2))
        r = normal_compare("t", c, v, var_c, var_v, 0.05, [])
        assert r.rel_ci is not None and r.p_value is not None
        lo, hi = r.rel_ci
        if abs(r.p_value - 0.05) > 1e-9:
            assert (lo > 0 or hi < 0) == (r.p_value < 0.05)
        assert lo <= r.rel_lift <= hi  # type: ignore[operator]
        for bound in (lo, hi):  # each bound solves Fieller's equation (v - rho c)^2 = z^2 (var_v + rho^2 var_c)
            rho, z = bound + 1, 1.959963984540054  # R: qnorm(0.975)
            assert (v - rho * c) ** 2 == pytest.approx(z * z * (var_v + rho * rho * var_c), rel=1e-6)


def test_the_example_that_contradicted_itself() -> None:
    r = normal_compare("t", 1.0, 1.2, 0.069**2, 0.069**2, 0.05, [])
    assert r.p_value == pytest.approx(0.0404, abs=1e-4) and r.rel_ci is not None and r.rel_ci[0] > 0


def test_decision_explains_a_ci_that_excludes_zero_after_holm(tmp_path: Path) -> None:
    posts = split_posts(30, 30, control_rate=0.03, variant_rate=0.0395, jitter=0.6)
    e = _analyse(tmp_path, posts, guardrails=["comment_rate", "ctr"], status="running")
    r = e.results[0]
    assert r.p_value is not None and r.p_value < 0.05 <= (r.p_adjusted or 0) and not r.significant
    assert e.decision.action == "keep_running"
    assert "once corrected for testing several variants and metrics" in e.decision.reason


def test_sequential_decision_labels_the_ci_level_and_never_asks_for_one_more_posts(tmp_path: Path) -> None:
    # was: "(100 % CI +9 % to +32 %) ... about 1 more posts per variant are needed"
    posts = split_posts(20, 20, control_rate=0.03, variant_rate=0.036)
    window = {"start": "2026-10-26", "end": "2027-01-31"}
    exp = experiment(window=window, sample_size={"posts_per_variant": 100}, status="running")
    proj = make_project(tmp_path / "p", [exp])
    make_warehouse(proj.root / "wh.duckdb", posts)
    e = run_analysis(proj, today=TODAY, sequential=True, store=False).experiments[0]
    reason = e.decision.reason
    assert e.decision.action == "keep_running" and e.decision.posts_needed is None
    assert "(95 % CI +" in reason and "100 % CI" not in reason and "1 more posts" not in reason
    assert "not yet below the early-look threshold" in reason
    assert "keep posting until the planned 100 posts per variant" in reason


def test_identical_arms_read_as_about_the_same(tmp_path: Path) -> None:
    posts = [
        post(f"{a}{i}", "2026-10-28T10:00:00+00:00", post_type=t, impressions=1000 + 100 * i, engagements=30 + 3 * i)
        for a, t in (("c", "Photos"), ("v", "Reels"))
        for i in range(12)
    ]
    e = _analyse(tmp_path, posts)
    assert "earned about the same engagement per impression as photos" in e.decision.reason
    assert "0 % more" not in e.decision.reason


def test_its_two_weeks_split_on_their_first_weekday_is_fitted_without_day_of_week() -> None:
    # 14 days from a Monday with the change on the next Monday: time = weekday + 7 * post, so a design with
    # day-of-week terms would be rank-deficient (one of infinitely many fits); fewer than 21 days before -> none
    start, change = dt.date(2026, 11, 2), dt.date(2026, 11, 9)
    dates = [(start + dt.timedelta(days=i)).toordinal() for i in range(14)]
    values = [
        10 + 0.1 * i + (3.0 if d >= change.toordinal() else 0.0) + 0.3 * math.sin(i * 1.7) for i, d in enumerate(dates)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = stats.interrupted_time_series(dates, values, change.toordinal())
    assert not r.day_of_week
    assert r.level_change == pytest.approx(3.0, abs=0.5) and r.p_value < 0.05
    with pytest.raises(ValueError, match="too few days to tell day-of-week effects"):
        stats.interrupted_time_series(dates, values, change.toordinal(), day_of_week=True)
    # ten days: enough for level, trend and slope
    short = stats.interrupted_time_series(dates[2:12], values[2:12], change.toordinal())
    assert short.level_change == pytest.approx(3.0, abs=0.7)


def test_a_variant_without_the_denominator_names_the_missing_field(tmp_path: Path) -> None:
    posts = split_posts(20, 20, control_rate=0.03, variant_rate=0.036)
    for p in posts:
        if p["post_id"].startswith("v"):
            p["metrics"]["impressions"] = None
    posts[0]["metrics"]["impressions"] = None
    e = _analyse(tmp_path, posts)
    assert "none of the 20 reels posts has both engagements and impressions recorded" in e.decision.reason
    assert "engagement_rate: 1 of the 20 photos posts has no engagements or impressions recorded" in e.warnings[0]


def test_analyze_by_id_before_the_window_starts_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # was: "has no posts in the warehouse ... ingest the exports of ... 2027-01-01 to 2027-01-31"
    proj = make_project(tmp_path / "p", [experiment(window={"start": "2999-01-01", "end": "2999-01-31"})])
    make_warehouse(proj.root / "wh.duckdb", split_posts(5, 5, control_rate=0.03, variant_rate=0.03))
    monkeypatch.chdir(proj.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["analyze", "-e", "exp"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "exp.yaml:" in res.stderr and "has not started: its window starts 2999-01-01" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baseline", "3", "--mde-rel", "0.2"], "--baseline 3.0: must be a proportion in (0, 1)"),
        (["--baseline", "0.03", "--mde-rel", "0.2", "--sides", "3"], "--sides 3: must be 1 or 2"),
        (["--baseline", "0.03", "--n", "1"], "--n 1: must be an integer >= 2"),
        (["--baseline", "0.03", "--mde-rel", "0.2", "--power", "1.5"], "--power 1.5: must be in (0, 1)"),
    ],
)
def test_power_errors_name_the_option(args: list[str], message: str) -> None:
    res = CliRunner().invoke(app, ["power", "--kind", "proportion", *args])
    assert res.exit_code == 2 and res.stderr.startswith(f"error: {message}")


def test_fisher_relative_ci_when_every_control_person_converted() -> None:
    # statsmodels' score interval collapses to a point (0.71823205, 0.71823204) that excludes the risk ratio 0.436
    r = stats.fisher_exact(181, 181, 79, 181)
    assert r.rel_ci is not None and r.rel_lift is not None
    lo, hi = r.rel_ci
    assert lo < r.rel_lift < hi
    # Katz log interval: RR = 79/181, SE(log RR) = sqrt(1/79 - 1/181)
    se = math.sqrt(1 / 79 - 1 / 181)
    assert (lo, hi) == pytest.approx((79 / 181 * math.exp(-1.959964 * se) - 1, 79 / 181 * math.exp(1.959964 * se) - 1))


def test_lower_is_better_count_says_fewer_and_explains_a_rank_ci_reaching_zero(tmp_path: Path) -> None:
    posts = split_posts(30, 30, control_rate=0.04, variant_rate=0.03, jitter=0.5)
    neg = {"name": "neg_comments", "numerator": "comments", "direction": "lower"}
    proj = make_project(tmp_path / "p", [experiment(metric="neg_comments", method="mann_whitney")], metrics=[neg])
    make_warehouse(proj.root / "wh.duckdb", posts)
    e = run_analysis(proj, today=TODAY, store=False).experiments[0]
    r = e.results[0]
    # tied small counts: p < 0.05 while the Hodges-Lehmann interval ends exactly at no change
    assert r.significant and r.rel_ci is not None and r.rel_ci[1] == 0.0
    assert e.decision.action == "scale"
    # a rank test compares the typical post, and says so
    assert e.decision.reason.startswith(
        "The typical reels post earned 25 % fewer comments per post than the typical photos post "
        "(95 % CI -50 % to +0 %;"
    )
    assert "though the interval still reaches 0 %" in e.decision.reason


def test_a_clean_winner_is_scaled_over_a_bigger_one_that_hurt_a_guardrail(tmp_path: Path) -> None:
    # was: "Reels earned 50 % more ..., but it hurt comment_rate; iterate on reels" although carousel won cleanly
    posts = split_posts(30, 0, control_rate=0.03, variant_rate=0, comment_share=0.1)
    posts += split_posts(0, 30, control_rate=0, variant_rate=0.045, comment_share=0.03)  # reels: +50 %, fewer comments
    carousel = split_posts(0, 30, control_rate=0, variant_rate=0.039, comment_share=0.1, variant_type="Carousel")
    posts += [dict(p, post_id="w" + p["post_id"]) for p in carousel]
    variants = [
        {"name": "photos", "selector": {"post_type": ["Photos"]}},
        {"name": "reels", "selector": {"post_type": ["Reels"]}},
        {"name": "carousel", "selector": {"post_type": ["Carousel"]}},
    ]
    e = _analyse(tmp_path, posts, variants=variants, guardrails=["comment_rate"])
    harmed = [r for r in e.results if r.is_guardrail and r.variant == "reels"]
    assert harmed[0].significant and (harmed[0].rel_lift or 0) < 0
    assert e.decision.action == "scale" and e.decision.reason.endswith("scale carousel.")


def _daily(days: int, start: dt.date, change: dt.date) -> list[dict[str, Any]]:
    out = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        rate = 0.02 * (1.25 if day >= change else 1) * (1 + 0.05 * math.sin(i * 1.7))
        when = f"{day}T09:00:00+00:00"
        out.append(post(f"d{i}", when, impressions=1000, engagements=round(1000 * rate), comments=round(100 * rate)))
    return out


def test_before_after_without_days_before_the_change_is_refused(tmp_path: Path) -> None:
    window = {"start": "2026-10-05", "end": "2026-11-22"}
    posts = _daily(49, dt.date(2026, 10, 5), dt.date(2026, 10, 5))
    with pytest.raises(DataError, match="only 0 days before the change") as info:
        _analyse(tmp_path, posts, design="before_after", variants=[], intervention_date="2026-10-05", window=window)
    assert info.value.exit_code == 2 and "move window.start to 2026-09-21 or earlier" in (info.value.hint or "")


def test_before_after_with_the_change_on_the_last_day_says_to_keep_posting(tmp_path: Path) -> None:
    window = {"start": "2026-10-05", "end": "2026-11-22"}
    posts = _daily(49, dt.date(2026, 10, 5), dt.date(2026, 11, 22))
    kw: dict[str, Any] = {"design": "before_after", "variants": [], "intervention_date": "2026-11-22"}
    e = _analyse(tmp_path, posts, window=window, status="running", **kw)
    fix = "keep posting: the analysis needs posts on at least 2 days from the intervention_date"
    assert e.decision.action == "keep_running" and e.decision.reason.endswith(f"{fix}.")
    done = _analyse(tmp_path / "done", posts, window=window, **kw)  # status: completed -- never "keep running"
    assert done.decision.action == "inconclusive" and done.decision.reason.startswith("Inconclusive (the experiment")
    r = e.results[0]
    assert r.control_value == pytest.approx(0.02, rel=0.06) and r.variant_value == pytest.approx(0.025, rel=0.06)


def test_before_after_count_metric_sentence_uses_a_plural_verb(tmp_path: Path) -> None:
    window = {"start": "2026-10-05", "end": "2026-11-22"}
    posts = _daily(49, dt.date(2026, 10, 5), dt.date(2026, 11, 9))
    e = _analyse(
        tmp_path,
        posts,
        design="before_after",
        variants=[],
        intervention_date="2026-11-09",
        window=window,
        metric="comments",
    )
    # completed: inconclusive, never "keep running" -- and the count metric still takes a plural verb
    assert e.decision.action == "inconclusive"
    assert e.decision.reason.startswith("Inconclusive: comments per post were 2 before the change and 2.5 after")


def test_a_warehouse_without_the_platform_says_what_it_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj = make_project(tmp_path / "p", [experiment(platform="instagram")])
    make_warehouse(proj.root / "wh.duckdb", split_posts(20, 20, control_rate=0.03, variant_rate=0.03))
    monkeypatch.chdir(proj.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["analyze"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "no instagram posts of account 'Northwind Coffee' published 2026-10-26 to 2026-11-22" in res.stderr
    assert "the warehouse holds 40 facebook posts 2026-10-27 to 2026-11-15" in res.stderr
    assert "ingest the exports of instagram posts" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_one_post_dominating_the_winning_arm_blocks_scale(tmp_path: Path) -> None:
    """A 'winner' whose total is mostly one viral post must not be scaled: the lift may be that single post."""
    posts = split_posts(20, 20, control_rate=0.03, variant_rate=0.03)
    viral = post(
        "v-viral",
        "2026-11-03T10:00:00+00:00",
        post_type="Reels",
        impressions=200_000,
        reach=150_000,
        engagements=20_000,
        comments=2_000,
        clicks=6_000,
        link_clicks=4_000,
    )
    # the default randomisation test does not call this a win at all (the viral post can land in either arm) ...
    default = _analyse(tmp_path / "default", [*posts, viral], metric="engagement_rate", mde=0.1).results[0]
    assert default.method == "permutation" and default.significant is False
    # ... and the delta method, which does, is stopped by the dominance guard
    running = _analyse(
        tmp_path, [*posts, viral], metric="engagement_rate", mde=0.1, method="ratio_delta", status="running"
    ).decision
    assert running.action == "keep_running", running
    assert "one post holds" in running.reason and "before scaling" in running.reason
    done = _analyse(tmp_path / "done", [*posts, viral], metric="engagement_rate", mde=0.1, method="ratio_delta")
    assert done.decision.action == "inconclusive" and "run reels again before scaling it" in done.decision.reason


def test_an_even_winner_is_still_scaled(tmp_path: Path) -> None:
    posts = split_posts(25, 25, control_rate=0.03, variant_rate=0.045)
    decision = _analyse(tmp_path, posts, metric="engagement_rate", mde=0.1).decision
    assert decision.action == "scale", decision


def test_a_sprint_run_goes_on_when_one_experiment_has_no_posts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The facebook experiment is analysed and shown; the instagram one says what to ingest; exit 2 for scripts."""
    exps = [experiment("fb"), experiment("ig", platform="instagram")]
    proj = make_project(tmp_path / "p", exps)
    make_warehouse(proj.root / "wh.duckdb", split_posts(20, 20, control_rate=0.03, variant_rate=0.05))
    monkeypatch.chdir(proj.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["analyze", "--format", "json"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    out = json.loads(res.stdout)
    by_id = {e["id"]: e for e in out["experiments"]}
    assert by_id["fb"]["decision"]["action"] == "scale" and by_id["fb"]["results"]
    assert by_id["ig"]["decision"]["action"] == "keep_running" and by_id["ig"]["results"] == []
    assert "No data to judge yet" in by_id["ig"]["decision"]["reason"]
    assert len(out["missing_data"]) == 1 and "instagram" in out["missing_data"][0]
    assert "error:" in res.stderr and "instagram" in res.stderr
    # asked for by id, the same experiment is still a plain one-line exit 2
    res = CliRunner().invoke(app, ["analyze", "-e", "ig"])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1


def test_a_count_metric_below_one_per_post_is_not_shown_as_a_percentage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """follows per post averages under 1; the table must say 0.5, not '50.00 %' (it used to guess by the value's size,
    which turned the Bayesian mean of a count metric into a percentage)."""
    posts = split_posts(20, 20, control_rate=0.03, variant_rate=0.03)
    for i, p in enumerate(posts):
        p["metrics"]["follows"] = i % 2  # control and variant: 0.5 follows per post
    proj = make_project(tmp_path / "p", [experiment(metric="follows", guardrails=[], method="bayesian")])
    make_warehouse(proj.root / "wh.duckdb", posts)
    monkeypatch.chdir(proj.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["analyze", "--format", "md"])
    assert res.exit_code == 0, res.output
    row = next(line for line in res.stdout.splitlines() if line.startswith("| follows"))
    assert "| 0.5 |" in row and "%" not in row.split("|")[4]
    rate = CliRunner().invoke(app, ["analyze", "-e", "exp", "--format", "md"]).stdout
    assert "| 0.5 |" in rate
