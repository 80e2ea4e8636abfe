"""``agile-social calibrate`` on the demo warehouse: sane A/A numbers, the calibrations table, and what analyze and
the retro say afterwards; plus the vectorised engine against the tests it stands for."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from agilesocial import stats
from agilesocial.cli.app import app
from agilesocial.stats import SampleStats
from agilesocial.stats import calibration as cal
from agilesocial.stats.permutation import permutation_test
from agilesocial.stats.simulate import social_posts

ACCOUNT = "Northwind Coffee"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("calibrate") / "northwind"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AGILE_SOCIAL_DB", raising=False)
        mp.setenv("NO_COLOR", "1")
        res = CliRunner().invoke(app, ["demo", "--dir", str(folder)])
        assert res.exit_code == 0, res.output
        mp.chdir(folder)
        yield folder


def _run(*args: str) -> object:
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1"})


@pytest.fixture(scope="module")
def report(demo: Path) -> dict:  # type: ignore[type-arg]
    res = _run("calibrate", "--platform", "facebook", "--account", ACCOUNT, "--runs", "400", "--seed", "3",
               "--posts-per-arm", "5,10,20", "--format", "json")  # fmt: skip
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    return json.loads(res.stdout)  # type: ignore[attr-defined,no-any-return]


def test_calibrate_reports_every_method_at_every_size_with_sane_numbers(report: dict) -> None:  # type: ignore[type-arg]
    assert report["platform"] == "facebook" and report["account"] == ACCOUNT and report["metric"] == "engagement_rate"
    assert report["posts"] == 65 and report["runs"] == 400 and report["posts_per_arm"] == [5, 10, 20]
    assert report["interval"].startswith("Clopper-Pearson")
    methods = {r["method"] for r in report["results"]}
    assert methods == set(cal.RATIO_METHODS)
    assert len(report["results"]) == 3 * len(cal.RATIO_METHODS)
    assert set(report["not_calibrated"]) == {"negbin", "bayesian", "two_proportion", "chi_square", "fisher"}
    for r in report["results"]:
        assert r["runs"] == 400 and r["false_positive_rate"] == r["rejections"] / 400
        lo, hi = r["ci"]
        assert 0 <= lo <= r["false_positive_rate"] <= hi <= 1
        assert r["verdict"] == ("too hot" if lo > 0.06 else "too cold" if hi < 0.04 else "calibrated")
        assert (r["mde"] is None) == (r["verdict"] == "too hot" or r["mde_above"] == 9.0)
        assert (r["mde_note"] is not None) == (r["verdict"] == "too hot")
    by = {(r["method"], r["posts_per_arm"]): r for r in report["results"]}
    for m in (5, 10, 20):
        # the randomisation test is exact: its A/A rate cannot be far from alpha on any data
        assert by[("permutation", m)]["verdict"] == "calibrated"
        # impressions of one post are not independent trials: the pooled test calls most A/A splits different
        assert by[("pooled_z", m)]["verdict"] == "too hot" and by[("pooled_z", m)]["false_positive_rate"] > 0.3
        assert by[("poisson_exact", m)]["verdict"] == "too hot"
    # more posts per arm detect smaller lifts
    mdes = [by[("permutation", m)]["mde"] for m in (5, 10, 20)]
    assert all(isinstance(v, float) and v > 0 for v in mdes) and mdes[0] > mdes[1] > mdes[2]


def test_calibrate_stores_the_table(demo: Path, report: dict) -> None:  # type: ignore[type-arg]
    con = duckdb.connect(str(demo / ".agile-social" / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT method, posts_per_arm, runs, seed, rejections, false_positive_rate, verdict, mde FROM calibrations "
            "WHERE platform = 'facebook' AND account = ? AND metric = 'engagement_rate' AND run_at = "
            "(SELECT max(run_at) FROM calibrations WHERE account = ?) ORDER BY posts_per_arm, method",
            [ACCOUNT, ACCOUNT],
        ).fetchall()
    finally:
        con.close()
    expected = sorted(
        (r["method"], r["posts_per_arm"], 400, 3, r["rejections"], r["false_positive_rate"], r["verdict"], r["mde"])
        for r in report["results"]
    )
    assert sorted(rows, key=lambda r: (r[1], r[0])) == sorted(expected, key=lambda r: (r[1], r[0]))
    assert report["stored"] is True


def test_same_seed_same_numbers_and_text_and_md_formats(demo: Path, report: dict) -> None:  # type: ignore[type-arg]
    args = ["calibrate", "-p", "facebook", "-a", ACCOUNT, "--runs", "400", "--seed", "3", "--posts-per-arm", "5,10,20"]
    again = json.loads(_run(*args, "--format", "json").stdout)  # type: ignore[attr-defined]
    assert [r["rejections"] for r in again["results"]] == [r["rejections"] for r in report["results"]]
    text = _run(*args).stdout  # type: ignore[attr-defined]
    assert "A/A calibration of engagement_rate on facebook account 'Northwind Coffee': 65 posts" in text
    assert "Clopper-Pearson (exact binomial) 95 %" in text
    perm5 = next(r for r in report["results"] if r["method"] == "permutation" and r["posts_per_arm"] == 5)
    assert f"permutation    5          {perm5['rejections']}/400" in text
    md = _run(*args, "--format", "md").stdout  # type: ignore[attr-defined]
    assert md.startswith("# A/A calibration: engagement_rate on facebook")
    assert "| method | posts/arm | rejected | A/A rate | 95 % CI | verdict | 80 % power lift |" in md


def test_analyze_and_retro_mention_the_calibration(demo: Path, report: dict) -> None:  # type: ignore[type-arg]
    res = _run("analyze", "--format", "json")
    payload = json.loads(res.stdout)  # type: ignore[attr-defined]
    exps = {e["id"]: e for e in payload["experiments"]}
    fb = exps["fb-reels-vs-photos"]  # facebook, Northwind Coffee, engagement_rate: calibrated above
    assert fb["calibration"]["status"] == "calibrated" and fb["calibration"]["method"] == "permutation"
    assert not any("calibrat" in w for w in fb["warnings"])
    ig = exps["ig-question-captions"]  # never calibrated
    assert ig["calibration"] == {"method": "permutation", "status": "not_calibrated"}
    assert any("not yet calibrated" in w and "agile-social calibrate --platform instagram" in w for w in ig["warnings"])
    assert exps["x-morning-posting"]["calibration"] is None  # before/after: nothing to calibrate
    retro = json.loads(_run("retro", "--format", "json").stdout)  # type: ignore[attr-defined]
    rexps = {e["id"]: e for e in retro["experiments"]}
    assert rexps["ig-question-captions"]["calibration"]["status"] == "not_calibrated"
    assert "not yet calibrated" in _run("retro").stdout  # type: ignore[attr-defined]


def test_a_method_found_too_hot_is_named_in_analyze(demo: Path) -> None:
    con = duckdb.connect(str(demo / ".agile-social" / "warehouse.duckdb"))
    try:
        con.execute(
            "INSERT INTO calibrations VALUES (now() + INTERVAL 1 DAY, 'instagram', 'northwindcoffee', 'comment_rate', "
            "NULL, NULL, 56, 'permutation', 10, 1000, 0, 0.05, 91, 0.091, 0.074, 0.111, 'too hot', NULL)"
        )
    finally:
        con.close()
    payload = json.loads(_run("analyze", "--format", "json", "-e", "ig-question-captions").stdout)  # type: ignore[attr-defined]
    e = payload["experiments"][0]
    assert e["calibration"]["status"] == "too_hot" and e["calibration"]["posts_per_arm"] == 10
    assert any("found too hot on this account's history: 9.1% false positives" in w for w in e["warnings"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--metric", "engagment_rate"], "unknown metric 'engagment_rate'"),
        (["--posts-per-arm", "5,x"], "not a comma-separated list"),
        (["--posts-per-arm", "1"], "every size must be 2 or more"),
        (["--posts-per-arm", "40"], "--posts-per-arm 40 needs 80"),
        (["--since", "2026-11-20", "--until", "2026-11-01"], "is before --since"),
        (["--since", "20.11.2026"], "not a date"),
        (["--account", "nobody"], "too few to split"),
        (["--runs", "5"], "--runs 5 is too few"),
    ],
)
def test_bad_options_are_one_line_errors_with_exit_2(demo: Path, args: list[str], message: str) -> None:
    res = _run("calibrate", "--platform", "facebook", "--account", ACCOUNT, *args)
    assert res.exit_code == 2, res.output  # type: ignore[attr-defined]
    assert message in res.output  # type: ignore[attr-defined]
    assert "Traceback" not in res.output  # type: ignore[attr-defined]


def _arms(seed: int, n: int, m: int, runs: int) -> cal.Arms:
    y, x = social_posts(np.random.default_rng(seed), n)
    idx = cal._draw(n, m, runs, seed)
    return cal.Arms(y[idx[:, :m]], x[idx[:, :m]], y[idx[:, m:]], x[idx[:, m:]])


def test_vectorised_p_values_equal_the_tests_they_stand_for() -> None:
    a = _arms(1, 200, 12, 25)
    per_run = {
        "ratio_delta": lambda i: stats.ratio_delta(
            SampleStats.from_arrays(a.yc[i], a.xc[i]), SampleStats.from_arrays(a.yv[i], a.xv[i])
        ),
        "welch_t": lambda i: stats.welch_t(
            SampleStats.from_arrays(a.yc[i] / a.xc[i]), SampleStats.from_arrays(a.yv[i] / a.xv[i])
        ),
        "student_t": lambda i: stats.student_t(
            SampleStats.from_arrays(a.yc[i] / a.xc[i]), SampleStats.from_arrays(a.yv[i] / a.xv[i])
        ),
        "mann_whitney": lambda i: stats.mann_whitney(a.yc[i] / a.xc[i], a.yv[i] / a.xv[i]),
        "poisson_exact": lambda i: stats.poisson_exact(a.yc[i].sum(), a.xc[i].sum(), a.yv[i].sum(), a.xv[i].sum()),
        "poisson": lambda i: stats.count_glm(a.yc[i], a.xc[i], a.yv[i], a.xv[i], family="poisson"),
        "pooled_z": lambda i: stats.pooled_z(
            SampleStats.from_arrays(a.yc[i], a.xc[i]), SampleStats.from_arrays(a.yv[i], a.xv[i])
        ),
    }
    for method, test in per_run.items():
        got = cal._VECTORISED[method](a)
        want = np.array([test(i).p_value for i in range(25)])
        assert got == pytest.approx(want, rel=1e-9, abs=1e-300), method


def test_randomisation_engine_equals_the_permutation_test_when_it_enumerates() -> None:
    a = _arms(2, 150, 5, 20)  # C(10, 5) = 252 assignments: both enumerate them all
    engine = cal.Randomisation(a, cal.PERMUTATION_RESAMPLES, seed=0)
    assert engine.exact and engine.count == 252
    for theta in (1.0, 1.8):
        want = [
            permutation_test(a.yc[i], a.xc[i], a.yv[i] * theta, a.xv[i], intervals=False, min_n=1).p_value
            for i in range(20)
        ]
        assert engine.p_values(theta) == pytest.approx(want, abs=1e-12)


def test_verdicts_follow_the_exact_interval() -> None:
    # R: binom.test(x, 1000)$conf.int: x = 70 -> 0.05497152 0.08761623; 80 -> 0.06394198 0.09857978;
    #    25 -> 0.01624254 0.03668482; 30 -> 0.02033049 0.04255140
    assert cal.verdict(70, 1000, 0.05)[0] == "calibrated"  # above alpha, but not surely above 0.06
    assert cal.verdict(80, 1000, 0.05)[0] == "too hot"
    assert cal.verdict(25, 1000, 0.05)[0] == "too cold"
    assert cal.verdict(30, 1000, 0.05)[0] == "calibrated"
    assert cal.verdict(70, 1000, 0.05)[1] == pytest.approx((0.05497152, 0.08761623), abs=5e-9)
    assert cal.verdict(25, 1000, 0.05)[1] == pytest.approx((0.01624254, 0.03668482), abs=5e-9)


def test_mde_of_welch_t_on_normal_counts_matches_r_power_t_test() -> None:
    # A lift multiplies the variant's values, so its SD grows with it (20 -> 20 θ). R:
    #   f <- function(th) power.t.test(n = 20, delta = 100 * (th - 1), sd = sqrt((400 + 400 * th^2) / 2))$power - 0.8
    #   uniroot(f, c(1.01, 2), tol = 1e-12)$root - 1  -> 0.20092476
    y = np.random.default_rng(5).normal(100, 20, 4000)
    (r,) = cal.calibrate_methods(y, None, [20], runs=2000, seed=1, methods=["welch_t"])
    assert r.verdict == "calibrated"
    assert r.mde == pytest.approx(0.20092476, rel=0.05)  # simulation: 2000 splits of a finite history


def test_calibration_is_fast_enough_to_run_in_the_suite() -> None:
    y, x = social_posts(np.random.default_rng(9), 120)
    res = cal.calibrate_methods(y, x, [10], runs=300, seed=2)
    assert {r.method for r in res} == set(cal.RATIO_METHODS)
    assert all(math.isfinite(r.rate) for r in res)
    with pytest.raises(ValueError, match="the history has 120"):
        cal.calibrate_methods(y, x, [61], runs=50)


def test_old_warehouse_without_the_table_reads_as_not_calibrated(tmp_path: Path) -> None:
    from agilesocial.warehouse.calibrations import latest_calibration

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    try:
        assert latest_calibration(con, "facebook", None, "engagement_rate", "permutation") is None
    finally:
        con.close()


def test_methods_calibrate_cannot_check_are_not_nagged_about(tmp_path: Path) -> None:
    from agilesocial.analysis.calibrate import calibration_note

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        assert calibration_note(con, "x", "acct", "likes", "negbin", 20) == (
            {"method": "negbin", "status": "not_covered"},
            None,
        )
        record, warning = calibration_note(con, "x", "acct", "likes", "welch_t", 20)
        assert record == {"method": "welch_t", "status": "not_calibrated"}
        assert warning == (
            "welch_t is not yet calibrated on this account's likes history: run agile-social calibrate --platform x "
            '--account "acct" --metric likes'
        )
    finally:
        con.close()


def test_a_lift_beyond_the_search_reads_more_than_900_percent_in_the_shared_format() -> None:
    from agilesocial.cli.calibrate import _mde

    # 3 posts per arm of a heavy-tailed metric: rank tests cannot reach p < 0.05 with 3 + 3 values at all
    y = np.random.default_rng(5).lognormal(0, 3, 400)
    (r,) = cal.calibrate_methods(y, None, [3], runs=300, seed=1, methods=["mann_whitney"])
    assert r.mde is None and r.mde_above == 9.0 and r.mde_note is None
    assert r.to_dict()["mde_above"] == 9.0
    assert _mde(r) == "more than +900 %"
    detected = dataclasses.replace(r, mde=0.452, mde_above=None)
    assert _mde(detected) == "+45 %"
    too_hot = dataclasses.replace(r, verdict="too hot", mde_above=None, mde_note="not reported: too hot")
    assert _mde(too_hot) == "-"
