"""Sections of the retrospective that need no statistics: failures, the next-sprint plan, top posts, the trend.

Part of the model in :mod:`agilesocial.retro.model` (which re-exports every class here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from agilesocial.analysis.model import TopPost
from agilesocial.retro.records import ObjectiveFollowUp


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
    """What to scale, what to keep testing, what stopped experiments taught, and what to do about objectives at
    risk or off track."""

    scale: tuple[NextItem, ...]
    rerun: tuple[NextItem, ...]
    stopped: tuple[NextItem, ...]  # stopped experiments: what each taught (a learning, not a ban)
    objectives: tuple[ObjectiveFollowUp, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": [i.to_dict() for i in self.scale],
            "rerun": [i.to_dict() for i in self.rerun],
            "stopped": [i.to_dict() for i in self.stopped],
            "objectives": [o.to_dict() for o in self.objectives],
        }


@dataclass(frozen=True)
class PlatformTop:
    """One platform's top posts: by engagement rate among posts with at least ``min_impressions`` (the platform's
    median post, at least 100), and by engagements (volume). Rates of different platforms are not comparable, so
    there is one list per platform."""

    platform: str
    posts: int  # the platform's posts in the period
    median_impressions: int
    min_impressions: int
    by_rate: tuple[TopPost, ...]
    by_volume: tuple[TopPost, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "posts": self.posts,
            "median_impressions": self.median_impressions,
            "min_impressions": self.min_impressions,
            "by_engagement_rate": [p.to_dict() for p in self.by_rate],
            "by_engagements": [p.to_dict() for p in self.by_volume],
        }


@dataclass(frozen=True)
class TopPosts:
    """Top posts, one :class:`PlatformTop` per platform with posts in the period."""

    platforms: tuple[PlatformTop, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(p.by_rate or p.by_volume for p in self.platforms)

    def to_dict(self) -> dict[str, Any]:
        return {"platforms": [p.to_dict() for p in self.platforms]}


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
    """Read a stored snapshot's headline numbers (schema_version 1 or 2: the same fields)."""
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
