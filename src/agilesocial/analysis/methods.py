"""Choosing the statistical method for an experiment x metric, and calling :mod:`agilesocial.stats` with it.

Defaults (an experiment's ``method:`` overrides them where the metric allows):

=====================  ===============  ==============================================================
design / unit          metric kind      method
=====================  ===============  ==============================================================
split, unit=post       ratio or count   permutation (randomisation test of the studentised ratio of sums;
                                        for a count metric the mean per post, i.e. Welch's t statistic)
split, unit=user       ratio            two_proportion (numerator sum = successes, denominator = trials),
                                        fisher when any expected cell count is below 5
before_after           any              its (interrupted time series on the daily series)
=====================  ===============  ==============================================================

Classical alternatives (``method:``; see docs/classical-tests.md): ``student_t`` (pooled-variance t, like welch_t on
the mean per post or per-post rates), ``poisson_exact`` (R's poisson.test on the sums: events over exposure, the
denominator sum for rates and the number of posts for counts; warns when per-post counts are overdispersed),
``chi_square`` with 3+ variants under unit: user (k x 2 omnibus in a warning line, pairwise Yates tests per variant).

Every split method is one entry of :data:`REGISTRY` (method -> handler of a :class:`Call`); :func:`run_test` is the
one way in, for ``analyze`` and for anything else that compares two arms of posts the same way (``calibrate``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agilesocial.analysis.sufficient import Sums
from agilesocial.analysis.wording import p_eq
from agilesocial.plan.experiment import Experiment, Method
from agilesocial.plan.metrics import Metric

if TYPE_CHECKING:
    from agilesocial.stats import TestResult

USER_METHODS = {Method.two_proportion, Method.chi_square, Method.fisher}
RATIO_ONLY = USER_METHODS | {Method.pooled_z, Method.ratio_delta}
POST_ONLY = {Method.poisson_exact}
CONTRAST_ONLY = {Method.pooled_z}  # shown for comparison, never the basis of a decision
RESAMPLES = 4999  # randomisation test resamples in analyze

#: Per-post (numerator, denominator) values of control and variant, fetched only when a method needs them.
ValuesFn = Callable[[], tuple[tuple[list[float], list[float]], tuple[list[float], list[float]]]]


@dataclass(frozen=True)
class Choice:
    method: Method
    kind: str  # 'ratio' | 'mean' | 'proportion' | 'its' -- what the metric value per arm is
    warning: str | None = None
    why: str = ""  # why this method ran, in plain words (shown in the output)


def default_method(experiment: Experiment, metric: Metric) -> Method:
    if experiment.design == "before_after":
        return Method.its
    if experiment.unit == "user" and metric.kind == "ratio":
        return Method.two_proportion
    return Method.permutation


_WHY_DEFAULT = {
    Method.permutation: "default for split tests of posts: a randomisation test, exact at any number of posts",
    Method.two_proportion: "default for unit: user (people counted once)",
    Method.its: "default for a before/after design",
}


def seed_for(experiment_id: str) -> int:
    """The randomisation test's default seed: derived from the experiment id, so a rerun gives the same numbers."""
    import hashlib

    return int.from_bytes(hashlib.sha256(experiment_id.encode("utf-8")).digest()[:4], "little")


def choose_method(experiment: Experiment, metric: Metric) -> Choice:
    """The method for one metric: the experiment's override when it fits the metric and design, else the default."""
    default = default_method(experiment, metric)
    wanted = experiment.method
    warning = None
    if wanted is not None and wanted != default:
        if experiment.design == "before_after" and wanted != Method.its:
            warning = f"method {wanted} does not apply to a before/after design; used its"
            wanted = None
        elif experiment.design == "split" and wanted == Method.its:
            warning = f"method its needs design: before_after; used {default} for {metric.name}"
            wanted = None
        elif wanted in RATIO_ONLY and metric.kind != "ratio":
            warning = f"method {wanted} needs a ratio metric; used {default} for {metric.name}"
            wanted = None
        elif wanted in POST_ONLY and experiment.unit == "user":
            warning = f"method {wanted} needs unit: post; used {default} for {metric.name}"
            wanted = None
        elif wanted in USER_METHODS and experiment.unit != "user":
            warning = (
                f"method {wanted} needs unit: user (people counted once); impressions of one post are not "
                f"independent trials, so {default} was used for {metric.name}"
            )
            wanted = None
    method = wanted or default
    why = _WHY_DEFAULT.get(method, "") if method == default else f"requested with method: {method}"
    if method in CONTRAST_ONLY:
        why += f"; shown for contrast only, the decision follows {default}"
    if method == Method.its:
        kind = "its"
    elif method in USER_METHODS or (method == Method.bayesian and experiment.unit == "user" and metric.kind == "ratio"):
        kind = "proportion"
    else:
        kind = "ratio" if metric.kind == "ratio" else "mean"
    return Choice(method, kind, warning, why)


def _call(fn: Callable[..., TestResult], *args: Any, **kwargs: Any) -> TestResult:
    """Call a stats function, passing only the keyword options it accepts.

    A one-sided ``alternative`` given to a function that only tests two-sided is not dropped silently: the result
    says so in a warning (and its ``alternative`` stays ``two-sided``)."""
    from dataclasses import replace

    params = inspect.signature(fn).parameters
    result = fn(*args, **{k: v for k, v in kwargs.items() if k in params})
    wanted = kwargs.get("alternative", "two-sided")
    if wanted != "two-sided" and "alternative" not in params:
        note = f"{result.method} has no one-sided version: its p-value and interval are two-sided"
        result = replace(result, warnings=(*result.warnings, note))
    return result


def _degenerate(method: str, reason: str) -> TestResult:
    from agilesocial.stats import TestResult

    return TestResult(method, None, None, None, None, None, None, None, reason=reason)


def _counts(s: Sums) -> tuple[int, int]:
    return round(s.sum_y), round(s.sum_x or 0.0)


def _not_people(metric: Metric, control: Sums, variant: Sums) -> str | None:
    """Why the sums cannot be successes out of people (None when they can)."""
    for label, s in (("control", control), ("variant", variant)):
        successes, trials = _counts(s)
        if successes > trials:
            return (
                f"unit: user needs a numerator that counts people within the denominator, but the {label} has "
                f"{successes:,} {metric.numerator} for {trials:,} {metric.denominator}; use unit: post"
            )
    return None


def _proportion_stats(s: Sums) -> Any:
    """People as units: n = trials (denominator sum), successes = numerator sum (y is 0/1, so sum_y2 = sum_y)."""
    from agilesocial.stats import SampleStats

    successes, trials = _counts(s)
    return SampleStats(trials, float(successes), float(successes))


def _rates(y: list[float], x: list[float]) -> list[float]:
    return [a / b for a, b in zip(y, x, strict=True) if b > 0]


def expected_min(c: Sums, v: Sums) -> float:
    """Smallest expected cell count of the 2x2 table successes/failures x control/variant."""
    (cs, ct), (vs, vt) = _counts(c), _counts(v)
    total = ct + vt
    if total <= 0:
        return 0.0
    succ, fail = cs + vs, total - cs - vs
    return min(ct * succ, ct * fail, vt * succ, vt * fail) / total


@dataclass(frozen=True)
class Call:
    """Everything a method's handler may need for one variant against the control on one metric."""

    choice: Choice
    metric: Metric
    control: Sums
    variant: Sums
    alpha: float
    min_n: int
    values: ValuesFn
    alternative: str = "two-sided"
    seed: int = 0
    resamples: int = RESAMPLES
    exact: bool | str = "auto"  # mann_whitney: exact p-value (auto | True | False), as R's wilcox.test

    @property
    def options(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "min_n": self.min_n, "alternative": self.alternative}


Handler = Callable[[Call], "TestResult"]


def _user_test(c: Call) -> TestResult:
    import agilesocial.stats as st

    method = c.choice.method
    (cs, ct), (vs, vt) = _counts(c.control), _counts(c.variant)
    if method == Method.two_proportion and expected_min(c.control, c.variant) < 5:
        method = Method.fisher
    fn = {Method.two_proportion: st.two_proportion, Method.chi_square: st.chi_square}.get(method, st.fisher_exact)
    return _call(fn, cs, ct, vs, vt, **c.options)


def _arm_stats(c: Call) -> tuple[Any, Any]:
    if c.choice.kind == "proportion":
        return _proportion_stats(c.control), _proportion_stats(c.variant)
    return c.control.sample_stats(), c.variant.sample_stats()


def _permutation(c: Call) -> TestResult:
    import agilesocial.stats as st

    (cy, cx), (vy, vx) = c.values()
    ratio = c.metric.denominator is not None
    return _call(
        st.permutation_test,
        cy,
        cx if ratio else None,
        vy,
        vx if ratio else None,
        seed=c.seed,
        resamples=c.resamples,
        **c.options,
    )


def _ratio_delta(c: Call) -> TestResult:
    import agilesocial.stats as st

    return _call(st.ratio_delta, *_arm_stats(c), **c.options)


def _welch(c: Call) -> TestResult:
    """Welch's t (or Student's, for method student_t) on the mean per post; on a rate metric, the per-post rates."""
    import agilesocial.stats as st

    t_test = st.student_t if c.choice.method == Method.student_t else st.welch_t
    if c.metric.denominator is None:
        return _call(t_test, *_arm_stats(c), nonnegative=True, **c.options)
    (cy, cx), (vy, vx) = c.values()  # a rate metric: the mean of the per-post rates
    rc, rv = st.SampleStats.from_arrays(_rates(cy, cx)), st.SampleStats.from_arrays(_rates(vy, vx))
    return _call(t_test, rc, rv, nonnegative=True, **c.options)


def _poisson_exact(c: Call) -> TestResult:
    """R's poisson.test on the sums (events over exposure), with a warning when the posts' counts vary more than a
    Poisson process allows (Cameron-Trivedi on the per-post counts, fetched for it)."""
    from dataclasses import replace

    import numpy as np

    import agilesocial.stats as st

    ratio = c.metric.denominator is not None
    exposure = (c.control.sum_x or 0.0, c.variant.sum_x or 0.0) if ratio else (c.control.n, c.variant.n)
    result = _call(st.poisson_exact, c.control.sum_y, exposure[0], c.variant.sum_y, exposure[1], **c.options)
    if result.p_value is None:
        return result
    (cy, cx), (vy, vx) = c.values()
    y, x = np.asarray(cy + vy, dtype=float), np.asarray(cx + vx, dtype=float)
    n_c = len(cy)
    rates = np.r_[np.full(n_c, result.control_value), np.full(y.size - n_c, result.variant_value)]
    keep = x > 0
    y, mu = y[keep], (x * rates)[keep]
    if y.size > 2 and np.all(mu > 0) and st.overdispersion_test(y, mu)[1] < 0.05:
        note = (
            "the posts' counts vary far more than a Poisson process allows, so this exact test's p-value is too "
            "small; use the default method or negbin"
        )
        return replace(result, warnings=(*result.warnings, note))
    return result


def _pooled_z(c: Call) -> TestResult:
    import agilesocial.stats as st

    return _call(st.pooled_z, *_arm_stats(c), **c.options)


def _bayesian(c: Call) -> TestResult:
    import agilesocial.stats as st

    higher = c.metric.direction == "higher"
    return _call(st.bayesian, *_arm_stats(c), kind=c.choice.kind, higher_is_better=higher, **c.options)


def _mann_whitney(c: Call) -> TestResult:
    import agilesocial.stats as st

    (cy, cx), (vy, vx) = c.values()
    if c.metric.denominator is not None:
        cy, vy = _rates(cy, cx), _rates(vy, vx)
    return _call(st.mann_whitney, cy, vy, exact=c.exact, **c.options)


def _glm(c: Call) -> TestResult:
    import agilesocial.stats as st

    (cy, cx), (vy, vx) = c.values()
    keep_c = [i for i, x in enumerate(cx) if x > 0]
    keep_v = [i for i, x in enumerate(vx) if x > 0]
    return _call(
        st.count_glm,
        [cy[i] for i in keep_c],
        [cx[i] for i in keep_c],
        [vy[i] for i in keep_v],
        [vx[i] for i in keep_v],
        family=str(c.choice.method),
        **c.options,
    )


#: method -> handler; ``run_test`` dispatches through it (``its`` runs on a daily series, see :mod:`.beforeafter`).
REGISTRY: dict[Method, Handler] = {
    Method.permutation: _permutation,
    Method.ratio_delta: _ratio_delta,
    Method.welch_t: _welch,
    Method.student_t: _welch,
    Method.poisson_exact: _poisson_exact,
    Method.pooled_z: _pooled_z,
    Method.bayesian: _bayesian,
    Method.mann_whitney: _mann_whitney,
    Method.negbin: _glm,
    Method.poisson: _glm,
    Method.two_proportion: _user_test,
    Method.chi_square: _user_test,
    Method.fisher: _user_test,
}


def run_test(
    choice: Choice,
    metric: Metric,
    control: Sums,
    variant: Sums,
    *,
    alpha: float,
    min_n: int,
    values: ValuesFn,
    alternative: str = "two-sided",
    seed: int = 0,
    resamples: int = RESAMPLES,
    exact: bool | str = "auto",
) -> TestResult:
    """One variant against the control on one metric. Invalid inputs become a result with a reason, never raise.

    ``values`` returns the per-post (numerator, denominator) lists of control and variant (denominators 1.0 for
    count metrics); methods that work on sums alone never call it. ``seed`` seeds the randomisation test
    (analyze uses :func:`seed_for` of the experiment id).
    """
    method = choice.method
    try:
        if choice.kind == "proportion":
            reason = _not_people(metric, control, variant)
            if reason is not None:
                return _degenerate(str(method), reason)
        handler = REGISTRY.get(method)
        if handler is None:
            return _degenerate(str(method), f"method {method} is not available for a split test")
        call = Call(choice, metric, control, variant, alpha, min_n, values, alternative, seed, resamples, exact)
        return handler(call)
    except ValueError as exc:
        return _degenerate(str(method), f"the test could not run: {exc}")
    return _degenerate(str(method), f"method {method} is not available for a split test")  # pragma: no cover


def omnibus_note(choice: Choice, metric: Metric, per: tuple[Sums, ...]) -> str | None:
    """With 3+ variants of a people-level proportion under method chi_square: the k x 2 omnibus test in one line
    (the pairwise tests against the control are the per-variant results, adjusted by the run's correction)."""
    if choice.method != Method.chi_square or choice.kind != "proportion" or len(per) < 3:
        return None
    if any(_not_people(metric, per[0], s) for s in per[1:]) or any(_counts(s)[1] == 0 for s in per):
        return None
    import agilesocial.stats as st

    counts = [_counts(s) for s in per]
    r = st.chi_square_omnibus([c[0] for c in counts], [c[1] for c in counts])
    if r.p_value is None:
        return None
    return (
        f"{metric.name}: all {len(per)} variants together (k x 2 chi-square): X² = {r.statistic:.3f}, "
        f"df = {r.df:g}, p {p_eq(r.p_value)}; the variant-vs-control tests below are adjusted for multiple testing"
    )
