"""Mean metrics per post: Welch's t test (default) and the Mann-Whitney rank test (robust option)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats as sps

from agilesocial.stats.result import (
    DEFAULT_MIN_N,
    TestResult,
    dominance_warnings,
    empty_result,
    normal_compare,
    small_n_warnings,
    z_crit,
)
from agilesocial.stats.sufficient import SampleStats, as_array, check_alpha, check_positive_int

KOHAVI_SKEW_FACTOR = 355  # Kohavi et al. 2014, rule of thumb #7: the t test needs n > 355 * skewness²
MW_EXACT_MAX_N = 50  # like R's wilcox.test: exact p-value below 50 per arm when there are no ties


def _skew_warning(s: SampleStats, label: str) -> list[str]:
    g = s.skewness
    if g is None or abs(g) < 1.0 or s.n >= KOHAVI_SKEW_FACTOR * g * g:
        return []
    return [
        f"the {label} values are heavily skewed (skewness {g:.1f}) for only {s.n} posts: the t test may be "
        f"off, consider method: mann_whitney"
    ]


def welch_t(
    control: SampleStats, variant: SampleStats, *, alpha: float = 0.05, min_n: int = DEFAULT_MIN_N
) -> TestResult:
    """Welch's unequal-variance t test on the mean per unit; relative lift CI by the delta method."""
    alpha = check_alpha(alpha)
    min_n = check_positive_int(min_n, "min_n")
    warnings = small_n_warnings(control.n, variant.n, min_n)
    mc, mv = control.mean_y, variant.mean_y
    for label, s in (("control", control), ("variant", variant)):
        if s.n == 0:
            return empty_result(
                "welch_t", f"the {label} has no posts", control_value=mc, variant_value=mv, warnings=warnings
            )
    assert mc is not None and mv is not None
    if control.n < 2 or variant.n < 2:
        return empty_result(
            "welch_t",
            "an arm has a single post, so its variance cannot be estimated",
            control_value=mc,
            variant_value=mv,
            warnings=warnings,
        )
    warnings += dominance_warnings(control, "control") + dominance_warnings(variant, "variant")
    warnings += _skew_warning(control, "control") + _skew_warning(variant, "variant")
    vc, vv = control.var_y / control.n, variant.var_y / variant.n  # type: ignore[operator]
    denom = vc * vc / (control.n - 1) + vv * vv / (variant.n - 1)
    df = (vc + vv) ** 2 / denom if denom > 0 else None
    if df is None:
        return normal_compare("welch_t", mc, mv, vc, vv, alpha, warnings)
    return normal_compare("welch_t", mc, mv, vc, vv, alpha, warnings, df=df)


def _pairwise_order_stat(v: np.ndarray, c_sorted: np.ndarray, k: int) -> float:
    """The k-th smallest (1-based) of all differences ``v_i - c_j`` without building them (bisection on counts)."""

    def count_le(d: float) -> int:
        # number of pairs with v_i - c_j <= d  <=>  c_j >= v_i - d
        return int(c_sorted.size * v.size - np.searchsorted(c_sorted, v - d, side="left").sum())

    lo = float(v.min() - c_sorted[-1])  # smallest difference
    hi = float(v.max() - c_sorted[0])  # largest difference
    if count_le(lo) >= k:
        return lo
    scale = max(abs(lo), abs(hi), 1e-300)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi) or hi - lo <= 1e-13 * scale:
            break
        if count_le(mid) >= k:
            hi = mid
        else:
            lo = mid
    # snap to the actual difference: the largest v_i - c_j that is <= hi
    idx = np.searchsorted(c_sorted, v - hi, side="left")
    ok = idx < c_sorted.size
    return float(np.max(v[ok] - c_sorted[idx[ok]]))


def _hodges_lehmann(v: np.ndarray, c: np.ndarray, alpha: float) -> tuple[float, tuple[float, float]]:
    """Hodges-Lehmann shift (median of pairwise differences) and its distribution-free CI.

    CI order statistics from the normal approximation of the Mann-Whitney distribution
    (Hollander & Wolfe): ``C = round(mn/2 - z * sqrt(mn(m+n+1)/12))``, CI = (D_(C), D_(mn+1-C)).
    """
    cs = np.sort(c)
    m, n = v.size, c.size
    mn = m * n
    if mn % 2:
        est = _pairwise_order_stat(v, cs, (mn + 1) // 2)
    else:
        est = 0.5 * (_pairwise_order_stat(v, cs, mn // 2) + _pairwise_order_stat(v, cs, mn // 2 + 1))
    k = round(mn / 2.0 - z_crit(alpha) * math.sqrt(mn * (m + n + 1) / 12.0))
    k = max(k, 1)
    return est, (_pairwise_order_stat(v, cs, k), _pairwise_order_stat(v, cs, mn + 1 - k))


def mann_whitney(
    control: Sequence[float], variant: Sequence[float], *, alpha: float = 0.05, min_n: int = DEFAULT_MIN_N
) -> TestResult:
    """Mann-Whitney U (Wilcoxon rank-sum) test, two-sided, as R's ``wilcox.test`` does it.

    Exact p-value when both arms have fewer than 50 values and there are no ties, else the normal approximation
    with tie and continuity correction. Values: medians per arm; abs_lift: Hodges-Lehmann shift (variant minus
    control) with its CI; rel_lift: that shift over the control median (CI scaled the same way, treating the control
    median as fixed). ``statistic`` is W = U of the variant (R's W with the variant as x).
    """
    alpha = check_alpha(alpha)
    min_n = check_positive_int(min_n, "min_n")
    c, v = as_array(control, "control"), as_array(variant, "variant")
    warnings = small_n_warnings(c.size, v.size, min_n)
    med_c = float(np.median(c)) if c.size else None
    med_v = float(np.median(v)) if v.size else None
    for label, arr in (("control", c), ("variant", v)):
        if arr.size == 0:
            return empty_result(
                "mann_whitney", f"the {label} has no posts", control_value=med_c, variant_value=med_v, warnings=warnings
            )
    assert med_c is not None and med_v is not None
    both = np.concatenate([c, v])
    if np.all(both == both[0]):
        return TestResult(
            "mann_whitney",
            med_c,
            med_v,
            0.0,
            None,
            0.0 if med_c else None,
            None,
            None,
            reason="every value is identical, so there is nothing to rank",
            warnings=tuple(warnings),
        )
    ties = np.unique(both).size < both.size
    exact = not ties and c.size < MW_EXACT_MAX_N and v.size < MW_EXACT_MAX_N
    res = sps.mannwhitneyu(
        v, c, alternative="two-sided", use_continuity=True, method="exact" if exact else "asymptotic"
    )
    shift, ci = _hodges_lehmann(v, c, alpha)
    rel: float | None = None
    rel_ci: tuple[float, float] | None = None
    reason = None
    if med_c > 0:
        rel, rel_ci = shift / med_c, (ci[0] / med_c, ci[1] / med_c)
    else:
        reason = "the control median is not positive, so a relative lift is undefined"
    return TestResult(
        "mann_whitney",
        med_c,
        med_v,
        shift,
        ci,
        rel,
        rel_ci,
        float(min(res.pvalue, 1.0)),
        reason=reason,
        warnings=tuple(warnings),
        statistic=float(res.statistic),
    )
