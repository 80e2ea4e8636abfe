"""Seeded calibration of the default split method (the randomisation test) on heavy-tailed post-level data.

Posts as organic social data behave: impressions log-normal with σ = 1.5 plus a 3 % chance of a viral post at 20x
the median reach, engagement rates varying between posts far beyond binomial noise (Beta, concentration 50). The
bands of issue 8 -- A/A rejection rate at alpha 0.05 in [0.04, 0.06], 95 % relative-CI coverage of a true
multiplicative lift in [0.93, 0.97] -- are checked here with a few hundred runs per size, tolerances of 3 binomial
standard errors around the nominal rate (the bigger run behind the docs table is benchmarks/calibration.py).
The delta method on the same data is shown to miss the band, which is why it is no longer the default.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from agilesocial.stats import SampleStats, permutation_test, ratio_delta
from agilesocial.stats.simulate import PostModel, social_posts

ALPHA = 0.05
SIZES = (5, 10, 20, 50, 200)
AA_RUNS = 300
COVER_RUNS = 200
RESAMPLES = 499  # any number of resamples gives a valid test; 499 keeps this file to seconds


def _tolerance(p: float, runs: int) -> float:
    return 3 * math.sqrt(p * (1 - p) / runs)


def _aa_rate(n: int, runs: int, seed: int, count: bool = False, model: PostModel = PostModel()) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for r in range(runs):
        (yc, xc), (yv, xv) = social_posts(rng, n, model), social_posts(rng, n, model)
        res = permutation_test(
            yc, None if count else xc, yv, None if count else xv, resamples=RESAMPLES, seed=r, intervals=False
        )
        assert res.p_value is not None
        hits += res.p_value < ALPHA
    return hits / runs


@pytest.mark.parametrize("n", SIZES)
def test_aa_false_positive_rate_of_the_ratio_is_alpha(n: int) -> None:
    rate = _aa_rate(n, AA_RUNS, seed=1000 + n)
    print(f"\npermutation A/A at {n} posts per arm: {rate:.3f}")
    # exact enumeration at 5 v 5 gives 12/252 = 0.048 whatever the data; the Monte Carlo p's grid gives 0.048
    assert abs(rate - ALPHA) <= _tolerance(ALPHA, AA_RUNS)


@pytest.mark.parametrize("n", (5, 20, 50))
def test_aa_false_positive_rate_of_a_count_is_alpha(n: int) -> None:
    rate = _aa_rate(n, AA_RUNS, seed=2000 + n, count=True)
    print(f"\npermutation A/A (engagements per post) at {n} posts per arm: {rate:.3f}")
    assert abs(rate - ALPHA) <= _tolerance(ALPHA, AA_RUNS)


@pytest.mark.parametrize("n", (5, 10, 20, 50))
def test_relative_ci_covers_a_true_multiplicative_lift(n: int) -> None:
    rng = np.random.default_rng(3000 + n)
    lift = 1.3
    covered = 0
    for r in range(COVER_RUNS):
        (yc, xc), (yv, xv) = social_posts(rng, n), social_posts(rng, n, lift=lift)
        res = permutation_test(yc, xc, yv, xv, resamples=RESAMPLES, seed=r)
        assert res.rel_ci is not None
        covered += res.rel_ci[0] <= lift - 1 <= res.rel_ci[1]
    rate = covered / COVER_RUNS
    print(f"\npermutation CI coverage at {n} posts per arm: {rate:.3f}")
    assert abs(rate - 0.95) <= _tolerance(0.95, COVER_RUNS)


def test_the_delta_method_is_too_hot_on_the_same_data() -> None:
    """Why the delta method is not the default any more: on 20 posts per arm it rejects about 12 % of A/A tests."""
    rng = np.random.default_rng(4000)
    runs = 600
    hits = 0
    for _ in range(runs):
        (yc, xc), (yv, xv) = social_posts(rng, 20), social_posts(rng, 20)
        p = ratio_delta(SampleStats.from_arrays(yc, xc), SampleStats.from_arrays(yv, xv)).p_value
        hits += p is not None and p < ALPHA
    rate = hits / runs
    print(f"\nratio_delta A/A at 20 posts per arm: {rate:.3f}")
    assert rate > ALPHA + _tolerance(ALPHA, runs)
