"""Calibration table: A/A false-positive rate and relative-CI coverage per method and sample size.

Post-level data as organic social data behaves (``agilesocial.stats.simulate.social_posts``): impressions
log-normal with σ = 1.5 plus a 3 % chance of a viral post at 20x the median reach, per-post engagement rates from a
Beta with concentration 50 (over-dispersed), engagements binomial. For each size (posts per arm):

- A/A: both arms from the same process, ``--aa-runs`` times; the share with p < 0.05 (target band [0.04, 0.06]);
- coverage: the variant's rates multiplied by ``--lift``, ``--cover-runs`` times; the share of 95 % relative CIs that
  contain the true lift (target band [0.93, 0.97]).

Methods: the randomisation test (``permutation``, the default) on the rate and on engagements per post, the delta
method (``ratio_delta``), Welch's t on engagements per post (``welch_t``) and the naive pooled z (``pooled_z``). Each
cell shows the rate and its 95 % binomial (Wilson) interval. Seeded: the same arguments print the same table.

    python benchmarks/calibration.py                    # the docs table (about 25 minutes on this shared machine)
    python benchmarks/calibration.py --aa-runs 300 --cover-runs 200 --sizes 5 20   # quick look
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np

from agilesocial.stats import SampleStats, permutation_test, pooled_z, ratio_delta, welch_t
from agilesocial.stats.result import TestResult
from agilesocial.stats.simulate import PostModel, social_posts

Arm = tuple[np.ndarray, np.ndarray]
METHODS: dict[str, Callable[[Arm, Arm, int, bool, int], TestResult]] = {
    "permutation (rate)": lambda c, v, b, ci, s: permutation_test(
        c[0], c[1], v[0], v[1], resamples=b, seed=s, intervals=ci
    ),
    "ratio_delta (rate)": lambda c, v, b, ci, s: ratio_delta(SampleStats.from_arrays(*c), SampleStats.from_arrays(*v)),
    "pooled_z (rate)": lambda c, v, b, ci, s: pooled_z(SampleStats.from_arrays(*c), SampleStats.from_arrays(*v)),
    "permutation (count)": lambda c, v, b, ci, s: permutation_test(
        c[0], None, v[0], None, resamples=b, seed=s, intervals=ci
    ),
    "welch_t (count)": lambda c, v, b, ci, s: welch_t(
        SampleStats.from_arrays(c[0]), SampleStats.from_arrays(v[0]), nonnegative=True
    ),
}


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959964
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def cell(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k / n:.3f} ({lo:.3f}–{hi:.3f})"


def run(args: argparse.Namespace) -> list[tuple[str, int, str, str]]:
    model = PostModel(sigma=args.sigma, viral_share=args.viral)
    rows = []
    for name, test in METHODS.items():
        for n in args.sizes:
            started = time.perf_counter()
            rng = np.random.default_rng([args.seed, n, len(name)])
            hits = 0
            for r in range(args.aa_runs):
                c, v = social_posts(rng, n, model), social_posts(rng, n, model)
                p = test(c, v, args.resamples, False, r).p_value
                hits += p is not None and p < 0.05
            covered = 0
            for r in range(args.cover_runs):
                c, v = social_posts(rng, n, model), social_posts(rng, n, model, lift=args.lift)
                ci = test(c, v, args.resamples, True, r).rel_ci
                covered += ci is not None and ci[0] <= args.lift - 1 <= ci[1]
            rows.append((name, n, cell(hits, args.aa_runs), cell(covered, args.cover_runs)))
            took = time.perf_counter() - started
            print(f"  {name:<22} n={n:<4} A/A {rows[-1][2]}  coverage {rows[-1][3]}  ({took:.0f} s)", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 20, 50, 200])
    ap.add_argument("--aa-runs", type=int, default=2000)
    ap.add_argument("--cover-runs", type=int, default=1000)
    ap.add_argument("--resamples", type=int, default=999, help="randomisation-test resamples (analyze uses 4999)")
    ap.add_argument("--lift", type=float, default=1.3, help="true multiplicative lift for the coverage runs")
    ap.add_argument("--sigma", type=float, default=1.5, help="log-normal sigma of impressions")
    ap.add_argument("--viral", type=float, default=0.03, help="share of viral posts (20x the median reach)")
    ap.add_argument("--seed", type=int, default=8)
    args = ap.parse_args()
    started = time.perf_counter()
    rows = run(args)
    print(
        f"\nσ = {args.sigma}, viral share {args.viral}, lift {args.lift}, {args.aa_runs} A/A and {args.cover_runs} "
        f"coverage runs per cell, {args.resamples} resamples, seed {args.seed}; "
        f"{time.perf_counter() - started:.0f} s\n"
    )
    print("| method | posts per arm | A/A false-positive rate (95 % CI) | 95 % CI coverage of the lift (95 % CI) |")
    print("|---|---|---|---|")
    for name, n, aa, cover in rows:
        print(f"| {name} | {n} | {aa} | {cover} |")


if __name__ == "__main__":
    main()
