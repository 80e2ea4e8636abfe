"""Lint checks across files: sprints (AS5xx) and duplicate ids (AS7xx)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from agilesocial.lint.context import LintContext
from agilesocial.plan.loader import Document
from agilesocial.plan.sprint import Sprint


def check_sprint(ctx: LintContext, doc: Document[Sprint]) -> None:
    sprint = doc.model
    for i, kr in enumerate(sprint.key_results):
        if kr.metric not in ctx.catalog:
            ctx.report(
                "AS503",
                doc,
                ("key_results", i, "metric"),
                f"key result metric {kr.metric!r} is not in the metric catalog",
                ctx.metric_hint(kr.metric),
            )
        if len(kr.weekly_targets) != sprint.weeks:
            ctx.report(
                "AS502",
                doc,
                ("key_results", i, "weekly_targets"),
                f"key result {kr.metric!r} has {len(kr.weekly_targets)} weekly targets but the sprint has "
                f"{sprint.weeks} week(s) ({sprint.start} .. {sprint.end})",
                f"give exactly {sprint.weeks} targets, one per week",
            )


def check_overlaps(ctx: LintContext) -> None:
    sprints = sorted(ctx.workspace.sprints, key=lambda d: (d.model.start, str(d.path)))
    for i, a in enumerate(sprints):
        for b in sprints[i + 1 :]:
            if b.model.start > a.model.end:
                break
            for doc, other in ((a, b), (b, a)):
                ctx.report(
                    "AS501",
                    doc,
                    ("start",),
                    f"sprint {doc.model.id!r} ({doc.model.start} .. {doc.model.end}) overlaps sprint "
                    f"{other.model.id!r} ({other.model.start} .. {other.model.end}) in {ctx.display(other.path)}",
                    "sprints are consecutive time boxes: move one so they do not share days",
                )


def check_duplicate_ids(ctx: LintContext) -> None:
    ws = ctx.workspace
    groups: list[tuple[str, list[Document[Any]]]] = [
        ("plan", ws.plans),
        ("experiment", ws.experiments),
        ("sprint", ws.sprints),
    ]
    for kind, docs in groups:
        by_id: dict[str, list[Document[Any]]] = defaultdict(list)
        for doc in docs:
            by_id[doc.model.id].append(doc)
        for ident, same in by_id.items():
            if len(same) < 2:
                continue
            for doc in same:
                others = [f"{ctx.display(o.path)}:{o.locate('id')[0]}" for o in same if o is not doc]
                ctx.report(
                    "AS701",
                    doc,
                    ("id",),
                    f"{kind} id {ident!r} is also used in {', '.join(others)}",
                    f"give every {kind} a unique id",
                )
