"""Calibrate benchmark: ``run_calibration`` (what ``agile-social calibrate`` runs) on 500 posts, 1000 runs, against the
per-split loop it replaces, measured in the same run.

Builds a warehouse holding ``--posts`` posts of one account (heavy-tailed impressions with viral posts and
over-dispersed engagements, ``stats.simulate.social_posts``), then times:

(a) calibrate: ``run_calibration`` end to end -- SQL, every method at every size (default 5, 10, 20, 50 posts per
    arm), the 80 %-power lifts, storing the table. Target: under 10 s for 1000 runs over 500 posts.
(b) loop: the same A/A false-positive rates the plain way, one stats-function call per split and method
    (``permutation_test`` with the same resamples, ``ratio_delta``, ``welch_t`` ...), timed on ``--loop-runs`` splits
    and scaled to ``--runs`` (no power search: the loop would need it on top).

Prints both times and (b)/(a).

    python benchmarks/calibrate.py                 # 500 posts, 1000 runs
    python benchmarks/calibrate.py --posts 2000 --runs 2000
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml


def build(root: Path, posts: int, seed: int) -> Path:
    from agilesocial.stats.simulate import social_posts
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.current import rebuild_current

    (root / "agile-social.yaml").write_text(yaml.safe_dump({"version": 1, "warehouse": "wh.duckdb"}))
    y, x = social_posts(np.random.default_rng(seed), posts)
    db = root / "wh.duckdb"
    with warehouse(db) as con:
        con.executemany(
            "INSERT INTO posts (platform, account, post_id, published_at) VALUES "
            "('facebook', 'bench', ?, TIMESTAMPTZ '2026-01-01 09:00:00+00' + to_days(?))",
            [[f"p{i}", i % 300] for i in range(posts)],
        )
        con.executemany(
            "INSERT INTO post_metrics (platform, post_id, kind, metric_date, impressions, engagements) "
            "VALUES ('facebook', ?, 'lifetime', DATE '2026-11-30', ?, ?)",
            [[f"p{i}", int(x[i]), int(y[i])] for i in range(posts)],
        )
        rebuild_current(con)  # rows written by hand, not by ingest
    return db


def loop_time(y: np.ndarray, x: np.ndarray, sizes: list[int], runs: int, resamples: int) -> float:
    """Seconds for ``runs`` splits per size with one stats call per split and method."""
    from agilesocial import stats
    from agilesocial.stats import SampleStats
    from agilesocial.stats.permutation import permutation_test

    rng = np.random.default_rng(1)
    start = time.perf_counter()
    for m in sizes:
        for r in range(runs):
            idx = rng.permutation(y.size)[: 2 * m]
            c, v = idx[:m], idx[m:]
            permutation_test(y[c], x[c], y[v], x[v], resamples=resamples, seed=r, intervals=False, min_n=1)
            sc, sv = SampleStats.from_arrays(y[c], x[c]), SampleStats.from_arrays(y[v], x[v])
            stats.ratio_delta(sc, sv)
            stats.pooled_z(sc, sv)
            rc, rv = SampleStats.from_arrays(y[c] / x[c]), SampleStats.from_arrays(y[v] / x[v])
            stats.welch_t(rc, rv)
            stats.student_t(rc, rv)
            stats.mann_whitney(y[c] / x[c], y[v] / x[v])
            stats.poisson_exact(y[c].sum(), x[c].sum(), y[v].sum(), x[v].sum())
            stats.count_glm(y[c], x[c], y[v], x[v], family="poisson")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--loop-runs", type=int, default=50, help="splits the loop baseline is timed on")
    parser.add_argument("--sizes", default="5,10,20,50")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from agilesocial.analysis.calibrate import run_calibration
    from agilesocial.config import load_project
    from agilesocial.stats.calibration import PERMUTATION_RESAMPLES
    from agilesocial.stats.simulate import social_posts

    root = Path(tempfile.mkdtemp(prefix="agile-social-bench-calibrate-"))
    try:
        build(root, args.posts, args.seed)
        project = load_project(root, required=True)
        start = time.perf_counter()
        report = run_calibration(
            project, platform="facebook", account="bench", runs=args.runs, sizes=sizes, seed=args.seed
        )
        calibrate = time.perf_counter() - start
        y, x = social_posts(np.random.default_rng(args.seed), args.posts)
        loop = loop_time(y, x, sizes, args.loop_runs, PERMUTATION_RESAMPLES) * args.runs / args.loop_runs
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"posts {args.posts}, runs {args.runs}, posts per arm {sizes}, {len(report.results)} method x size rows")
    for r in report.results:
        if r.posts_per_arm == sizes[-1]:
            print(f"  {r.method:14s} {r.posts_per_arm:3d}/arm  A/A {r.rate:6.1%}  {r.verdict}")
    print(f"(a) calibrate (run_calibration, with power search): {calibrate:7.2f} s   target < 10 s")
    print(f"(b) per-split loop, A/A only (scaled from {args.loop_runs} runs): {loop:7.2f} s")
    print(f"(b)/(a) = {loop / calibrate:.1f}x")
    return 0 if calibrate < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
