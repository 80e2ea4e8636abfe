"""Lint checks on experiments (AS4xx): references, hypothesis card, design and timing."""

from __future__ import annotations

import re

from agilesocial.lint.context import LintContext
from agilesocial.plan.experiment import Experiment, Method, Status, method_misfit
from agilesocial.plan.loader import Document
from agilesocial.plan.metrics import PLATFORM_FIELDS, available_metrics, exports_lack, missing_fields

_NUMBER = re.compile(r"\d")


def check_experiment(ctx: LintContext, doc: Document[Experiment]) -> None:
    _references(ctx, doc)
    _card(ctx, doc)
    _design(ctx, doc)
    _timing(ctx, doc)
    _selectors(ctx, doc)
    _availability(ctx, doc)
    _method(ctx, doc)


def _selectors(ctx: LintContext, doc: Document[Experiment]) -> None:
    exp = doc.model
    rests = [i for i, v in enumerate(exp.variants) if v.selector.rest]
    for i in rests[1:]:
        ctx.report(
            "AS415",
            doc,
            ("variants", i, "selector", "rest"),
            f"experiment {exp.id!r}: variant {exp.variants[i].name!r} is a second 'rest: true' variant",
            f"'rest' means every post no other variant takes; keep it on {exp.variants[rests[0]].name!r} only",
        )
    if exp.design != "split":
        return
    for i, v in enumerate(exp.variants):
        if v.selector.is_empty:
            ctx.report(
                "AS414",
                doc,
                ("variants", i, "selector"),
                f"experiment {exp.id!r}: variant {v.name!r} has no selector conditions, so it matches every post",
                "give it a condition (e.g. 'selector: {is_reply: true}'), or 'rest: true' for the posts no other "
                "variant takes",
            )


def _availability(ctx: LintContext, doc: Document[Experiment]) -> None:
    exp = doc.model
    if exp.platform is None or exp.platform not in PLATFORM_FIELDS:
        return
    named = [(exp.metric, ("metric",))] + [(g, ("guardrails", i)) for i, g in enumerate(exp.guardrail_metrics)]
    for name, loc in named:
        metric = ctx.catalog.get(name) if name else None
        if metric is None:
            continue
        missing = missing_fields(metric, exp.platform)
        if missing:
            ctx.report(
                "AS416",
                doc,
                loc,
                f"experiment {exp.id!r}: {exports_lack(exp.platform, missing)}, so {name} cannot be measured",
                f"pick a metric its exports carry: {', '.join(available_metrics(ctx.catalog, exp.platform)[:6])}",
            )


def _references(ctx: LintContext, doc: Document[Experiment]) -> None:
    exp, ws = doc.model, ctx.workspace
    plan_doc = ws.plan(exp.plan) if exp.plan else None
    if exp.plan and plan_doc is None and exp.plan not in ws.broken.get("plan", {}):
        known = ", ".join(sorted(d.model.id for d in ws.plans)) or "none loaded"
        ctx.report(
            "AS401", doc, ("plan",), f"experiment {exp.id!r} refers to unknown plan {exp.plan!r}", f"known: {known}"
        )
    if exp.objective:
        plans = [plan_doc] if plan_doc else ([] if exp.plan else ws.plans)
        ids = sorted({o.id for p in plans for o in p.model.objectives})
        if exp.objective not in ids and (plan_doc or not exp.plan):
            where = f"plan {exp.plan!r}" if plan_doc else "any plan"
            ctx.report(
                "AS402",
                doc,
                ("objective",),
                f"experiment {exp.id!r} refers to objective {exp.objective!r}, not found in {where}",
                f"use one of: {', '.join(ids)}" if ids else "add the objective to the plan first",
            )
    if exp.sprint and ws.sprint(exp.sprint) is None and exp.sprint not in ws.broken.get("sprint", {}):
        known = ", ".join(sorted(d.model.id for d in ws.sprints)) or "none loaded"
        ctx.report(
            "AS403",
            doc,
            ("sprint",),
            f"experiment {exp.id!r} refers to unknown sprint {exp.sprint!r}",
            f"known: {known}",
        )
    if exp.metric is None:
        ctx.report(
            "AS408",
            doc,
            (),
            f"experiment {exp.id!r} has no primary metric",
            "add 'metric: <catalog metric>', e.g. metric: engagement_rate",
        )
    elif exp.metric not in ctx.catalog:
        ctx.report(
            "AS404",
            doc,
            ("metric",),
            f"experiment {exp.id!r} metric {exp.metric!r} is not in the metric catalog",
            ctx.metric_hint(exp.metric),
        )
    for i, name in enumerate(exp.guardrail_metrics):
        if name not in ctx.catalog:
            ctx.report(
                "AS405",
                doc,
                ("guardrails", i),
                f"experiment {exp.id!r} guardrail {name!r} is not in the metric catalog",
                ctx.metric_hint(name),
            )


def _card(ctx: LintContext, doc: Document[Experiment]) -> None:
    exp = doc.model
    if exp.hypothesis is None:
        ctx.report(
            "AS406",
            doc,
            (),
            f"experiment {exp.id!r} has no hypothesis card",
            "add 'hypothesis:' with we_believe, will_result_in and we_will_know_when",
        )
    elif not _NUMBER.search(exp.hypothesis.we_will_know_when):
        ctx.report(
            "AS407",
            doc,
            ("hypothesis", "we_will_know_when"),
            f"experiment {exp.id!r} hypothesis is not falsifiable: 'we_will_know_when' states no threshold",
            "name the metric and the number that decides it, e.g. 'comment rate rises by at least 20 %'",
        )


def _design(ctx: LintContext, doc: Document[Experiment]) -> None:
    exp = doc.model
    if exp.design == "split" and len(exp.variants) < 2:
        ctx.report(
            "AS409",
            doc,
            ("variants",),
            f"split experiment {exp.id!r} has {len(exp.variants)} variant(s); it needs a control and a treatment",
            "list at least 2 variants (control first), or use 'design: before_after'",
        )
    if exp.design == "before_after" and exp.intervention_date is None:
        ctx.report(
            "AS410",
            doc,
            ("design",),
            f"before_after experiment {exp.id!r} has no intervention_date",
            "add 'intervention_date: YYYY-MM-DD', the day the change took effect",
        )
    if exp.status == Status.stopped and not exp.five_whys:
        ctx.report(
            "AS412",
            doc,
            ("status",),
            f"stopped experiment {exp.id!r} records no five whys",
            "add 'five_whys: [...]' down to the root cause, so the failure teaches 'do not repeat'",
        )


def _timing(ctx: LintContext, doc: Document[Experiment]) -> None:
    exp = doc.model
    window = exp.window
    day = exp.intervention_date
    outside = (
        day is not None
        and window is not None
        and ((window.start is not None and day <= window.start) or (window.end is not None and day > window.end))
    )
    if outside and window is not None:
        ctx.report(
            "AS413",
            doc,
            ("intervention_date",),
            f"intervention_date {day} is not inside the window {window.start} .. {window.end}",
            "leave days before the change (the baseline) and after it inside the window",
        )
    sprint_doc = ctx.workspace.sprint(exp.sprint) if exp.sprint else None
    if sprint_doc is None or window is None:
        return
    sprint = sprint_doc.model
    # a before_after baseline may precede the sprint: only the part from the change onwards must lie inside it
    start = day if exp.design == "before_after" and day is not None else window.start
    if (start and start < sprint.start) or (window.end and window.end > sprint.end):
        ctx.report(
            "AS411",
            doc,
            ("window",),
            f"experiment window {start} .. {window.end} is not within sprint {sprint.id!r} "
            f"({sprint.start} .. {sprint.end})",
            "move the window into the sprint, or assign the experiment to the sprint it runs in",
        )


def _method(ctx: LintContext, doc: Document[Experiment]) -> None:
    exp = doc.model
    if exp.method is not None:
        metric = ctx.catalog.get(exp.metric) if exp.metric else None
        why = method_misfit(exp.method, exp.design, exp.unit, metric.kind if metric else None)
        if why is not None:
            ctx.report(
                "AS420",
                doc,
                ("method",),
                f"experiment {exp.id!r}: {why}; the analysis will use the default method instead",
                "remove 'method:' to use the default, or change the design, unit or metric it needs",
            )
    if exp.exact != "auto" and exp.method != Method.mann_whitney:
        ctx.report(
            "AS421",
            doc,
            ("exact",),
            f"experiment {exp.id!r} sets exact: {str(exp.exact).lower()} but its method is not mann_whitney",
            "remove 'exact:' or use method: mann_whitney",
        )
