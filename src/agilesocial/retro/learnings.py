"""The learnings library: what past experiments learned and decided, newest first.

Sources: each experiment's YAML (``learnings``, ``five_whys``, ``tags``, ``status``, the hypothesis) and the latest
stored decision per experiment in the warehouse's ``results`` table (when there is a warehouse). An experiment is
listed when it has learnings, five whys or a stored decision, or is completed, scaled or stopped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agilesocial.config import Project
from agilesocial.errors import AgileSocialError
from agilesocial.plan.workspace import load_workspace

SCHEMA_VERSION = 1
DONE = ("completed", "scaled", "stopped")


@dataclass(frozen=True)
class Learning:
    experiment: str
    sprint: str | None
    date: dt.date | None  # the sprint's end, else the window's end, else the day of the stored decision
    status: str | None
    hypothesis: str | None
    metric: str | None
    decision: str | None
    reason: str | None
    decided_at: dt.datetime | None
    learnings: tuple[str, ...]
    five_whys: tuple[str, ...]
    tags: tuple[str, ...]
    source: str | None

    def text(self) -> str:
        """Everything searchable, lower-cased."""
        parts = [self.experiment, self.sprint, self.hypothesis, self.metric, self.decision, self.reason]
        parts += [*self.learnings, *self.five_whys, *self.tags]
        return "\n".join(p for p in parts if p).lower()

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "sprint": self.sprint,
            "date": self.date.isoformat() if self.date else None,
            "status": self.status,
            "hypothesis": self.hypothesis,
            "metric": self.metric,
            "decision": self.decision,
            "reason": self.reason,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "learnings": list(self.learnings),
            "five_whys": list(self.five_whys),
            "tags": list(self.tags),
            "source": self.source,
        }


@dataclass(frozen=True)
class LearningsReport:
    entries: tuple[Learning, ...]
    warnings: tuple[str, ...] = ()
    known_tags: tuple[str, ...] = ()  # every tag of every listed experiment, for "no match" messages

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "learnings": [e.to_dict() for e in self.entries],
            "warnings": list(self.warnings),
        }


def _stored_decisions(path: Path) -> dict[str, tuple[str | None, str | None, dt.datetime]]:
    """Latest stored decision per experiment: ``{id: (decision, reason, run_at)}``."""
    from agilesocial.warehouse.connection import warehouse

    with warehouse(path, read_only=True) as con:
        rows = con.execute(
            """
            SELECT experiment_id, decision, decision_reason, run_at FROM results
            QUALIFY row_number() OVER (PARTITION BY experiment_id ORDER BY run_at DESC) = 1
            """
        ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def collect_learnings(
    project: Project,
    *,
    search: str | None = None,
    tags: Sequence[str] = (),
    db: Path | None = None,
) -> LearningsReport:
    """Learnings of past experiments matching ``search`` (a case-insensitive substring of any of their text) and
    carrying every tag in ``tags``, newest first."""
    from agilesocial.retro.build import hypothesis_text

    ws = load_workspace(project)
    warnings = [f"{i.path}:{i.line or 0}: skipped: {i.message}" for i in ws.issues]
    decisions: dict[str, tuple[str | None, str | None, dt.datetime]] = {}
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
        decision, reason, decided_at = decisions.get(x.id, (None, None, None))
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
    for exp_id, (decision, reason, decided_at) in decisions.items():
        if exp_id not in seen:  # analysed once, its YAML since removed: keep the decision
            entries.append(
                Learning(
                    exp_id, None, decided_at.date(), None, None, None, decision, reason, decided_at, (), (), (), None
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
