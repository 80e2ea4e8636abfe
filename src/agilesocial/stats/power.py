"""Sample size and minimum detectable effect per variant (equal arms).

- proportion: R's ``power.prop.test`` formula (normal approximation, pooled variance under H0, ``strict = FALSE``).
- mean: two-sample t test, as R's ``power.t.test`` (statsmodels ``TTestIndPower``).
- ratio: the t reference that ``analyze`` uses for a ratio of sums (Welch t on the linearised values for
  ``ratio_delta``; the studentised randomisation test has the same large-sample distribution), with the per-post
  SD of the linearised ratio as the SD: R's ``power.t.test(delta = baseline · mde_rel, sd = sd)``. For the
  randomisation test itself, :func:`agilesocial.stats.simulate.simulated_power` simulates from history.

All results are per variant; relative MDEs are increases (``p2 = baseline · (1 + mde_rel)``).
"""

from __future__ import annotations

import math
from typing import Literal

from scipy import optimize
from scipy import stats as sps

from agilesocial.stats.sufficient import SampleStats, check_alpha, check_finite, check_positive_int, check_sides


def _common(alpha: float, power: float, sides: int) -> tuple[float, float, int]:
    return check_alpha(alpha), check_alpha(power, "power"), check_sides(sides)


def _prop_n(p1: float, p2: float, alpha: float, power: float, sides: int) -> float:
    za = float(sps.norm.isf(alpha / sides))
    zb = float(sps.norm.ppf(power))
    pbar_term = math.sqrt((p1 + p2) * (1 - (p1 + p2) / 2))
    return ((za * pbar_term + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) / abs(p1 - p2)) ** 2


def power_proportion(baseline: float, mde_rel: float, n: int, *, alpha: float = 0.05, sides: int = 2) -> float:
    """Power of the two-proportion test with ``n`` per variant (R ``power.prop.test(n, p1, p2)``)."""
    alpha, _, sides = _common(alpha, 0.5, sides)
    p1, p2 = _check_props(baseline, mde_rel)
    n = check_positive_int(n, "n")
    za = float(sps.norm.isf(alpha / sides))
    num = math.sqrt(n) * abs(p1 - p2) - za * math.sqrt((p1 + p2) * (1 - (p1 + p2) / 2))
    return float(sps.norm.cdf(num / math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))))


def _check_props(baseline: float, mde_rel: float) -> tuple[float, float]:
    p1 = check_finite(baseline, "baseline")
    if not 0.0 < p1 < 1.0:
        raise ValueError(f"baseline == {baseline!r}, must be a proportion in (0, 1)")
    rel = check_finite(mde_rel, "mde_rel")
    p2 = p1 * (1 + rel)
    if rel == 0 or not 0.0 < p2 < 1.0:
        raise ValueError(f"mde_rel == {mde_rel!r}, must be non-zero and keep baseline·(1+mde_rel) in (0, 1)")
    return p1, p2


def _check_effect(baseline: float, sd: float, mde_rel: float) -> float:
    """Standardised effect size |baseline · mde_rel| / sd."""
    b = check_finite(baseline, "baseline")
    if b == 0:
        raise ValueError("baseline == 0, must be non-zero (a relative effect of 0 is undefined)")
    if check_finite(sd, "sd") <= 0:
        raise ValueError(f"sd == {sd!r}, must be > 0")
    if check_finite(mde_rel, "mde_rel") == 0:
        raise ValueError("mde_rel == 0, must be non-zero")
    return abs(b * mde_rel) / sd


def n_for_proportion(
    baseline: float, mde_rel: float, *, alpha: float = 0.05, power: float = 0.8, sides: int = 2
) -> int:
    """People per variant to detect ``baseline → baseline·(1+mde_rel)`` (rounded up)."""
    alpha, power, sides = _common(alpha, power, sides)
    p1, p2 = _check_props(baseline, mde_rel)
    return math.ceil(_prop_n(p1, p2, alpha, power, sides) - 1e-9)


def t_power(n: float, d: float, alpha: float, sides: int) -> float:
    """Power of the two-sample t test with ``n`` per arm and standardised effect ``d``, as R's ``power.t.test``
    (``strict = FALSE``: only the tail in the effect's direction counts)."""
    df = 2 * (n - 1)
    crit = float(sps.t.isf(alpha / sides, df))
    return float(sps.nct.sf(crit, df, abs(d) * math.sqrt(n / 2)))


def _t_n(d: float, alpha: float, power: float, sides: int) -> float:
    hi = 4.0
    while t_power(hi, d, alpha, sides) < power:
        hi *= 2
        if hi > 1e12:
            raise ValueError(f"mde_rel too small: no sample size reaches power {power:g}")
    return float(optimize.brentq(lambda n: t_power(n, d, alpha, sides) - power, 2.0, hi, xtol=1e-10))


def n_for_mean(
    baseline: float, sd: float, mde_rel: float, *, alpha: float = 0.05, power: float = 0.8, sides: int = 2
) -> int:
    """Posts per variant for a t test to detect a relative change ``mde_rel`` of a mean with per-post SD ``sd``."""
    alpha, power, sides = _common(alpha, power, sides)
    d = _check_effect(baseline, sd, mde_rel)
    return max(math.ceil(_t_n(d, alpha, power, sides) - 1e-9), 2)


def n_for_ratio(
    baseline: float, sd: float, mde_rel: float, *, alpha: float = 0.05, power: float = 0.8, sides: int = 2
) -> int:
    """Posts per variant for the ratio-of-sums test; ``sd`` from :func:`ratio_sd_from_stats`. The same t reference
    and variance as the test ``analyze`` runs (R ``power.t.test(delta = baseline * mde_rel, sd = sd)``)."""
    return n_for_mean(baseline, sd, mde_rel, alpha=alpha, power=power, sides=sides)


def ratio_sd_from_stats(stats: SampleStats) -> float:
    """Per-post SD of the linearised ratio ``(y - R x)/mean_x`` from historical posts (for :func:`n_for_ratio`)."""
    if not stats.has_x:
        raise ValueError("ratio_sd_from_stats needs denominator sums (sum_x, sum_x2, sum_xy)")
    var = stats.linearised_var()
    if var is None:
        raise ValueError(
            f"cannot estimate a ratio SD from {stats.n} post(s) with denominator sum {stats.sum_x}: "
            "need at least 2 posts and a non-zero denominator"
        )
    return math.sqrt(var)


def mde_for_n(
    kind: Literal["proportion", "mean", "ratio"],
    baseline: float,
    n: int,
    *,
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    sides: int = 2,
) -> float:
    """Smallest relative increase detectable with ``n`` units per variant (``sd`` required for mean/ratio)."""
    alpha, power, sides = _common(alpha, power, sides)
    n = check_positive_int(n, "n", minimum=2)
    if kind == "proportion":
        p1 = check_finite(baseline, "baseline")
        if not 0.0 < p1 < 1.0:
            raise ValueError(f"baseline == {baseline!r}, must be a proportion in (0, 1)")
        hi = 1.0 - 1e-12
        if _prop_n(p1, hi, alpha, power, sides) > n:
            raise ValueError(f"n == {n} is too small to detect any increase from {p1:g} with power {power:g}")
        p2 = optimize.brentq(lambda q: _prop_n(p1, q, alpha, power, sides) - n, p1 + 1e-12, hi, xtol=1e-14)
        return float(p2 / p1 - 1)
    if kind not in ("mean", "ratio"):
        raise ValueError(f"kind == {kind!r}, must be one of 'proportion', 'mean', 'ratio'")
    if sd is None:
        raise ValueError(f"sd is required for kind {kind!r}")
    b = check_finite(baseline, "baseline")
    if b == 0:
        raise ValueError("baseline == 0, must be non-zero (a relative effect of 0 is undefined)")
    if check_finite(sd, "sd") <= 0:
        raise ValueError(f"sd == {sd!r}, must be > 0")
    hi = 1.0
    while t_power(n, hi, alpha, sides) < power:
        hi *= 2
    d = optimize.brentq(lambda e: t_power(n, e, alpha, sides) - power, 0.0, hi, xtol=1e-12)
    return float(d) * sd / abs(b)
