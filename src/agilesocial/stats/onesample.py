"""One-sample randomisation test: the team's ratio of sums against a published reference value.

"Are we above or below the benchmark, and by how much?" The team's value is ``R = Σy / Σx`` over its posts (for a
count metric ``x = 1``: the mean per post); the benchmark ``b`` is a fixed number. Under the null hypothesis
``R = b`` the per-post residuals ``d_i = y_i - b x_i`` are centred on zero; the test flips their signs at random
(Fisher's sign-flip randomisation test, exact over all ``2^n`` sign vectors when that is at most ``resamples + 1``,
else a seeded random sample of them) and compares the studentised mean of the flipped residuals — the one-sample t
statistic of ``d`` — with the observed one. Studentising keeps it valid asymptotically when the residuals are skewed
(Janssen 1999), as the two-sample permutation test of split experiments is.

The confidence interval inverts the same test with the same sign vectors: every ``b`` the test would not reject. So
the interval excludes the benchmark exactly when the p-value is below alpha. The relative difference
``R / b - 1`` and its interval follow by dividing by the fixed ``b``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import product

import numpy as np

from agilesocial.stats.result import DEFAULT_MIN_N, TestResult, check_alternative, empty_result
from agilesocial.stats.sufficient import as_array, check_alpha, check_positive_int

METHOD = "sign_flip"
DEFAULT_RESAMPLES = 4999
TIE = 1e-9
BISECTIONS = 60
MAX_STEPS = 60


class _Signs:
    """Sums ``s·y`` and ``s·x`` for the observed all-plus sign vector (row 0) and every resampled one."""

    def __init__(self, y: np.ndarray, x: np.ndarray, resamples: int, seed: int) -> None:
        n = y.size
        self.n = n
        self.exact = 2**n <= resamples + 1
        if self.exact:
            signs = np.array(list(product((1.0, -1.0), repeat=n)))  # row 0 is all +1: the observed sample
        else:
            rng = np.random.default_rng(seed)
            signs = np.vstack([np.ones(n), rng.choice((-1.0, 1.0), size=(resamples, n))])
        self.count = signs.shape[0]
        self.sy, self.sx = signs @ y, signs @ x
        self.yy, self.xy, self.xx = float(y @ y), float(x @ y), float(x @ x)

    def t(self, b: float) -> np.ndarray:
        """The one-sample t statistic of the sign-flipped residuals ``s (y - b x)``, for every sign vector."""
        n = self.n
        mean = (self.sy - b * self.sx) / n
        ss = self.yy - 2 * b * self.xy + b * b * self.xx  # Σ d², the same for every sign vector
        var = np.maximum((ss - n * mean * mean) / (n - 1), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = mean / np.sqrt(var / n)
        return np.where(var > 0, t, np.where(mean > 0, np.inf, np.where(mean < 0, -np.inf, 0.0)))

    def p_value(self, b: float, alternative: str) -> float:
        t = self.t(b)
        obs = t[0]
        if alternative == "greater":
            hits = t >= obs - TIE * abs(obs) if math.isfinite(obs) else t >= obs
        elif alternative == "less":
            hits = t <= obs + TIE * abs(obs) if math.isfinite(obs) else t <= obs
        else:
            a = np.abs(t)
            hits = a >= abs(obs) * (1 - TIE) if math.isfinite(obs) else a >= abs(obs)
        return float(np.count_nonzero(hits)) / self.count


def _bound(accepted: float, step: float, ok: Callable[[float], bool]) -> float:
    """The edge of the accepted region moving from ``accepted`` by ``step`` (sign gives the direction)."""
    far = accepted + step
    for _ in range(MAX_STEPS):
        if not ok(far):
            break
        accepted, far = far, far + (far - accepted) * 2
    else:
        return math.copysign(math.inf, step)
    lo, hi = accepted, far
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
        if abs(hi - lo) <= 1e-9 * max(1.0, abs(lo)):
            break
    return (lo + hi) / 2


def one_sample_test(
    y: Sequence[float] | np.ndarray,
    x: Sequence[float] | np.ndarray | None,
    benchmark: float,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    seed: int = 0,
    resamples: int = DEFAULT_RESAMPLES,
    min_n: int = DEFAULT_MIN_N,
) -> TestResult:
    """The team's ratio of sums (``x`` None: mean of ``y``) against the fixed ``benchmark``.

    The result reads like a two-arm one with the benchmark as the control: ``control_value`` is the benchmark,
    ``variant_value`` the team's value, ``abs_lift``/``rel_lift`` the team minus / over the benchmark with their
    intervals; ``alternative='greater'`` tests "the team is above the benchmark".
    """
    alpha = check_alpha(alpha)
    check_alternative(alternative)
    resamples = check_positive_int(resamples, "resamples")
    ya = as_array(y, "y")
    xa = np.ones_like(ya) if x is None else as_array(x, "x")
    if xa.size != ya.size:
        raise ValueError(f"y has {ya.size} values but x has {xa.size}")
    if not math.isfinite(benchmark):
        raise ValueError(f"benchmark == {benchmark!r}, must be a finite number")
    n = ya.size
    if n < 2:
        return empty_result(
            METHOD, f"{n} post(s): a comparison with the benchmark needs at least 2", control_value=benchmark
        )
    total_x = float(xa.sum())
    if total_x <= 0:
        return empty_result(METHOD, "the posts have no denominator (e.g. no impressions)", control_value=benchmark)
    estimate = float(ya.sum()) / total_x
    signs = _Signs(ya, xa, resamples, seed)
    p = signs.p_value(benchmark, alternative)
    resid = ya - estimate * xa
    se = float(np.std(resid, ddof=1)) / math.sqrt(n) / (total_x / n)
    step = se if se > 0 else max(abs(estimate), 1.0) * 1e-3

    def ok(side: str) -> Callable[[float], bool]:
        return lambda b: signs.p_value(b, side) > alpha

    lower, upper = -math.inf, math.inf
    if alternative in ("two-sided", "greater"):
        lower = _bound(estimate, -step, ok(alternative))
    if alternative in ("two-sided", "less"):
        upper = _bound(estimate, step, ok(alternative))
    warnings = []
    if n < min_n:
        warnings.append(f"only {n} posts (fewer than {min_n}): the comparison is fragile")
    rel = rel_ci = None
    if benchmark > 0:
        rel = estimate / benchmark - 1
        rel_ci = (lower / benchmark - 1, upper / benchmark - 1)
    return TestResult(
        METHOD,
        benchmark,
        estimate,
        estimate - benchmark,
        (lower - benchmark, upper - benchmark),
        rel,
        rel_ci,
        p,
        warnings=tuple(warnings),
        statistic=float(signs.t(benchmark)[0]),
        df=float(n - 1),
        alternative=alternative,
        resamples=signs.count,
        exact=signs.exact,
    )
