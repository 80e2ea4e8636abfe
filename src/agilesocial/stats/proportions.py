"""User-level proportions (e.g. an ads split test reporting people): two-proportion z, chi-square, Fisher exact.

Successes and trials are people, each counted once, so the binomial model holds (unlike impressions of posts).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats as sps

from agilesocial.stats.result import TestResult, empty_result, rel_lift_delta, z_crit
from agilesocial.stats.sufficient import check_alpha, check_positive_int

MIN_EXPECTED = 5.0


def _validate(c_success: int, c_trials: int, v_success: int, v_trials: int) -> None:
    for name, value in (
        ("c_success", c_success),
        ("c_trials", c_trials),
        ("v_success", v_success),
        ("v_trials", v_trials),
    ):
        check_positive_int(value, name, minimum=0)
    if c_success > c_trials:
        raise ValueError(f"c_success == {c_success}, must be <= c_trials == {c_trials}")
    if v_success > v_trials:
        raise ValueError(f"v_success == {v_success}, must be <= v_trials == {v_trials}")


def _guard(method: str, cs: int, cn: int, vs: int, vn: int) -> TestResult | None:
    pc = cs / cn if cn else None
    pv = vs / vn if vn else None
    for label, n in (("control", cn), ("variant", vn)):
        if n == 0:
            return empty_result(method, f"the {label} has no people (0 trials)", control_value=pc, variant_value=pv)
    if cs + vs in (0, cn + vn):
        what = "no one" if cs + vs == 0 else "everyone"
        return empty_result(
            method,
            f"{what} converted in either arm, so there is nothing to compare",
            control_value=pc,
            variant_value=pv,
        )
    return None


def _expected_warning(cs: int, cn: int, vs: int, vn: int) -> list[str]:
    total, succ = cn + vn, cs + vs
    expected = [n * p for n in (cn, vn) for p in (succ / total, 1 - succ / total)]
    if min(expected) < MIN_EXPECTED:
        return [
            f"an expected cell count is {min(expected):.1f} (below {MIN_EXPECTED:g}): the chi-square/normal "
            f"approximation is unreliable, use method: fisher"
        ]
    return []


def two_proportion(c_success: int, c_trials: int, v_success: int, v_trials: int, *, alpha: float = 0.05) -> TestResult:
    """Two-proportion z test: pooled standard error for the test, unpooled (Wald) for the CI; no continuity
    correction (``z² equals the uncorrected chi-square``). Relative lift CI by the delta method."""
    alpha = check_alpha(alpha)
    _validate(c_success, c_trials, v_success, v_trials)
    guard = _guard("two_proportion", c_success, c_trials, v_success, v_trials)
    if guard is not None:
        return guard
    return z_test_proportions(
        "two_proportion",
        c_success,
        c_trials,
        v_success,
        v_trials,
        alpha=alpha,
        warnings=tuple(_expected_warning(c_success, c_trials, v_success, v_trials)),
        zero_reason="the control proportion is 0, so a relative lift is undefined",
    )


def z_test_proportions(
    method: str,
    cs: float,
    cn: float,
    vs: float,
    vn: float,
    *,
    alpha: float,
    warnings: tuple[str, ...] = (),
    zero_reason: str | None = None,
) -> TestResult:
    """The two-proportion z test on (possibly pooled) sums: pooled SE for the test, unpooled (Wald) SE for the CI,
    relative-lift CI by the delta method. Callers have checked that both arms are proper, non-degenerate proportions.
    """
    pc, pv = cs / cn, vs / vn
    pooled = (cs + vs) / (cn + vn)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / cn + 1 / vn))
    var_c, var_v = pc * (1 - pc) / cn, pv * (1 - pv) / vn
    diff = pv - pc
    z = diff / se0
    crit = z_crit(alpha)
    se1 = math.sqrt(var_c + var_v)
    rel, rel_ci = (None, None) if pc == 0 else rel_lift_delta(pc, pv, var_c, var_v, crit)
    return TestResult(
        method,
        pc,
        pv,
        diff,
        (diff - crit * se1, diff + crit * se1),
        rel,
        rel_ci,
        float(2 * sps.norm.sf(abs(z))),
        reason=zero_reason if pc == 0 else None,
        warnings=warnings,
        statistic=z,
    )


def chi_square(
    c_success: int, c_trials: int, v_success: int, v_trials: int, *, alpha: float = 0.05, correction: bool = True
) -> TestResult:
    """Pearson chi-square test of the 2×2 table, with Yates' continuity correction by default.

    Follows R's ``prop.test`` exactly: ``YATES = min(0.5, |p_v - p_c| / (1/n_c + 1/n_v))``, statistic
    ``Σ (|O - E| - YATES)² / E``, CI ``diff ± (z·sqrt(Σ p(1-p)/n) + YATES·(1/n_c + 1/n_v))`` clipped to [-1, 1].
    ``method`` is ``chi_square_yates`` or ``chi_square`` (uncorrected; then the statistic equals z²).
    """
    alpha = check_alpha(alpha)
    _validate(c_success, c_trials, v_success, v_trials)
    method = "chi_square_yates" if correction else "chi_square"
    guard = _guard(method, c_success, c_trials, v_success, v_trials)
    if guard is not None:
        return guard
    pc, pv = c_success / c_trials, v_success / v_trials
    diff = pv - pc
    inv_n = 1 / c_trials + 1 / v_trials
    yates = min(0.5, abs(diff) / inv_n) if correction else 0.0
    observed = np.array([[c_success, c_trials - c_success], [v_success, v_trials - v_success]], dtype=float)
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / observed.sum()
    stat = float((((np.abs(observed - expected) - yates) ** 2) / expected).sum())
    crit = z_crit(alpha)
    width = crit * math.sqrt(pc * (1 - pc) / c_trials + pv * (1 - pv) / v_trials) + yates * inv_n
    abs_ci = (max(diff - width, -1.0), min(diff + width, 1.0))
    var_c, var_v = pc * (1 - pc) / c_trials, pv * (1 - pv) / v_trials
    rel, rel_ci = (None, None) if pc == 0 else rel_lift_delta(pc, pv, var_c, var_v, crit)
    return TestResult(
        method,
        pc,
        pv,
        diff,
        abs_ci,
        rel,
        rel_ci,
        float(sps.chi2.sf(stat, 1)),
        reason="the control proportion is 0, so a relative lift is undefined" if pc == 0 else None,
        warnings=tuple(_expected_warning(c_success, c_trials, v_success, v_trials)),
        statistic=stat,
        df=1.0,
    )


def fisher_exact(c_success: int, c_trials: int, v_success: int, v_trials: int, *, alpha: float = 0.05) -> TestResult:
    """Fisher's exact test (two-sided, like R's ``fisher.test``), for small counts.

    ``statistic`` is the conditional maximum-likelihood odds ratio (variant vs control) as R reports it;
    abs_ci is Newcombe's hybrid score interval for the difference, rel_ci the score interval of the risk ratio
    minus 1.
    """
    from scipy.stats.contingency import odds_ratio
    from statsmodels.stats.proportion import confint_proportions_2indep

    alpha = check_alpha(alpha)
    _validate(c_success, c_trials, v_success, v_trials)
    guard = _guard("fisher", c_success, c_trials, v_success, v_trials)
    if guard is not None:
        return guard
    table = [[v_success, v_trials - v_success], [c_success, c_trials - c_success]]
    p = float(sps.fisher_exact(table, alternative="two-sided").pvalue)
    odds = float(odds_ratio(table, kind="conditional").statistic)  # inf/0 with an empty cell
    pc, pv = c_success / c_trials, v_success / v_trials
    with warnings.catch_warnings():  # statsmodels' score interval divides by 0 on empty cells (handled below)
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = confint_proportions_2indep(
            v_success, v_trials, c_success, c_trials, compare="diff", method="newcomb", alpha=alpha
        )
        rlo, rhi = confint_proportions_2indep(
            v_success, v_trials, c_success, c_trials, compare="ratio", method="score", alpha=alpha
        )
    rel: float | None = None
    rel_ci: tuple[float, float] | None = None
    reason = None
    if pc > 0:
        rel = pv / pc - 1
        bounds = np.asarray([rlo, rhi])
        rr = pv / pc
        if not np.iscomplexobj(bounds) and np.all(np.isfinite(bounds)) and bounds[0] <= rr <= bounds[1]:
            rel_ci = (float(bounds[0]) - 1, float(bounds[1]) - 1)
        elif v_success > 0:  # statsmodels' score interval collapses when a proportion is 1: Katz log interval
            se = math.sqrt(max(1 / v_success - 1 / v_trials + 1 / c_success - 1 / c_trials, 0.0))
            crit = z_crit(alpha)
            rel_ci = (rr * math.exp(-crit * se) - 1, rr * math.exp(crit * se) - 1)
    else:
        reason = "the control proportion is 0, so a relative lift is undefined"
    return TestResult(
        "fisher",
        pc,
        pv,
        pv - pc,
        (float(lo), float(hi)),
        rel,
        rel_ci,
        min(p, 1.0),
        reason=reason,
        statistic=odds if math.isfinite(odds) else None,
    )
