"""The frozen result every two-arm test returns, plus the shared lift/CI arithmetic and plain-word warnings."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as sps

from agilesocial.stats.sufficient import ALTERNATIVES, Alternative, SampleStats, check_alternative

DEFAULT_MIN_N = 10
DOMINANCE_SHARE = 0.5


@dataclass(frozen=True)
class TestResult:
    """One variant compared with the control.

    Attributes:
        method: the test that produced it (e.g. ``ratio_delta``, ``welch_t``, ``negbin``, ``chi_square_yates``).
        control_value, variant_value: the metric per arm (ratio of sums, mean, rate, proportion, median).
        abs_lift: ``variant - control``; abs_ci its two-sided (1 - alpha) confidence (or credible) interval.
        rel_lift: ``variant / control - 1``; rel_ci its interval (Fieller for the t/z tests on sufficient statistics,
            so it agrees with the p-value; delta method or the method's own interval otherwise).
        p_value: two-sided p-value (None for ``bayesian``).
        chance_to_beat, expected_loss: Bayesian only; loss is in the metric's units, of choosing the variant.
        reason: why some values are None (degenerate input), in plain words.
        warnings: assumption problems in plain words.
        statistic, df: the test statistic (z, t, chi2, W, odds ratio...) and its degrees of freedom when defined.
        alternative: ``two-sided``, ``greater`` (variant above control) or ``less``; the p-value and both intervals
            are for it (a one-sided interval is infinite on one end; ``to_dict`` writes an infinite end as null).
        resamples, exact: randomisation tests only -- how many assignments the p-value counts over, and whether
            they are all the possible ones (exact) or a seeded random sample of them.
    """

    __test__ = False  # not a pytest test class

    method: str
    control_value: float | None
    variant_value: float | None
    abs_lift: float | None
    abs_ci: tuple[float, float] | None
    rel_lift: float | None
    rel_ci: tuple[float, float] | None
    p_value: float | None
    chance_to_beat: float | None = None
    expected_loss: float | None = None
    reason: str | None = None
    warnings: tuple[str, ...] = ()
    statistic: float | None = None
    df: float | None = None
    alternative: str = "two-sided"
    resamples: int | None = None
    exact: bool | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "control_value": self.control_value,
            "variant_value": self.variant_value,
            "abs_lift": self.abs_lift,
            "abs_ci": json_interval(self.abs_ci),
            "rel_lift": self.rel_lift,
            "rel_ci": json_interval(self.rel_ci),
            "p_value": self.p_value,
            "chance_to_beat": self.chance_to_beat,
            "expected_loss": self.expected_loss,
            "reason": self.reason,
            "warnings": list(self.warnings),
            "statistic": self.statistic,
            "df": self.df,
            "alternative": self.alternative,
            "resamples": self.resamples,
            "exact": self.exact,
        }


def json_interval(ci: tuple[float, float] | None) -> list[float | None] | None:
    """An interval for JSON: an infinite (unbounded) end becomes null."""
    if ci is None:
        return None
    return [b if math.isfinite(b) else None for b in ci]


__all__ = ["ALTERNATIVES", "Alternative", "check_alternative"]  # re-exported: validated in sufficient.py


def z_crit(alpha: float) -> float:
    """Two-sided standard-normal critical value."""
    return float(sps.norm.isf(alpha / 2.0))


def sided_p(stat: float, alternative: Alternative, df: float | None = None) -> float:
    """p-value of a z (or t with ``df``) statistic for the alternative (variant minus control)."""
    if df is None:  # the normal's sf(x) is ndtr(-x), exactly as scipy.stats.norm computes it, without its overhead
        from scipy.special import ndtr

        def sf(x: float) -> float:
            return float(ndtr(-x))

    else:

        def sf(x: float) -> float:
            return float(sps.t.sf(x, df))

    if alternative == "greater":
        return sf(stat)
    if alternative == "less":
        return sf(-stat)
    return float(min(1.0, 2.0 * sf(abs(stat))))


def sided_crit(alpha: float, alternative: Alternative, df: float | None = None) -> float:
    """Critical value: ``q(1 - alpha/2)`` two-sided, ``q(1 - alpha)`` one-sided (normal, or t with ``df``)."""
    tail = alpha / 2.0 if alternative == "two-sided" else alpha
    if df is None:  # scipy.stats.norm.isf(q) is -ndtri(q)
        from scipy.special import ndtri

        return float(-ndtri(tail))
    return float(sps.t.isf(tail, df))


def one_side(ci: tuple[float, float], alternative: Alternative) -> tuple[float, float]:
    """Keep the bound the alternative tests: ``greater`` -> (lower, inf), ``less`` -> (-inf, upper).

    Pass the two-sided interval computed at level ``1 - 2 alpha`` (critical value ``q(1 - alpha)``).
    """
    if alternative == "greater":
        return (ci[0], math.inf)
    if alternative == "less":
        return (-math.inf, ci[1])
    return ci


def empty_result(
    method: str,
    reason: str,
    *,
    control_value: float | None = None,
    variant_value: float | None = None,
    warnings: tuple[str, ...] | list[str] = (),
) -> TestResult:
    """A result with nothing testable: values that exist, everything else None and a reason."""
    abs_lift = variant_value - control_value if control_value is not None and variant_value is not None else None
    rel_lift = None
    if abs_lift is not None and control_value:
        rel_lift = variant_value / control_value - 1.0  # type: ignore[operator]
    return TestResult(
        method,
        control_value,
        variant_value,
        abs_lift,
        None,
        rel_lift,
        None,
        None,
        reason=reason,
        warnings=tuple(warnings),
    )


def rel_lift_delta(c: float, v: float, var_c: float, var_v: float, crit: float) -> tuple[float, tuple[float, float]]:
    """Relative lift ``v/c - 1`` and its CI by the delta method for independent arms.

    ``Var(v/c) ≈ var_v / c² + v² var_c / c⁴``.
    """
    rel = v / c - 1.0
    se = math.sqrt(max(var_v / (c * c) + v * v * var_c / c**4, 0.0))
    return rel, (rel - crit * se, rel + crit * se)


def rel_lift_fieller(
    c: float,
    v: float,
    var_c: float,
    var_v: float,
    crit: float,
    *,
    nonnegative: bool = False,
    alternative: str = "two-sided",
) -> tuple[float, tuple[float, float]]:
    """Relative lift ``v/c - 1`` and Fieller's CI for independent arms.

    Fieller's set ``{rho : (v - rho c)^2 <= crit^2 (var_v + rho^2 var_c)}`` contains ``rho = 1`` exactly when the
    test of ``v - c = 0`` with ``se^2 = var_c + var_v`` does not reject, so the relative CI agrees with the p-value
    (the delta-method CI can exclude 0 while p > alpha, or include 0 while p < alpha). When the control itself is
    not clearly away from 0 (``c^2 <= crit^2 var_c``) the set is unbounded: the upper end is ``inf`` (the control
    could be 0, so any lift is possible). For a ``nonnegative`` metric rho >= 0, so the lower end is never below
    -100 % (without it, the delta method is the fallback for an unbounded set, as before). ``crit`` is the
    one-sided critical value for ``greater``/``less``, whose interval is open on the other end.
    """
    rel = v / c - 1.0
    t2 = crit * crit
    a = c * c - t2 * var_c
    disc = c * c * var_v + v * v * var_c - t2 * var_c * var_v
    floor = 0.0 if nonnegative else -math.inf
    if a <= 0 or disc < 0:
        if not nonnegative:
            return rel_lift_delta(c, v, var_c, var_v, crit)
        lo = floor
        if a < 0 and disc > 0:  # the set is two rays; rho >= 0 keeps [r2, inf) when r1 < 0
            r1, r2 = sorted(((v * c - crit * math.sqrt(disc)) / a, (v * c + crit * math.sqrt(disc)) / a))
            if r1 < 0 <= r2:
                lo = r2
        bounds = (lo, math.inf)
    else:
        half = crit * math.sqrt(disc)
        lo, hi = sorted(((v * c - half) / a, (v * c + half) / a))
        bounds = (max(lo, floor), hi)
    if alternative == "greater":
        bounds = (bounds[0], math.inf)
    elif alternative == "less":
        bounds = (floor, bounds[1])
    return rel, (bounds[0] - 1.0, bounds[1] - 1.0)


def normal_compare(
    method: str,
    c: float,
    v: float,
    var_c: float,
    var_v: float,
    alpha: float,
    warnings: list[str],
    *,
    df: float | None = None,
    alternative: Alternative = "two-sided",
    nonnegative: bool = False,
) -> TestResult:
    """Difference of two independent estimates with known variances: z test (or t with ``df``) and CIs.

    One-sided alternatives give one-sided p-values and CIs (one end infinite), as R's ``t.test`` does;
    ``nonnegative`` (rates and counts) keeps the relative interval at or above -100 % (see
    :func:`rel_lift_fieller`).
    """
    diff = v - c
    se = math.sqrt(var_c + var_v)
    if not math.isfinite(se) or se <= 0.0:
        return TestResult(
            method,
            c,
            v,
            diff,
            None,
            v / c - 1.0 if c != 0 else None,
            None,
            None,
            reason="no variation within either arm, so there is no standard error to test with",
            warnings=tuple(warnings),
            alternative=alternative,
        )
    crit = sided_crit(alpha, alternative, df)
    stat = diff / se
    p = sided_p(stat, alternative, df)
    abs_ci = one_side((diff - crit * se, diff + crit * se), alternative)
    reason = None
    rel: float | None
    rel_ci: tuple[float, float] | None
    if c == 0:
        rel, rel_ci = None, None
        reason = "the control value is 0, so a relative lift is undefined"
    else:
        rel, rel_ci = rel_lift_fieller(c, v, var_c, var_v, crit, nonnegative=nonnegative, alternative=alternative)
        if not nonnegative:
            rel_ci = one_side(rel_ci, alternative)
        elif math.isinf(rel_ci[1]) and alternative != "greater":
            reason = "the relative interval is unbounded above: the control's value could be 0"
    return TestResult(
        method,
        c,
        v,
        diff,
        abs_ci,
        rel,
        rel_ci,
        p,
        reason=reason,
        warnings=tuple(warnings),
        statistic=stat,
        df=df,
        alternative=alternative,
    )


def small_n_warnings(n_c: int, n_v: int, min_n: int, unit: str = "posts") -> list[str]:
    out = []
    for label, n in (("control", n_c), ("variant", n_v)):
        if n < min_n:
            out.append(f"only {n} {unit} in the {label} (fewer than {min_n}): results are fragile")
    return out


def dominance_warnings(s: SampleStats, label: str, share: float = DOMINANCE_SHARE, unit: str = "post") -> list[str]:
    """Warn when one unit carries more than ``share`` of the arm's numerator or denominator sum.

    Uses ``max_y``/``max_x`` when given; otherwise the concentration ``Σx²/(Σx)²``, which is ≤ the largest share,
    so a value above ``share`` proves one unit holds more than that share.
    """
    out = []
    parts: list[tuple[str, float | None, float | None, float]] = [("value", s.max_y, s.sum_y2, s.sum_y)]
    if s.sum_x is not None:
        parts.insert(0, ("denominator", s.max_x, s.sum_x2, s.sum_x))
    for what, mx, sq, total in parts:
        if s.n < 2 or total <= 0:
            continue
        top = mx / total if mx is not None and mx >= 0 else (sq / (total * total) if sq is not None else 0.0)
        if top > share:
            out.append(
                f"one {unit} holds {top:.0%} or more of the {label}'s {what} sum: the result mostly "
                f"reflects that single {unit}"
            )
    return out
