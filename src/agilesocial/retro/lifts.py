"""The cells of one analysis result row (variant x metric), shared by the text and Markdown renderers of ``analyze``."""

from __future__ import annotations

from agilesocial.analysis.model import ExperimentAnalysis, MetricResult
from agilesocial.retro import fmt

HEADERS = ["Metric", "Variant", "n c/v", "Control", "Variant", "Lift", "CI", "p adj.", "Sig."]


def _value(r: MetricResult, v: float | None, ratios: frozenset[str]) -> str:
    """Rates as percentages, counts as numbers: decided by the metric's kind (and the per-exposure GLMs, whose
    values are counts per impression), never by the value's size."""
    return "-" if v is None else fmt.value(v, ratio=r.metric in ratios or r.method in ("poisson", "negbin"))


def _lift(r: MetricResult) -> str:
    if r.rel_lift is not None:
        return f"{r.rel_lift * 100:+.1f} %"
    return f"{r.abs_lift:+.3g}" if r.abs_lift is not None else "-"


def _ci(r: MetricResult) -> str:
    if r.rel_ci is not None:
        return f"{r.rel_ci[0] * 100:+.0f} % to {r.rel_ci[1] * 100:+.0f} %"
    if r.abs_ci is not None:
        return f"{r.abs_ci[0]:+.3g} to {r.abs_ci[1]:+.3g}"
    return "-"


def verdict(r: MetricResult) -> str:
    """``better``, ``WORSE`` (by the metric's direction), ``no`` or ``n/a``."""
    if r.significant is None:
        return "n/a"
    if not r.significant:
        return "no"
    good = (r.abs_lift or 0) > 0 if r.direction == "higher" else (r.abs_lift or 0) < 0
    return "better" if good else "WORSE"


def _p_or_chance(r: MetricResult) -> str:
    if r.p_adjusted is None and r.chance_to_beat is not None:
        return f"P(beat) {r.chance_to_beat:.0%}"
    return "-" if r.p_adjusted is None else fmt.pvalue(r.p_adjusted)


def cells(r: MetricResult, ratios: frozenset[str]) -> list[str]:
    """One row of :data:`HEADERS`."""
    metric = r.metric + (" (g)" if r.is_guardrail else "")
    n = f"{r.n_control if r.n_control is not None else '-'}/{r.n_variant if r.n_variant is not None else '-'}"
    return [
        metric,
        r.variant,
        n,
        _value(r, r.control_value, ratios),
        _value(r, r.variant_value, ratios),
        _lift(r),
        _ci(r),
        _p_or_chance(r),
        verdict(r),
    ]


def title(e: ExperimentAnalysis) -> str:
    """``id (design, platform, control: name)``."""
    bits = [e.design, e.platform or "all platforms", f"control: {e.control}" if e.control else None]
    return f"{e.id} ({', '.join(b for b in bits if b)})"
