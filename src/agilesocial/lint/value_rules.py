"""AS009: a rate of impressions written as a whole percent (``baseline: 2`` meaning 2 %), which reads as 200 %.

Rates whose denominator is impressions (engagement_rate, ctr, comment_rate, ...) are fractions of the posts'
impressions, so a baseline, target or weekly target above 1 (100 %) is a percent written without dividing by 100.
Rates of other denominators (watch time per view, engagements per reach) can legitimately exceed 1: not checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agilesocial.lint.context import LintContext
from agilesocial.plan.loader import Document


def _is_rate(ctx: LintContext, name: str | None) -> bool:
    metric = ctx.catalog.get(name) if name else None
    return metric is not None and metric.kind == "ratio" and metric.denominator == "impressions"


def _values(ctx: LintContext) -> Iterator[tuple[Document[Any], tuple[str | int, ...], str, str, float]]:
    """(document, YAML location, what, metric, value) of every rate target in the plans and sprints."""
    loc: tuple[str | int, ...]
    for doc in ctx.workspace.plans:
        for i, obj in enumerate(doc.model.objectives):
            for name in ("baseline", "target"):
                value = getattr(obj, name)
                if value is not None and obj.metric and _is_rate(ctx, obj.metric):
                    yield doc, ("objectives", i, name), f"objective {obj.id!r} {name}", obj.metric, value
        for i, kpi in enumerate(doc.model.evaluation.kpis):
            if not _is_rate(ctx, kpi.metric):
                continue
            if kpi.weekly_target is not None:
                loc = ("evaluation", "kpis", i, "weekly_target")
                yield doc, loc, f"KPI {kpi.metric!r} weekly_target", kpi.metric, kpi.weekly_target
            for w, value in enumerate(kpi.weekly_targets):
                loc = ("evaluation", "kpis", i, "weekly_targets", w)
                yield doc, loc, f"KPI {kpi.metric!r} week {w + 1} target", kpi.metric, value
    for sdoc in ctx.workspace.sprints:
        for i, kr in enumerate(sdoc.model.key_results):
            if not _is_rate(ctx, kr.metric):
                continue
            for w, value in enumerate(kr.weekly_targets):
                loc = ("key_results", i, "weekly_targets", w)
                yield sdoc, loc, f"key result {kr.metric!r} week {w + 1} target", kr.metric, value


def check_rates(ctx: LintContext) -> None:
    for doc, loc, what, metric, value in _values(ctx):
        if value > 1:
            ctx.report(
                "AS009",
                doc,
                loc,
                f"{what} {value:g} reads as {value * 100:,.0f} % ({metric} is a fraction of impressions)",
                f"write percentages as fractions: {value / 100:.10g} for {value:g} %",
            )
