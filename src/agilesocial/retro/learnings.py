"""The learnings library's model: what past experiments learned and decided (collected by
:func:`agilesocial.review.learnings.collect_learnings`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1


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
