"""More than two variants of a people-level proportion (``unit: user``): the k x 2 chi-square omnibus test, then
each variant against the control.

- Omnibus: Pearson's chi-square test of independence on the k x 2 table successes / failures, as R's
  ``chisq.test(cbind(x, n - x))`` (Yates' correction only when k = 2, as R applies it only to 2 x 2 tables).
- Pairwise: each variant against the control with R's ``prop.test(x[c(i, 1)], n[c(i, 1)])`` (Yates-corrected,
  :func:`agilesocial.stats.proportions.chi_square`), p-values adjusted with any of R's ``p.adjust`` methods. With
  ``correction="none"`` these equal the control column of R's ``pairwise.prop.test(x, n, p.adjust.method =
  "none")``; R adjusts over all k(k-1)/2 pairs there, this adjusts over the k - 1 comparisons with the control.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from agilesocial.stats.corrections import adjust_pvalues
from agilesocial.stats.proportions import MIN_EXPECTED, chi_square
from agilesocial.stats.result import TestResult
from agilesocial.stats.sufficient import check_alpha, check_positive_int


@dataclass(frozen=True)
class KSampleResult:
    """The omnibus test across all variants and each variant against the control (control is index 0).

    Attributes:
        omnibus: ``method="chi_square_omnibus"``, statistic X², df k - 1, p-value; values and lifts are None.
        pairwise: one ``chi_square_yates`` result per variant (p-values unadjusted).
        adjusted: the pairwise p-values adjusted by ``correction`` (None where a test could not run).
    """

    omnibus: TestResult
    pairwise: tuple[TestResult, ...]
    adjusted: tuple[float | None, ...]
    correction: str

    def to_dict(self) -> dict[str, object]:
        return {
            "omnibus": self.omnibus.to_dict(),
            "pairwise": [r.to_dict() for r in self.pairwise],
            "adjusted": list(self.adjusted),
            "correction": self.correction,
        }


def chi_square_omnibus(successes: Sequence[int], trials: Sequence[int]) -> TestResult:
    """Pearson's chi-square test that k proportions are equal (R ``chisq.test`` on the k x 2 table)."""
    if len(successes) != len(trials) or len(successes) < 2:
        raise ValueError(f"successes ({len(successes)}) and trials ({len(trials)}) must be equal-length, 2 or more")
    for i, (s, n) in enumerate(zip(successes, trials, strict=True)):
        check_positive_int(s, f"successes[{i}]", minimum=0)
        check_positive_int(n, f"trials[{i}]", minimum=1)
        if s > n:
            raise ValueError(f"successes[{i}] == {s}, must be <= trials[{i}] == {n}")
    k = len(successes)
    if k == 2:  # R's chisq.test on a 2 x 2 table: Yates-corrected
        r = chi_square(successes[0], trials[0], successes[1], trials[1])
        return _omnibus(r.p_value, r.statistic, 1.0, reason=r.reason, warnings=r.warnings)
    x = np.asarray(successes, dtype=float)
    size = np.asarray(trials, dtype=float)
    observed = np.column_stack([x, size - x])
    col = observed.sum(axis=0)
    if np.any(col == 0):
        what = "no one" if col[0] == 0 else "everyone"
        return _omnibus(None, None, None, reason=f"{what} converted in any variant, so there is nothing to compare")
    expected = size[:, None] * col[None, :] / size.sum()
    stat = float(((observed - expected) ** 2 / expected).sum())
    warnings: tuple[str, ...] = ()
    if expected.min() < MIN_EXPECTED:
        warnings = (f"an expected cell count is {expected.min():.1f} (below {MIN_EXPECTED:g}): the chi-square "
                    "approximation may be incorrect",)  # fmt: skip
    return _omnibus(float(sps.chi2.sf(stat, k - 1)), stat, float(k - 1), warnings=warnings)


def _omnibus(
    p: float | None, stat: float | None, df: float | None, *, reason: str | None = None, warnings: tuple[str, ...] = ()
) -> TestResult:
    """An omnibus result: no values or lifts (there is no single pair), only the test."""
    return TestResult(
        "chi_square_omnibus", None, None, None, None, None, None, p, reason=reason, warnings=warnings, statistic=stat,
        df=df,
    )  # fmt: skip


def chi_square_k(
    successes: Sequence[int], trials: Sequence[int], *, alpha: float = 0.05, correction: str = "holm"
) -> KSampleResult:
    """The k x 2 omnibus test, then each variant (index 1..k-1) against the control (index 0) with ``correction``."""
    alpha = check_alpha(alpha)
    omnibus = chi_square_omnibus(successes, trials)
    pairwise = tuple(
        chi_square(successes[0], trials[0], successes[i], trials[i], alpha=alpha) for i in range(1, len(successes))
    )
    adjusted = adjust_pvalues([r.p_value for r in pairwise], correction)
    return KSampleResult(omnibus, pairwise, tuple(adjusted), correction.lower())
