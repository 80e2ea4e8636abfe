"""Lint checks on strategy plans: SMART objectives (AS1xx), target (AS2xx), tools valley (AS3xx), program (AS6xx)
and evaluation (AS8xx)."""

from __future__ import annotations

from collections import Counter

from agilesocial.lint.context import LintContext
from agilesocial.plan.loader import Document
from agilesocial.plan.strategy import Objective, StrategyPlan


def check_plan(ctx: LintContext, doc: Document[StrategyPlan]) -> None:
    plan = doc.model
    _objectives(ctx, doc)
    _target(ctx, doc)
    _tools(ctx, doc)
    _program(ctx, doc)
    for i, kpi in enumerate(plan.evaluation.kpis):
        if kpi.metric not in ctx.catalog:
            ctx.report(
                "AS801",
                doc,
                ("evaluation", "kpis", i, "metric"),
                f"KPI metric {kpi.metric!r} is not in the metric catalog",
                ctx.metric_hint(kpi.metric),
            )
        if kpi.weekly_target is None and not kpi.weekly_targets:
            ctx.report(
                "AS802",
                doc,
                ("evaluation", "kpis", i),
                f"KPI {kpi.metric!r} has no weekly target",
                "add 'weekly_target: <value>' (or 'weekly_targets: [...]') so every week has a benchmark",
            )


def _objectives(ctx: LintContext, doc: Document[StrategyPlan]) -> None:
    seen: Counter[str] = Counter()
    for i, obj in enumerate(doc.model.objectives):
        at = ("objectives", i)
        seen[obj.id] += 1
        if seen[obj.id] == 2:
            ctx.report(
                "AS108", doc, (*at, "id"), f"objective id {obj.id!r} is used twice in this plan", "rename one of them"
            )
        missing = {
            "AS101": ("metric", "metric: engagement_rate"),
            "AS102": ("baseline", "baseline: <today's value>"),
            "AS103": ("target", "target: <value to reach>"),
            "AS104": ("deadline", "deadline: YYYY-MM-DD"),
        }
        for code, (name, example) in missing.items():
            if getattr(obj, name) is None:
                ctx.report(
                    code, doc, at, f"objective {obj.id!r} is not SMART: it has no {name}", f"add '{example}' to it"
                )
        if obj.deadline is not None and obj.deadline < ctx.today:
            ctx.report(
                "AS105",
                doc,
                (*at, "deadline"),
                f"objective {obj.id!r} deadline {obj.deadline} is in the past (today is {ctx.today})",
                "set a future deadline, or close the plan and start a new one",
            )
        if obj.metric is not None and obj.metric not in ctx.catalog:
            ctx.report(
                "AS107",
                doc,
                (*at, "metric"),
                f"objective {obj.id!r} metric {obj.metric!r} is not in the metric catalog",
                ctx.metric_hint(obj.metric),
            )
        _direction(ctx, doc, i, obj)


def _direction(ctx: LintContext, doc: Document[StrategyPlan], i: int, obj: Objective) -> None:
    if obj.baseline is None or obj.target is None:
        return
    metric = ctx.catalog.get(obj.metric) if obj.metric else None
    direction = obj.direction or (metric.direction if metric else None)
    if direction is None:
        return
    beyond = obj.target > obj.baseline if direction == "higher" else obj.target < obj.baseline
    if not beyond:
        word = "above" if direction == "higher" else "below"
        ctx.report(
            "AS106",
            doc,
            ("objectives", i, "target"),
            f"objective {obj.id!r} target {obj.target:g} is not {word} its baseline {obj.baseline:g} "
            f"({direction} is better for {obj.metric or 'this objective'})",
            f"set a target {word} the baseline, or set 'direction:' if {'lower' if direction == 'higher' else 'higher'}"
            " is better",
        )


def _target(ctx: LintContext, doc: Document[StrategyPlan]) -> None:
    for i, seg in enumerate(doc.model.target.segments):
        total = sum(seg.technographics.values())
        if total > 100 + 1e-9:
            ctx.report(
                "AS201",
                doc,
                ("target", "segments", i, "technographics"),
                f"segment {seg.name!r} technographics shares add up to {total:g} %, more than 100 %",
                "count each person on their highest rung only, so the shares sum to at most 100",
            )


def _tools(ctx: LintContext, doc: Document[StrategyPlan]) -> None:
    plan = doc.model
    objective_ids = {o.id for o in plan.objectives}
    platforms: dict[str, str] = {}
    for i, tool in enumerate(plan.tools):
        if not tool.serves:
            ctx.report(
                "AS301",
                doc,
                ("tools", i),
                f"tool {tool.id!r} serves no objective (tools valley)",
                f"add 'serves: [{next(iter(sorted(objective_ids)), '<objective id>')}]' or drop the tool",
            )
        for j, served in enumerate(tool.serves):
            if served not in objective_ids:
                ctx.report(
                    "AS302",
                    doc,
                    ("tools", i, "serves", j),
                    f"tool {tool.id!r} serves unknown objective {served!r}",
                    f"use one of the plan's objective ids: {', '.join(sorted(objective_ids))}",
                )
        if tool.platform in platforms:
            ctx.report(
                "AS304",
                doc,
                ("tools", i, "platform"),
                f"tool {tool.id!r} is a second tool on {tool.platform.value} (also {platforms[tool.platform]!r})",
                "focus: be great with one account per platform, or merge the two tools",
            )
        else:
            platforms[tool.platform] = tool.id
    limit = plan.focus_limit or ctx.focus_limit
    if len(plan.tools) > limit:
        ctx.report(
            "AS303",
            doc,
            ("tools", limit),
            f"plan uses {len(plan.tools)} tools, more than its focus limit of {limit}",
            "better great with one tool than average with three: drop tools or raise 'focus_limit'",
        )


def _program(ctx: LintContext, doc: Document[StrategyPlan]) -> None:
    program = doc.model.program
    if program is None:
        ctx.report(
            "AS601",
            doc,
            (),
            f"plan {doc.model.id!r} has no program",
            "add 'program:' with mission, costs, start/end, success_measures and owner",
        )
        return
    if not program.success_measures:
        ctx.report(
            "AS602",
            doc,
            ("program",),
            "program has no success measures",
            "add 'success_measures: [...]' saying how success is judged",
        )
    if not program.owner:
        ctx.report("AS603", doc, ("program",), "program has no owner", "add 'owner: <name (role)>'")
