"""Simulated post-level data, and power by simulation for the randomisation test.

``social_posts`` draws posts the way organic social data behaves: impressions log-normal with a heavy tail (σ up to
1.5) plus the occasional viral post at 20x the median reach, and engagements over-dispersed (each post's own rate
drawn from a Beta, so posts differ far more than binomial noise allows). The calibration benchmark and the
simulation tests use it; ``simulated_power`` instead resamples a team's own historical posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agilesocial.stats.sufficient import as_array, check_alpha, check_positive_int


@dataclass(frozen=True)
class PostModel:
    """How simulated posts are drawn.

    Attributes:
        median_impressions: median reach of an ordinary post.
        sigma: log-normal spread of impressions (1.0 uneven, 1.5 very uneven).
        viral_share: chance that a post goes viral and gets ``viral_factor`` times the median reach.
        rate: mean engagement rate per impression.
        concentration: Beta a + b of the per-post rate; smaller = more over-dispersed (50: rates of 4 % vary with
            an SD of about 2.7 points between posts).
    """

    median_impressions: float = 3000.0
    sigma: float = 1.5
    viral_share: float = 0.03
    viral_factor: float = 20.0
    rate: float = 0.04
    concentration: float = 50.0


def social_posts(
    rng: np.random.Generator, n: int, model: PostModel = PostModel(), lift: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """``(engagements, impressions)`` of ``n`` posts; ``lift`` multiplies every post's engagement rate."""
    imps = np.round(rng.lognormal(np.log(model.median_impressions), model.sigma, n)) + 1.0
    viral = rng.random(n) < model.viral_share
    imps = np.where(viral, np.round(model.viral_factor * model.median_impressions), imps)
    a = model.rate * model.concentration
    rate = rng.beta(a, model.concentration - a, n) * lift
    engagements = rng.binomial(imps.astype(np.int64), np.clip(rate, 0.0, 1.0)).astype(float)
    return engagements, imps


@dataclass(frozen=True)
class SimulatedPower:
    power: float
    runs: int
    n: int
    lift: float

    @property
    def se(self) -> float:
        """Monte Carlo standard error of ``power``."""
        return float(np.sqrt(self.power * (1 - self.power) / self.runs))


def simulated_power(
    y: Sequence[float],
    x: Sequence[float] | None,
    n: int,
    lift: float,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    runs: int = 400,
    resamples: int = 999,
    seed: int = 0,
) -> SimulatedPower:
    """Power of :func:`~agilesocial.stats.permutation.permutation_test` with ``n`` posts per arm, by simulation
    from history: each run draws two arms of ``n`` historical posts (with replacement), multiplies the variant's
    numerators by ``1 + lift`` and runs the test; the power is the share of runs with p < alpha."""
    from agilesocial.stats.permutation import permutation_test

    alpha = check_alpha(alpha)
    n = check_positive_int(n, "n", minimum=2)
    runs = check_positive_int(runs, "runs")
    ya = as_array(y, "y")
    xa = np.ones_like(ya) if x is None else as_array(x, "x")
    if ya.size < 2:
        raise ValueError(f"history has {ya.size} posts, need at least 2 to resample from")
    if lift <= -1:
        raise ValueError(f"lift == {lift!r}, must be > -1")
    rng = np.random.default_rng(seed)
    hits = 0
    for r in range(runs):
        idx = rng.integers(0, ya.size, size=2 * n)
        c, v = idx[:n], idx[n:]
        res = permutation_test(
            ya[c],
            xa[c],
            ya[v] * (1 + lift),
            xa[v],
            alpha=alpha,
            alternative=alternative,
            resamples=resamples,
            seed=seed + r + 1,
            intervals=False,
        )
        hits += res.p_value is not None and res.p_value < alpha
    return SimulatedPower(hits / runs, runs, n, lift)
