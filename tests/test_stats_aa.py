"""Seeded A/A simulation: under no true difference each default method must reject about alpha of the time.

Data mimic post-level social data: impressions per post lognormal, each post's true engagement rate drawn from a
Beta (so posts differ far more than binomial noise allows), engagements binomial given impressions and rate.
The naive pooled-impressions z test on the same data rejects far more often than alpha (anti-conservative).
Rates are printed (run with ``-s``) and recorded in docs/statistics.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from agilesocial import stats

ALPHA = 0.05
TOL = 0.02
SIMS = 2000
GLM_SIMS = 1000  # a negative-binomial fit takes ~7 ms; 1000 sims keep the run short (tolerance = 2.9 SE)
POSTS = 200  # uneven impressions (lognormal sigma 1): 200 posts count like ~80 equal ones
SMALL_POSTS = 40  # ~15 effective posts: ratio_delta warns, and its false-positive rate is reported


def _simulate(posts: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    impressions = np.round(rng.lognormal(mean=8.0, sigma=1.0, size=(SIMS, 2, posts))) + 1
    rate = rng.beta(2.0, 48.0, size=(SIMS, 2, posts))  # mean 4 %, strongly varying per post
    engagements = rng.binomial(impressions.astype(np.int64), rate).astype(float)
    return engagements, impressions


@pytest.fixture(scope="module")
def post_data() -> tuple[np.ndarray, np.ndarray]:
    return _simulate(POSTS, 20261127)


def _stats(y: np.ndarray, x: np.ndarray | None = None) -> stats.SampleStats:
    """Vectorised per-arm sums (what SQL would return), built without from_arrays."""
    if x is None:
        return stats.SampleStats(n=y.size, sum_y=float(y.sum()), sum_y2=float((y * y).sum()))
    return stats.SampleStats(
        n=y.size,
        sum_y=float(y.sum()),
        sum_y2=float((y * y).sum()),
        sum_x=float(x.sum()),
        sum_x2=float((x * x).sum()),
        sum_xy=float((x * y).sum()),
    )


def _rate(pvalues: list[float | None]) -> float:
    assert all(p is not None for p in pvalues), "every simulated A/A test must produce a p-value"
    rate = float(np.mean(np.asarray(pvalues, dtype=float) < ALPHA))
    return rate


def test_aa_ratio_delta_and_pooled_z(post_data: tuple[np.ndarray, np.ndarray]) -> None:
    y, x = post_data
    delta, pooled = [], []
    for s in range(SIMS):
        c, v = _stats(y[s, 0], x[s, 0]), _stats(y[s, 1], x[s, 1])
        delta.append(stats.ratio_delta(c, v).p_value)
        pooled.append(stats.pooled_z(c, v).p_value)
    fpr_delta, fpr_pooled = _rate(delta), _rate(pooled)
    print(f"\nA/A false-positive rate at alpha 0.05: ratio_delta {fpr_delta:.4f}, pooled_z {fpr_pooled:.4f}")
    assert abs(fpr_delta - ALPHA) <= TOL
    assert fpr_pooled > 0.5  # anti-conservative by an order of magnitude on overdispersed post data


def test_aa_ratio_delta_small_arms_warns() -> None:
    """With few effective posts the delta method is optimistic; it must say so, and stay below 2 × alpha."""
    y, x = _simulate(SMALL_POSTS, 99)
    results = [stats.ratio_delta(_stats(y[s, 0], x[s, 0]), _stats(y[s, 1], x[s, 1])) for s in range(SIMS)]
    fpr = _rate([r.p_value for r in results])
    warned = np.mean([any("weigh like" in w for w in r.warnings) for r in results])
    print(
        f"\nA/A false-positive rate at alpha 0.05 with {SMALL_POSTS} posts/arm: ratio_delta {fpr:.4f} "
        f"(effective-n warning in {warned:.1%})"
    )
    assert warned > 0.95
    assert fpr < 2 * ALPHA


def test_aa_welch_t(post_data: tuple[np.ndarray, np.ndarray]) -> None:
    y, _ = post_data
    p = [stats.welch_t(_stats(y[s, 0]), _stats(y[s, 1])).p_value for s in range(SIMS)]
    fpr = _rate(p)
    print(f"\nA/A false-positive rate at alpha 0.05: welch_t {fpr:.4f}")
    assert abs(fpr - ALPHA) <= TOL


def test_aa_count_glm(post_data: tuple[np.ndarray, np.ndarray]) -> None:
    y, x = post_data
    results = [stats.count_glm(y[s, 0], x[s, 0], y[s, 1], x[s, 1]) for s in range(GLM_SIMS)]
    fpr = _rate([r.p_value for r in results])
    share_nb = np.mean([r.method == "negbin" for r in results])
    print(f"\nA/A false-positive rate at alpha 0.05: count_glm {fpr:.4f} (negbin chosen in {share_nb:.1%})")
    assert share_nb > 0.95  # the overdispersion test notices the per-post rate variation
    assert abs(fpr - ALPHA) <= TOL


def test_aa_two_proportion_user_level() -> None:
    rng = np.random.default_rng(7)
    n_c, n_v = 4000, 4200
    succ = rng.binomial([n_c, n_v], 0.03, size=(SIMS, 2))
    p = [stats.two_proportion(int(a), n_c, int(b), n_v).p_value for a, b in succ]
    fpr = _rate(p)
    print(f"\nA/A false-positive rate at alpha 0.05: two_proportion {fpr:.4f}")
    assert abs(fpr - ALPHA) <= TOL
