"""Sections of the retrospective that need no statistics: failures, the next-sprint plan, top posts, the trend.

Part of the model in :mod:`agilesocial.retro.model` (which re-exports every class here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from agilesocial.analysis.model import TopPost


@dataclass(frozen=True)
class Failure:
    """What failed and why: a stopped or iterated experiment, its five whys and learnings (or a prompt)."""

    experiment: str
    action: str
    reason: str
    five_whys: tuple[str, ...]
    learnings: tuple[str, ...]
    prompt: str | None  # set when a stopped experiment records no five whys

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "action": self.action,
            "reason": self.reason,
            "five_whys": list(self.five_whys),
            "learnings": list(self.learnings),
            "prompt": self.prompt,
        }


@dataclass(frozen=True)
class NextItem:
    """One line of the next-sprint plan."""

    experiment: str
    what: str
    posts_needed: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"experiment": self.experiment, "what": self.what, "posts_needed": self.posts_needed}


@dataclass(frozen=True)
class NextSprint:
    scale: tuple[NextItem, ...]
    rerun: tuple[NextItem, ...]
    do_not_repeat: tuple[NextItem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": [i.to_dict() for i in self.scale],
            "rerun": [i.to_dict() for i in self.rerun],
            "do_not_repeat": [i.to_dict() for i in self.do_not_repeat],
        }


@dataclass(frozen=True)
class TopPosts:
    """Top posts by engagement rate (only posts with at least ``min_impressions``) and by volume."""

    min_impressions: int
    by_rate: tuple[TopPost, ...]
    by_volume: tuple[TopPost, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_impressions": self.min_impressions,
            "by_engagement_rate": [p.to_dict() for p in self.by_rate],
            "by_engagements": [p.to_dict() for p in self.by_volume],
        }


@dataclass(frozen=True)
class TrendPoint:
    """One sprint's headline numbers, from its latest stored snapshot (or the current retro)."""

    sprint: str
    start: dt.date
    end: dt.date
    kr_met: int
    kr_judged: int
    experiments: int
    scaled: int
    stopped: int
    objectives: dict[str, float | None] = field(default_factory=dict)  # objective id -> latest actual

    def to_dict(self) -> dict[str, Any]:
        return {
            "sprint": self.sprint,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "kr_met": self.kr_met,
            "kr_judged": self.kr_judged,
            "experiments": self.experiments,
            "scaled": self.scaled,
            "stopped": self.stopped,
            "objectives": dict(self.objectives),
        }


def trend_point_from_dict(payload: dict[str, Any]) -> TrendPoint:
    """Read a stored snapshot's headline numbers (schema_version 1)."""
    sprint = payload["sprint"]
    summary = payload.get("summary", {})
    decisions = summary.get("decisions", {})
    return TrendPoint(
        sprint=sprint["id"],
        start=dt.date.fromisoformat(sprint["start"]),
        end=dt.date.fromisoformat(sprint["end"]),
        kr_met=int(summary.get("kr_met", 0)),
        kr_judged=int(summary.get("kr_judged", 0)),
        experiments=int(summary.get("experiments", 0)),
        scaled=int(decisions.get("scale", 0)),
        stopped=int(decisions.get("stop", 0)),
        objectives={o["id"]: o.get("current") for o in payload.get("objectives", [])},
    )
