"""Guards across tests: multiple-testing correction, sequential (peeking) alpha, sample-ratio mismatch."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import stats as sps

from agilesocial.stats.sufficient import check_alpha


def adjust_pvalues(p_values: Sequence[float | None], method: Literal["holm", "bh", "none"]) -> list[float | None]:
    """Adjust p-values for multiple comparisons (Holm's step-down FWER or Benjamini-Hochberg FDR).

    ``None`` entries (tests that could not run) pass through as ``None`` and do not count as tests.
    The adjusted values match R's ``p.adjust(p, "holm" | "BH")``.
    """
    if method not in ("holm", "bh", "none"):
        raise ValueError(f"method == {method!r}, must be one of 'holm', 'bh', 'none'")
    out: list[float | None] = list(p_values)
    present = [i for i, p in enumerate(p_values) if p is not None]
    for i in present:
        p = p_values[i]
        if isinstance(p, bool) or not isinstance(p, int | float | np.floating) or not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"p_values[{i}] == {p!r}, must be in [0, 1] or None")
    if method == "none" or not present:
        return [float(p) if p is not None else None for p in out]
    values = np.array([p_values[i] for i in present], dtype=np.float64)
    adjusted = _holm(values) if method == "holm" else _bh(values)
    for i, a in zip(present, adjusted, strict=True):
        out[i] = float(a)
    return out


def _holm(p: np.ndarray) -> np.ndarray:
    """R ``p.adjust(p, "holm")``: ``pmin(1, cummax((m - i + 1) p_(i)))`` in the original order.

    Written out rather than calling statsmodels' ``multipletests`` (which runs ``gc.collect()`` on every call,
    ~50 ms); the tests check both agree.
    """
    m = p.size
    order = np.argsort(p, kind="stable")
    adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adj
    return out


def _bh(p: np.ndarray) -> np.ndarray:
    """R ``p.adjust(p, "BH")``: ``pmin(1, cummin(m / i * p_(i)))`` taken from the largest p downwards."""
    m = p.size
    order = np.argsort(p, kind="stable")[::-1]
    ranks = np.arange(m, 0, -1)
    adj = np.minimum(1.0, np.minimum.accumulate(m / ranks * p[order]))
    out = np.empty(m)
    out[order] = adj
    return out


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
