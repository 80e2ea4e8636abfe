"""The classical tests against R itself: every number below was printed by R 4.2.2 running ``tests/r/classical.R``
(stats, MASS) and pasted here as a literal (CI has no R). Tolerance 1e-6 relative or tighter.

R's two-sample functions take x first; we pass the variant as R's x and the control as R's y, so lifts are
variant minus control in both.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from agilesocial import stats
from agilesocial.stats import SampleStats

REL = 1e-6
SLEEP_G1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]  # variant (R's x)
SLEEP_G2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]  # control (R's y)


# R: t.test(g1, g2, var.equal = TRUE, alternative = alt) -> statistic, df, p-value, conf.int
@pytest.mark.parametrize(
    ("alternative", "p", "ci"),
    [
        ("two-sided", 0.0791867142159382, (-3.3638740322876, 0.203874032287599)),
        ("greater", 0.960406642892031, (-3.0523778316996, math.inf)),
        ("less", 0.0395933571079691, (-math.inf, -0.107622168300398)),
    ],
)
def test_student_t_matches_r(alternative: str, p: float, ci: tuple[float, float]) -> None:
    r = stats.student_t(
        SampleStats.from_arrays(SLEEP_G2), SampleStats.from_arrays(SLEEP_G1), alternative=alternative, min_n=1
    )
    assert r.method == "student_t" and r.alternative == alternative
    assert r.statistic == pytest.approx(-1.86081346748685, rel=REL)
    assert r.df == 18
    assert r.p_value == pytest.approx(p, rel=REL)
    assert r.abs_ci == pytest.approx(ci, rel=REL)
    assert r.to_dict()["alternative"] == alternative
    assert None in r.to_dict()["abs_ci"] if alternative != "two-sided" else True  # type: ignore[operator]


def test_student_t_confidence_level_follows_alpha() -> None:
    # R: t.test(g1, g2, var.equal = TRUE, conf.level = 0.9)$conf.int -> -3.0523778316996, -0.107622168300398
    r = stats.student_t(SampleStats.from_arrays(SLEEP_G2), SampleStats.from_arrays(SLEEP_G1), alpha=0.1, min_n=1)
    assert r.abs_ci == pytest.approx((-3.0523778316996, -0.107622168300398), rel=REL)


def test_welch_t_one_sided_is_half_the_two_sided_in_the_observed_direction() -> None:
    g1, g2 = SampleStats.from_arrays(SLEEP_G1), SampleStats.from_arrays(SLEEP_G2)
    two = stats.welch_t(g2, g1, min_n=1)
    less = stats.welch_t(g2, g1, min_n=1, alternative="less")
    # R: t.test(extra ~ group, data = sleep) -> p-value = 0.07939 two-sided (the ?t.test example)
    assert two.p_value == pytest.approx(0.07939, abs=5e-6)
    assert less.p_value == pytest.approx(two.p_value / 2, rel=1e-12)  # type: ignore[operator]


# R: poisson.test(c(11, 6+8+7), c(800, 1083+1050+878), alternative = alt)
#    -> count1, expected count1, p-value, rate ratio, conf.int
@pytest.mark.parametrize(
    ("alternative", "p", "ci"),
    [
        ("two-sided", 0.0796686330333295, (0.858426403391639, 4.27726594365407)),
        ("greater", 0.0560086597876997, (0.977584347496745, math.inf)),
        ("less", 0.975931823227312, (0.0, 3.82738640785088)),
    ],
)
def test_poisson_exact_matches_r_poisson_test(alternative: str, p: float, ci: tuple[float, float]) -> None:
    r = stats.poisson_exact(6 + 8 + 7, 1083 + 1050 + 878, 11, 800, alternative=alternative)
    assert r.method == "poisson_exact" and r.statistic == 11 and r.df is None
    assert r.p_value == pytest.approx(p, rel=REL)
    assert r.rel_lift + 1 == pytest.approx(1.9714880952381, rel=REL)  # type: ignore[operator]
    assert tuple(x + 1 for x in r.rel_ci) == pytest.approx(ci, rel=REL)  # type: ignore[union-attr]


def test_poisson_exact_more_cases_match_r() -> None:
    # R: poisson.test(c(137, 120), c(4000, 5000)) -> p 0.00467165846067742, ratio 1.42708333333333,
    #    CI 1.10873282594144 1.83887493702778
    r = stats.poisson_exact(120, 5000, 137, 4000)
    assert r.p_value == pytest.approx(0.00467165846067742, rel=REL)
    assert r.rel_lift + 1 == pytest.approx(1.42708333333333, rel=REL)  # type: ignore[operator]
    assert tuple(x + 1 for x in r.rel_ci) == pytest.approx((1.10873282594144, 1.83887493702778), rel=REL)  # type: ignore[union-attr]
    # R: poisson.test(c(0, 9), c(100, 120)) -> p 0.00510224253316568, ratio 0, CI 0 0.607956228353601
    z = stats.poisson_exact(9, 120, 0, 100)
    assert z.p_value == pytest.approx(0.00510224253316568, rel=REL)
    assert z.rel_lift == -1 and z.rel_ci == pytest.approx((-1.0, 0.607956228353601 - 1), rel=REL)
    # no events in the control: the ratio is unbounded (R: estimate Inf)
    inf = stats.poisson_exact(0, 100, 9, 120)
    assert inf.rel_lift is None and "unbounded" in (inf.reason or "")
    assert inf.p_value == pytest.approx(0.00510224253316568, rel=REL)
    assert stats.poisson_exact(0, 10, 0, 10).p_value is None


HW_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]  # variant (R's x)
HW_Y = [1.15, 0.88, 0.90, 0.74, 1.21]  # control


# R: wilcox.test(x, y, alternative = alt, conf.int = TRUE) -> W, p-value, estimate, conf.int (exact, no ties)
@pytest.mark.parametrize(
    ("alternative", "p", "ci"),
    [
        ("two-sided", 0.254412254412254, (-0.15, 0.76)),
        ("greater", 0.127206127206127, (-0.08, math.inf)),
        ("less", 0.896769896769897, (-math.inf, 0.72)),
    ],
)
def test_mann_whitney_exact_matches_r(alternative: str, p: float, ci: tuple[float, float]) -> None:
    r = stats.mann_whitney(HW_Y, HW_X, alternative=alternative, min_n=1)
    assert r.statistic == 35 and r.df is None
    assert r.p_value == pytest.approx(p, rel=REL)
    assert r.abs_lift == pytest.approx(0.305, rel=REL)
    assert r.abs_ci == pytest.approx(ci, rel=REL)


def test_mann_whitney_normal_approximation_with_and_without_correction_matches_r() -> None:
    # R: wilcox.test(x, y, exact = FALSE) -> 0.244623605126983; correct = FALSE as well -> 0.220671361919847
    assert stats.mann_whitney(HW_Y, HW_X, exact=False).p_value == pytest.approx(0.244623605126983, rel=REL)
    plain = stats.mann_whitney(HW_Y, HW_X, exact=False, correct=False)
    assert plain.p_value == pytest.approx(0.220671361919847, rel=REL)


TIES_V = [3, 5, 5, 8, 12, 12, 12, 20, 31, 2, 7, 9]
TIES_C = [1, 2, 2, 3, 5, 6, 8, 8, 10, 4, 0]


# R: wilcox.test(v, c, alternative = alt, correct = cor) -> W 102.5 and p (ties: normal approximation)
@pytest.mark.parametrize(
    ("alternative", "correct", "p"),
    [
        ("two-sided", True, 0.0260805193879921),
        ("two-sided", False, 0.0240760405389723),
        ("greater", True, 0.013040259693996),
        ("greater", False, 0.0120380202694861),
        ("less", True, 0.988896733750054),
        ("less", False, 0.987961979730514),
    ],
)
def test_mann_whitney_with_ties_matches_r(alternative: str, correct: bool, p: float) -> None:
    r = stats.mann_whitney(TIES_C, TIES_V, alternative=alternative, correct=correct)
    assert r.statistic == 102.5
    assert r.p_value == pytest.approx(p, rel=REL)


def test_mann_whitney_exact_true_with_ties_falls_back_like_r() -> None:
    # R: wilcox.test(v, c, exact = TRUE) -> 0.0260805193879921 and "cannot compute exact p-value with ties"
    r = stats.mann_whitney(TIES_C, TIES_V, exact=True)
    assert r.p_value == pytest.approx(0.0260805193879921, rel=REL)
    assert any("ties" in w for w in r.warnings)


# R: set.seed(1); a <- round(rexp(60, 1/100), 3); b <- round(rexp(55, 1/80), 3)  (no ties)
A60 = [75.518, 118.164, 14.571, 13.98, 43.607, 289.497, 122.956, 53.968, 95.657, 14.705, 139.074, 76.203, 123.76,
       442.393, 105.454, 103.524, 187.604, 65.475, 33.693, 58.848, 236.452, 64.189, 29.412, 56.587, 10.607, 5.944,
       57.871, 395.893, 117.331, 99.681, 143.529, 3.727, 32.401, 132.047, 20.351, 102.273, 30.174, 72.521, 75.154,
       23.503, 107.988, 102.825, 129.226, 125.311, 55.464, 30.128, 129.312, 99.456, 51.417, 200.783, 42.224,
       217.877, 321.779, 55.783, 59.462, 97.74, 20.987, 30.945, 110.594, 77.419]  # fmt: skip
B55 = [7.174, 88.654, 19.781, 125.759, 386.625, 34.491, 218.431, 90.947, 65.069, 66.961, 142.781, 184.998, 232.791,
       22.847, 31.103, 4.164, 28.15, 125.219, 65.163, 220.74, 30.895, 80.661, 65.481, 4.741, 182.708, 64.334,
       126.696, 98.703, 107.652, 168.03, 82.808, 35.796, 83.489, 20.866, 54.498, 21.099, 35.728, 16.849, 10.606,
       27.911, 151.987, 41.296, 35.92, 30.368, 99.901, 215.473, 15.706, 183.987, 45.256, 61.054, 125.817, 146.851,
       2.972, 10.045, 113.564]  # fmt: skip


def test_mann_whitney_exact_auto_true_false_at_60_vs_55_match_r() -> None:
    # R: wilcox.test(a, b) -> W 1789, p 0.438073133614268 (auto: 60 >= 50, so normal with correction)
    auto = stats.mann_whitney(B55, A60)
    assert auto.statistic == 1789 and auto.p_value == pytest.approx(0.438073133614268, rel=REL)
    # R: wilcox.test(a, b, exact = TRUE, conf.int = TRUE) -> p 0.439522069406388, estimate 9.652,
    #    CI -11.995 32.179
    exact = stats.mann_whitney(B55, A60, exact=True)
    assert exact.p_value == pytest.approx(0.439522069406388, rel=REL)
    assert exact.abs_lift == pytest.approx(9.652, rel=REL)
    assert exact.abs_ci == pytest.approx((-11.995, 32.179), rel=REL)
    # R: wilcox.test(a, b, correct = FALSE) -> 0.436421297702102
    assert stats.mann_whitney(B55, A60, correct=False).p_value == pytest.approx(0.436421297702102, rel=REL)
    with pytest.raises(ValueError, match="exact == 'yes'"):
        stats.mann_whitney(B55, A60, exact="yes")  # type: ignore[arg-type]


NB_YC = [12, 0, 61, 2, 4, 95, 9, 5, 2, 46, 14, 0]
NB_EC = [900, 350, 2100, 700, 410, 3900, 800, 1500, 300, 1800, 1200, 260]
NB_YV = [70, 11, 2, 72, 45, 3, 9, 33, 121, 5]
NB_EV = [1700, 600, 520, 3300, 1400, 330, 900, 1600, 2600, 1000]


def test_negbin_matches_r_summary_glm_nb_with_exposure() -> None:
    # R: summary(glm.nb(y ~ g + offset(log(e)), control = glm.control(epsilon = 1e-13, maxit = 200)))
    #    (Intercept) -4.39044164782583 SE 0.233693749452235; g 0.545907679268376 SE 0.337101729629016,
    #    z 1.61941524260096, p 0.105357949411415; theta 1.85370149530859
    r = stats.count_glm(NB_YC, NB_EC, NB_YV, NB_EV, family="negbin", min_n=1)
    assert r.method == "negbin" and r.df is None
    assert math.log(r.control_value) == pytest.approx(-4.39044164782583, rel=REL)  # type: ignore[arg-type]
    assert math.log(r.rel_lift + 1) == pytest.approx(0.545907679268376, rel=REL)  # type: ignore[operator]
    assert r.statistic == pytest.approx(1.61941524260096, rel=REL)
    assert r.p_value == pytest.approx(0.105357949411415, rel=REL)
    se = math.log(r.rel_lift + 1) / r.statistic  # type: ignore[operator]
    assert se == pytest.approx(0.337101729629016, rel=REL)
    from agilesocial.stats.counts import _fit_negbin

    fitted = _fit_negbin(np.array(NB_YC + NB_YV, float), 12, np.array(NB_EC + NB_EV, float), np.zeros(2))
    assert fitted is not None
    _, cov, dispersion = fitted
    assert 1 / dispersion == pytest.approx(1.85370149530859, rel=REL)
    assert math.sqrt(cov[0, 0]) == pytest.approx(0.233693749452235, rel=REL)


def test_negbin_unit_exposure_matches_r() -> None:
    # R: summary(glm.nb(y ~ g, control = glm.control(epsilon = 1e-13, maxit = 200)))
    #    g 0.24754917868235 SE 0.545501980875588 z 0.453800696167972 p 0.649972282503067; theta 0.660305717099001
    yc = [0, 3, 1, 14, 2, 0, 7, 1, 25, 4, 0, 2, 9]
    yv = [5, 0, 22, 3, 11, 1, 0, 17, 6, 2]
    r = stats.count_glm(yc, [1.0] * 13, yv, [1.0] * 10, family="negbin")
    assert r.statistic == pytest.approx(0.453800696167972, rel=REL)
    assert r.p_value == pytest.approx(0.649972282503067, rel=REL)
    assert math.log(r.control_value) == pytest.approx(1.65455834771457, rel=REL)  # type: ignore[arg-type]


P12 = [0.0002, 0.0123, 0.0031, 0.041, 0.041, 0.2, 0.0004, 0.77, 0.0275, 0.5, 0.039, 0.011]


# R: p.adjust(p, method)
@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("bonferroni", [0.0024, 0.1476, 0.0372, 0.492, 0.492, 1, 0.0048, 1, 0.33, 1, 0.468, 0.132]),
        ("holm", [0.0024, 0.099, 0.031, 0.234, 0.234, 0.6, 0.0044, 1, 0.1925, 1, 0.234, 0.099]),
        ("hochberg", [0.0024, 0.0984, 0.031, 0.164, 0.164, 0.6, 0.0044, 0.77, 0.164, 0.77, 0.164, 0.0984]),
        ("hommel", [0.0024, 0.0738, 0.031, 0.164, 0.164, 0.6, 0.0044, 0.77, 0.11, 0.77, 0.156, 0.07175]),
        (
            "BH",
            [
                0.0024,
                0.02952,
                0.0124,
                0.0546666666666667,
                0.0546666666666667,
                0.24,
                0.0024,
                0.77,
                0.0546666666666667,
                0.545454545454545,
                0.0546666666666667,
                0.02952,
            ],
        ),
        (
            "BY",
            [
                0.00744770562770563,
                0.0916067792207792,
                0.0384798124098124,
                0.169642183742184,
                0.169642183742184,
                0.744770562770563,
                0.00744770562770563,
                1,
                0.169642183742184,
                1,
                0.169642183742184,
                0.0916067792207792,
            ],
        ),
    ],
)
def test_p_adjust_matches_r(method: str, expected: list[float]) -> None:
    assert stats.adjust_pvalues(P12, method) == pytest.approx(expected, rel=1e-12)
    assert stats.adjust_pvalues(P12, method.lower()) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("bonferroni", [0.03, None, 0.12, 0.09]),
        ("holm", [0.03, None, 0.06, 0.06]),
        ("hochberg", [0.03, None, 0.04, 0.04]),
        ("hommel", [0.03, None, 0.04, 0.04]),
        ("BH", [0.03, None, 0.04, 0.04]),
        ("BY", [0.055, None, 0.0733333333333333, 0.0733333333333333]),
    ],
)
def test_p_adjust_missing_values_match_r_na(method: str, expected: list[float | None]) -> None:
    # R: p.adjust(c(0.01, NA, 0.04, 0.03), method)
    got = stats.adjust_pvalues([0.01, None, 0.04, 0.03], method)
    assert got[1] is None
    assert [g for g in got if g is not None] == pytest.approx([e for e in expected if e is not None], rel=1e-12)


def test_hommel_small_cases_match_r() -> None:
    # R: p.adjust(c(0.02, 0.04), "hommel") -> 0.04 0.04; p.adjust(c(0.012, 0.021, 0.03), "hommel") -> 0.03 x3
    assert stats.adjust_pvalues([0.02, 0.04], "hommel") == pytest.approx([0.04, 0.04])
    assert stats.adjust_pvalues([0.012, 0.021, 0.03], "hommel") == pytest.approx([0.03, 0.03, 0.03])
    with pytest.raises(ValueError, match="must be one of"):
        stats.adjust_pvalues([0.1], "sidak")


X4 = [126, 166, 151, 109]
N4 = [4060, 4060, 3980, 4100]


def test_chi_square_k_by_2_omnibus_and_pairwise_match_r() -> None:
    # R: chisq.test(cbind(x, n - x)) -> X-squared 15.6578529252324, df 3, p 0.00133264014755738
    r = stats.chi_square_k(X4, N4)
    assert r.omnibus.method == "chi_square_omnibus"
    assert r.omnibus.statistic == pytest.approx(15.6578529252324, rel=REL)
    assert r.omnibus.df == 3
    assert r.omnibus.p_value == pytest.approx(0.00133264014755738, rel=REL)
    # R: prop.test(x[c(i, 1)], n[c(i, 1)]) for i = 2..4 (= pairwise.prop.test(x, n, "none")[, 1])
    raw = [0.0200997898329349, 0.101810979906764, 0.25622788848556]
    assert [p.p_value for p in r.pairwise] == pytest.approx(raw, rel=REL)
    assert [p.statistic for p in r.pairwise] == pytest.approx([5.40320661342144, 2.67694331494612, 1.28902402417618])
    # R: p.adjust(raw, "holm") and "BH"
    assert r.adjusted == pytest.approx([0.0602993694988046, 0.203621959813528, 0.25622788848556], rel=REL)
    bh = stats.chi_square_k(X4, N4, correction="BH")
    assert bh.adjusted == pytest.approx([0.0602993694988046, 0.152716469860146, 0.25622788848556], rel=REL)
    # R: prop.test(x[c(2, 1)], n[c(2, 1)])$conf.int -> 0.00150919684762544 0.0181952366499115
    assert r.pairwise[0].abs_ci == pytest.approx((0.00150919684762544, 0.0181952366499115), rel=REL)
    assert r.to_dict()["correction"] == "holm"


def test_chi_square_omnibus_of_two_is_the_yates_test() -> None:
    two = stats.chi_square_omnibus([1, 3], [4, 4])
    # R: chisq.test(TeaTasting) -> X-squared = 0.5, df = 1, p-value = 0.4795
    assert two.statistic == pytest.approx(0.5) and two.df == 1 and two.p_value == pytest.approx(0.4795, abs=5e-5)
    none = stats.chi_square_omnibus([0, 0, 0], [10, 12, 9])
    assert none.p_value is None and "no one" in (none.reason or "")


def test_negbin_one_sided_matches_r() -> None:
    # R: z <- summary(fit)$coefficients["g", "z value"]; pnorm(z, lower.tail = FALSE) -> 0.0526789747057073,
    #    pnorm(z) -> 0.947321025294293; exp(b - qnorm(0.95) * se) -> 0.991461339847392 (one-sided lower bound)
    greater = stats.count_glm(NB_YC, NB_EC, NB_YV, NB_EV, family="negbin", min_n=1, alternative="greater")
    assert greater.p_value == pytest.approx(0.0526789747057073, rel=REL)
    assert greater.rel_ci[0] + 1 == pytest.approx(0.991461339847392, rel=REL)  # type: ignore[index]
    assert greater.rel_ci[1] == math.inf and greater.alternative == "greater"  # type: ignore[index]
    less = stats.count_glm(NB_YC, NB_EC, NB_YV, NB_EV, family="negbin", min_n=1, alternative="less")
    assert less.p_value == pytest.approx(0.947321025294293, rel=REL)
    assert less.rel_ci[0] == -1.0  # type: ignore[index]
