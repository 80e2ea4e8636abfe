"""The Mann-Whitney U (Wilcoxon rank-sum) test on per-post values, with R's ``wilcox.test`` semantics.

- ``exact="auto"`` (R's ``exact = NULL``): the exact null distribution of W when both arms have fewer than 50
  values and there are no ties, else the normal approximation. ``exact=True`` asks for it at any size, but with ties
  R (and this) still falls back to the normal approximation, with a warning. ``exact=False`` always approximates.
- Normal approximation: ``z = (W - mn/2 - CORRECTION) / SIGMA`` with the tie-corrected
  ``SIGMA² = mn/12 · ((m + n + 1) - Σ(t³ - t) / ((m + n)(m + n - 1)))`` and, when ``correct``, R's continuity
  correction ``CORRECTION = sign(z)·0.5`` (two-sided), ``0.5`` (greater) or ``-0.5`` (less).
- Shift estimate and CI: with the exact distribution, R's (the median of all ``v_i - c_j`` and the order statistics
  given by ``qwilcox``); with the approximation, the Hodges-Lehmann shift and the Hollander-Wolfe order statistics
  (R solves the approximate z for the shift numerically with tolerance 1e-4 instead; the two agree closely).

The exact distribution is computed here (Gaussian binomial coefficients in exact integers), not taken from scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import stats as sps

from agilesocial.stats.result import DEFAULT_MIN_N, TestResult, empty_result, one_side, small_n_warnings, z_crit
from agilesocial.stats.sufficient import Alternative, as_array, check_alpha, check_alternative, check_positive_int

MW_EXACT_MAX_N = 50  # like R's wilcox.test: exact p-value below 50 per arm when there are no ties
Exact = bool | Literal["auto"]


@lru_cache(maxsize=64)
def _w_cdf(m: int, n: int) -> tuple[float, ...]:
    """``P(W <= w)`` for ``w = 0 .. mn`` under H0 (R's ``pwilcox``): counts are the coefficients of the Gaussian
    binomial ``[m + n choose m]_q``, built as ``prod_i (1 - q^(n+i)) / (1 - q^i)`` in exact integers."""
    size = m * n + 1
    poly = [1] + [0] * (size - 1)
    for i in range(1, m + 1):
        k = n + i
        for w in range(size - 1, k - 1, -1):  # multiply by (1 - q^k)
            poly[w] -= poly[w - k]
        for w in range(i, size):  # divide by (1 - q^i): running sum with lag i
            poly[w] += poly[w - i]
    total = math.comb(m + n, m)
    out, acc = [], 0
    for c in poly:
        acc += c
        out.append(acc / total)
    return tuple(out)


def _pwilcox(q: float, m: int, n: int, *, upper: bool = False) -> float:
    """R ``pwilcox(q, m, n, lower.tail = !upper)``."""
    cdf = _w_cdf(m, n)
    k = math.floor(q + 1e-7)
    below = 0.0 if k < 0 else (1.0 if k >= len(cdf) else cdf[k])
    return 1.0 - below if upper else below


def _qwilcox(p: float, m: int, n: int) -> int:
    """R ``qwilcox(p, m, n)``: the smallest ``w`` with ``P(W <= w) >= p`` (with R's 1e-7 fuzz)."""
    cdf = np.asarray(_w_cdf(m, n))
    return int(np.searchsorted(cdf, p * (1 - 64 * np.finfo(float).eps), side="left"))


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


def _shift(v: np.ndarray, cs: np.ndarray) -> float:
    """Hodges-Lehmann shift: the median of all ``v_i - c_j``."""
    mn = v.size * cs.size
    if mn % 2:
        return _pairwise_order_stat(v, cs, (mn + 1) // 2)
    return 0.5 * (_pairwise_order_stat(v, cs, mn // 2) + _pairwise_order_stat(v, cs, mn // 2 + 1))


def _exact_ci(v: np.ndarray, cs: np.ndarray, alpha: float, alternative: Alternative) -> tuple[float, float]:
    """R's exact CI: order statistics ``qu`` and ``mn - qu + 1`` of the differences, ``qu = qwilcox(alpha', m, n)``."""
    m, n = v.size, cs.size
    qu = max(_qwilcox(alpha / 2 if alternative == "two-sided" else alpha, m, n), 1)
    lower = _pairwise_order_stat(v, cs, qu)
    upper = _pairwise_order_stat(v, cs, m * n - qu + 1)
    return one_side((lower, upper), alternative)


def _approx_ci(v: np.ndarray, cs: np.ndarray, alpha: float, alternative: Alternative) -> tuple[float, float]:
    """Hollander-Wolfe order statistics ``C = round(mn/2 - z·sqrt(mn(m+n+1)/12))``: (D_(C), D_(mn+1-C))."""
    m, n = v.size, cs.size
    mn = m * n
    crit = z_crit(alpha) if alternative == "two-sided" else z_crit(2 * alpha)
    k = max(round(mn / 2.0 - crit * math.sqrt(mn * (m + n + 1) / 12.0)), 1)
    return one_side((_pairwise_order_stat(v, cs, k), _pairwise_order_stat(v, cs, mn + 1 - k)), alternative)


def wilcox_p(
    w: float, m: int, n: int, tie_sum: float, *, exact: bool, correct: bool, alternative: Alternative
) -> float:
    """p-value of the rank-sum statistic ``w`` (W of the variant, ``m`` variant and ``n`` control values);
    ``tie_sum`` is ``Σ(t³ - t)`` over tie groups (0 without ties)."""
    if exact:
        if alternative == "greater":
            return _pwilcox(w - 1, m, n, upper=True)
        if alternative == "less":
            return _pwilcox(w, m, n)
        p = _pwilcox(w - 1, m, n, upper=True) if w > m * n / 2 else _pwilcox(w, m, n)
        return min(2 * p, 1.0)
    z = w - m * n / 2
    sigma = math.sqrt((m * n / 12) * ((m + n + 1) - tie_sum / ((m + n) * (m + n - 1))))
    corr = 0.0
    if correct:
        corr = {"two-sided": math.copysign(0.5, z) if z else 0.0, "greater": 0.5, "less": -0.5}[alternative]
    z = (z - corr) / sigma
    if alternative == "less":
        return float(sps.norm.cdf(z))
    if alternative == "greater":
        return float(sps.norm.sf(z))
    return float(min(2 * min(sps.norm.cdf(z), sps.norm.sf(z)), 1.0))


def mann_whitney(
    control: Sequence[float],
    variant: Sequence[float],
    *,
    alpha: float = 0.05,
    min_n: int = DEFAULT_MIN_N,
    alternative: Alternative = "two-sided",
    exact: Exact = "auto",
    correct: bool = True,
) -> TestResult:
    """Mann-Whitney U (Wilcoxon rank-sum) test, as R's ``wilcox.test(variant, control, exact=, correct=)``.

    Values: medians per arm; abs_lift: the shift (variant minus control) with its CI (see the module docstring);
    rel_lift: that shift over the control median (CI scaled the same way, treating the control median as fixed).
    ``statistic`` is R's W with the variant as x; ``df`` is None.
    """
    alpha = check_alpha(alpha)
    min_n = check_positive_int(min_n, "min_n")
    alternative = check_alternative(alternative)
    if exact not in ("auto", True, False):
        raise ValueError(f"exact == {exact!r}, must be 'auto', True or False")
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
    both = np.concatenate([v, c])
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
            alternative=alternative,
        )
    m, n = v.size, c.size
    ranks = sps.rankdata(both)
    w = float(ranks[:m].sum() - m * (m + 1) / 2)
    _, counts = np.unique(both, return_counts=True)
    ties = bool(np.any(counts > 1))
    use_exact = (m < MW_EXACT_MAX_N and n < MW_EXACT_MAX_N) if exact == "auto" else bool(exact)
    if use_exact and ties:
        if exact is True:
            warnings.append("the values have ties, so the exact p-value cannot be computed; the normal one is used")
        use_exact = False
    tie_sum = float(np.sum(counts.astype(float) ** 3 - counts))
    p = wilcox_p(w, m, n, tie_sum, exact=use_exact, correct=correct, alternative=alternative)
    cs = np.sort(c)
    shift = _shift(v, cs)
    ci = _exact_ci(v, cs, alpha, alternative) if use_exact else _approx_ci(v, cs, alpha, alternative)
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
        p,
        reason=reason,
        warnings=tuple(warnings),
        statistic=w,
        alternative=alternative,
    )
