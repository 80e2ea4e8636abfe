"""One query for every experiment's sufficient statistics, and the randomisation test's shared draws."""

from __future__ import annotations

import math
from itertools import combinations
from pathlib import Path

import numpy as np

from agilesocial.analysis.selection import project_zone, variant_sql
from agilesocial.analysis.sufficient import fetch_all_sums, fetch_sums, metric_fields
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.metrics import BUILTIN_METRICS
from agilesocial.stats import draws, permutation
from agilesocial.warehouse.connection import warehouse
from test_analysis_support import make_warehouse, post, split_posts


def _experiment(eid: str, variants: list[tuple[str, dict[str, object]]], **extra: object) -> Experiment:
    return Experiment.model_validate(
        {"id": eid, "platform": "facebook", "variants": [{"name": n, "selector": s} for n, s in variants], **extra}
    )


def test_one_query_returns_what_each_experiments_own_query_returns(tmp_path: Path) -> None:
    posts = split_posts(23, 17, control_rate=0.031, variant_rate=0.044)
    posts.append(post("nulls", "2026-10-28T10:00:00+00:00", post_type="Reels", impressions=None, engagements=5))
    posts.append(post("both", "2026-10-29T10:00:00+00:00", post_type="Reels", labels=["x"], impressions=9))
    db = make_warehouse(tmp_path / "w.duckdb", posts)
    by_type = [("photos", {"post_type": ["Photos"]}), ("reels", {"post_type": ["Reels"]})]
    three = [*by_type, ("labelled", {"labels": ["x"]})]  # 'both' matches two variants: an overlap
    planned = [
        (_experiment("wide", by_type), [BUILTIN_METRICS[m] for m in ("engagement_rate", "comments", "link_ctr")]),
        (_experiment("narrow", three), [BUILTIN_METRICS["impressions"]]),  # fewer columns: padded with NULLs
        (_experiment("none", by_type, platform="instagram"), [BUILTIN_METRICS["engagement_rate"]]),  # no posts
        (
            _experiment("window", by_type, window={"start": "2026-10-28", "end": "2026-10-30"}),
            [BUILTIN_METRICS["reach"]],
        ),
    ]
    zone = project_zone("UTC")
    parts = [(variant_sql(e, zone, "post_latest", metric_fields(m)), m) for e, m in planned]
    with warehouse(db, read_only=True) as con:
        together = fetch_all_sums(con, parts)
        alone = [fetch_sums(con, sel, metrics) for sel, metrics in parts]
    assert together == alone
    assert together[0].posts == (23, 19) and together[1].overlap == 1 and together[2].posts == (0, 0)
    assert 0 < sum(together[3].posts) < sum(together[0].posts)


def test_draws_are_the_seeded_splits_whether_drawn_or_reused() -> None:
    key = (300, 120, 999, 42)
    expected = list(draws._draw(key))  # the draws as the test makes them inline
    assert sum(len(e) for e in expected) == 999 and all((e.sum(axis=1) == 120).all() for e in expected)
    assert not np.array_equal(expected[0][0], expected[0][1])  # independent rows
    draws._DRAWN.clear()
    fresh = list(draws.masks(*key))
    assert key in draws._DRAWN
    reused = list(draws.masks(*key))
    for got in (fresh, reused):
        assert len(got) == len(expected)
        assert all(np.array_equal(g, e) and g.dtype == np.uint8 for g, e in zip(got, expected, strict=True))


def _subset_counts(rows: np.ndarray) -> np.ndarray:
    """How often each split (the set of posts with a 1) occurs, over every split that occurs."""
    codes = rows.astype(np.int64) @ (1 << np.arange(rows.shape[1], dtype=np.int64))
    return np.unique(codes, return_counts=True)[1]


def test_every_split_is_equally_likely() -> None:
    from scipy.stats import chisquare

    rng = np.random.default_rng(2026)
    # 6 posts: every split of k among 6 (the joins over- and undershoot, both fixes run); 16 posts, 2 or 14 in the
    # variant: the few joined posts are removed by proposals among themselves (and the larger arm is the complement)
    for n, n_v in ((6, 1), (6, 2), (6, 3), (6, 5), (16, 2), (16, 14)):
        rows = np.concatenate([draws._splits(rng, 4000, n, n_v) for _ in range(10)])
        assert (rows.sum(axis=1) == n_v).all()
        counts = _subset_counts(rows)
        assert counts.size == math.comb(n, n_v)  # every split occurs ...
        assert chisquare(counts).pvalue > 0.001, (n, n_v)  # ... equally often
    rows = np.concatenate([draws._splits(rng, 1000, 5000, 2400) for _ in range(5)])
    assert (rows.sum(axis=1) == 2400).all()
    share = rows.mean(axis=0)  # each post's share of splits it is in: 2400/5000, binomial noise sd 0.007
    assert abs(share.mean() - 0.48) < 1e-12 and np.abs(share - 0.48).max() < 0.04
    assert abs(np.corrcoef(rows[:, 0], rows[:, 1])[0, 1]) < 0.05  # two posts: nearly independent


def test_guardrail_reusing_the_draws_gets_the_same_result_as_a_fresh_run() -> None:
    rng = np.random.default_rng(3)
    xc, xv = rng.integers(100, 900, 40).astype(float), rng.integers(100, 900, 45).astype(float)
    yc, yv = rng.poisson(xc * 0.04).astype(float), rng.poisson(xv * 0.05).astype(float)
    draws._DRAWN.clear()
    fresh = permutation.permutation_test(yc, xc, yv, xv, seed=11)
    permutation.permutation_test(yc, None, yv, None, seed=11)  # another metric on the same posts: same draws
    reused = permutation.permutation_test(yc, xc, yv, xv, seed=11)
    assert reused == fresh and not fresh.exact


def test_exact_enumeration_sums_every_split_once() -> None:
    y = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0])
    x = np.array([10.0, 20.0, 30.0, 20.0, 50.0, 90.0, 20.0, 60.0, 50.0])
    res = permutation._Resamples(y, x, 4, 4999, 0)
    assert res.exact and res.count == math.comb(9, 5)
    want = sorted(sum(y[list(i)]) for i in combinations(range(9), 5))
    w = res.sums[permutation._U] + res.sums[permutation._W]  # every post's y in the variant group
    assert sorted(w[1:]) == want and w[0] == y[4:].sum()


def test_draws_made_ahead_are_the_same_draws_and_nobody_waits_for_keys_never_asked() -> None:
    keys = [(7000, 3000, 999, 1), (300, 150, 999, 2), (12, 6, 999, 3), (5000, 40, 999, 4), (800, 400, 999, 5)]
    draws._DRAWN.clear()
    with draws.drawing_ahead(keys):
        for key in (keys[1], keys[4], keys[0]):  # out of order, the enumerable one and keys[3] never asked
            got = list(draws.masks(*key))
            want = list(draws._draw(key))
            assert len(got) == len(want) and all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))
    assert draws._AHEAD is None  # the thread is gone with the block


def test_a_test_inside_drawing_ahead_gives_the_result_of_one_outside() -> None:
    rng = np.random.default_rng(8)
    arms = []
    for _ in range(3):
        xc, xv = rng.integers(100, 900, 60).astype(float), rng.integers(100, 900, 50).astype(float)
        arms.append((rng.poisson(xc * 0.04).astype(float), xc, rng.poisson(xv * 0.05).astype(float), xv))
    draws._DRAWN.clear()
    alone = [permutation.permutation_test(*a, seed=s) for s, a in enumerate(arms)]
    draws._DRAWN.clear()
    keys = [(a[0].size + a[2].size, a[2].size, permutation.DEFAULT_RESAMPLES, s) for s, a in enumerate(arms)]
    with draws.drawing_ahead(keys):
        ahead = [permutation.permutation_test(*a, seed=s) for s, a in enumerate(arms)]
    assert ahead == alone
