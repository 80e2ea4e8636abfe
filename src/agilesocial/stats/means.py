"""Mean metrics per post: Welch's t test (default) and Student's pooled-variance t test (R's ``var.equal = TRUE``).

The Mann-Whitney rank test lives in :mod:`agilesocial.stats.ranks`.
"""

from __future__ import annotations

from dataclasses import replace

from agilesocial.stats.result import (
    DEFAULT_MIN_N,
    TestResult,
    dominance_warnings,
    empty_result,
    normal_compare,
    small_n_warnings,
)
from agilesocial.stats.sufficient import Alternative, SampleStats, check_alpha, check_alternative, check_positive_int

UNEQUAL_VARIANCE_RATIO = 4.0
KOHAVI_SKEW_FACTOR = 355  # Kohavi et al. 2014, rule of thumb #7: the t test needs n > 355 * skewness²


def _skew_warning(s: SampleStats, label: str) -> list[str]:
    g = s.skewness
    if g is None or abs(g) < 1.0 or s.n >= KOHAVI_SKEW_FACTOR * g * g:
        return []
    return [
        f"the {label} values are heavily skewed (skewness {g:.1f}) for only {s.n} posts: the t test may be "
        f"off, consider method: mann_whitney"
    ]


def _t_guard(method: str, control: SampleStats, variant: SampleStats, warnings: list[str]) -> TestResult | None:
    """A degenerate result when an arm is empty or has a single unit (no variance), else None."""
    mc, mv = control.mean_y, variant.mean_y
    for label, s in (("control", control), ("variant", variant)):
        if s.n == 0:
            return empty_result(
                method, f"the {label} has no posts", control_value=mc, variant_value=mv, warnings=warnings
            )
    if control.n < 2 or variant.n < 2:
        return empty_result(
            method,
            "an arm has a single post, so its variance cannot be estimated",
            control_value=mc,
            variant_value=mv,
            warnings=warnings,
        )
    warnings += dominance_warnings(control, "control") + dominance_warnings(variant, "variant")
    warnings += _skew_warning(control, "control") + _skew_warning(variant, "variant")
    return None


def welch_t(
    control: SampleStats,
    variant: SampleStats,
    *,
    alpha: float = 0.05,
    min_n: int = DEFAULT_MIN_N,
    alternative: Alternative = "two-sided",
    nonnegative: bool = False,
) -> TestResult:
    """Welch's unequal-variance t test on the mean per unit (R ``t.test(variant, control)``); relative lift CI by
    Fieller's method."""
    alpha = check_alpha(alpha)
    min_n = check_positive_int(min_n, "min_n")
    alternative = check_alternative(alternative)
    warnings = small_n_warnings(control.n, variant.n, min_n)
    guard = _t_guard("welch_t", control, variant, warnings)
    if guard is not None:
        return replace(guard, alternative=alternative)
    mc, mv = control.mean_y, variant.mean_y
    assert mc is not None and mv is not None
    vc, vv = control.var_y / control.n, variant.var_y / variant.n  # type: ignore[operator]
    denom = vc * vc / (control.n - 1) + vv * vv / (variant.n - 1)
    df = (vc + vv) ** 2 / denom if denom > 0 else None
    return normal_compare(
        "welch_t", mc, mv, vc, vv, alpha, warnings, df=df, alternative=alternative, nonnegative=nonnegative
    )


def student_t(
    control: SampleStats,
    variant: SampleStats,
    *,
    alpha: float = 0.05,
    min_n: int = DEFAULT_MIN_N,
    alternative: Alternative = "two-sided",
    nonnegative: bool = False,
) -> TestResult:
    """Student's two-sample t test with pooled variance, as R's ``t.test(variant, control, var.equal = TRUE)``.

    ``df = n_c + n_v - 2``; both arms' squared standard errors use the pooled variance
    ``((n_c - 1) s_c² + (n_v - 1) s_v²) / df``. Valid when the arms' spreads are alike; Welch's test is the default
    because post-level spreads rarely are (a warning says when they differ by more than 4x).
    """
    alpha = check_alpha(alpha)
    min_n = check_positive_int(min_n, "min_n")
    alternative = check_alternative(alternative)
    warnings = small_n_warnings(control.n, variant.n, min_n)
    guard = _t_guard("student_t", control, variant, warnings)
    if guard is not None:
        return replace(guard, alternative=alternative)
    mc, mv = control.mean_y, variant.mean_y
    assert mc is not None and mv is not None
    sc, sv = control.var_y, variant.var_y
    assert sc is not None and sv is not None
    df = control.n + variant.n - 2
    pooled = ((control.n - 1) * sc + (variant.n - 1) * sv) / df
    if min(sc, sv) > 0 and max(sc, sv) / min(sc, sv) > UNEQUAL_VARIANCE_RATIO:
        warnings.append(
            f"the arms' variances differ {max(sc, sv) / min(sc, sv):.0f}-fold: Student's t assumes equal spread, "
            "use method: welch_t"
        )
    return normal_compare(
        "student_t",
        mc,
        mv,
        pooled / control.n,
        pooled / variant.n,
        alpha,
        warnings,
        df=df,
        alternative=alternative,
        nonnegative=nonnegative,
    )
