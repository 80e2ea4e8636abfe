"""The decision and sentence of a before/after experiment.

The sentence reports what happened first (before -> after, observed), then what the model expected without the
change and the effect relative to that, then the placebo check: "... was 1.16 % before and 1.15 % after (-1 %); the
model expected 1.02 % without the change; you got 1.15 %: +13 % (95 % CI +2 % to +24 %)". Rules:

1. **scale** needs the model's test (effect significantly better), the placebo check (the effect stands out from
   refits at fake change dates in the before period) and the observed after value on the same side of the before
   value as the effect (otherwise the effect rests on an extrapolated trend alone); **iterate** instead when a
   guardrail got significantly worse or the effect is below the planned MDE.
2. **stop** needs the same three for a significantly worse effect.
3. Futility as for split tests (:mod:`agilesocial.analysis.decide`): a CI that already rules out the planned lift is
   **futile** ("stop early or finish as planned") before the planned end and **stop** after it or once finished.
4. **keep_running** otherwise, saying which condition is missing.
"""

from __future__ import annotations

import math

from agilesocial.analysis.decide import DEFAULT_MDE, metric_phrase, pct, ruled_out, signed_pct
from agilesocial.analysis.model import Decision, MetricResult
from agilesocial.analysis.wording import p_eq
from agilesocial.plan.metrics import Metric


def _fmt(value: float | None, ratio: bool) -> str:
    """Rates as percentages (``1.16 %``), per-post counts with one decimal -- as the renderers show them."""
    if value is None:
        return "-"
    if ratio:
        return f"{value * 100:.2f} %"
    return f"{round(value):,}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


def _good(r: MetricResult, x: float) -> float:
    return x if r.direction == "higher" else -x


def sentence(r: MetricResult, metric: Metric, ci_alpha: float) -> str:
    """What happened and what the model says, never contradicting each other."""
    ratio = metric.denominator is not None
    phrase = metric_phrase(metric)
    before, after = _fmt(r.control_value, ratio), _fmt(r.variant_value, ratio)
    was = "were" if phrase.split(" per ")[0].endswith("s") else "was"
    text = f"{phrase.capitalize()} {was} {before} before the change and {after} after"
    if r.control_value and r.variant_value is not None:
        change = r.variant_value / r.control_value - 1
        text += f" ({signed_pct(change)})" if round(abs(change) * 100) else " (about the same)"
    if r.counterfactual_value is None or r.abs_lift is None:
        return text
    text += f"; the model expected {_fmt(r.counterfactual_value, ratio)} without the change; you got {after}"
    level = f"{(1 - ci_alpha) * 100:.3g} % CI"
    if r.rel_lift is not None and r.rel_ci is not None:
        lo, hi = r.rel_ci
        text += f": {signed_pct(r.rel_lift)} ({level} {signed_pct(lo)} to {signed_pct(hi)})"
    elif r.abs_ci is not None:  # no bounded relative interval: the effect in the metric's units
        lo, hi = r.abs_ci
        if ratio:
            text += f": {r.abs_lift * 100:+.2f} points ({level} {lo * 100:+.2f} to {hi * 100:+.2f})"
        else:
            text += f": {r.abs_lift:+.3g} ({level} {lo:+.3g} to {hi:+.3g})"
    return text


def more_days(r: MetricResult, goal: float) -> tuple[int | None, str]:
    """(more days after the change, words): the model's projection of the days until the planned effect would be
    detectable (see :mod:`agilesocial.stats.its_power`)."""
    its = r.its
    if its is None or not its.projected:
        return None, "collect more days after the change"
    planned = f"the planned {signed_pct(goal if r.direction == 'higher' else -goal)}"
    if its.days_needed is None:
        return None, (
            f"more days alone will not make {planned} detectable at this noise (the model's trend line grows "
            "less certain as the after period gets longer): add a comparison series (control:), fit a longer "
            "before period (pre_period, window.start) or test a bolder change"
        )
    if its.days_needed == 0:
        return 0, f"the days so far could already detect {planned}, so the effect is likely smaller; keep collecting"
    until = f" (to {its.days_needed_date})" if its.days_needed_date else ""
    days = "1 more day" if its.days_needed == 1 else f"about {its.days_needed} more days"
    return its.days_needed, (
        f"collect {days} after the change{until} to detect {planned} with the planned power, if the coming days "
        "are as noisy as these"
    )


def _placebo(r: MetricResult) -> str:
    p = r.its.placebo if r.its is not None else None
    if p is None or p.p_value is None:
        return "there are too few days before the change for a placebo check"
    return (
        f"{p.as_large} of {p.fits} placebo change dates in the before period showed an effect as large "
        f"(placebo p {p_eq(p.p_value)})"
    )


def decide_before_after(
    r: MetricResult,
    metric: Metric,
    *,
    harmed: tuple[MetricResult, ...],
    mde: float | None,
    ci_alpha: float,
    over: bool = False,
) -> Decision:
    """The decision for a before/after experiment's primary result (see the module docstring); ``over``: the
    planned end has passed or the experiment is finished (futility then stops, as for split tests)."""
    if r.abs_lift is None:
        return Decision("keep_running", f"Cannot judge yet: {r.note or 'the model could not be fitted'}.")
    text = sentence(r, metric, ci_alpha)
    effect = _good(r, r.abs_lift)
    observed = None
    if r.control_value is not None and r.variant_value is not None:
        observed = _good(r, r.variant_value - r.control_value)
    placebo_ok = r.its is not None and r.its.placebo.stands_out
    if not r.significant:
        goal = mde if mde is not None else DEFAULT_MDE
        if r.rel_ci is not None:
            lo, hi = r.rel_ci
            best = hi if r.direction == "higher" else -lo
            if best < goal:  # futility: the same rule and words as split tests
                why = f"{text}: {ruled_out(r, goal, f'{(1 - ci_alpha) * 100:.3g} % CI')}"
                if over:
                    return Decision("stop", f"{why}; the change did not bring the planned lift: test a bolder idea.")
                return Decision("futile", f"{why} before the planned end; stop early or finish as planned.")
        so_far = f"so far {text[:1].lower()}{text[1:]}, not yet clear"
        more, tail = more_days(r, goal)
        weeks = math.ceil(more / 7) if more else None
        return Decision("keep_running", f"Too early to tell: {so_far}; {tail}.", weeks_needed=weeks, days_needed=more)
    better = effect > 0
    if not placebo_ok:
        return Decision(
            "keep_running",
            f"{text}, but {_placebo(r)}: the change does not stand out from ordinary ups and downs yet; collect "
            "more days before deciding.",
        )
    if observed is not None and (observed > 0) != better and observed != 0:
        moved = "rose" if r.variant_value > r.control_value else "fell"  # type: ignore[operator]
        return Decision(
            "keep_running",
            f"{text}, but the observed value {moved} after the change: the model's "
            f"{'gain' if better else 'loss'} rests on the trend it extrapolated; collect more days before deciding.",
        )
    if not better:
        return Decision("stop", f"{text}; {_placebo(r)}; stop the change and go back to what you did before.")
    if harmed:
        g = harmed[0]
        hurt = f" ({signed_pct(g.rel_lift)})" if g.rel_lift is not None else ""
        return Decision("iterate", f"{text}, but it hurt {g.metric}{hurt}; iterate on the change before keeping it.")
    goal = mde if mde is not None else DEFAULT_MDE
    if r.rel_lift is not None and _good(r, r.rel_lift) < goal:
        return Decision(
            "iterate", f"{text}: real but below the planned {pct(goal)}; iterate to make the change bolder."
        )
    return Decision("scale", f"{text}; {_placebo(r)}; keep the change.")
