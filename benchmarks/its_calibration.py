"""Before/after benchmark: the calibration simulations of ``tests/test_its_simulation.py`` at full size, and the
fit's speed against statsmodels (the baseline, measured in the same run).

(a) calibration: A/A rejection rate and CI coverage of a known level change, single and comparative designs, for
    several before/after lengths (``--sims`` series each; targets [0.03, 0.07] and [0.93, 0.97]);
(b) speed: ``stats.segmented_fit`` (numpy WLS + Newey-West) vs statsmodels ``WLS(...).fit(cov_type="HAC")`` plus
    the ordinary fit it needs for the floor, on the same 56-day series; prints statsmodels / ours (target >= 2).

    python benchmarks/its_calibration.py               # 4000 series per cell
    python benchmarks/its_calibration.py --sims 1000   # quicker
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from agilesocial import stats
from its_simulate import START, simulate


def calibration(sims: int) -> bool:
    ok = True
    print(f"{'design':<12} {'before+after':>12} {'A/A rate':>9} {'coverage (+30 %)':>17}")
    for comparative in (False, True):
        for pre, post in ((14, 14), (28, 28), (56, 28), (42, 14)):
            rate, _ = simulate(sims, pre, post, 0.0, seed=pre * 100 + post, comparative=comparative)
            _, cover = simulate(sims, pre, post, 0.3, seed=pre * 100 + post + 1, comparative=comparative)
            good = 0.03 <= rate <= 0.07 and 0.93 <= cover <= 0.97
            ok &= good
            name = "comparative" if comparative else "single"
            print(f"{name:<12} {f'{pre} + {post}':>12} {rate:>9.3f} {cover:>17.3f}{'' if good else '  OUT OF RANGE'}")
    return ok


def speed(repeat: int) -> float:
    import statsmodels.api as sm

    rng = np.random.default_rng(0)
    days = np.arange(START, START + 56)
    w = rng.lognormal(7, 0.4, size=56)
    y = 0.02 + rng.normal(0, 0.002, size=56)
    fit = stats.segmented_fit(days, y, START + 28, weights=w)

    def ours() -> None:
        stats.interrupted_time_series(days, y, START + 28, weights=w)

    def baseline() -> None:
        model = sm.WLS(y, fit.x, weights=w)
        model.fit()
        model.fit(cov_type="HAC", cov_kwds={"maxlags": fit.lags, "use_correction": True})

    best = {}
    for name, fn in (("ours", ours), ("statsmodels", baseline)):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(repeat):
                fn()
            times.append((time.perf_counter() - t) / repeat)
        best[name] = min(times)
    ratio = best["statsmodels"] / best["ours"]
    print(f"fit + effect: ours {best['ours'] * 1e3:.2f} ms, statsmodels {best['statsmodels'] * 1e3:.2f} ms "
          f"-> statsmodels / ours = {ratio:.1f} (target >= 2)")  # fmt: skip
    return ratio


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sims", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    ok = calibration(args.sims)
    ratio = speed(args.repeat)
    return 0 if ok and ratio >= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
