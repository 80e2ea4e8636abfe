"""The learnings library: what past experiments learned and decided, newest first.

Sources: each experiment's YAML (``learnings``, ``five_whys``, ``tags``, ``status``, the hypothesis) and the latest
stored decision per experiment in the warehouse's ``results`` table (when there is a warehouse). An experiment is
listed when it has learnings, five whys or a stored decision, or is completed, scaled or stopped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from agilesocial.config import Project
from agilesocial.errors import AgileSocialError
from agilesocial.plan.workspace import load_workspace
from agilesocial.retro.learnings import Learning, LearningsReport
from agilesocial.review.workspace import hypothesis_text

if TYPE_CHECKING:
    from agilesocial.warehouse.results import StoredDecision

DONE = ("completed", "scaled", "stopped")


def _stored_decisions(path: Path) -> dict[str, StoredDecision]:
    """Latest stored decision per experiment."""
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.results import latest_decisions

    with warehouse(path, read_only=True) as con:
        return latest_decisions(con)


def collect_learnings(
    project: Project,
    *,
    search: str | None = None,
    tags: Sequence[str] = (),
    db: Path | None = None,
) -> LearningsReport:
    """Learnings of past experiments matching ``search`` (a case-insensitive substring of any of their text) and
    carrying every tag in ``tags``, newest first."""
    ws = load_workspace(project)
    warnings = [f"{i.path}:{i.line or 0}: skipped: {i.message}" for i in ws.issues]
    decisions: dict[str, StoredDecision] = {}
    path = project.warehouse_path(db)
    if path.exists():
        try:
            decisions = _stored_decisions(path)
        except AgileSocialError as exc:
            warnings.append(f"stored decisions not read: {exc}")
    sprints = {d.model.id: d.model for d in ws.sprints}
    entries = []
    seen = set()
    for doc in ws.experiments:
        x = doc.model
        seen.add(x.id)
        stored = decisions.get(x.id)
        decision, reason = (stored.decision, stored.reason) if stored else (None, None)
        decided_at = stored.run_at if stored else None
        if not (x.learnings or x.five_whys or decision or x.status.value in DONE):
            continue
        sprint = sprints.get(x.sprint) if x.sprint else None
        date = sprint.end if sprint else (x.window.end if x.window and x.window.end else None)
        try:
            source = doc.path.resolve().relative_to(project.root.resolve()).as_posix()
        except ValueError:
            source = doc.path.as_posix()
        entries.append(
            Learning(
                experiment=x.id,
                sprint=x.sprint,
                date=date or (decided_at.date() if decided_at else None),
                status=x.status.value,
                hypothesis=hypothesis_text(x, None),
                metric=x.metric,
                decision=decision,
                reason=reason,
                decided_at=decided_at,
                learnings=tuple(x.learnings),
                five_whys=tuple(x.five_whys),
                tags=tuple(x.tags),
                source=source,
            )
        )
    for exp_id, d in decisions.items():
        if exp_id not in seen:  # analysed once, its YAML since removed: keep the decision
            entries.append(
                Learning(
                    exp_id, None, d.run_at.date(), None, None, None, d.decision, d.reason, d.run_at, (), (), (), None
                )
            )
    needle = (search or "").strip().lower()
    wanted = {t.lower() for t in tags}
    chosen = [e for e in entries if (not needle or needle in e.text()) and wanted <= {t.lower() for t in e.tags}]
    chosen.sort(key=lambda e: e.experiment)
    chosen.sort(
        key=lambda e: (e.date or dt.date.min, e.decided_at or dt.datetime.min.replace(tzinfo=dt.UTC)), reverse=True
    )
    known = tuple(sorted({t for e in entries for t in e.tags}, key=str.lower))
    return LearningsReport(tuple(chosen), tuple(warnings), known)
