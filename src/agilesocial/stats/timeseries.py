"""Interrupted time series for before/after designs (no split possible): segmented regression.

``value_t = b0 + b1·time + b2·post + b3·time_since_intervention (+ day-of-week dummies) + e_t``, by OLS (WLS with
``weights``) with Newey-West HAC standard errors (Bartlett kernel, ``maxlags = floor(4 (n/100)^(2/9))``), each
floored at the ordinary OLS standard error (kernel HAC is biased downward in short series: in a seeded A/A on white
noise, plain HAC rejected 9 % at alpha 5 %), with t(n - k) critical values.
``level_change`` = b2 (the jump on the intervention day), ``slope_change`` = b3 (per day). The baseline is the
counterfactual at the intervention day, averaged over days of the week: ``b0 + b1·t0 + mean(day effects)``;
``rel_level_change`` = b2 / baseline with a delta-method CI.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from agilesocial.stats.sufficient import as_array, check_alpha, check_positive_int

DEFAULT_MIN_POINTS = 8


@dataclass(frozen=True)
class ItsResult:
    """Interrupted-time-series estimate.

    Attributes:
        level_change, level_ci: immediate change on the intervention day (metric units) and its CI.
        slope_change, slope_ci: change of the daily trend after the intervention and its CI.
        p_value: two-sided p-value of the level change (HAC).
        baseline_level: counterfactual level at the intervention (None when not positive).
        rel_level_change, rel_ci: level change relative to the baseline (None when the baseline is not positive).
        n_before, n_after: number of days before / from the intervention.
        warnings: assumption problems in plain words.
        slope_p_value: p-value of the slope change; joint_p_value: Wald test that both are 0; maxlags: HAC lags.
    """

    level_change: float
    level_ci: tuple[float, float]
    slope_change: float
    slope_ci: tuple[float, float]
    p_value: float
    baseline_level: float | None
    rel_level_change: float | None
    rel_ci: tuple[float, float] | None
    n_before: int
    n_after: int
    warnings: tuple[str, ...]
    slope_p_value: float | None = None
    joint_p_value: float | None = None
    maxlags: int = 0


def newey_west_lags(n: int) -> int:
    """Newey & West (1994) automatic lag rule: floor(4 (n/100)^(2/9))."""
    return math.floor(4 * (n / 100.0) ** (2.0 / 9.0))


def interrupted_time_series(
    dates: Sequence[dt.date],
    values: Sequence[float],
    intervention: dt.date,
    *,
    alpha: float = 0.05,
    weights: Sequence[float] | None = None,
    day_of_week: bool = True,
    min_points: int = DEFAULT_MIN_POINTS,
) -> ItsResult:
    """Segmented regression with HAC standard errors (see the module docstring).

    Raises ValueError when the series cannot support the model (no days before or after the intervention,
    duplicate dates, fewer days than parameters + 2).
    """
    import statsmodels.api as sm

    alpha = check_alpha(alpha)
    min_points = check_positive_int(min_points, "min_points")
    y = as_array(values, "values")
    if len(dates) != y.size:
        raise ValueError(f"dates has {len(dates)} entries but values has {y.size}")
    if not all(isinstance(d, dt.date) for d in dates) or not isinstance(intervention, dt.date):
        raise ValueError("dates and intervention must be datetime.date values")
    ordinals = np.array([d.toordinal() for d in dates], dtype=np.int64)
    if np.unique(ordinals).size != ordinals.size:
        raise ValueError("dates contain duplicates; pass one value per day")
    order = np.argsort(ordinals)
    ordinals, y = ordinals[order], y[order]
    w = None
    if weights is not None:
        w = as_array(weights, "weights")[order]
        if w.size != y.size or np.any(w <= 0):
            raise ValueError("weights must be positive and one per date")
    t0 = intervention.toordinal()
    post = (ordinals >= t0).astype(float)
    n_after = int(post.sum())
    n_before = int(y.size - n_after)
    if n_before < 2 or n_after < 2:
        raise ValueError(
            f"need at least 2 days both before and from {intervention.isoformat()} "
            f"(have {n_before} before, {n_after} after)"
        )
    time = (ordinals - ordinals[0]).astype(float)
    tsi = np.where(post > 0, ordinals - t0, 0).astype(float)
    cols = [np.ones(y.size), time, post, tsi]
    dow_cols: list[np.ndarray] = []
    if day_of_week:
        weekday = np.array([dt.date.fromordinal(int(o)).weekday() for o in ordinals])
        for k in range(1, 7):
            col = (weekday == k).astype(float)
            if 0 < col.sum() < y.size:
                dow_cols.append(col)
    x = np.column_stack(cols + dow_cols)
    warnings: list[str] = []
    if dow_cols and (y.size < x.shape[1] + 2 or np.linalg.matrix_rank(x) < x.shape[1]):
        # too few days for 6 more parameters, or e.g. two weeks split on the weekday they start on (then the trend
        # is a sum of day-of-week and level terms and the fit is not unique)
        x = np.column_stack(cols)
        warnings.append(
            f"{y.size} days are too few to tell day-of-week effects from the trend, so the model was fitted "
            "without them"
        )
    if y.size < x.shape[1] + 2:
        raise ValueError(f"{y.size} days are too few for {x.shape[1]} parameters; need at least {x.shape[1] + 2}")
    if np.linalg.matrix_rank(x) < x.shape[1]:  # defensive: 2+ days on each side separate level, trend and slope
        raise ValueError("the days cannot separate the trend from the change; add days before and after")
    for label, count in (("before", n_before), ("after", n_after)):
        if count < min_points:
            warnings.append(
                f"only {count} days {label} the intervention (fewer than {min_points}): the trend is poorly pinned down"
            )
    lags = newey_west_lags(y.size)
    model = sm.WLS(y, x, weights=w) if w is not None else sm.OLS(y, x)
    fit_ols = model.fit()
    fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
    params = np.asarray(fit.params)
    # Kernel HAC is biased downward in short series (it can fall below the i.i.d. OLS error); never let it.
    se_hac = np.sqrt(np.clip(np.diag(np.asarray(fit.cov_params())), 0.0, None))
    se_ols = np.sqrt(np.clip(np.diag(np.asarray(fit_ols.cov_params())), 0.0, None))
    scale = np.divide(np.maximum(se_hac, se_ols), se_hac, out=np.ones_like(se_hac), where=se_hac > 0)
    cov = np.asarray(fit.cov_params()) * np.outer(scale, scale)
    dof = float(y.size - x.shape[1])
    crit = float(sps.t.isf(alpha / 2, dof))
    resid = np.asarray(fit_ols.resid)
    denom = float(np.dot(resid, resid))
    r1 = float(np.dot(resid[1:], resid[:-1]) / denom) if denom > 0 else 0.0
    if r1 > 2.0 / math.sqrt(y.size):
        warnings.append(
            f"consecutive days are correlated (lag-1 autocorrelation {r1:.2f}): even with Newey-West errors the "
            "p-value may be too small"
        )

    def est(i: int) -> tuple[float, tuple[float, float], float | None]:
        se = math.sqrt(max(cov[i, i], 0.0))
        if se == 0 or not math.isfinite(se):
            return float(params[i]), (float(params[i]), float(params[i])), None
        return (
            float(params[i]),
            (params[i] - crit * se, params[i] + crit * se),
            float(2 * sps.t.sf(abs(params[i]) / se, dof)),
        )

    level, level_ci, p_level = est(2)
    slope, slope_ci, p_slope = est(3)
    if p_level is None:
        warnings.append("the series has no noise around the fitted lines; p-value set to 0 or 1 by the jump alone")
        p_level = 0.0 if level != 0 else 1.0
    joint = None
    try:
        stat = float(params[2:4] @ np.linalg.solve(cov[2:4, 2:4], params[2:4]))
        joint = float(sps.f.sf(stat / 2.0, 2, dof))
    except np.linalg.LinAlgError:
        joint = None
    # counterfactual at the intervention day, averaged over the 7 days of the week
    grad_base = np.zeros(x.shape[1])
    grad_base[0], grad_base[1] = 1.0, float(t0 - ordinals[0])
    grad_base[4:] = 1.0 / 7.0
    baseline = float(grad_base @ params)
    rel = rel_ci = None
    base_out: float | None = None
    if baseline > 0:
        base_out = baseline
        rel = level / baseline
        grad = -level / baseline**2 * grad_base
        grad[2] += 1.0 / baseline
        se_rel = math.sqrt(max(float(grad @ cov @ grad), 0.0))
        rel_ci = (rel - crit * se_rel, rel + crit * se_rel)
    else:
        warnings.append("the expected level without the intervention is not positive, so no relative change")
    return ItsResult(
        level,
        (float(level_ci[0]), float(level_ci[1])),
        slope,
        (float(slope_ci[0]), float(slope_ci[1])),
        p_level,
        base_out,
        rel,
        rel_ci,
        n_before,
        n_after,
        tuple(warnings),
        slope_p_value=p_slope,
        joint_p_value=joint,
        maxlags=lags,
    )
