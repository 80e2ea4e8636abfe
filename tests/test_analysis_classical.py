"""The classical tests as experiment methods, through the analysis and the CLI, against R literals
(``tests/r/classical.R``; the posts are ``split_posts(25, 25, control_rate=0.03, variant_rate=0.036, jitter=0.6)``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agilesocial.analysis import run_analysis
from agilesocial.cli.app import app
from test_analysis_support import experiment, make_project, make_warehouse, post, split_posts

TODAY = dt.date(2026, 11, 27)
REL = 1e-6
LINK_PER_PERSON = {"name": "link_per_person", "numerator": "link_clicks", "denominator": "reach"}


def _analyse(tmp_path: Path, posts: list[dict[str, Any]], correction: str | None = None, **exp: Any) -> Any:
    proj = make_project(tmp_path / "p", [experiment(**exp)], metrics=[LINK_PER_PERSON])
    make_warehouse(tmp_path / "p" / "wh.duckdb", posts)
    return run_analysis(proj, today=TODAY, store=False, correction=correction).experiments[0]


def _posts() -> list[dict[str, Any]]:
    return split_posts(25, 25, control_rate=0.03, variant_rate=0.036, jitter=0.6)


def test_student_t_method_on_a_count_metric_matches_r(tmp_path: Path) -> None:
    r = _analyse(tmp_path, _posts(), metric="engagements", method="student_t").results[0]
    # R: t.test(ve, ce, var.equal = TRUE) -> t 1.27932799766787, df 48, p 0.206931425560756,
    #    CI -3.45266642971039 15.5326664297104
    assert r.method == "student_t" and r.df == 48 and r.alternative == "two-sided"
    assert r.statistic == pytest.approx(1.27932799766787, rel=REL)
    assert r.p_value == pytest.approx(0.206931425560756, rel=REL)
    assert r.abs_ci == pytest.approx((-3.45266642971039, 15.5326664297104), rel=REL)


def test_poisson_exact_method_on_a_rate_matches_r_and_warns_about_overdispersion(tmp_path: Path) -> None:
    e = _analyse(tmp_path, _posts(), method="poisson_exact")
    r = e.results[0]
    # R: poisson.test(c(sum(ve), sum(ce)), c(sum(imp), sum(imp))) -> count 897, p 0.000213071008959142,
    #    rate ratio 1.20241286863271, CI 1.08990632329273 1.32683109450213
    assert r.method == "poisson_exact" and r.statistic == 897 and r.df is None
    assert r.p_value == pytest.approx(0.000213071008959142, rel=REL)
    assert r.rel_lift + 1 == pytest.approx(1.20241286863271, rel=REL)
    assert tuple(x + 1 for x in r.rel_ci) == pytest.approx((1.08990632329273, 1.32683109450213), rel=REL)
    assert any("vary far more than a Poisson process allows" in w for w in e.warnings)


def test_poisson_exact_on_equidispersed_counts_has_no_overdispersion_warning(tmp_path: Path) -> None:
    posts = [
        post(f"{arm}{i}", f"2026-10-{27 + i % 3}T10:00:00+00:00", post_type=t, impressions=1000, engagements=k)
        for arm, t, ks in (("c", "Photos", [30, 31, 29, 30, 32, 28]), ("v", "Reels", [35, 34, 36, 35, 33, 37]))
        for i, k in enumerate(ks)
    ]
    e = _analyse(tmp_path, posts, method="poisson_exact")
    assert e.results[0].method == "poisson_exact"
    assert not any("Poisson process" in w for w in e.warnings)


def test_mann_whitney_exact_option_reaches_the_test(tmp_path: Path) -> None:
    # R: wilcox.test(ve / imp, ce / imp, exact = FALSE) -> W 375, p 0.228661020046332 (ties: auto is the same)
    for exact in (False, True, "auto"):
        e = _analyse(tmp_path / str(exact), _posts(), method="mann_whitney", exact=exact)
        r = e.results[0]
        assert r.statistic == 375 and r.p_value == pytest.approx(0.228661020046332, rel=REL)
        assert any("ties" in w for w in e.warnings) is (exact is True)


def _four_ad_sets() -> list[dict[str, Any]]:
    # k x 2 table of R's chisq.test(cbind(x, n - x)): x = 126, 166, 151, 109; n = 4060, 4060, 3980, 4100
    arms = (("A", 126, 4060), ("B", 166, 4060), ("C", 151, 3980), ("D", 109, 4100))
    return [
        post(f"ad{t}", "2026-10-28T10:00:00+00:00", post_type=t, reach=n, link_clicks=x, impressions=2 * n)
        for t, x, n in arms
    ]


def test_chi_square_with_four_variants_reports_the_omnibus_and_adjusted_pairwise(tmp_path: Path) -> None:
    variants = [{"name": f"v{t}", "selector": {"post_type": [t]}} for t in "ABCD"]
    e = _analyse(
        tmp_path, _four_ad_sets(), unit="user", metric="link_per_person", method="chi_square", variants=variants
    )
    # R: chisq.test -> X-squared 15.6578529252324, df 3, p 0.00133264014755738
    omnibus = [w for w in e.warnings if "k x 2 chi-square" in w]
    assert omnibus == [
        "link_per_person: all 4 variants together (k x 2 chi-square): X² = 15.658, df = 3, p = 0.001; the "
        "variant-vs-control tests below are adjusted for multiple testing"
    ]
    # R: prop.test(x[c(i, 1)], n[c(i, 1)])$p.value, then p.adjust(.., "holm")
    assert [r.method for r in e.results] == ["chi_square_yates"] * 3
    assert [r.p_value for r in e.results] == pytest.approx(
        [0.0200997898329349, 0.101810979906764, 0.25622788848556], rel=REL
    )
    assert [r.p_adjusted for r in e.results] == pytest.approx(
        [0.0602993694988046, 0.203621959813528, 0.25622788848556], rel=REL
    )
    assert [r.df for r in e.results] == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("correction", "expected"),
    [
        ("bh", [0.0602993694988046, 0.152716469860146, 0.25622788848556]),
        ("hommel", None),
        ("by", None),
    ],
)
def test_every_p_adjust_method_is_a_correction(tmp_path: Path, correction: str, expected: list[float] | None) -> None:
    variants = [{"name": f"v{t}", "selector": {"post_type": [t]}} for t in "ABCD"]
    e = _analyse(
        tmp_path,
        _four_ad_sets(),
        correction=correction,
        unit="user",
        metric="link_per_person",
        method="chi_square",
        variants=variants,
    )
    if expected is not None:  # R: p.adjust(raw, "BH")
        assert [r.p_adjusted for r in e.results] == pytest.approx(expected, rel=REL)
    assert all(r.p_adjusted >= r.p_value for r in e.results)


def test_json_results_carry_statistic_df_and_alternative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj = make_project(tmp_path / "p", [experiment(method="student_t", metric="engagements")])
    make_warehouse(tmp_path / "p" / "wh.duckdb", _posts())
    monkeypatch.chdir(proj.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["analyze", "--format", "json"], env={"NO_COLOR": "1"})
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)["experiments"][0]["results"][0]
    assert r["method"] == "student_t" and r["df"] == 48 and r["alternative"] == "two-sided"
    assert r["statistic"] == pytest.approx(1.27932799766787, rel=REL)
