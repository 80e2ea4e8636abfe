"""Segmented regression on a daily series with Newey-West (HAC) standard errors -- the core of before/after designs.

Model (one row per covered day with data, ``t`` = days since the first day, ``t0`` = the change day)::

    y_t = b0 + b1·t + b2·post_t + b3·(t - t0)·post_t (+ 6 day-of-week dummies, Monday the reference) + e_t

fitted by weighted least squares (weights = the day's exposure for rates, its posts for per-post means). The
covariance is the Newey-West estimator with Bartlett weights ``1 - l/(L+1)``, no prewhitening, the small-sample
factor ``n/(n-k)``, and the lag rule ``L = floor(4·(n/100)^(2/9))`` -- exactly R's
``sandwich::NeweyWest(lm(y ~ X, weights = w), lag = L, prewhite = FALSE, adjust = TRUE)`` and statsmodels'
``fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True})``. (R's ``NeweyWest`` picks its lag by
``bwNeweyWest`` when ``lag`` is not given; we always pass ours. statsmodels' ``use_correction=False`` is R's
``adjust = FALSE``.) Kernel HAC is biased downward in short series, so every standard error used for a test is
``max(HAC, ordinary WLS)``; inference uses t(n - k).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_DOW_DAYS_BEFORE = 21  # day-of-week effects need at least 3 weeks before the change
NAMES_BASE = ("intercept", "time", "level_change", "slope_change")
WEEKDAYS = ("tue", "wed", "thu", "fri", "sat", "sun")


def newey_west_lags(n: int) -> int:
    """The lag rule: floor(4 (n/100)^(2/9)) (Newey & West 1994's rule of thumb)."""
    return math.floor(4 * (n / 100.0) ** (2.0 / 9.0))


def newey_west_cov(
    x: np.ndarray, resid: np.ndarray, weights: np.ndarray | None, lags: int, *, adjust: bool = True
) -> np.ndarray:
    """Newey-West sandwich of a (weighted) least-squares fit: bread (X'WX)^-1, meat from the scores w·e·x with
    Bartlett weights; times n/(n-k) when ``adjust`` (sandwich's ``adjust = TRUE``)."""
    n, k = x.shape
    w = np.ones(n) if weights is None else weights
    scores = x * (w * resid)[:, None]
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        g = scores[lag:].T @ scores[:-lag]
        meat += (1.0 - lag / (lags + 1.0)) * (g + g.T)
    bread = np.linalg.inv(x.T @ (x * w[:, None]))
    cov = bread @ meat @ bread
    return cov * n / (n - k) if adjust else cov


@dataclass(frozen=True)
class SegmentedFit:
    """A fitted segmented regression.

    Attributes:
        names: column names (``intercept``, ``time``, ``level_change``, ``slope_change``, then weekdays).
        params: coefficients; cov_hac / cov_ols: Newey-West and ordinary (W)LS covariances.
        days: the days (ordinals, sorted); x: the design; x_cf: the same rows with the change switched off.
        y, w: values and weights (ones when unweighted); post: 1.0 on days from the change.
        day_of_week: whether weekday terms are in; lags: the HAC lag; dof: n - k.
    """

    names: tuple[str, ...]
    days: np.ndarray
    params: np.ndarray
    cov_hac: np.ndarray
    cov_ols: np.ndarray
    x: np.ndarray
    x_cf: np.ndarray
    y: np.ndarray
    w: np.ndarray
    post: np.ndarray
    day_of_week: bool
    lags: int
    dof: int

    @property
    def fitted(self) -> np.ndarray:
        return self.x @ self.params

    @property
    def counterfactual(self) -> np.ndarray:
        return self.x_cf @ self.params

    def se(self, contrast: np.ndarray) -> tuple[float, float]:
        """(HAC, ordinary) standard errors of ``contrast @ params``."""
        hac = float(contrast @ self.cov_hac @ contrast)
        ols = float(contrast @ self.cov_ols @ contrast)
        return math.sqrt(max(hac, 0.0)), math.sqrt(max(ols, 0.0))


def _weekday_columns(ordinals: np.ndarray) -> np.ndarray:
    # date.fromordinal(o).weekday() == (o - 1) % 7 (0 = Monday)
    weekday = (ordinals - 1) % 7
    return np.column_stack([(weekday == k).astype(float) for k in range(1, 7)])


def segmented_fit(
    ordinals: Sequence[int] | np.ndarray,
    values: Sequence[float] | np.ndarray,
    change: int,
    *,
    weights: Sequence[float] | np.ndarray | None = None,
    day_of_week: bool | None = None,
    lags: int | None = None,
) -> SegmentedFit:
    """Fit the segmented regression of ``values`` on days ``ordinals`` (``date.toordinal()``) with the change on
    day ``change``.

    ``day_of_week``: None = include weekday terms when at least 21 days before the change have data and the design
    stays of full rank. Raises ValueError when the series cannot carry the model (fewer than 2 days on a side,
    fewer days than parameters + 2, duplicate days, non-positive weights).
    """
    o = np.asarray(ordinals, dtype=np.int64)
    y = np.asarray(values, dtype=float)
    if o.shape != y.shape or o.ndim != 1:
        raise ValueError(f"days has {o.size} entries but values has {y.size}")
    if not np.all(np.isfinite(y)):
        raise ValueError("values must be finite numbers")
    if np.unique(o).size != o.size:
        raise ValueError("days contain duplicates; pass one value per day")
    order = np.argsort(o)
    o, y = o[order], y[order]
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)[order]
    if w.shape != y.shape or not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError("weights must be positive and one per day")
    post = (o >= change).astype(float)
    n_after = int(post.sum())
    n_before = y.size - n_after
    if n_before < 2 or n_after < 2:
        raise ValueError(f"need at least 2 days both before and from the change (have {n_before} and {n_after})")
    time = (o - o[0]).astype(float)
    tsi = np.where(post > 0, o - change, 0).astype(float)
    base = np.column_stack([np.ones(y.size), time, post, tsi])
    base_cf = np.column_stack([np.ones(y.size), time, np.zeros(y.size), np.zeros(y.size)])
    use_dow = n_before >= MIN_DOW_DAYS_BEFORE if day_of_week is None else day_of_week
    names: tuple[str, ...] = NAMES_BASE
    x, x_cf = base, base_cf
    if use_dow:
        dow = _weekday_columns(o)
        cand = np.column_stack([base, dow])
        before_days = (o[post == 0] - 1) % 7
        if y.size >= cand.shape[1] + 2 and np.unique(before_days).size == 7 and np.linalg.matrix_rank(cand) == 10:
            x, x_cf, names = cand, np.column_stack([base_cf, dow]), NAMES_BASE + WEEKDAYS
        elif day_of_week:
            raise ValueError("too few days to tell day-of-week effects from the trend")
        else:
            use_dow = False
    n, k = x.shape
    if n < k + 2:
        raise ValueError(f"{n} days are too few for {k} parameters; need at least {k + 2}")
    sw = np.sqrt(w)
    beta, *_ = np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)
    resid = y - x @ beta
    xtwx_inv = np.linalg.inv(x.T @ (x * w[:, None]))
    sigma2 = float(np.sum(w * resid**2)) / (n - k)
    lag = newey_west_lags(n) if lags is None else lags
    cov_hac = newey_west_cov(x, resid, w, lag)
    return SegmentedFit(names, o, beta, cov_hac, sigma2 * xtwx_inv, x, x_cf, y, w, post, bool(use_dow), lag, n - k)
