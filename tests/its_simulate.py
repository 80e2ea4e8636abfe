"""Seeded simulations of daily engagement rates for the before/after calibration checks (tests and benchmarks)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from agilesocial import stats

START = dt.date(2026, 1, 5).toordinal()  # a Monday


def simulate(
    sims: int, pre: int, post: int, level: float, seed: int, *, ar: float = 0.3, comparative: bool = False
) -> tuple[float, float]:
    """(rejection rate at alpha 0.05, CI coverage of the true average effect) over ``sims`` seeded series.

    Daily impressions are lognormal; the daily rate has a trend, a weekend lift, AR(1) log-noise (``ar``), and
    ``level`` (relative) from the change on; engagements are Poisson. Comparative: a control series with the same
    trend and its own noise, untouched by the change.
    """
    rng = np.random.default_rng(seed)
    days = np.arange(START, START + pre + post)
    change = START + pre
    weekend = ((days - 1) % 7) >= 5
    after = days >= change
    base = 0.02 * (1 + 0.002 * (days - START)) * np.where(weekend, 1.1, 1.0)
    mult = np.where(after, 1 + level, 1.0)

    def noise() -> np.ndarray:
        shocks = rng.normal(0, 0.06, size=(sims, days.size))
        e = np.zeros_like(shocks)
        for i in range(days.size):
            e[:, i] = (ar * e[:, i - 1] if i else 0) + shocks[:, i]
        return e

    imps = rng.lognormal(7.0, 0.4, size=(sims, days.size))
    eng = rng.poisson(imps * base * mult * np.exp(noise()))
    c_imps = rng.lognormal(7.0, 0.4, size=(sims, days.size))
    c_eng = rng.poisson(c_imps * base * np.exp(noise()))
    rejected = covered = 0
    for s in range(sims):
        w = imps[s]
        truth = float(np.sum((w * base * (mult - 1))[after]) / w[after].sum())
        if comparative:
            r = stats.comparative_its(
                days, eng[s] / w, c_eng[s] / c_imps[s], change, treated_weights=w, control_weights=c_imps[s]
            )
        else:
            r = stats.interrupted_time_series(days, eng[s] / w, change, weights=w)
        rejected += r.p_value < 0.05
        covered += r.effect_ci[0] <= truth <= r.effect_ci[1]
    return rejected / sims, covered / sims
