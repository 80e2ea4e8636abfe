"""The A/A splits of a calibration run (:class:`Arms`) and the randomisation test run on all of them at once
(:class:`Randomisation`), for :mod:`agilesocial.stats.calibration`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np


@dataclass
class Arms:
    """Per-run arms: values (runs x m) of numerators ``y`` and denominators ``x`` of control and variant."""

    yc: np.ndarray
    xc: np.ndarray
    yv: np.ndarray
    xv: np.ndarray

    def lifted(self, theta: float) -> Arms:
        return Arms(self.yc, self.xc, self.yv * theta, self.xv)


class Randomisation:
    """The randomisation test of analyze (``stats.permutation``: the studentised difference of ratios of sums,
    two-sided) on every split at once.

    One set of assignments of the 2m positions is drawn per size (all C(2m, m) of them when there are at most
    ``resamples + 1``, as analyze enumerates them; otherwise ``resamples`` seeded random ones) and shared by the runs:
    each run's p-value is still a valid randomisation p-value, and every run's resample sums come from one BLAS
    product. With the variant's numerators times θ every group sum is linear in θ, so the statistic is
    ``(N0 + θ N1) / sqrt(Q0 + θ Q1 + θ² Q2)`` with five arrays computed once: power at any lift costs no resampling.
    """

    CHUNK_CELLS = 4_000_000

    def __init__(self, a: Arms, resamples: int, seed: int) -> None:
        runs, m = a.yc.shape
        n = 2 * m
        if math.comb(n, m) <= resamples + 1:
            masks = np.zeros((math.comb(n, m), n))
            for i, idx in enumerate(combinations(range(n), m)):
                masks[i, list(idx)] = 1.0
            self.exact = True
        else:
            rng = np.random.default_rng([seed, m, 7])
            masks = rng.permuted(np.tile((np.arange(n) < m).astype(float), (resamples, 1)), axis=1)
            self.exact = False
        self.count = masks.shape[0]
        self.m = m
        zero = np.zeros_like(a.yc)
        u, w = np.concatenate([a.yc, zero], 1), np.concatenate([zero, a.yv], 1)  # runs x 2m
        x = np.concatenate([a.xc, a.xv], 1)
        cols = np.stack([u, w, u * u, w * w, x * u, x * w, x, x * x], axis=1)  # runs x 8 x 2m
        total = cols.sum(2)  # runs x 8
        obs = cols[:, :, m:].sum(2)
        self.obs = self._coefficients(obs.T, (total - obs).T)  # 5 x runs
        step = max(1, self.CHUNK_CELLS // (self.count * 8))
        parts = []
        for r0 in range(0, runs, step):
            block = cols[r0 : r0 + step]  # c x 8 x 2m
            c = block.shape[0]
            prod = (block.reshape(c * 8, n) @ masks.T).reshape(c, 8, self.count).transpose(1, 0, 2)  # 8 x c x B
            parts.append(self._coefficients(prod, total[r0 : r0 + c].T[:, :, None] - prod))
        self.all = np.concatenate(parts, axis=1)  # 5 x runs x resamples

    def _coefficients(self, v: np.ndarray, c: np.ndarray) -> np.ndarray:
        """(N0, N1, Q0, Q1, Q2) of the statistic from the variant's (v) and control's (c) group sums."""
        out = []
        with np.errstate(divide="ignore", invalid="ignore"):
            for g in (v, c):
                sx, sxx = g[6], g[7]
                a0, b0 = g[0] / sx, g[1] / sx  # r = a0 + θ b0
                scale = self.m / ((self.m - 1) * sx * sx)
                k0 = g[2] - 2 * a0 * g[4] + a0 * a0 * sxx
                k1 = -2 * (a0 * g[5] + b0 * g[4]) + 2 * a0 * b0 * sxx
                k2 = g[3] - 2 * b0 * g[5] + b0 * b0 * sxx
                out.append((a0, b0, k0 * scale, k1 * scale, k2 * scale))
        (av, bv, q0v, q1v, q2v), (ac, bc, q0c, q1c, q2c) = out
        return np.stack([av - ac, bv - bc, q0v + q0c, q1v + q1c, q2v + q2c])

    @staticmethod
    def _t(k: np.ndarray, theta: float) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            var = np.maximum(k[2] + theta * (k[3] + theta * k[4]), 0.0)
            return (k[0] + theta * k[1]) / np.sqrt(var)

    def p_values(self, theta: float = 1.0) -> np.ndarray:
        """Two-sided randomisation p-value of every run with the variant's numerators times ``theta`` (NaN when the
        statistic is undefined, e.g. no variation)."""
        t_obs = self._t(self.obs, theta)
        t_all = self._t(self.all, theta)
        with np.errstate(invalid="ignore"):
            hit = ~(np.abs(t_all) < (np.abs(t_obs) * (1 - 1e-9))[:, None])
        k = hit.sum(1)
        p = k / self.count if self.exact else (1 + k) / (self.count + 1)
        return np.where(np.isnan(t_obs), np.nan, p)
