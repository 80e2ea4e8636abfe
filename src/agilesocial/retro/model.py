"""The retrospective model: assembled once by :func:`agilesocial.review.sprint.build_retro`, rendered many ways.

Every renderer (terminal, Markdown, JSON, HTML, CSV) reads only this model. ``Retro.to_dict()`` is the documented
``retro --format json`` contract (``schema_version`` :data:`SCHEMA_VERSION`); it is also what each retro run stores in
the warehouse's ``retro_snapshots`` table, from which later retros read the trend across sprints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from agilesocial.analysis.model import MetricResult as LiftRow  # one record per variant x metric, as analysed
from agilesocial.analysis.standing import Standing
from agilesocial.retro.records import (
    ArmCount,
    ObjectiveFollowUp,
    Overlap,
    Scope,
    ScopeNote,
    Targeting,
    scope_dicts,
    scope_platforms,
    scope_words,
)
from agilesocial.retro.sections import (
    Failure,
    NextItem,
    NextSprint,
    PlatformTop,
    TopPost,
    TopPosts,
    TrendPoint,
    trend_point_from_dict,
)

SCHEMA_VERSION = 2

__all__ = [
    "SCHEMA_VERSION",
    "ArmCount",
    "ExperimentRetro",
    "Failure",
    "KeyResultProgress",
    "LiftRow",
    "NextItem",
    "NextSprint",
    "ObjectiveFollowUp",
    "ObjectiveProgress",
    "Overlap",
    "PlatformTop",
    "Retro",
    "Scope",
    "ScopeNote",
    "Targeting",
    "TopPost",
    "TopPosts",
    "TrendPoint",
    "WeekValue",
    "scope_dicts",
    "scope_platforms",
    "scope_words",
    "sparkline",
    "trend_point_from_dict",
]

Track = Literal["met", "on_track", "at_risk", "off_track", "no_data"]
WeekStatus = Literal["met", "missed", "in_progress", "pending", "no_data"]

SPARK_CHARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """A unicode sparkline on a scale from zero (so a dip from 4.30 % to 3.33 % does not look like a collapse);
    values below zero are scaled to their range. Missing values are a space."""
    present = [v for v in values if v is not None]
    if not present:
        return " " * len(values)
    lo, hi = min(min(present), 0.0), max(present)
    span = hi - lo
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(SPARK_CHARS[0])
        else:
            out.append(SPARK_CHARS[round((v - lo) / span * (len(SPARK_CHARS) - 1))])
    return "".join(out)


@dataclass(frozen=True)
class WeekValue:
    """One week of a metric: its value and how many posts were published that week."""

    week: int  # 1-based index within the series (sprint week for key results)
    start: dt.date
    end: dt.date
    value: float | None
    posts: int
    planned: float | None = None  # objective: the straight-line value at the end of the week; KR: the target
    status: WeekStatus | None = None  # key results only

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "value": self.value,
            "posts": self.posts,
            "planned": self.planned,
            "status": self.status,
        }


@dataclass(frozen=True)
class ObjectiveProgress:
    """A SMART objective's metric week by week vs the straight line from baseline to target by the deadline."""

    id: str
    goal: str
    statement: str
    metric: str | None
    kind: Literal["count", "ratio"]
    direction: Literal["higher", "lower"]
    platforms: tuple[str, ...]
    baseline: float | None
    target: float | None
    line_start: dt.date | None  # where the straight line starts (program start, else the first data week)
    deadline: dt.date | None
    weeks: tuple[WeekValue, ...]
    current: float | None  # latest week's actual
    planned_now: float | None  # straight-line value at the latest data week
    slope_per_week: float | None  # current trend (least squares over the recent weeks)
    forecast: float | None  # value at the deadline if the trend continues
    status: Track
    reason: str  # the sentence that explains the status with the numbers beside it
    unit: str = "count"
    scope: Scope = ()  # the (platform, account) pairs the figures count
    level: float | None = None  # post-weighted mean of the last ``level_weeks`` complete weeks
    level_weeks: int = 0
    status_why: str = ""  # the status in a few words for the table ("ahead now, but ends at 4.86 %")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "goal": self.goal,
            "statement": self.statement,
            "metric": self.metric,
            "kind": self.kind,
            "unit": self.unit,
            "direction": self.direction,
            "platforms": list(self.platforms),
            "baseline": self.baseline,
            "target": self.target,
            "line_start": _iso(self.line_start),
            "deadline": _iso(self.deadline),
            "weeks": [w.to_dict() for w in self.weeks],
            "current": self.current,
            "planned_now": self.planned_now,
            "slope_per_week": self.slope_per_week,
            "forecast": self.forecast,
            "level": self.level,
            "level_weeks": self.level_weeks,
            "status": self.status,
            "status_why": self.status_why,
            "reason": self.reason,
            "scope": scope_dicts(self.scope),
        }


@dataclass(frozen=True)
class KeyResultProgress:
    """A weekly key result of the sprint: actual vs target per week."""

    metric: str
    platform: str | None
    kind: Literal["count", "ratio"]
    direction: Literal["higher", "lower"]
    weeks: tuple[WeekValue, ...]
    unit: str = "count"
    scope: Scope = ()  # the (platform, account) pairs the figures count

    @property
    def met(self) -> int:
        return sum(1 for w in self.weeks if w.status == "met")

    @property
    def judged(self) -> int:
        return sum(1 for w in self.weeks if w.status in ("met", "missed"))

    @property
    def spark(self) -> str:
        return sparkline([w.value for w in self.weeks])

    @property
    def label(self) -> str:
        return f"{self.metric} ({self.platform})" if self.platform else self.metric

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "platform": self.platform,
            "kind": self.kind,
            "unit": self.unit,
            "direction": self.direction,
            "weeks": [w.to_dict() for w in self.weeks],
            "met": self.met,
            "judged": self.judged,
            "sparkline": self.spark,
            "scope": scope_dicts(self.scope),
        }


@dataclass(frozen=True)
class ExperimentRetro:
    """An experiment as the retro shows it: the hypothesis, the lifts and the decision."""

    id: str
    design: str
    status: str
    platform: str | None
    metric: str | None
    hypothesis: str | None
    action: str
    reason: str
    posts_needed: int | None
    srm_ok: bool | None
    warnings: tuple[str, ...]
    results: tuple[LiftRow, ...]
    learnings: tuple[str, ...]
    five_whys: tuple[str, ...]
    tags: tuple[str, ...]
    source: str | None  # the experiment's YAML file (relative to the project root)
    calibration: dict[str, Any] | None = None  # what `calibrate` found for the primary method on this account
    posts_per_week: float | None = None  # the experiment's posting rate per variant (when posts_needed is timed)
    weeks_needed: int | None = None  # posts_needed at that rate
    days_needed: int | None = None  # before/after: more days after the change (the model's projection)

    @property
    def primary(self) -> tuple[LiftRow, ...]:
        return tuple(r for r in self.results if not r.is_guardrail)

    @property
    def guardrails(self) -> tuple[LiftRow, ...]:
        return tuple(r for r in self.results if r.is_guardrail)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "design": self.design,
            "status": self.status,
            "platform": self.platform,
            "metric": self.metric,
            "hypothesis": self.hypothesis,
            "decision": {
                "action": self.action,
                "reason": self.reason,
                "posts_needed": self.posts_needed,
                "posts_per_week": self.posts_per_week,
                "weeks_needed": self.weeks_needed,
                "days_needed": self.days_needed,
            },
            "srm_ok": self.srm_ok,
            "warnings": list(self.warnings),
            "results": [r.to_dict() for r in self.results],
            "learnings": list(self.learnings),
            "five_whys": list(self.five_whys),
            "tags": list(self.tags),
            "source": self.source,
            "calibration": self.calibration,
        }


@dataclass(frozen=True)
class Retro:
    """The whole retrospective of one sprint."""

    generated_at: dt.datetime
    today: dt.date
    brand: str | None
    plan: str | None
    sprint: str
    sprint_start: dt.date
    sprint_end: dt.date
    goal: str
    correction: str
    objectives: tuple[ObjectiveProgress, ...]
    key_results: tuple[KeyResultProgress, ...]
    experiments: tuple[ExperimentRetro, ...]
    failures: tuple[Failure, ...]
    next_sprint: NextSprint
    top_posts: TopPosts
    trend: tuple[TrendPoint, ...]
    warnings: tuple[str, ...] = ()
    missing_data: tuple[str, ...] = ()  # experiments without posts to analyse: what to ingest, one line each
    units: dict[str, str] = field(default_factory=dict)  # metric name -> unit (the catalogue's; not serialised)
    standings: tuple[Standing, ...] = ()  # "Against the best": benchmarks and competitors
    scope_notes: tuple[ScopeNote, ...] = ()  # objective vs key result on the same metric (scopes, targets)
    overlaps: tuple[Overlap, ...] = ()  # experiments overlapping each other (both sides listed)

    def overlaps_of(self, experiment: str) -> tuple[Overlap, ...]:
        return tuple(o for o in self.overlaps if o.experiment == experiment)

    def unit(self, metric: str | None) -> str:
        """The unit of ``metric`` (``count`` when unknown)."""
        return self.units.get(metric, "count") if metric else "count"

    @property
    def kr_met(self) -> int:
        return sum(k.met for k in self.key_results)

    @property
    def kr_judged(self) -> int:
        return sum(k.judged for k in self.key_results)

    def trend_point(self) -> TrendPoint:
        """This retro's own headline numbers."""
        return TrendPoint(
            sprint=self.sprint,
            start=self.sprint_start,
            end=self.sprint_end,
            kr_met=self.kr_met,
            kr_judged=self.kr_judged,
            experiments=len(self.experiments),
            scaled=sum(1 for e in self.experiments if e.action == "scale"),
            stopped=sum(1 for e in self.experiments if e.action == "stop"),
            objectives={o.id: o.current for o in self.objectives},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "generated_at": self.generated_at.isoformat(),
            "today": self.today.isoformat(),
            "brand": self.brand,
            "plan": self.plan,
            "sprint": {
                "id": self.sprint,
                "start": self.sprint_start.isoformat(),
                "end": self.sprint_end.isoformat(),
                "goal": self.goal,
            },
            "correction": self.correction,
            "summary": {
                "kr_met": self.kr_met,
                "kr_judged": self.kr_judged,
                "experiments": len(self.experiments),
                "decisions": _count_actions(self.experiments),
            },
            "objectives": [o.to_dict() for o in self.objectives],
            "key_results": [k.to_dict() for k in self.key_results],
            "experiments": [e.to_dict() for e in self.experiments],
            "failures": [f.to_dict() for f in self.failures],
            "next_sprint": self.next_sprint.to_dict(),
            "top_posts": self.top_posts.to_dict(),
            "trend": [t.to_dict() for t in self.trend],
            "against_the_best": [s.to_dict() for s in self.standings],
            "scope_notes": [n.to_dict() for n in self.scope_notes],
            "overlaps": [o.to_dict() for o in self.overlaps],
            "warnings": list(self.warnings),
            "missing_data": list(self.missing_data),
        }


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _count_actions(experiments: tuple[ExperimentRetro, ...]) -> dict[str, int]:
    counts = {"scale": 0, "iterate": 0, "stop": 0, "futile": 0, "keep_running": 0, "inconclusive": 0}
    for e in experiments:
        counts[e.action] = counts.get(e.action, 0) + 1
    return counts
