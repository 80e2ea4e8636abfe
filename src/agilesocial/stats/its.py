"""Interrupted time series (single and comparative) and its placebo check, on a fitted :mod:`.timeseries` model.

The effect is the change's **average effect over the after days**: the weighted mean, over the days from the change,
of fitted minus counterfactual (``b2 + b3 · mean(t - t0)``). Because the fit has a level-change term, the weighted
mean of the after days' fitted values equals their observed weighted mean ``A`` (for a rate weighted by exposure:
the after period's ratio of sums), so ``expected = A - effect`` exactly -- the table's Before | After | Expected
without the change | Effect always adds up. The relative effect is ``effect / expected``; with ``A`` fixed it is
monotone in the effect, so its CI is the effect's CI mapped through ``e -> e / (A - e)`` (unbounded, None, when the
upper end reaches ``A``) and excludes 0 exactly when the effect's test rejects.

The comparative design (a ``control`` series the change did not touch) fits the same model to the daily
difference treated - control on the days both have data, weighted ``1 / (1/w_t + 1/w_c)``: a
difference-in-differences on the two daily series, with the control's observed days carrying the counterfactual.

Placebo check: the same model refitted on the before days alone, at every fake change day with at least
``PLACEBO_MIN_SIDE`` days of data on each side; the permutation-style p-value is
``(1 + #{|t_placebo| >= |t_real|}) / (1 + K)`` on the effect's t-statistic (standardised, since the placebo windows
are shorter than the real one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from agilesocial.stats.its_power import Detect
from agilesocial.stats.sufficient import check_alpha
from agilesocial.stats.timeseries import SegmentedFit, segmented_fit

PLACEBO_MIN_SIDE = 7


@dataclass(frozen=True)
class ItsSeries:
    """The daily picture: observed values, the fitted line, and the counterfactual with its band (after days)."""

    days: tuple[int, ...]  # ordinals
    observed: tuple[float, ...]
    fitted: tuple[float, ...]
    counterfactual: tuple[float, ...]
    band_low: tuple[float, ...]
    band_high: tuple[float, ...]
    post: tuple[bool, ...]


@dataclass(frozen=True)
class ItsResult:
    """What a before/after model concluded.

    Attributes:
        effect, effect_ci, p_value: average effect over the after days (metric units), CI, two-sided p (t(dof)).
        se, se_hac, se_ols: the effect's standard error used (max of HAC and ordinary) and both parts.
        after, expected: the after days' observed weighted mean and the model's expectation without the change.
        rel_effect, rel_ci: effect / expected and its CI (None when expected is not positive / CI unbounded).
        level_change, level_ci: the jump on the change day; slope_change, slope_ci, slope_p_value: trend change.
        n_before, n_after: days with data on each side; day_of_week, lags, dof: model facts.
        series: the daily picture; warnings: plain-word caveats.
        days_needed: when a relative effect to detect was given, more calendar days after the change until the
            model would detect it with the given power (0: already enough), None beyond a year (``projected``
            says whether it was asked; see :mod:`.its_power`).
    """

    effect: float
    effect_ci: tuple[float, float]
    p_value: float
    se: float
    se_hac: float
    se_ols: float
    after: float
    expected: float
    rel_effect: float | None
    rel_ci: tuple[float, float] | None
    level_change: float
    level_ci: tuple[float, float]
    slope_change: float
    slope_ci: tuple[float, float]
    slope_p_value: float
    n_before: int
    n_after: int
    day_of_week: bool
    lags: int
    dof: int
    series: ItsSeries
    warnings: tuple[str, ...] = ()
    days_needed: int | None = None
    projected: bool = False

    @property
    def t_stat(self) -> float:
        return self.effect / self.se if self.se > 0 else math.copysign(math.inf, self.effect) if self.effect else 0.0


@dataclass(frozen=True)
class PlaceboResult:
    """Refits at fake change days inside the before period."""

    days: tuple[int, ...]  # fake change days (ordinals)
    effects: tuple[float, ...]
    t_stats: tuple[float, ...]
    p_value: float | None  # None when no fake day fits
    stands_out: bool  # the real effect is larger (in standard errors) than the placebos allow

    @property
    def n(self) -> int:
        return len(self.days)


def _two_sided(t: float, dof: int) -> float:
    """Two-sided p-value of a t statistic (``scipy.special.stdtr``: the t CDF without scipy.stats' overhead)."""
    return float(2 * special.stdtr(dof, -abs(t)))


def _effect_contrasts(fit: SegmentedFit) -> tuple[np.ndarray, float]:
    """(contrast of the average after-days effect, the after days' observed weighted mean)."""
    mask = fit.post > 0
    w = fit.w[mask]
    diff = (fit.x[mask] - fit.x_cf[mask]).T @ w / w.sum()
    after = float(fit.y[mask] @ w / w.sum())
    return diff, after


def _t_stat(fit: SegmentedFit) -> tuple[float, float, float, float]:
    """(effect, se used, se_hac, se_ols) of the average after-days effect."""
    c, _ = _effect_contrasts(fit)
    est = float(c @ fit.params)
    hac, ols = fit.se(c)
    return est, max(hac, ols), hac, ols


def _estimate(fit: SegmentedFit, i: int, crit: float) -> tuple[float, tuple[float, float], float]:
    c = np.zeros(fit.params.size)
    c[i] = 1.0
    est = float(fit.params[i])
    se = max(fit.se(c))
    p = _two_sided(est / se, fit.dof) if se > 0 else (0.0 if est else 1.0)
    return est, (est - crit * se, est + crit * se), p


def _relative(
    effect_ci: tuple[float, float], effect: float, after: float
) -> tuple[float | None, tuple[float, float] | None]:
    expected = after - effect
    if expected <= 0:
        return None, None
    lo, hi = effect_ci
    if after - hi <= 0:
        return effect / expected, None
    return effect / expected, (lo / (after - lo), hi / (after - hi))


def _series(fit: SegmentedFit, crit: float, offset: np.ndarray, observed: np.ndarray) -> ItsSeries:
    xc = fit.x_cf
    var = np.maximum(np.einsum("ij,jk,ik->i", xc, fit.cov_hac, xc), np.einsum("ij,jk,ik->i", xc, fit.cov_ols, xc))
    band = np.sqrt(np.clip(var, 0.0, None))
    cf = fit.counterfactual + offset
    return ItsSeries(
        tuple(int(d) for d in fit.days),
        tuple(float(v) for v in observed),
        tuple(float(v) for v in fit.fitted + offset),
        tuple(float(v) for v in cf),
        tuple(float(v) for v in cf - crit * band),
        tuple(float(v) for v in cf + crit * band),
        tuple(bool(p) for p in fit.post > 0),
    )


def _result(
    fit: SegmentedFit,
    alpha: float,
    after: float,
    offset: np.ndarray,
    observed: np.ndarray,
    extra: list[str],
    detect: Detect | None = None,
) -> ItsResult:
    crit = float(special.stdtrit(fit.dof, 1 - alpha / 2))
    effect, se, se_hac, se_ols = _t_stat(fit)
    if se > 0:
        p = _two_sided(effect / se, fit.dof)
    else:
        p = 0.0 if effect else 1.0
        extra.append("the series has no noise around the fitted lines; p-value set by the jump alone")
    ci = (effect - crit * se, effect + crit * se)
    rel, rel_ci = _relative(ci, effect, after)
    if rel is None:
        extra.append("the model's expectation without the change is not positive, so no relative effect")
    elif rel_ci is None:
        extra.append("the effect's interval reaches the whole after value, so the relative interval is unbounded")
    level, level_ci, _ = _estimate(fit, 2, crit)
    slope, slope_ci, slope_p = _estimate(fit, 3, crit)
    resid = fit.y - fit.fitted
    denom = float(resid @ resid)
    r1 = float(resid[1:] @ resid[:-1] / denom) if denom > 0 else 0.0
    if r1 > 2.0 / math.sqrt(fit.y.size):
        extra.append(
            f"consecutive days are correlated (lag-1 autocorrelation {r1:.2f}); the Newey-West errors allow for it, "
            "but the p-value may still be too small"
        )
    n_after = int(fit.post.sum())
    expected = after - effect
    days_needed, projected = None, False
    if detect is not None and expected > 0:
        from agilesocial.stats.its_power import days_to_detect

        days_needed = days_to_detect(
            fit, detect.lift * expected, alpha=alpha, power=detect.power, before_span=detect.before_span
        )
        projected = True
    return ItsResult(
        effect,
        ci,
        p,
        se,
        se_hac,
        se_ols,
        after,
        expected,
        rel,
        rel_ci,
        level,
        level_ci,
        slope,
        slope_ci,
        slope_p,
        fit.y.size - n_after,
        n_after,
        fit.day_of_week,
        fit.lags,
        fit.dof,
        _series(fit, crit, offset, observed),
        tuple(extra),
        days_needed,
        projected,
    )


def interrupted_time_series(
    days: Sequence[int],
    values: Sequence[float],
    change: int,
    *,
    weights: Sequence[float] | None = None,
    alpha: float = 0.05,
    day_of_week: bool | None = None,
    detect: Detect | None = None,
) -> ItsResult:
    """Single-series ITS on days (ordinals) with data; see the module docstring. Raises ValueError (see
    :func:`~agilesocial.stats.timeseries.segmented_fit`). ``detect`` = (relative effect, power): also project
    the days needed to detect that effect (``days_needed``)."""
    alpha = check_alpha(alpha)
    fit = segmented_fit(days, values, change, weights=weights, day_of_week=day_of_week)
    _, after = _effect_contrasts(fit)
    return _result(fit, alpha, after, np.zeros(fit.y.size), fit.y, [], detect)


def comparative_its(
    days: Sequence[int],
    treated: Sequence[float],
    control: Sequence[float],
    change: int,
    *,
    treated_weights: Sequence[float] | None = None,
    control_weights: Sequence[float] | None = None,
    alpha: float = 0.05,
    day_of_week: bool | None = None,
    detect: Detect | None = None,
) -> ItsResult:
    """Comparative ITS: the segmented model on treated - control (days where both have data, sorted ascending).
    ``after`` and the series are the treated series'; the counterfactual is control + the difference's trend."""
    alpha = check_alpha(alpha)
    o = np.asarray(days, dtype=np.int64)
    yt, yc = np.asarray(treated, dtype=float), np.asarray(control, dtype=float)
    if not (o.shape == yt.shape == yc.shape) or np.any(np.diff(o) <= 0):
        raise ValueError("days must be increasing, with one treated and one control value per day")
    wt = np.ones_like(yt) if treated_weights is None else np.asarray(treated_weights, dtype=float)
    wc = np.ones_like(yc) if control_weights is None else np.asarray(control_weights, dtype=float)
    if np.any(wt <= 0) or np.any(wc <= 0):
        raise ValueError("weights must be positive")
    w = 1.0 / (1.0 / wt + 1.0 / wc)
    fit = segmented_fit(o, yt - yc, change, weights=w, day_of_week=day_of_week)
    mask = o >= change
    after = float(yt[mask] @ wt[mask] / wt[mask].sum())
    return _result(fit, alpha, after, yc, yt, [], detect)


def placebo_check(
    days: Sequence[int],
    values: Sequence[float],
    real_t: float,
    *,
    weights: Sequence[float] | None = None,
    alpha: float = 0.05,
    min_side: int = PLACEBO_MIN_SIDE,
) -> PlaceboResult:
    """Refit the model on the before days at every fake change day with ``min_side`` days of data on each side.

    ``stands_out`` when the permutation p-value is at most ``max(alpha, 1/(K+1))``: below alpha when there are
    enough placebos, else larger than every placebo.
    """
    o = np.asarray(days, dtype=np.int64)
    y = np.asarray(values, dtype=float)
    order = np.argsort(o)
    o, y = o[order], y[order]
    w = None if weights is None else np.asarray(weights, dtype=float)[order]
    fakes, effects, ts = [], [], []
    for i in range(min_side, o.size - min_side + 1):
        try:
            fit = segmented_fit(o, y, int(o[i]), weights=w)
        except (ValueError, np.linalg.LinAlgError):
            continue
        est, se, _, _ = _t_stat(fit)
        fakes.append(int(o[i]))
        effects.append(est)
        ts.append(est / se if se > 0 else 0.0)
    if not fakes:
        return PlaceboResult((), (), (), None, False)
    k = len(fakes)
    extreme = sum(1 for t in ts if abs(t) >= abs(real_t))
    p = (1 + extreme) / (1 + k)
    return PlaceboResult(tuple(fakes), tuple(effects), tuple(ts), p, p <= max(alpha, 1.0 / (1 + k)))
