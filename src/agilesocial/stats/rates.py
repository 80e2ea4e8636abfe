"""Exact comparison of two Poisson rates with exposure, as R's ``poisson.test(c(x_v, x_c), c(T_v, T_c))``.

Conditional on the total ``x_v + x_c``, the variant's count is binomial with ``p = T_v / (T_v + T_c)`` under equal
rates; the p-value is R's ``binom.test`` on it (two-sided: the outcomes no more likely than the observed one, with
R's relative tolerance 1e-7), and the rate-ratio CI maps the Clopper-Pearson interval of ``p`` through
``p / (1 - p) · T_c / T_v``. Sufficient statistics only: two counts and two exposures.

Valid only when events are independent (a Poisson process): post-level engagement counts are usually overdispersed,
which makes this test far too confident; ``agile-social calibrate`` shows by how much on a team's own history.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from agilesocial.stats.result import TestResult, empty_result
from agilesocial.stats.sufficient import Alternative, check_alpha, check_alternative, check_finite

REL_ERR = 1 + 1e-7  # R binom.test: outcomes with probability <= d(x) * (1 + 1e-7) count as "as extreme"


def binom_test_p(x: int, n: int, p: float, alternative: Alternative = "two-sided") -> float:
    """R's ``binom.test(x, n, p, alternative)$p.value``."""
    if alternative == "less":
        return float(sps.binom.cdf(x, n, p))
    if alternative == "greater":
        return float(sps.binom.sf(x - 1, n, p))
    d = sps.binom.pmf(x, n, p)
    m = n * p
    if x == m:
        return 1.0
    if x < m:
        i = np.arange(math.ceil(m), n + 1)
        y = int(np.sum(sps.binom.pmf(i, n, p) <= d * REL_ERR))
        pval = sps.binom.cdf(x, n, p) + sps.binom.sf(n - y, n, p)
    else:
        i = np.arange(0, math.floor(m) + 1)
        y = int(np.sum(sps.binom.pmf(i, n, p) <= d * REL_ERR))
        pval = sps.binom.cdf(y - 1, n, p) + sps.binom.sf(x - 1, n, p)
    return float(min(1.0, pval))


def binom_test_p_many(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """R's two-sided ``binom.test`` p-value for many (x, n, p) at once.

    The pmf is non-increasing on ``[ceil(np), n]`` and non-decreasing on ``[0, floor(np)]``, so the outcomes on the
    far side that are no more likely than ``x`` form a tail whose end a vectorised bisection finds.
    """
    x, n, p = (np.asarray(a, dtype=float) for a in (x, n, p))
    d = sps.binom.pmf(x, n, p) * REL_ERR
    m = n * p
    below = x < m
    # far side above the mean: the first k >= ceil(m) with pmf(k) <= d; p = P(X <= x) + P(X >= k)
    lo, hi = np.ceil(m), n + 1
    # far side below the mean: the last j <= floor(m) with pmf(j) <= d; p = P(X <= j) + P(X >= x)
    lo2, hi2 = np.full_like(m, -1.0), np.floor(m)
    for _ in range(64):
        if not (np.any(lo < hi) or np.any(lo2 < hi2)):
            break
        mid = np.floor((lo + hi) / 2)
        ok = sps.binom.pmf(mid, n, p) <= d
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid + 1)
        mid2 = np.ceil((lo2 + hi2) / 2)
        ok2 = sps.binom.pmf(mid2, n, p) <= d
        lo2, hi2 = np.where(ok2, mid2, lo2), np.where(ok2, hi2, mid2 - 1)
    p_below = sps.binom.cdf(x, n, p) + sps.binom.sf(lo - 1, n, p)
    p_above = np.where(lo2 >= 0, sps.binom.cdf(lo2, n, p), 0.0) + sps.binom.sf(x - 1, n, p)
    out = np.where(below, p_below, p_above)
    return np.minimum(1.0, np.where(x == m, 1.0, out))


def clopper_pearson(x: int, n: int, alpha: float, alternative: Alternative = "two-sided") -> tuple[float, float]:
    """R's ``binom.test`` confidence interval for a binomial proportion (exact, Clopper-Pearson)."""
    tail = alpha / 2 if alternative == "two-sided" else alpha
    lower = 0.0 if x == 0 else float(sps.beta.ppf(tail, x, n - x + 1))
    upper = 1.0 if x == n else float(sps.beta.ppf(1 - tail, x + 1, n - x))
    if alternative == "greater":
        upper = 1.0
    elif alternative == "less":
        lower = 0.0
    return lower, upper


def _count(value: float, name: str) -> int:
    v = check_finite(value, name)
    if v < 0 or v != round(v):
        raise ValueError(f"{name} == {value!r}, must be a whole number of events >= 0")
    return round(v)


def poisson_exact(
    c_events: float,
    c_exposure: float,
    v_events: float,
    v_exposure: float,
    *,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
) -> TestResult:
    """Exact test of equal event rates (R ``poisson.test(c(v_events, c_events), c(v_exposure, c_exposure))``).

    Values: events per unit of exposure; rel_lift: rate ratio minus 1 with the exact CI (an upper end of infinity
    when the control has no events). ``statistic`` is the variant's event count (R's ``count1``), ``df`` None;
    abs_ci is None (the exact test gives an interval for the ratio only).
    """
    alpha = check_alpha(alpha)
    alternative = check_alternative(alternative)
    xc, xv = _count(c_events, "c_events"), _count(v_events, "v_events")
    tc, tv = check_finite(c_exposure, "c_exposure"), check_finite(v_exposure, "v_exposure")
    for label, t in (("control", tc), ("variant", tv)):
        if t <= 0:
            return empty_result("poisson_exact", f"the {label} has no exposure, so its rate is undefined")
    rc, rv = xc / tc, xv / tv
    if xc + xv == 0:
        return empty_result(
            "poisson_exact",
            "neither arm has any events, so there is nothing to compare",
            control_value=rc,
            variant_value=rv,
        )
    n = xc + xv
    p0 = tv / (tv + tc)
    pval = binom_test_p(xv, n, p0, alternative)
    lo, hi = clopper_pearson(xv, n, alpha, alternative)
    ratio_ci = (lo / (1 - lo) * tc / tv, hi / (1 - hi) * tc / tv if hi < 1 else math.inf)
    rel: float | None = None
    rel_ci: tuple[float, float] | None = None
    reason = None
    if xc > 0:
        rel = rv / rc - 1
        rel_ci = (ratio_ci[0] - 1, ratio_ci[1] - 1)
    else:
        reason = "the control has no events, so the rate ratio is unbounded"
    return TestResult(
        "poisson_exact",
        rc,
        rv,
        rv - rc,
        None,
        rel,
        rel_ci,
        pval,
        reason=reason,
        statistic=float(xv),
        alternative=alternative,
    )
