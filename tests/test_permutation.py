"""The randomisation test: exact p-values against R, intervals that agree with the p-value, seeds, degenerate input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agilesocial.stats import permutation_test
from agilesocial.stats.simulate import social_posts

# 5 v 5 posts: engagements and impressions. R enumerates all choose(10, 5) = 252 assignments with combn() and the
# studentised ratio-of-sums statistic written out in R (script in the test docstrings below).
YC, XC = [31, 12, 55, 8, 20], [900, 400, 2100, 350, 700]
YV, XV = [60, 25, 90, 14, 41], [1100, 500, 2600, 300, 800]


def test_exact_p_values_match_r_enumeration() -> None:
    """R: stat <- function(y, x, g) { rv <- function(yy, xx) { n <- length(yy); r <- sum(yy)/sum(xx);
    mx <- mean(xx); c(r, sum((yy - r*xx)^2)/((n-1)*mx^2)/n) }; a <- rv(y[g], x[g]); b <- rv(y[!g], x[!g]);
    (a[1]-b[1])/sqrt(a[2]+b[2]) }, then mean(abs(t) >= abs(obs)) over apply(combn(10, 5), 2, ...)."""
    two = permutation_test(YC, XC, YV, XV)
    assert two.exact is True and two.resamples == 252
    assert two.statistic == pytest.approx(2.5273230504701556, rel=1e-9)
    assert two.p_value == pytest.approx(0.0634920634920635, abs=1e-12)  # 16 / 252
    assert permutation_test(YC, XC, YV, XV, alternative="greater").p_value == pytest.approx(0.0317460317460317)
    assert permutation_test(YC, XC, YV, XV, alternative="less").p_value == pytest.approx(0.9722222222222222)


def test_a_hypothesised_lift_is_tested_by_dividing_the_variant_numerators() -> None:
    # R: perm(yc, xc, yv, xv, theta = 1.5) -> two-sided 0.920634920634921, statistic 0.146315589314642
    r = permutation_test(YC, XC, [y / 1.5 for y in YV], XV)
    assert r.statistic == pytest.approx(0.146315589314642, rel=1e-9)
    assert r.p_value == pytest.approx(0.920634920634921)
    # R: perm(yc, xc, yv, xv, delta = 0.01): yv - 0.01 * xv -> two-sided 0.476190476190476
    shifted = permutation_test(YC, XC, [y - 0.01 * x for y, x in zip(YV, XV, strict=True)], XV)
    assert shifted.statistic == pytest.approx(0.851559369128053, rel=1e-9)
    assert shifted.p_value == pytest.approx(0.476190476190476)


def test_count_metric_statistic_is_welch_t() -> None:
    # R: t.test(yv, yc)$statistic = 2.00999367096415; enumerated two-sided p over choose(10, 4) = 0.0809523809523810
    r = permutation_test([3, 9, 4, 12], None, [8, 15, 7, 22, 11, 30], None)
    assert r.statistic == pytest.approx(2.00999367096415, rel=1e-9)
    assert r.p_value == pytest.approx(0.0809523809523810)
    assert r.control_value == pytest.approx(7.0) and r.variant_value == pytest.approx(93 / 6)


def _arms(seed: int, n: int, lift: float = 1.0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    (yc, xc), (yv, xv) = social_posts(rng, n), social_posts(rng, n, lift=lift)
    return yc, xc, yv, xv


@pytest.mark.parametrize("seed", range(12))
def test_intervals_agree_with_the_p_value_and_stay_above_minus_100(seed: int) -> None:
    yc, xc, yv, xv = _arms(seed, 8 + seed, lift=1.0 + 0.15 * (seed % 5))
    r = permutation_test(yc, xc, yv, xv, resamples=999, seed=seed)
    assert r.rel_ci is not None and r.abs_ci is not None and r.p_value is not None
    lo, hi = r.rel_ci
    assert -1.0 <= lo <= r.rel_lift <= hi  # type: ignore[operator]
    assert (r.p_value < 0.05) == (lo > 0 or hi < 0)
    assert (r.p_value < 0.05) == (r.abs_ci[0] > 0 or r.abs_ci[1] < 0)
    # the bounds are where the test flips: a lift just inside is not rejected, just outside is
    for bound, step in ((lo, -1), (hi, 1)):
        if not math.isfinite(bound) or bound <= -1:
            continue
        for eps, rejected in ((-1e-3, False), (1e-3, True)):
            theta = (1 + bound) * (1 + step * eps)
            p = permutation_test(yc, xc, yv / theta, xv, resamples=999, seed=seed).p_value
            assert (p is not None and p < 0.05) == rejected, (bound, eps, p)


def test_one_sided_intervals_are_open_on_one_end() -> None:
    yc, xc, yv, xv = _arms(3, 15, lift=1.4)
    two = permutation_test(yc, xc, yv, xv, resamples=999, seed=1)
    greater = permutation_test(yc, xc, yv, xv, resamples=999, seed=1, alternative="greater")
    less = permutation_test(yc, xc, yv, xv, resamples=999, seed=1, alternative="less")
    assert greater.rel_ci is not None and greater.rel_ci[1] == math.inf and greater.abs_ci[1] == math.inf  # type: ignore[index]
    assert less.rel_ci is not None and less.rel_ci[0] == -1.0 and less.abs_ci[0] == -math.inf  # type: ignore[index]
    assert greater.rel_ci[0] > two.rel_ci[0]  # type: ignore[index]
    assert greater.p_value + less.p_value == pytest.approx(1.0, abs=2 / 1000)  # type: ignore[operator]
    assert greater.to_dict()["rel_ci"][1] is None and greater.to_dict()["alternative"] == "greater"  # type: ignore[index]


def test_seeded_and_reproducible() -> None:
    yc, xc, yv, xv = _arms(5, 30, lift=1.2)
    a = permutation_test(yc, xc, yv, xv, seed=7)
    assert a == permutation_test(yc, xc, yv, xv, seed=7)
    assert a.exact is False and a.resamples == 4999
    b = permutation_test(yc, xc, yv, xv, seed=8)
    assert b.p_value != a.p_value and b.p_value == pytest.approx(a.p_value, abs=0.03)


def test_degenerate_input_gives_a_reason() -> None:
    assert permutation_test([1], [10], [2, 3], [10, 10]).reason == (
        "an arm has a single post, so its variance cannot be estimated"
    )
    assert "denominator is 0" in (permutation_test([1, 2], [0, 0], [2, 3], [10, 10]).reason or "")
    zero = permutation_test([0, 0, 0], [10, 20, 30], [1, 2, 3], [10, 20, 30])
    assert zero.rel_lift is None and zero.rel_ci is None and "unbounded" in (zero.reason or "")
    flat = permutation_test([1, 2, 3], [10, 20, 30], [1, 2, 3], [10, 20, 30])
    assert flat.p_value is None and "no variation" in (flat.reason or "")
    tiny = permutation_test([1, 2], [10, 10], [3, 4], [10, 10])
    assert any("only 6 ways to split" in w for w in tiny.warnings)
    nothing = permutation_test([5, 6, 7, 8], [100, 100, 100, 100], [0, 0, 0, 0], [100, 90, 80, 70])
    assert nothing.rel_lift == -1.0 and nothing.rel_ci is not None and nothing.rel_ci[0] == -1.0
    with pytest.raises(ValueError, match="alternative == 'bigger'"):
        permutation_test(YC, XC, YV, XV, alternative="bigger")
    with pytest.raises(ValueError, match="seed == -1"):
        permutation_test(YC, XC, YV, XV, seed=-1)


def test_delta_method_relative_ci_is_bounded_and_says_unbounded() -> None:
    """The old delta-method fallback printed a comment_rate CI of -178 %; rates cannot fall by more than 100 %."""
    from agilesocial.stats import SampleStats, ratio_delta

    # a control whose own rate is not clearly away from 0 (one post carries all its comments)
    control = SampleStats.from_arrays([0, 0, 0, 9], [1000, 1200, 900, 1100])
    variant = SampleStats.from_arrays([2, 3, 1, 2], [1000, 1100, 950, 1050])
    r = ratio_delta(control, variant)
    assert r.rel_ci is not None and r.rel_ci[0] >= -1.0 and r.rel_ci[1] == math.inf
    assert "unbounded above: the control's value could be 0" in (r.reason or "")
    assert r.to_dict()["rel_ci"][1] is None  # type: ignore[index]
    # a clearly positive control keeps Fieller's finite interval, floored at -100 %
    noisy = ratio_delta(SampleStats.from_arrays(YC, XC), SampleStats.from_arrays([1, 0, 2, 0, 1], XV))
    assert noisy.rel_ci is not None and -1.0 <= noisy.rel_ci[0] < noisy.rel_ci[1] < math.inf


def test_one_sided_delta_method_matches_the_two_sided_halves() -> None:
    from agilesocial.stats import SampleStats, ratio_delta

    c, v = SampleStats.from_arrays(YC, XC), SampleStats.from_arrays(YV, XV)
    two, greater = ratio_delta(c, v), ratio_delta(c, v, alternative="greater")
    assert greater.p_value == pytest.approx(two.p_value / 2)  # type: ignore[operator]
    assert greater.rel_ci is not None and greater.rel_ci[1] == math.inf and greater.alternative == "greater"
