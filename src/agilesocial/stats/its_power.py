"""How many more days after the change a before/after model needs to detect a planned effect.

The projection keeps the fitted model and extends the after period one calendar day at a time -- and the before
period with it, when the plan lets the fitted before period grow with the after period (``before_span``). Each
future day gets its side's information per calendar day so far (the mean weight times the share of calendar days
that had data), the fit's residual variance, and the fit's own inflation of the ordinary standard error (the used
``max(HAC, ordinary)`` over the ordinary one). The average after-days effect's standard error at ``k`` more days is

    se_k = sqrt(inflation · sigma² · c_k' (X_k' W_k X_k)^-1 c_k)

with ``c_k`` the effect's contrast over all after days (level change plus slope change times the mean days since the
change). The answer is the smallest ``k`` with ``se_k · (t_{1-alpha/2} + t_power) <= |effect to detect|`` (the
normal-approximation power rule on the model's t(n - k)), or None when no ``k`` up to ``horizon`` reaches it. A
trend model extrapolates its before-period line, so with a fixed before period the standard error can GROW with
more after days: then more days alone never get there, and None says so. It is a projection under "the coming days
are as noisy and as regular as the days so far".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from agilesocial.stats.timeseries import SegmentedFit

HORIZON_DAYS = 365


@dataclass(frozen=True)
class Detect:
    """What to detect: a relative effect with a power; ``before_span`` maps after-period calendar days to the
    before-period calendar days the plan would then fit (None: the before period stays as it is)."""

    lift: float
    power: float
    before_span: Callable[[int], int] | None = None


def _row(day: int, first: int, change: int, weekdays: bool) -> np.ndarray:
    after = day >= change
    base = [1.0, float(day - first), 1.0 if after else 0.0, float(day - change) if after else 0.0]
    if weekdays:
        weekday = (day - 1) % 7  # date.fromordinal(o).weekday()
        base += [1.0 if weekday == k else 0.0 for k in range(1, 7)]
    return np.array(base)


def days_to_detect(
    fit: SegmentedFit,
    target: float,
    *,
    alpha: float,
    power: float,
    before_span: Callable[[int], int] | None = None,
    horizon: int = HORIZON_DAYS,
) -> int | None:
    """More calendar days after the change (0: none) until the model would detect an average effect of size
    ``|target|`` (metric units) with probability ``power`` in a two-sided test at ``alpha``; None when no number of
    days up to ``horizon`` does, or when the series carries no information about its noise."""
    if not (0 < alpha < 1 and 0 < power < 1) or not math.isfinite(target) or target == 0:
        raise ValueError("alpha and power must lie in (0, 1) and the target must be a non-zero number")
    x, w, post, days = fit.x, fit.w, fit.post > 0, fit.days
    n, k = x.shape
    resid = fit.y - fit.fitted
    sigma2 = float(np.sum(w * resid**2)) / (n - k)
    c0 = (x[post] - fit.x_cf[post]).T @ w[post] / w[post].sum()
    se_ols2 = float(c0 @ fit.cov_ols @ c0)
    if sigma2 <= 0 or se_ols2 <= 0:
        return None
    inflation = max(1.0, float(c0 @ fit.cov_hac @ c0) / se_ols2)
    first, last = int(days[0]), int(days[-1])
    change = int(days[post][0]) - round(x[post][0, 3])  # the first after day minus its days since the change
    after_span, before_span_now = last - change + 1, change - first
    after_info = float(w[post].sum()) / after_span  # information per calendar day so far, each side
    before_info = float(w[~post].sum()) / before_span_now
    xtwx = x.T @ (x * w[:, None])
    after_w = float(w[post].sum())
    after_t = float(w[post] @ x[post][:, 3])  # weighted sum of days since the change
    crit = float(special.stdtrit(n - k, 1 - alpha / 2)) + float(special.stdtrit(n - k, power))
    weekdays, earliest = k > 4, first
    for extra in range(0, horizon + 1):
        if extra:
            day = last + extra
            xtwx += after_info * np.outer(*(2 * (_row(day, first, change, weekdays),)))
            after_w += after_info
            after_t += after_info * (day - change)
            wanted = change - before_span(after_span + extra) if before_span is not None else earliest
            while earliest > wanted:
                earliest -= 1
                xtwx += before_info * np.outer(*(2 * (_row(earliest, first, change, weekdays),)))
        c = np.zeros(k)
        c[2], c[3] = 1.0, after_t / after_w
        var = sigma2 * inflation * float(c @ np.linalg.solve(xtwx, c))
        if math.sqrt(max(var, 0.0)) * crit <= abs(target):
            return extra
    return None
