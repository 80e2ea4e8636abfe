"""From an experiment's results to its decision: which results may decide, and the sample sizes the decision quotes.

Only valid evidence decides: a method shown for contrast (``pooled_z``) never does, and the sample sizes ("posts
needed", "the lift the data could have detected") come from the power formula of the method that ran, at its
alternative (one- or two-sided), the experiment's alpha and power, and the control's observed variance.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from typing import Any

from agilesocial.analysis.decide import DEFAULT_MDE, Context, Evidence, decide
from agilesocial.analysis.methods import choose_method
from agilesocial.analysis.model import Decision, MetricResult, Srm
from agilesocial.analysis.sufficient import ExperimentSums, Sums
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.metrics import Metric

FINISHED = ("completed", "scaled", "stopped")  # statuses after which "keep running" is no answer
MW_ARE = 3 / math.pi  # Mann-Whitney's efficiency relative to the t test under normality (Pitman ARE)
_T_METHODS = ("permutation", "ratio_delta", "welch_t", "bayesian")
_PROPORTION_METHODS = ("two_proportion", "chi_square", "chi_square_yates", "fisher")


def _sd_and_base(kind: str, stats: Any) -> tuple[float, float] | None:
    """(baseline, per-post SD) of the control for a ratio or mean metric; None when unknown."""
    import agilesocial.stats as st

    if kind == "ratio":
        if not stats.ratio or stats.n < 2:
            return None
        sd = st.ratio_sd_from_stats(stats)
        return (stats.ratio, sd) if sd > 0 else None
    if stats.mean_y and stats.var_y:
        return stats.mean_y, math.sqrt(stats.var_y)
    return None


def _sides(alternative: str) -> int:
    return 2 if alternative == "two-sided" else 1


def posts_needed(
    method: str, kind: str, control: Sums, mde: float, *, alpha: float, power: float, alternative: str
) -> int | None:
    """Units per variant for the method that ran to detect ``mde`` with ``power``; None when it has no formula.

    t-referred tests (the randomisation test, ratio_delta, Welch, Bayesian's normal model): R's ``power.t.test``
    with the control's per-post SD (of the linearised ratio for rate metrics). Mann-Whitney: the same divided by
    its efficiency 3/π. Tests of people: ``power.prop.test``. GLMs: no formula (None).
    """
    import agilesocial.stats as st

    stats = control.sample_stats()
    sides = _sides(alternative)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if method in _PROPORTION_METHODS or kind == "proportion":
                if not stats.ratio:
                    return None
                return int(st.n_for_proportion(stats.ratio, mde, alpha=alpha, power=power, sides=sides))
            if method not in (*_T_METHODS, "mann_whitney"):
                return None
            got = _sd_and_base("ratio" if kind == "ratio" else "mean", stats)
            if got is None:
                return None
            n = st.n_for_mean(got[0], got[1], mde, alpha=alpha, power=power, sides=sides)
            return math.ceil(n / MW_ARE) if method == "mann_whitney" else int(n)
        except ValueError:
            return None


def detectable_lift(
    method: str, kind: str, control: Sums, n: int, *, alpha: float, power: float, alternative: str
) -> float | None:
    """The smallest relative lift the method that ran could detect with ``power`` at ``n`` units per variant."""
    import agilesocial.stats as st

    if n < 2:
        return None
    stats = control.sample_stats()
    sides = _sides(alternative)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if method in _PROPORTION_METHODS or kind == "proportion":
                if not stats.ratio or not 0 < stats.ratio < 1:
                    return None
                return float(st.mde_for_n("proportion", stats.ratio, n, alpha=alpha, power=power, sides=sides))
            if method not in (*_T_METHODS, "mann_whitney"):
                return None
            got = _sd_and_base("ratio" if kind == "ratio" else "mean", stats)
            if got is None:
                return None
            n_eff = max(2, math.floor(n * MW_ARE)) if method == "mann_whitney" else n
            return float(st.mde_for_n("mean", got[0], n_eff, sd=got[1], alpha=alpha, power=power, sides=sides))
        except ValueError:
            return None


def dominant_share(arms: Any) -> float | None:
    """The largest share a single post holds of an arm's numerator or denominator sum (None when unknown)."""
    shares = []
    for a in arms:
        for top, total in ((a.max_x, a.sum_x), (a.max_y, a.sum_y)):
            if top is not None and total:
                shares.append(top / total)
    return max(shares) if shares else None


def decide_experiment(
    exp: Experiment,
    metrics: list[Metric],
    results: list[MetricResult],
    sums: ExperimentSums,
    srm: Srm | None,
    alphas: tuple[float, float],
    power: float,
    rate: float | None = None,
) -> Decision:
    """The decision; ``alphas`` = (threshold for significance, level of the CIs); ``rate`` = posts per week per
    variant (turns "more posts" into weeks). Contrast rows never decide."""
    primary = metrics[0]
    kind = choose_method(exp, primary).kind
    unit = "people" if kind == "proportion" else "posts"
    per = sums.sums[primary.name]
    mde = exp.mde if exp.mde is not None else DEFAULT_MDE
    evidence = []
    for r in results:
        if r.is_guardrail or r.contrast:
            continue
        harmed = tuple(g for g in results if g.harms and g.variant == r.variant)
        n = min(r.n_control or 0, r.n_variant or 0)  # posts, or people for unit: user
        arms = (per[0], per[sums.variant_names.index(r.variant)]) if r.variant in sums.variant_names else ()
        unclear = tuple(g for g in results if g.guard == "cannot_tell" and g.variant == r.variant)
        evidence.append(Evidence(r, harmed, None, n, dominant_share(arms), unclear=unclear))
    planned = exp.sample_size.posts_per_variant if exp.sample_size and unit == "posts" and kind != "its" else None
    alpha, ci_alpha = alphas
    finished = str(exp.status) in FINISHED
    ctx = Context(
        primary,
        sums.variant_names[0],
        exp.mde,
        alpha,
        planned,
        srm,
        unit,
        exp.design == "before_after",
        ci_alpha=ci_alpha,
        finished=finished,
        rate=rate,
    )
    decision = decide(evidence, ctx)
    if decision.action in ("keep_running", "inconclusive") and kind != "its":
        opts = {"alpha": ci_alpha, "power": power, "alternative": exp.alternative}
        evidence = [
            replace(
                e,
                posts_needed_total=posts_needed(e.result.method, kind, per[0], mde, **opts),  # type: ignore[arg-type]
                detectable=detectable_lift(e.result.method, kind, per[0], e.n, **opts),  # type: ignore[arg-type]
            )
            for e in evidence
        ]
        decision = decide(evidence, ctx)
    return decision
