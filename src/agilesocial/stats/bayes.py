"""Bayesian comparison: chance to beat control and expected loss (seeded Monte Carlo).

- ``ratio`` / ``mean``: a normal posterior per arm (flat prior) centred on the estimate with the delta-method
  (ratio) or ``var/n`` (mean) variance, as GrowthBook's gbstats does for large samples.
- ``proportion``: Beta(1 + successes, 1 + failures) per arm (uniform prior); successes = ``sum_y``,
  trials = ``n`` (one row per person, y in {0, 1}).

``chance_to_beat`` is P(variant better than control) in the metric's direction; ``expected_loss`` is
E[max(0, control - variant)] (higher is better) or E[max(0, variant - control)] (lower is better): what choosing
the variant costs on average when it is in fact worse, in the metric's units. Credible intervals go in
``abs_ci``/``rel_ci``; ``p_value`` is None.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from agilesocial.stats.result import DEFAULT_MIN_N, TestResult, empty_result, small_n_warnings
from agilesocial.stats.sufficient import SampleStats, check_alpha, check_positive_int


def _normal_params(s: SampleStats, kind: str) -> tuple[float | None, float | None]:
    """(estimate, variance of the estimate) for one arm; None where undefined."""
    if kind == "ratio":
        r, lv = s.ratio, s.linearised_var()
        return r, (lv / s.n if lv is not None else None)
    m, v = s.mean_y, s.var_y
    return m, (v / s.n if v is not None else None)


def bayesian(
    control: SampleStats,
    variant: SampleStats,
    *,
    kind: Literal["ratio", "mean", "proportion"],
    higher_is_better: bool = True,
    alpha: float = 0.05,
    draws: int = 20000,
    seed: int = 0,
    min_n: int = DEFAULT_MIN_N,
) -> TestResult:
    """Chance to beat control, expected loss and credible intervals (see the module docstring)."""
    alpha = check_alpha(alpha)
    draws = check_positive_int(draws, "draws", minimum=100)
    min_n = check_positive_int(min_n, "min_n")
    if kind not in ("ratio", "mean", "proportion"):
        raise ValueError(f"kind == {kind!r}, must be one of 'ratio', 'mean', 'proportion'")
    if kind == "ratio" and not (control.has_x and variant.has_x):
        raise ValueError("kind 'ratio' needs denominator sums (sum_x, sum_x2, sum_xy) in both arms")
    method = f"bayesian_{kind}"
    unit = "people" if kind == "proportion" else "posts"
    warnings = small_n_warnings(control.n, variant.n, min_n, unit=unit)
    rng = np.random.default_rng(seed)
    if kind == "proportion":
        for label, s in (("control", control), ("variant", variant)):
            if not 0 <= s.sum_y <= s.n:
                raise ValueError(f"{label}: sum_y == {s.sum_y}, must be a success count between 0 and n == {s.n}")
        cval = control.sum_y / control.n if control.n else None
        vval = variant.sum_y / variant.n if variant.n else None
        if cval is None or vval is None:
            which = "control" if cval is None else "variant"
            return empty_result(
                method, f"the {which} has no people", control_value=cval, variant_value=vval, warnings=warnings
            )
        dc = rng.beta(1 + control.sum_y, 1 + control.n - control.sum_y, draws)
        dv = rng.beta(1 + variant.sum_y, 1 + variant.n - variant.sum_y, draws)
    else:
        (cval, var_c), (vval, var_v) = _normal_params(control, kind), _normal_params(variant, kind)
        if cval is None or vval is None:
            which = "control" if cval is None else "variant"
            what = "no posts or a zero denominator" if kind == "ratio" else "no posts"
            return empty_result(
                method, f"the {which} has {what}", control_value=cval, variant_value=vval, warnings=warnings
            )
        if var_c is None or var_v is None:
            return empty_result(
                method,
                "an arm has a single post, so its variance cannot be estimated",
                control_value=cval,
                variant_value=vval,
                warnings=warnings,
            )
        if var_c + var_v <= 0:
            return empty_result(
                method,
                "no variation within either arm, so there is no uncertainty to model",
                control_value=cval,
                variant_value=vval,
                warnings=warnings,
            )
        dc = rng.normal(cval, math.sqrt(var_c), draws)
        dv = rng.normal(vval, math.sqrt(var_v), draws)
    diff = dv - dc
    better = diff > 0 if higher_is_better else diff < 0
    loss = np.maximum(-diff, 0.0) if higher_is_better else np.maximum(diff, 0.0)
    q = (alpha / 2, 1 - alpha / 2)
    lo, hi = np.quantile(diff, q)
    abs_ci = (float(lo), float(hi))
    rel: float | None = None
    rel_ci: tuple[float, float] | None = None
    reason = None
    if cval > 0 and np.all(dc > 0):
        rel = vval / cval - 1
        rlo, rhi = np.quantile(dv / dc - 1, q)
        rel_ci = (float(rlo), float(rhi))
    else:
        reason = "the control value is not clearly above 0, so a relative lift is undefined"
    return TestResult(
        method,
        cval,
        vval,
        vval - cval,
        abs_ci,
        rel,
        rel_ci,
        None,
        chance_to_beat=float(better.mean()),
        expected_loss=float(loss.mean()),
        reason=reason,
        warnings=tuple(warnings),
    )
