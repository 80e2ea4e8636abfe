"""A/A calibration on a team's own history: split real posts at random into two arms many times and count how often
each method calls a difference that cannot exist.

Each size ``m`` draws ``runs`` random splits of ``2m`` distinct historical posts (``m`` per arm, without
replacement; seeded). The draws are one index matrix, so every sufficient statistic of every run comes from
vectorised sums over it: no Python loop per run except for the tests that need one (the randomisation test's own
resamples, the exact Poisson test). A method's false-positive rate is the share of runs with ``p < alpha``, with an
exact (Clopper-Pearson) 95 % interval; the verdict is *too hot* when that interval lies wholly above alpha + 20 %
(0.06 at alpha 0.05), *too cold* when it lies wholly below alpha - 20 % (0.04), else *calibrated*.

The lift detectable with 80 % power is the smallest multiplicative lift of the variant's numerators (engagements,
clicks ...) that the method detects in 80 % of the same splits (bisection on the lift; the same random splits at
every lift). It is only reported for methods that hold their false-positive rate: the power of a test that is too hot
is not a property worth planning with. The randomisation test is run on all splits at once (see
:mod:`.calibration_splits`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from agilesocial.stats.calibration_splits import Arms, Randomisation
from agilesocial.stats.rates import binom_test_p_many, clopper_pearson
from agilesocial.stats.sufficient import as_array, check_alpha, check_positive_int

RATIO_METHODS = ("permutation", "ratio_delta", "welch_t", "student_t", "mann_whitney", "poisson_exact", "poisson",
                 "pooled_z")  # fmt: skip
COUNT_METHODS = ("permutation", "welch_t", "student_t", "mann_whitney", "poisson_exact", "poisson")
#: methods of the registry not calibrated here, and why (shown in the report)
NOT_CALIBRATED = {
    "negbin": "a likelihood fit per split is too slow for 1000 splits",
    "bayesian": "it reports a chance to beat the control, not a p-value",
    "two_proportion": "a test of people (unit: user), not of posts",
    "chi_square": "a test of people (unit: user), not of posts",
    "fisher": "a test of people (unit: user), not of posts",
}
PERMUTATION_RESAMPLES = 999  # exact at any number; 999 keeps the rejection rate at p < 0.05 at 4.9 %
POWER = 0.8
MAX_LIFT = 10.0  # search lifts up to +900 %
BISECTIONS = 10  # lift to within 2^-10 of log(10) (about 0.2 %)


@dataclass(frozen=True)
class MethodCalibration:
    """One method at one number of posts per arm."""

    method: str
    posts_per_arm: int
    runs: int
    rejections: int
    alpha: float
    ci: tuple[float, float]  # Clopper-Pearson 95 % interval of the false-positive rate
    verdict: str  # calibrated | too hot | too cold
    mde: float | None  # relative lift detectable with 80 % power; None when not reported or beyond +900 %
    mde_note: str | None = None  # why the lift is not reported
    mde_above: float | None = None  # the largest lift searched (9.0 = +900 %), when even that is not detected
    no_p_value: int = 0  # runs where the method could not produce a p-value (counted as no rejection)

    @property
    def rate(self) -> float:
        return self.rejections / self.runs

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "posts_per_arm": self.posts_per_arm,
            "runs": self.runs,
            "rejections": self.rejections,
            "false_positive_rate": self.rate,
            "ci": list(self.ci),
            "alpha": self.alpha,
            "verdict": self.verdict,
            "mde": self.mde,
            "mde_note": self.mde_note,
            "mde_above": self.mde_above,
            "no_p_value": self.no_p_value,
        }


TOLERANCE = 0.2  # a rate within alpha +/- 20 % (0.04 to 0.06 at alpha 0.05) counts as calibrated


def verdict(rejections: int, runs: int, alpha: float) -> tuple[str, tuple[float, float]]:
    """(calibrated | too hot | too cold, the exact 95 % interval of the rejection rate).

    Too hot when the whole interval lies above ``alpha (1 + TOLERANCE)``, too cold when it lies below
    ``alpha (1 - TOLERANCE)``: a method is only called off when the runs prove it is off by more than the band the
    issue sets for a calibrated default (0.04 to 0.06 at alpha 0.05). Testing against alpha itself would call one
    in 20 perfectly calibrated methods hot or cold, and a report holds dozens of them.
    """
    lo, hi = clopper_pearson(rejections, runs, 0.05)
    if lo > alpha * (1 + TOLERANCE):
        return "too hot", (lo, hi)
    if hi < alpha * (1 - TOLERANCE):
        return "too cold", (lo, hi)
    return "calibrated", (lo, hi)


def _t_p(stat: np.ndarray, df: np.ndarray | float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return 2 * sps.t.sf(np.abs(stat), df)


def _ratio_var(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ratio of sums per run and its delta-method variance (as ratio_delta / the randomisation statistic)."""
    n = y.shape[1]
    sy, sx = y.sum(1), x.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = sy / sx
        resid = ((y - r[:, None] * x) ** 2).sum(1)
        return r, resid * n / ((n - 1) * sx * sx)


def _studentised(a: Arms) -> tuple[np.ndarray, np.ndarray]:
    """The studentised difference of ratios (ratio_delta's and the randomisation test's statistic) and its Welch df."""
    m = a.yc.shape[1]
    rc, vc = _ratio_var(a.yc, a.xc)
    rv, vv = _ratio_var(a.yv, a.xv)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (rv - rc) / np.sqrt(vc + vv)
        df = (vc + vv) ** 2 / ((vc * vc + vv * vv) / (m - 1))
    return t, df


def _p_ratio_delta(a: Arms) -> np.ndarray:
    t, df = _studentised(a)
    return _t_p(t, df)


def _rates(a: Arms) -> tuple[np.ndarray, np.ndarray]:
    return a.yc / a.xc, a.yv / a.xv


def _p_welch(a: Arms) -> np.ndarray:
    c, v = _rates(a)
    m = c.shape[1]
    vc, vv = c.var(1, ddof=1) / m, v.var(1, ddof=1) / m
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (v.mean(1) - c.mean(1)) / np.sqrt(vc + vv)
        df = (vc + vv) ** 2 / ((vc * vc + vv * vv) / (m - 1))
    return _t_p(t, df)


def _p_student(a: Arms) -> np.ndarray:
    c, v = _rates(a)
    m = c.shape[1]
    pooled = (c.var(1, ddof=1) + v.var(1, ddof=1)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (v.mean(1) - c.mean(1)) / np.sqrt(pooled * 2 / m)
    return _t_p(t, 2 * m - 2)


def _p_mann_whitney(a: Arms) -> np.ndarray:
    """R's wilcox.test (exact = auto, correct = TRUE) per run, vectorised over runs."""
    from agilesocial.stats.ranks import MW_EXACT_MAX_N, _w_cdf

    c, v = _rates(a)
    m = c.shape[1]
    both = np.concatenate([v, c], axis=1)
    ranks = sps.rankdata(both, axis=1)
    w = ranks[:, :m].sum(1) - m * (m + 1) / 2
    t = sps.rankdata(both, method="max", axis=1) - sps.rankdata(both, method="min", axis=1) + 1
    tie_sum = (t * t - 1).sum(1)  # Σ over values of (t² - 1) = Σ over tie groups of (t³ - t)
    n = 2 * m
    z = w - m * m / 2
    sigma = np.sqrt((m * m / 12) * ((n + 1) - tie_sum / (n * (n - 1))))
    with np.errstate(divide="ignore", invalid="ignore"):
        zc = (z - np.sign(z) * 0.5) / sigma
    p = np.minimum(1.0, 2 * sps.norm.sf(np.abs(zc)))
    p = np.where(sigma > 0, p, np.nan)
    if m < MW_EXACT_MAX_N:
        exact = tie_sum == 0
        cdf = np.asarray(_w_cdf(m, m))
        wi = np.clip(np.round(w).astype(int), 0, m * m)
        upper = 1 - cdf[np.clip(wi - 1, 0, m * m)] * (wi > 0)
        lower = cdf[wi]
        pe = np.minimum(1.0, 2 * np.where(w > m * m / 2, upper, lower))
        p = np.where(exact, pe, p)
    return p


def _sums_y(a: Arms) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return a.yc.sum(1), a.xc.sum(1), a.yv.sum(1), a.xv.sum(1)


def _p_poisson_exact(a: Arms) -> np.ndarray:
    yc, xc, yv, xv = _sums_y(a)
    events_v, total = np.round(yv), np.round(yc) + np.round(yv)
    ok = total > 0
    p = binom_test_p_many(events_v[ok], total[ok], xv[ok] / (xv[ok] + xc[ok]))
    out = np.full(yc.size, np.nan)
    out[ok] = p
    return out


def _p_poisson(a: Arms) -> np.ndarray:
    yc, xc, yv, xv = _sums_y(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log((yv / xv) / (yc / xc)) / np.sqrt(1 / yc + 1 / yv)
    return np.where((yc > 0) & (yv > 0), 2 * sps.norm.sf(np.abs(z)), np.nan)


def _p_pooled_z(a: Arms) -> np.ndarray:
    yc, xc, yv, xv = _sums_y(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        pc, pv, pool = yc / xc, yv / xv, (yc + yv) / (xc + xv)
        z = (pv - pc) / np.sqrt(pool * (1 - pool) * (1 / xc + 1 / xv))
    return 2 * sps.norm.sf(np.abs(z))


_VECTORISED: dict[str, Callable[[Arms], np.ndarray]] = {
    "ratio_delta": _p_ratio_delta,
    "welch_t": _p_welch,
    "student_t": _p_student,
    "mann_whitney": _p_mann_whitney,
    "poisson_exact": _p_poisson_exact,
    "poisson": _p_poisson,
    "pooled_z": _p_pooled_z,
}


def _mde(reject_at: Callable[[float], float], power: float) -> float | None:
    """Smallest lift theta - 1 with rejection share >= power (bisection on log theta), None beyond MAX_LIFT."""
    if reject_at(MAX_LIFT) < power:
        return None
    lo, hi = 0.0, math.log(MAX_LIFT)
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2
        if reject_at(math.exp(mid)) >= power:
            hi = mid
        else:
            lo = mid
    return math.expm1(hi)


def _draw(n_posts: int, m: int, runs: int, seed: int) -> np.ndarray:
    """runs x 2m indices of distinct posts: the first m the control, the rest the variant."""
    rng = np.random.default_rng([seed, m])
    return np.argsort(rng.random((runs, n_posts)), axis=1)[:, : 2 * m]


def calibrate_methods(
    y: Sequence[float],
    x: Sequence[float] | None,
    sizes: Sequence[int],
    *,
    runs: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
    methods: Sequence[str] | None = None,
    resamples: int = PERMUTATION_RESAMPLES,
    power: float = POWER,
) -> list[MethodCalibration]:
    """A/A false-positive rate, verdict and 80 %-power lift of each method at each size (see the module docstring).

    ``y``: per-post numerators; ``x``: denominators (None for a count metric, the mean per post). Posts whose
    denominator is 0 must be left out by the caller. ``sizes``: posts per arm; each needs ``2 * size`` posts.
    """
    alpha = check_alpha(alpha)
    power = check_alpha(power, "power")
    runs = check_positive_int(runs, "runs")
    ya = as_array(y, "y")
    xa = np.ones_like(ya) if x is None else as_array(x, "x")
    if xa.shape != ya.shape:
        raise ValueError("y and x must pair up per post")
    if np.any(xa <= 0):
        raise ValueError("denominators must be > 0 (leave out posts without impressions)")
    wanted = list(methods) if methods is not None else list(COUNT_METHODS if x is None else RATIO_METHODS)
    out: list[MethodCalibration] = []
    for m in sizes:
        m = check_positive_int(m, "posts per arm", minimum=2)
        if 2 * m > ya.size:
            raise ValueError(f"{m} posts per arm need {2 * m} posts, the history has {ya.size}")
        idx = _draw(ya.size, m, runs, seed)
        arms = Arms(ya[idx[:, :m]], xa[idx[:, :m]], ya[idx[:, m:]], xa[idx[:, m:]])
        for method in wanted:
            out.append(_one(method, arms, m, runs, alpha, seed, resamples, power))
    return out


def _one(
    method: str, arms: Arms, m: int, runs: int, alpha: float, seed: int, resamples: int, power: float
) -> MethodCalibration:
    if method == "permutation":
        engine = Randomisation(arms, resamples, seed)
        p = engine.p_values()

        def reject_at(theta: float) -> float:
            return float(np.mean(np.nan_to_num(engine.p_values(theta), nan=1.0) < alpha))

    else:
        fn = _VECTORISED[method]
        p = fn(arms)

        def reject_at(theta: float) -> float:
            return float(np.mean(np.nan_to_num(fn(arms.lifted(theta)), nan=1.0) < alpha))

    missing = int(np.isnan(p).sum())
    rejections = int(np.sum(np.nan_to_num(p, nan=1.0) < alpha))
    word, ci = verdict(rejections, runs, alpha)
    mde: float | None = None
    note: str | None = None
    above: float | None = None
    if word == "too hot":
        note = "not reported: the method is too hot here, so its power is not worth planning with"
    else:
        mde = _mde(reject_at, power)
        if mde is None:
            above = MAX_LIFT - 1
    return MethodCalibration(method, m, runs, rejections, alpha, ci, word, mde, note, above, missing)
