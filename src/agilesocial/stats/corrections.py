"""Guards across tests: multiple-testing correction, sequential (peeking) alpha, sample-ratio mismatch."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import stats as sps

from agilesocial.stats.sufficient import check_alpha

#: R's ``p.adjust`` methods by the names accepted here (lower case; ``BH``/``BY`` also accepted as R spells them).
P_ADJUST_METHODS: tuple[str, ...] = ("holm", "hochberg", "hommel", "bonferroni", "bh", "by", "none")
Correction = Literal["holm", "hochberg", "hommel", "bonferroni", "bh", "by", "none"]


def adjust_pvalues(p_values: Sequence[float | None], method: str) -> list[float | None]:
    """Adjust p-values for multiple comparisons exactly as R's ``p.adjust(p, method)``.

    ``method``: ``bonferroni``, ``holm`` (step-down FWER), ``hochberg`` (step-up FWER), ``hommel`` (closed
    Simes tests, FWER), ``bh`` (Benjamini-Hochberg FDR), ``by`` (Benjamini-Yekutieli FDR under any dependence)
    or ``none``. ``None`` entries (tests that could not run) pass through as ``None`` and do not count as tests,
    as R treats ``NA``.
    """
    key = method.lower() if isinstance(method, str) else method
    if key not in P_ADJUST_METHODS:
        raise ValueError(f"method == {method!r}, must be one of {', '.join(P_ADJUST_METHODS)}")
    out: list[float | None] = list(p_values)
    present = [i for i, p in enumerate(p_values) if p is not None]
    for i in present:
        p = p_values[i]
        if isinstance(p, bool) or not isinstance(p, int | float | np.floating) or not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"p_values[{i}] == {p!r}, must be in [0, 1] or None")
    if key == "none" or len(present) <= 1:
        return [float(p) if p is not None else None for p in out]
    values = np.array([p_values[i] for i in present], dtype=np.float64)
    adjusted = _ADJUSTERS[key](values)
    for i, a in zip(present, adjusted, strict=True):
        out[i] = float(a)
    return out


def _in_order(p: np.ndarray, adjusted_sorted: np.ndarray, order: np.ndarray) -> np.ndarray:
    out = np.empty(p.size)
    out[order] = adjusted_sorted
    return out


def _bonferroni(p: np.ndarray) -> np.ndarray:
    return np.minimum(1.0, p.size * p)


def _holm(p: np.ndarray) -> np.ndarray:
    """R ``p.adjust(p, "holm")``: ``pmin(1, cummax((m - i + 1) p_(i)))`` in the original order.

    Written out rather than calling statsmodels' ``multipletests`` (which runs ``gc.collect()`` on every call,
    ~50 ms).
    """
    m = p.size
    order = np.argsort(p, kind="stable")
    return _in_order(p, np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order])), order)


def _step_up(p: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """``pmin(1, cummin(factor_i * p_(i)))`` from the largest p downwards; ``factor`` is indexed by rank m..1."""
    order = np.argsort(p, kind="stable")[::-1]
    return _in_order(p, np.minimum(1.0, np.minimum.accumulate(factor * p[order])), order)


def _hochberg(p: np.ndarray) -> np.ndarray:
    """R ``p.adjust(p, "hochberg")``: ``cummin((m - i + 1) p_(i))`` from the largest p down."""
    m = p.size
    return _step_up(p, m + 1.0 - np.arange(m, 0, -1))


def _bh(p: np.ndarray) -> np.ndarray:
    """R ``p.adjust(p, "BH")``: ``pmin(1, cummin(m / i * p_(i)))`` taken from the largest p downwards."""
    m = p.size
    return _step_up(p, m / np.arange(m, 0, -1))


def _by(p: np.ndarray) -> np.ndarray:
    """R ``p.adjust(p, "BY")``: BH multiplied by ``q = Σ_{k=1..m} 1/k``."""
    m = p.size
    q = float(np.sum(1.0 / np.arange(1, m + 1)))
    return _step_up(p, q * m / np.arange(m, 0, -1))


def _hommel(p: np.ndarray) -> np.ndarray:
    """R ``p.adjust(p, "hommel")`` (Wright 1992), transcribed from R's source; Hochberg's for two p-values."""
    n = p.size
    if n == 2:
        return _hochberg(p)
    order = np.argsort(p, kind="stable")
    ps = p[order]
    i = np.arange(1, n + 1)
    q = np.full(n, np.min(n * ps / i))
    pa = q.copy()
    for m in range(n - 1, 1, -1):
        i1 = np.arange(0, n - m + 1)  # R: seq_len(n - m + 1), 0-based here
        i2 = np.arange(n - m + 1, n)  # R: (n - m + 2):n
        q1 = np.min(m * ps[i2] / np.arange(2, m + 1))
        q[i1] = np.minimum(m * ps[i1], q1)
        q[i2] = q[n - m]
        pa = np.maximum(pa, q)
    return _in_order(p, np.maximum(pa, ps), order)


_ADJUSTERS = {
    "bonferroni": _bonferroni,
    "holm": _holm,
    "hochberg": _hochberg,
    "hommel": _hommel,
    "bh": _bh,
    "by": _by,
}


def sequential_alpha(information_fraction: float, alpha: float = 0.05) -> float:
    """Cumulative two-sided alpha spent at an interim look, O'Brien-Fleming-type (Lan & DeMets 1983).

    ``α(t) = 2 - 2 Φ(z_{1-α/2} / √t)`` for information fraction ``t`` in (0, 1] (share of the planned sample
    seen). Tiny early (0.0056 at t = 0.5 for α = 0.05) and exactly α at t = 1. Using it as the threshold at a
    single early look is conservative.
    """
    alpha = check_alpha(alpha)
    t = information_fraction
    if isinstance(t, bool) or not isinstance(t, int | float) or not 0.0 < float(t) <= 1.0:
        raise ValueError(f"information_fraction == {t!r}, must be in (0, 1]")
    z = float(sps.norm.isf(alpha / 2))
    return float(2.0 * sps.norm.sf(z / math.sqrt(float(t))))


def srm_check(observed: Sequence[int], weights: Sequence[float]) -> tuple[float, float]:
    """Sample-ratio mismatch: Pearson chi-square goodness of fit of counts to planned weights; returns (chi2, p).

    A small p (conventionally < 0.001) means the split did not happen as planned.
    """
    obs = np.asarray(observed, dtype=float)
    w = np.asarray(weights, dtype=float)
    if obs.ndim != 1 or obs.size < 2 or obs.shape != w.shape:
        raise ValueError(f"observed ({obs.size}) and weights ({w.size}) must be equal-length lists of 2 or more")
    if np.any(obs < 0) or np.any(obs != np.round(obs)):
        raise ValueError(f"observed == {list(observed)!r}, must be counts (integers >= 0)")
    if not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(f"weights == {list(weights)!r}, must be positive numbers")
    total = obs.sum()
    if total == 0:
        return 0.0, 1.0
    expected = total * w / w.sum()
    chi2 = float(((obs - expected) ** 2 / expected).sum())
    return chi2, float(sps.chi2.sf(chi2, obs.size - 1))
