"""Every test checked against an independent reference, recorded with its source.

Sources are R's own documentation examples (output printed in the help pages), outputs of real R runs
(``tests/r/classical.R``, pasted as literals), well-known published worked examples, exact closed forms computed here
by hand, or an independent computation on raw arrays. More R literals: ``test_stats_r_reference.py``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import optimize
from scipy import stats as sps

from agilesocial import stats
from agilesocial.stats import SampleStats

# R: data(sleep); t.test(extra ~ group, data = sleep)  (?t.test / ?sleep example)
SLEEP_G1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_G2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
# R ?wilcox.test, Hollander & Wolfe (1973) p. 69: permeability constants at term (x) and 12-26 weeks (y)
HW_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
HW_Y = [1.15, 0.88, 0.90, 0.74, 1.21]


def test_welch_t_matches_r_sleep() -> None:
    # R: t = -1.8608, df = 17.776, p-value = 0.07939, 95 % CI -3.3654832 0.2054832 (mean group1 - mean group2)
    r = stats.welch_t(SampleStats.from_arrays(SLEEP_G2), SampleStats.from_arrays(SLEEP_G1))
    assert r.statistic == pytest.approx(-1.8608, abs=5e-5)
    assert r.df == pytest.approx(17.776, abs=5e-4)
    assert r.p_value == pytest.approx(0.07939, abs=5e-6)
    assert r.abs_ci == pytest.approx((-3.3654832, 0.2054832), abs=5e-8)
    assert r.abs_lift == pytest.approx(0.75 - 2.33)
    assert r.control_value == pytest.approx(2.33) and r.variant_value == pytest.approx(0.75)


def test_mann_whitney_matches_r_wilcox_example() -> None:
    # R: wilcox.test(x, y, alternative = "g")  ->  W = 35, p-value = 0.1272 (exact); two-sided doubles it
    r = stats.mann_whitney(HW_Y, HW_X, min_n=1)
    assert r.statistic == 35
    assert r.p_value == pytest.approx(2 * 0.1272, abs=2e-4)
    # independent exact check: enumerate all C(15, 5) assignments of ranks to the 5-value arm
    ranks = sps.rankdata(HW_X + HW_Y)
    w_obs = sum(ranks[:10]) - 10 * 11 / 2
    ws = [sum(ranks) - sum(c) - 55 for c in itertools.combinations(ranks, 5)]
    greater = np.mean(np.asarray(ws) >= w_obs)
    assert greater == pytest.approx(0.1272, abs=5e-5)
    assert r.p_value == pytest.approx(2 * greater, rel=1e-9)
    # R's normal approximation without correction (exact = FALSE, correct = FALSE) -> p = 0.1103 one-sided
    z = (35 - 25) / math.sqrt(10 * 5 * 16 / 12)
    assert sps.norm.sf(z) == pytest.approx(0.1103, abs=5e-5)


def test_hodges_lehmann_equals_brute_force() -> None:
    rng = np.random.default_rng(3)
    c = np.round(rng.gamma(1.5, 20.0, 37))  # ties on purpose
    v = np.round(rng.gamma(1.5, 24.0, 41))
    r = stats.mann_whitney(c, v)
    diffs = np.sort(np.subtract.outer(v, c).ravel())
    assert r.abs_lift == pytest.approx(float(np.median(diffs)), abs=1e-9)
    mn = diffs.size
    k = round(mn / 2 - sps.norm.isf(0.025) * math.sqrt(mn * (37 + 41 + 1) / 12))
    assert r.abs_ci == pytest.approx((diffs[k - 1], diffs[mn - k]), abs=1e-9)
    # asymptotic p with tie and continuity correction, as R's wilcox.test computes it (independent formula)
    allv = np.concatenate([c, v])
    ranks = sps.rankdata(allv)
    w = ranks[37:].sum() - 41 * 42 / 2
    _, counts = np.unique(allv, return_counts=True)
    n = allv.size
    sigma = math.sqrt(37 * 41 / 12 * ((n + 1) - np.sum(counts**3 - counts) / (n * (n - 1))))
    zc = w - 37 * 41 / 2
    z = (zc - math.copysign(0.5, zc)) / sigma
    assert r.statistic == w
    assert r.p_value == pytest.approx(2 * sps.norm.sf(abs(z)), rel=1e-9)


def test_fisher_matches_r_tea_tasting() -> None:
    # R ?fisher.test: TeaTasting, two-sided p-value = 0.4857, odds ratio 6.408309 (conditional MLE)
    r = stats.fisher_exact(1, 4, 3, 4)
    assert r.p_value == pytest.approx(0.4857, abs=5e-5)
    assert r.p_value == pytest.approx(34 / 70)  # hypergeometric: P(table as or less likely) = 34/70
    assert r.statistic == pytest.approx(6.408309, rel=1e-5)
    assert r.method == "fisher"


def test_chi_square_yates_and_plain_by_hand() -> None:
    # 2x2 table [[3,1],[1,3]] (TeaTasting): Yates X2 = N(|ad-bc| - N/2)^2 / (r1 r2 c1 c2) = 8*4^2/256 = 0.5,
    # uncorrected X2 = 8*8^2/256 = 2.0 (what R's chisq.test(TeaTasting) and correct = FALSE print).
    yates = stats.chi_square(1, 4, 3, 4)
    plain = stats.chi_square(1, 4, 3, 4, correction=False)
    assert yates.method == "chi_square_yates" and plain.method == "chi_square"
    assert yates.statistic == pytest.approx(0.5) and yates.p_value == pytest.approx(0.4795, abs=5e-5)
    assert plain.statistic == pytest.approx(2.0) and plain.p_value == pytest.approx(0.1573, abs=5e-5)
    assert any("fisher" in w for w in yates.warnings)  # expected counts of 2 < 5
    z = stats.two_proportion(1, 4, 3, 4)
    assert z.statistic**2 == pytest.approx(plain.statistic)
    assert z.p_value == pytest.approx(plain.p_value)


def test_prop_test_smokers_two_groups_matches_r() -> None:
    # R 4.2.2: prop.test(x = c(83, 90), n = c(86, 93)) -> X-squared 8.35388894480257e-30, p-value
    # 0.999999999999998, 95 % CI -0.0581030349726373 0.0528517221444303 (tests/r/classical.R). R caps YATES at
    # |DELTA| / sum(1/n), which here equals |O - E|, so X-squared is 0 up to rounding.
    r = stats.chi_square(90, 93, 83, 86)  # variant = group 1 so the lift is p1 - p2 as R reports it
    assert r.statistic == pytest.approx(0.0, abs=1e-20)
    assert r.p_value == pytest.approx(0.999999999999998, abs=1e-9)
    assert r.abs_lift == pytest.approx(83 / 86 - 90 / 93)
    assert r.abs_ci == pytest.approx((-0.0581030349726373, 0.0528517221444303), abs=1e-12)


def test_poisson_glm_rate_ratio_matches_r_poisson_test_estimate() -> None:
    # R 4.2.2 ?poisson.test: poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)) -> rate ratio 1.9714880952381
    # (the GLM's MLE is the same ratio of rates; its Wald CI differs from the exact one, tested in
    # test_stats_r_reference.py)
    r = stats.count_glm([6, 8, 7], [1083, 1050, 878], [11], [800], family="poisson", min_n=1)
    assert r.method == "poisson"
    assert r.rel_lift + 1 == pytest.approx(1.9714880952381, rel=1e-12)
    # Wald SE of log rate ratio for two Poisson totals: sqrt(1/21 + 1/11) (closed form)
    assert r.statistic == pytest.approx(math.log(1.9714880952381) / math.sqrt(1 / 21 + 1 / 11), rel=1e-9)


def test_poisson_closed_form_equals_statsmodels_glm() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    ec, ev = rng.lognormal(6, 1, 30), rng.lognormal(6, 1, 25)
    yc, yv = rng.poisson(0.02 * ec), rng.poisson(0.025 * ev)
    r = stats.count_glm(yc, ec, yv, ev, family="poisson")
    y = np.r_[yc, yv]
    design = np.column_stack([np.ones(y.size), np.r_[np.zeros(30), np.ones(25)]])
    fit = sm.GLM(y, design, family=sm.families.Poisson(), offset=np.log(np.r_[ec, ev])).fit()
    assert r.statistic == pytest.approx(fit.tvalues[1], rel=1e-6)
    assert r.p_value == pytest.approx(fit.pvalues[1], rel=1e-6)
    assert r.control_value == pytest.approx(math.exp(fit.params[0]), rel=1e-8)


def test_negbin_matches_exact_two_group_solution() -> None:
    # NB2 with intercept + group dummy and unit exposure: the MLE group means are the sample means, the
    # dispersion maximises the profile likelihood, and Var(log mu_g) = (1 + a mu_g) / (n_g mu_g) (information
    # is block-diagonal). Computed here independently with scipy.stats.nbinom.
    rng = np.random.default_rng(8)
    yc = rng.negative_binomial(2, 2 / (2 + 6.0), 60).astype(float)  # mean 6, a = 0.5
    yv = rng.negative_binomial(2, 2 / (2 + 7.5), 55).astype(float)
    mc, mv = yc.mean(), yv.mean()

    def nll(log_a: float) -> float:
        a = math.exp(log_a)
        return -sum(sps.nbinom.logpmf(yy, 1 / a, 1 / (1 + a * m)).sum() for yy, m in ((yc, mc), (yv, mv)))

    a_hat = math.exp(optimize.minimize_scalar(nll, bounds=(-8, 4), method="bounded", options={"xatol": 1e-10}).x)
    se = math.sqrt((1 + a_hat * mc) / (60 * mc) + (1 + a_hat * mv) / (55 * mv))
    r = stats.count_glm(yc, np.ones(60), yv, np.ones(55), family="negbin")
    assert r.method == "negbin"
    assert r.control_value == pytest.approx(mc, rel=1e-4)
    assert r.rel_lift == pytest.approx(mv / mc - 1, rel=1e-4)
    assert r.statistic == pytest.approx(math.log(mv / mc) / se, rel=1e-3)
    auto = stats.count_glm(yc, np.ones(60), yv, np.ones(55))
    assert auto.method == "negbin"  # Cameron-Trivedi notices variance 4x the mean


def test_power_matches_r_power_prop_and_t_test() -> None:
    # R ?power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90)  # => n = 76.7
    #                     power.prop.test(n = 50, p1 = .50, p2 = .75)      # => power = 0.740
    assert stats.n_for_proportion(0.5, 0.5, power=0.9) == 77
    from agilesocial.stats.power import _prop_n

    assert _prop_n(0.5, 0.75, 0.05, 0.9, 2) == pytest.approx(76.7, abs=0.05)
    assert stats.power_proportion(0.5, 0.5, 50) == pytest.approx(0.740, abs=5e-4)
    # (the arcsine/Cohen's h formula of statsmodels NormalIndPower gives 76.65294 instead; R does not use it)
    # R ?power.t.test: power.t.test(power = .90, delta = 1)  # => n = 22.02;  (n = 20, delta = 1) => power = 0.869
    assert stats.n_for_mean(1.0, 1.0, 1.0, power=0.9) == 23
    assert stats.mde_for_n("mean", 1.0, 20, sd=1.0, power=0.8689528) == pytest.approx(1.0, abs=1e-4)
    # mde_for_n inverts n_for_proportion
    mde = stats.mde_for_n("proportion", 0.5, 77, power=0.9)
    assert 0.49 < mde < 0.5 and stats.n_for_proportion(0.5, mde, power=0.9) == 77


def test_ratio_power_uses_the_t_reference_of_the_test() -> None:
    # the ratio test is referred to t, so its sample size is power.t.test's with the linearised SD:
    # R: power.t.test(delta = 0.04 * 0.1, sd = 0.05, power = 0.8)$n = 2453.73565785 (one.sided: 1932.72586658)
    assert stats.n_for_ratio(0.04, 0.05, 0.1) == 2454
    assert stats.n_for_ratio(0.04, 0.05, 0.1, sides=1) == 1933
    # R: power.t.test(n = 50, sd = 0.05, power = 0.8, tol = 1e-12)$delta = 0.0282941467538 (one.sided:
    # 0.0250382052737); R's default tol (eps^0.25) stops early at 0.0283002122721
    assert stats.mde_for_n("ratio", 0.04, 50, sd=0.05) == pytest.approx(0.0282941467538 / 0.04, rel=1e-8)
    assert stats.mde_for_n("ratio", 0.04, 50, sd=0.05, sides=1) == pytest.approx(0.0250382052737 / 0.04, rel=1e-8)


def test_p_adjust_matches_r_definitions() -> None:
    p = [0.01, 0.02, 0.03, 0.04, 0.05]
    # p.adjust(p, "BH") = min over j >= i of m p_j / j = 0.05 each; "holm" = cummax((m - i + 1) p_i)
    assert stats.adjust_pvalues(p, "bh") == pytest.approx([0.05] * 5)
    assert stats.adjust_pvalues(p, "holm") == pytest.approx([0.05, 0.08, 0.09, 0.09, 0.09])
    assert stats.adjust_pvalues([0.01, None, 0.04], "holm") == [pytest.approx(0.02), None, pytest.approx(0.04)]
    assert stats.adjust_pvalues([None, 0.3], "none") == [None, 0.3]
    # Benjamini & Hochberg (1995) worked example: 15 p-values, BH at q = 0.05 rejects the four smallest
    bh95 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719,
            0.6528, 0.7590, 1.000]  # fmt: skip
    adjusted = stats.adjust_pvalues(bh95, "bh")
    assert sum(a <= 0.05 for a in adjusted) == 4  # type: ignore[operator]


def test_sequential_alpha_obrien_fleming_spending() -> None:
    # Lan & DeMets (1983) O'Brien-Fleming-type spending at alpha 0.05: 0.0056 at t = 0.5, 0.0236 at 0.75, 0.05 at 1
    assert stats.sequential_alpha(0.5) == pytest.approx(0.0056, abs=5e-5)
    assert stats.sequential_alpha(0.75) == pytest.approx(0.0236, abs=5e-5)
    assert stats.sequential_alpha(1.0) == pytest.approx(0.05)


def test_srm_by_hand() -> None:
    chi2, p = stats.srm_check([50, 60], [1, 1])  # expected 55/55: (25 + 25)/55
    assert chi2 == pytest.approx(50 / 55) and p == pytest.approx(sps.chi2.sf(50 / 55, 1))
    chi2, p = stats.srm_check([500, 1000, 1500], [1, 2, 3])
    assert chi2 == 0 and p == 1
    assert stats.srm_check([1000, 1200], [1, 1])[1] < 0.001


def _posts(seed: int, n: int, rate: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.round(rng.lognormal(7.5, 0.8, n)) + 1
    y = rng.binomial(x.astype(np.int64), rng.beta(3, 3 / rate - 3, n)).astype(float)
    return y, x


def test_ratio_delta_against_raw_linearisation_deng_and_bootstrap() -> None:
    (yc, xc), (yv, xv) = _posts(1, 300, 0.04), _posts(2, 280, 0.045)
    r = stats.ratio_delta(SampleStats.from_arrays(yc, xc), SampleStats.from_arrays(yv, xv))
    var = []
    for y, x in ((yc, xc), (yv, xv)):
        ratio = y.sum() / x.sum()
        lin = (y - ratio * x) / x.mean()  # explicit per-post linearisation
        v_lin = lin.var(ddof=1) / y.size
        cov = np.cov(y, x)  # Deng et al. 2018: (s_y^2 - 2 R s_xy + R^2 s_x^2) / (n mean_x^2)
        v_deng = (cov[0, 0] - 2 * ratio * cov[0, 1] + ratio**2 * cov[1, 1]) / (y.size * x.mean() ** 2)
        assert v_lin == pytest.approx(v_deng, rel=1e-9)
        var.append(v_lin)
    se = math.sqrt(sum(var))
    diff = yv.sum() / xv.sum() - yc.sum() / xc.sum()
    assert r.abs_lift == pytest.approx(diff)
    assert r.statistic == pytest.approx(diff / se, rel=1e-9)
    # seeded bootstrap of the ratio difference (posts resampled within arm): SE agrees within 5 %
    rng = np.random.default_rng(0)
    boot = []
    for y, x in ((yc, xc), (yv, xv)):
        idx = rng.integers(0, y.size, size=(4000, y.size))
        boot.append(y[idx].sum(axis=1) / x[idx].sum(axis=1))
    assert np.std(boot[1] - boot[0], ddof=1) == pytest.approx(se, rel=0.05)


def test_bayesian_against_closed_forms() -> None:
    c = SampleStats.from_arrays(*_posts(3, 200, 0.04))
    v = SampleStats.from_arrays(*_posts(4, 200, 0.042))
    r = stats.bayesian(c, v, kind="ratio", draws=200_000, seed=1)
    d = v.ratio - c.ratio  # type: ignore[operator]
    s = math.sqrt(c.linearised_var() / c.n + v.linearised_var() / v.n)  # type: ignore[operator]
    assert r.chance_to_beat == pytest.approx(sps.norm.cdf(d / s), abs=0.004)
    # E[max(0, -D)] for D ~ N(d, s^2) = s phi(d/s) - d Phi(-d/s)
    loss = s * sps.norm.pdf(d / s) - d * sps.norm.cdf(-d / s)
    assert r.expected_loss == pytest.approx(loss, rel=0.02)
    assert r.p_value is None and r.abs_ci[0] < d < r.abs_ci[1]  # type: ignore[index]
    # Beta-Binomial: P(p_v > p_c) = integral f_v(t) F_c(t) dt with uniform priors
    from scipy import integrate

    pc, pv = SampleStats(n=400, sum_y=40, sum_y2=40), SampleStats(n=380, sum_y=50, sum_y2=50)
    exact = integrate.quad(lambda t: sps.beta.pdf(t, 51, 331) * sps.beta.cdf(t, 41, 361), 0, 1)[0]
    rp = stats.bayesian(pc, pv, kind="proportion", draws=200_000, seed=2)
    assert rp.chance_to_beat == pytest.approx(exact, abs=0.004)
    lower = stats.bayesian(pc, pv, kind="proportion", higher_is_better=False, draws=200_000, seed=2)
    assert lower.chance_to_beat == pytest.approx(1 - exact, abs=0.004)


def test_p_adjust_agrees_with_statsmodels_multipletests() -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(9)
    for size in (1, 2, 5, 17, 60):
        p = np.round(rng.uniform(0, 1, size) ** 3, 3)  # skewed to small values, with ties
        for ours, theirs in (("holm", "holm"), ("bh", "fdr_bh")):
            expected = multipletests(p, method=theirs)[1]
            assert stats.adjust_pvalues(list(p), ours) == pytest.approx(list(expected), abs=1e-12)  # type: ignore[arg-type]
