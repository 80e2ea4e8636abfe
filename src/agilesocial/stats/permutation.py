"""Randomisation (permutation) test of the studentised difference of ratios of sums, with CIs by test inversion.

The default for split experiments with posts as units. Under the sharp null hypothesis (every post would have earned
the same whatever arm it was in) the arm labels are exchangeable, so re-drawing them at random and recomputing the
statistic gives its exact reference distribution at any number of posts: the A/A false-positive rate is alpha
whatever the shape of the data (heavy-tailed reach, viral posts, over-dispersed engagements). The statistic is
studentised (the difference divided by its delta-method standard error) so the test stays valid asymptotically when
the arms differ in spread, not only in location (Janssen 1997; Chung & Romano 2013).

Confidence intervals come from inverting the same test with the same resamples: the relative-lift interval is every
multiplicative lift θ that is not rejected once the variant's numerators are divided by θ; the absolute interval is
every shift δ not rejected once δ times each variant post's denominator is subtracted from its numerator. So the
p-value is below alpha exactly when the interval excludes "no change", and the relative interval never goes below
−100 %. Count metrics (no denominator) are the special case ``x = 1``: the statistic is Welch's t.

Every resample's group sums come from one matrix product (BLAS, on one thread) of the 0/1 assignment matrix with a
few per-post columns (10 for a ratio metric, 5 for a count); a hypothesised θ or δ only re-weights those precomputed
sums, so the root-finding for the bounds costs O(resamples) per step.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import combinations
from typing import Literal

import numpy as np

from agilesocial.stats.draws import masks
from agilesocial.stats.result import (
    DEFAULT_MIN_N,
    TestResult,
    check_alternative,
    empty_result,
    small_n_warnings,
)
from agilesocial.stats.sufficient import as_array, check_alpha, check_positive_int

DEFAULT_RESAMPLES = 4999  # p-values on a grid of 1/5000: alpha (B + 1) is an integer for alpha = 0.05, 0.01, 0.1
TIE = 1e-9  # relative tolerance for "as extreme as observed" (exactly mirrored assignments tie)
MAX_FACTOR = 1e6  # a bound beyond 10^6 times the estimate is reported as unbounded
BISECTIONS = 60
PRODUCT_CELLS = 2_000_000  # assignment cells made float64 at a time for the product (16 MB)
PRECISION = 2e-3  # bounds to 2e-3 of the initial step (0.05 on log θ: 1e-4, i.e. 0.01 % of the lift)

Alternative = Literal["two-sided", "greater", "less"]
Values = Sequence[float] | np.ndarray

# rows of the group sums every statistic is computed from (u: control numerators, w: variant numerators, z: variant
# denominators, each 0 on the other arm's posts); on the variant's posts z = x, so z·z = x·z and w·z = x·w
_U, _W, _Z, _UU, _WW, _ZZ, _WZ, _XU, _XW, _XZ, _X, _XX = range(12)
# the column of :func:`_columns` that gives each of the 12: ratio metrics multiply 10 columns ...
_RATIO_ROWS = np.array([0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 8, 9])
# ... and count metrics (x = 1 on every post) 5: x·u = u, z·z = x·z = z, w·z = x·w = w, and Σx = Σx² = posts
_COUNT_ROWS = np.array([0, 1, 2, 3, 4, 2, 1, 0, 1, 2, 5, 5])

_BLAS: list[object] = []  # the thread-pool controller, made on first use (it inspects the loaded libraries once)


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS on one thread: on a shared machine several threads for these thin products cost more CPU than they
    save (and the background thread is drawing the next experiments' splits meanwhile)."""
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    with _BLAS[0].limit(limits=1, user_api="blas"):  # type: ignore[attr-defined]
        yield


def _columns(y: np.ndarray, x: np.ndarray, n_c: int) -> tuple[np.ndarray, np.ndarray]:
    """The per-post columns (one row per post) and, for each of the 12 sums, the column that gives it (a count
    metric's constant Σx and Σx² point one past the last column)."""
    is_v = np.arange(y.size) >= n_c
    u, w, z = np.where(is_v, 0.0, y), np.where(is_v, y, 0.0), np.where(is_v, x, 0.0)
    if (x == 1).all():
        return np.stack([u, w, z, u * u, w * w], axis=1), _COUNT_ROWS
    return np.stack([u, w, z, u * u, w * w, x * z, x * w, x * u, x, x * x], axis=1), _RATIO_ROWS


class _Resamples:
    """Group sums of the observed assignment (row 0) and of every resampled one, for the "variant" group."""

    def __init__(self, y: np.ndarray, x: np.ndarray, n_c: int, resamples: int, seed: int) -> None:
        n = y.size
        n_v = n - n_c
        self.n_c, self.n_v = n_c, n_v
        cols, rows = _columns(y, x, n_c)
        total_assignments = math.comb(n, n_v)
        self.exact = total_assignments <= resamples + 1
        if self.exact:  # every assignment, the observed one included: row i of idx lists the variant posts
            idx = np.fromiter(combinations(range(n), n_v), dtype=(np.intp, n_v), count=total_assignments)
            sums = cols[idx.reshape(total_assignments, n_v)].sum(axis=1)
            self.count = total_assignments
        else:
            step = max(1, PRODUCT_CELLS // n)
            with _one_blas_thread():  # a 0/1 block times the columns: one matrix product per slice of a block
                sums = np.concatenate(
                    [
                        block[i : i + step].astype(np.float64) @ cols
                        for block in masks(n, n_v, resamples, seed)
                        for i in range(0, len(block), step)
                    ]
                )
            self.count = resamples
        # column 0: the observed assignment; then every counted one. Transposed so each sum is contiguous.
        computed = np.concatenate([cols[n_c:].sum(axis=0, keepdims=True), sums]).T
        ones = np.full((1, computed.shape[1]), float(n_v))  # a count metric's Σx and Σx² in the variant group
        self.sums = np.ascontiguousarray(np.concatenate([computed, ones])[rows])
        self.total = np.append(cols.sum(axis=0), float(n))[rows]
        self.comp = self.total[:, None] - self.sums
        # both groups at once (variant, then the complement): every step of the root-finding is one set of array
        # operations on (2, 1 + resamples) arrays
        self.both = np.ascontiguousarray(np.stack([self.sums, self.comp], axis=1))
        self.sizes = np.array([[float(n_v)], [float(n_c)]])

    def statistic(self, a: float, b: float) -> np.ndarray:
        """Studentised difference for the observed assignment (index 0) and every counted one, with the variant
        numerators replaced by ``a * y + b * x`` (a = 1/θ, b = 0: multiplicative null; a = 1, b = -δ: additive)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            r, var = _ratio_and_var(_group(self.both, a, b, self.sizes))
            return (r[0] - r[1]) / np.sqrt(var[1] + var[0])

    def p_value(self, a: float, b: float, alternative: str) -> float:
        t = self.statistic(a, b)
        t_obs, t_all = float(t[0]), t[1:]
        if math.isnan(t_obs):
            return 1.0
        with np.errstate(invalid="ignore"):
            if alternative == "two-sided":
                hit = ~(np.abs(t_all) < abs(t_obs) * (1 - TIE))
            elif alternative == "greater":
                hit = ~(t_all < t_obs - TIE * abs(t_obs))
            else:
                hit = ~(t_all > t_obs + TIE * abs(t_obs))
        k = int(np.count_nonzero(hit))  # an undefined resampled statistic (NaN) counts as extreme: conservative
        if self.exact:
            return k / self.count
        return (1 + k) / (self.count + 1)


def _group(s: np.ndarray, a: float, b: float, n: np.ndarray) -> tuple[np.ndarray, ...]:
    """(n, Σy', Σy'², Σx y', Σx, Σx²) of groups with sums ``s`` (one row per column) when y' = u + a w + b z."""
    sy = s[_U] + a * s[_W]
    syy = s[_UU] + (a * a) * s[_WW]
    sxy = s[_XU] + a * s[_XW]
    if b:
        sy = sy + b * s[_Z]
        syy = syy + (b * b) * s[_ZZ] + (2 * a * b) * s[_WZ]
        sxy = sxy + b * s[_XZ]
    return n, sy, syy, sxy, s[_X], s[_XX]


def _ratio_and_var(g: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Ratio of sums and its delta-method variance ``Σ(y - R x)² / ((n-1) n mean_x²)`` (errors silenced by the
    caller: an undefined ratio or variance is NaN)."""
    n, sy, syy, sxy, sx, sxx = g
    r = sy / sx
    fit = r * r * sxx
    resid = syy - 2 * r * sxy + fit
    resid = np.where(resid < 1e-12 * (syy + fit), 0.0, resid)  # rounding noise around an exact fit
    return r, resid * n / ((n - 1) * sx * sx)


def _bound(accept: float, reject: float, ok: object, tol: float) -> float:
    """Bisection between an accepted and a rejected parameter value (on whatever scale the caller uses)."""
    for _ in range(BISECTIONS):
        mid = (accept + reject) / 2
        if ok(mid):  # type: ignore[operator]
            accept = mid
        else:
            reject = mid
        if abs(reject - accept) <= tol:
            break
    return (accept + reject) / 2


def _invert(ok: object, estimate: float, null: float, null_ok: bool, step: float, side: int, limit: float) -> float:
    """One end of the interval ``{θ : ok(θ)}`` on one side (``side`` = ±1) of the estimate.

    The null value is used as a bracket when it lies on this side, so the interval contains it exactly when the test
    at the null did not reject. Returns ±inf when nothing up to ``limit`` away is rejected.
    """
    accept = estimate
    if (null - estimate) * side > 0:
        if null_ok:
            accept = null
        else:
            return _bound(estimate, null, ok, step * PRECISION)
    width = max(step, abs(accept - estimate))
    while True:
        probe = accept + side * width
        if abs(probe - estimate) > limit:
            return side * math.inf
        if not ok(probe):  # type: ignore[operator]
            return _bound(accept, probe, ok, step * PRECISION)
        accept, width = probe, width * 2


def check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed == {seed!r}, must be a non-negative integer")
    return int(seed)


def permutation_test(
    control_y: Values,
    control_x: Values | None,
    variant_y: Values,
    variant_x: Values | None,
    *,
    alpha: float = 0.05,
    alternative: Alternative | str = "two-sided",
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    min_n: int = DEFAULT_MIN_N,
    intervals: bool = True,
) -> TestResult:
    """Randomisation test of ``Σy/Σx`` (or the mean of ``y`` when ``x`` is None) between two arms of posts.

    Exact under the sharp null at any size: every assignment is enumerated when there are at most ``resamples + 1``
    of them (e.g. 5 v 5 posts: 252), otherwise ``resamples`` random ones (seeded) give the Monte Carlo p-value
    ``(1 + #{T* as extreme}) / (resamples + 1)``, which is valid at any number of resamples. ``rel_ci`` and
    ``abs_ci`` invert the same test (one-sided intervals are unbounded on one end, as ``inf``); the relative interval
    is ``inf`` above when no lift can be ruled out, and ``rel_lift`` is None when the control's value is 0.
    ``intervals=False`` skips the intervals (a simulation that only counts rejections).
    """
    alpha = check_alpha(alpha)
    alternative = check_alternative(alternative)
    resamples = check_positive_int(resamples, "resamples", minimum=19)
    seed = check_seed(seed)
    min_n = check_positive_int(min_n, "min_n")
    yc, yv = as_array(control_y, "control_y"), as_array(variant_y, "variant_y")
    xc = np.ones_like(yc) if control_x is None else as_array(control_x, "control_x")
    xv = np.ones_like(yv) if variant_x is None else as_array(variant_x, "variant_x")
    if xc.shape != yc.shape or xv.shape != yv.shape:
        raise ValueError("each arm needs one denominator per numerator (x and y of equal length)")
    if (xc < 0).any() or (xv < 0).any():
        raise ValueError("denominators must be >= 0 (impressions, reach ...)")
    method = "permutation"
    warnings = small_n_warnings(yc.size, yv.size, min_n)
    rc = float(yc.sum() / xc.sum()) if xc.sum() > 0 else None
    rv = float(yv.sum() / xv.sum()) if xv.sum() > 0 else None
    for label, arr, r in (("control", yc, rc), ("variant", yv, rv)):
        if arr.size == 0:
            return empty_result(
                method, f"the {label} has no posts", control_value=rc, variant_value=rv, warnings=warnings
            )
        if r is None:
            return empty_result(
                method,
                f"the {label}'s denominator is 0, so its rate is undefined",
                control_value=rc,
                variant_value=rv,
                warnings=warnings,
            )
    assert rc is not None and rv is not None
    if yc.size < 2 or yv.size < 2:
        return empty_result(
            method,
            "an arm has a single post, so its variance cannot be estimated",
            control_value=rc,
            variant_value=rv,
            warnings=warnings,
        )
    res = _Resamples(np.concatenate([yc, yv]), np.concatenate([xc, xv]), yc.size, resamples, seed)
    t_obs = float(res.statistic(1.0, 0.0)[0])
    if math.isnan(t_obs):
        return empty_result(
            method,
            "no variation within either arm, so there is no standard error to test with",
            control_value=rc,
            variant_value=rv,
            warnings=warnings,
        )
    p = res.p_value(1.0, 0.0, alternative)
    if res.exact and res.count * alpha < 1 + (alternative == "two-sided"):
        warnings.append(
            f"with {yc.size} and {yv.size} posts there are only {res.count} ways to split them, too few for any "
            f"result to reach p < {alpha:g}"
        )
    diff = rv - rc
    if not intervals:
        rel_only = rv / rc - 1.0 if rc > 0 else None
        return TestResult(
            method,
            rc,
            rv,
            diff,
            None,
            rel_only,
            None,
            p,
            warnings=tuple(warnings),
            statistic=t_obs,
            alternative=alternative,
            resamples=res.count,
            exact=res.exact,
        )
    lower_side, upper_side = alternative in ("two-sided", "greater"), alternative in ("two-sided", "less")

    def abs_ok(delta: float) -> bool:
        return res.p_value(1.0, -delta, alternative) >= alpha

    scale = max(abs(rc), abs(rv), 1e-300)
    abs_lo = _invert(abs_ok, diff, 0.0, p >= alpha, scale / 64, -1, MAX_FACTOR * scale) if lower_side else -math.inf
    abs_hi = _invert(abs_ok, diff, 0.0, p >= alpha, scale / 64, +1, MAX_FACTOR * scale) if upper_side else math.inf
    rel: float | None = None
    rel_ci: tuple[float, float] | None = None
    reason = None
    if rc > 0:
        rel = rv / rc - 1.0
        rel_ci = _relative_ci(res, rc, rv, abs_hi, p >= alpha, alpha, alternative)
    else:
        reason = "the control's value is 0, so a relative lift is unbounded"
    return TestResult(
        method,
        rc,
        rv,
        diff,
        (abs_lo, abs_hi),
        rel,
        rel_ci,
        p,
        reason=reason,
        warnings=tuple(warnings),
        statistic=t_obs,
        df=None,
        alternative=alternative,
        resamples=res.count,
        exact=res.exact,
    )


def _relative_ci(
    res: _Resamples, rc: float, rv: float, abs_hi: float, null_ok: bool, alpha: float, alternative: str
) -> tuple[float, float]:
    """Bounds of ``θ - 1`` over multiplicative lifts θ not rejected; searched on log θ.

    When the variant's numerators are all 0 the relative estimate is -100 % and the upper end is taken from the
    absolute interval (``abs_hi / rc``)."""
    ratio = rv / rc

    def ok(log_theta: float) -> bool:
        return res.p_value(math.exp(-log_theta), 0.0, alternative) >= alpha

    limit = math.log(MAX_FACTOR)
    lo, hi = -1.0, math.inf
    if ratio <= 0:  # the variant earned nothing: dividing zeros by θ changes nothing, so no θ can be tested
        return lo, (abs_hi / rc if alternative != "greater" else math.inf)
    est = math.log(ratio)
    if alternative in ("two-sided", "greater"):
        bottom = _invert(ok, est, 0.0, null_ok, 0.05, -1, limit)
        lo = math.expm1(bottom) if math.isfinite(bottom) else -1.0
    if alternative in ("two-sided", "less"):
        top = _invert(ok, est, 0.0, null_ok, 0.05, +1, limit)
        hi = math.expm1(top) if math.isfinite(top) else math.inf
    return lo, hi
