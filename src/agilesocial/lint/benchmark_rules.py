"""Lint checks on the reference benchmarks and competitor accounts of ``agile-social.yaml`` (AS9xx)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from agilesocial.lint.context import LintContext
from agilesocial.lint.value_rules import _is_rate
from agilesocial.plan.loader import Document
from agilesocial.plan.project import ProjectConfig

STALE_AFTER = timedelta(days=2 * 365)


def check_config(ctx: LintContext, doc: Document[ProjectConfig]) -> None:
    """AS901-AS904 on every benchmark, AS906 on competitor accounts that are also the team's own."""
    for i, bench in enumerate(doc.model.benchmarks):
        at = ("benchmarks", i)
        if bench.metric not in ctx.catalog:
            ctx.report(
                "AS901",
                doc,
                (*at, "metric"),
                f"benchmark {bench.name!r} metric {bench.metric!r} is not in the metric catalog",
                ctx.metric_hint(bench.metric),
            )
        elif bench.value > 1 and _is_rate(ctx, bench.metric):
            ctx.report(
                "AS009",
                doc,
                (*at, "value"),
                f"benchmark {bench.name!r} value {bench.value:g} reads as {bench.value * 100:,.0f} % "
                f"({bench.metric} is a fraction of impressions)",
                f"write percentages as fractions: {bench.value / 100:.10g} for {bench.value:g} %",
            )
        if not bench.source:
            ctx.report(
                "AS902",
                doc,
                at,
                f"benchmark {bench.name!r} names no source",
                "add 'source: <report name or URL>' so others can check the figure",
            )
        if bench.published is None:
            ctx.report(
                "AS903",
                doc,
                at,
                f"benchmark {bench.name!r} has no publication date",
                "add 'published: YYYY-MM-DD' from the report",
            )
        elif bench.published < ctx.today - STALE_AFTER:
            ctx.report(
                "AS904",
                doc,
                (*at, "published"),
                f"benchmark {bench.name!r} was published {bench.published}, more than two years ago",
                "paste the figure of a newer edition of the report, or remove it",
            )
    own = {
        (str(tool.platform), tool.account.strip().lower())
        for plan in ctx.workspace.plans
        for tool in plan.model.tools
        if tool.account
    }
    for i, acc in enumerate(doc.model.accounts):
        if acc.role == "competitor" and (acc.platform, acc.account.strip().lower()) in own:
            ctx.report(
                "AS906",
                doc,
                ("accounts", i, "account"),
                f"competitor account {acc.account!r} on {acc.platform} is also a tool's account in a plan",
                "a competitor's posts never count as the team's: fix the account name here or in the plan",
            )


def check_targets(ctx: LintContext, config: ProjectConfig) -> None:
    """AS905: an objective's target short of a best-in-class benchmark on its metric and one of its platforms."""
    best = [b for b in config.benchmarks if b.statistic == "best_in_class"]
    if not best:
        return
    for doc in ctx.workspace.plans:
        plan = doc.model
        for i, obj in enumerate(plan.objectives):
            if obj.metric is None or obj.target is None:
                continue
            platforms = {str(t.platform) for t in plan.tools if obj.id in t.serves}
            metric = ctx.catalog.get(obj.metric)
            direction = obj.direction or (metric.direction if metric else "higher")
            for bench in best:
                if bench.metric != obj.metric or (platforms and bench.platform not in platforms):
                    continue
                short = obj.target < bench.value if direction == "higher" else obj.target > bench.value
                if short:
                    _report_target(ctx, doc, i, obj.id, obj.target, bench.name, bench.platform, bench.value)


def _report_target(
    ctx: LintContext, doc: Document[Any], i: int, obj_id: str, target: float, name: str, platform: str, value: float
) -> None:
    ctx.report(
        "AS905",
        doc,
        ("objectives", i, "target"),
        f"objective {obj_id!r} target {target:g} does not aim for best in class: benchmark {name!r} on {platform} "
        f"is {value:g}",
        "raise the target to the best-in-class level, or say in the statement why the team aims lower",
    )
