"""Objective trajectories and weekly key results, from the weekly sums :mod:`agilesocial.analysis.progress` returns.

Objective status (documented in docs/retro.md):

- the **straight line** ("planned") runs from the baseline at ``line_start`` (the program start, else the first week
  with data) to the target at the deadline;
- the **level** is the post-weighted mean of the last :data:`LEVEL_WEEKS` complete weeks;
- the **trend** is a least-squares line through the last :data:`TREND_WEEKS` complete weeks with data (a week still
  running is left out once two complete weeks exist); the **forecast** is where that line is at the deadline,
  floored at 0 (no metric is negative), or the level when the trend does not stand out from the noise;
- the status and the sentence explaining it with the numbers beside it come from :func:`judge`.

Each objective and key result also says which platforms and accounts its figures cover (``scope``), since an
objective served by two platforms and an all-platform key result on the same metric give two different numbers for
the same week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from agilesocial.analysis.progress import WeekRow, accounts_in, first_post_day, weekly_series
from agilesocial.plan.metrics import Metric
from agilesocial.plan.sprint import KeyResult, Sprint
from agilesocial.plan.strategy import Objective, StrategyPlan
from agilesocial.retro import fmt
from agilesocial.retro.model import (
    KeyResultProgress,
    ObjectiveProgress,
    ScopeNote,
    Track,
    WeekStatus,
    WeekValue,
)
from agilesocial.stats.trend import weighted_line

if TYPE_CHECKING:
    import duckdb

TREND_WEEKS = 12
LEVEL_WEEKS = 4
AT_RISK_SHARE = 0.75


def _week_floor(day: dt.date, anchor: dt.date) -> dt.date:
    return anchor + dt.timedelta(days=7 * ((day - anchor).days // 7))


def planned_value(obj: Objective, line_start: dt.date, day: dt.date) -> float | None:
    """The straight-line value on ``day`` (baseline before ``line_start``, target after the deadline)."""
    if obj.baseline is None or obj.target is None or obj.deadline is None:
        return None
    total = (obj.deadline - line_start).days
    if total <= 0:
        return obj.target
    share = min(max((day - line_start).days / total, 0.0), 1.0)
    return obj.baseline + (obj.target - obj.baseline) * share


def objective_progress(
    con: duckdb.DuckDBPyConnection,
    plan: StrategyPlan,
    obj: Objective,
    catalog: dict[str, Metric],
    *,
    anchor: dt.date,
    until: dt.date,
    timezone: str,
) -> ObjectiveProgress:
    """Weekly actuals of the objective's metric (on the platforms of the tools serving it) up to ``until``."""
    metric = catalog.get(obj.metric) if obj.metric else None
    platforms = tuple(sorted({t.platform.value for t in plan.tools if obj.id in t.serves}))
    direction: Literal["higher", "lower"] = obj.direction or (metric.direction if metric else "higher")

    base = ObjectiveProgress(
        id=obj.id,
        goal=obj.goal.value,
        statement=obj.statement,
        metric=obj.metric,
        kind=metric.kind if metric else "count",
        unit=metric.unit if metric else "count",
        direction=direction,
        platforms=platforms,
        baseline=obj.baseline,
        target=obj.target,
        line_start=None,
        deadline=obj.deadline,
        weeks=(),
        current=None,
        planned_now=None,
        slope_per_week=None,
        forecast=None,
        status="no_data",
        reason="",
    )

    if metric is None:
        return replace(base, reason="the objective names no known metric, so its progress cannot be measured")
    program_start = plan.program.start if plan.program else None
    first = program_start or first_post_day(con, platforms=platforms, timezone=timezone)
    if program_start is not None and program_start > until:
        return replace(
            base,
            reason=f"the program starts on {program_start:%Y-%m-%d}, after {until:%Y-%m-%d}: nothing to measure yet "
            f"(set the program's 'start:' in plan '{plan.id}' to the day the work began)",
        )
    if first is None or first > until:
        return replace(base, reason=f"no posts yet to measure {metric.name}")
    rows = {
        r.week_start: r
        for r in weekly_series(
            con, metric, anchor=anchor, start=first, end=until, platforms=platforms, timezone=timezone
        )
    }
    data_start = program_start or (min(rows) if rows else first)
    base = replace(base, scope=_scope(con, platforms, data_start, until, timezone))
    weeks: list[WeekValue] = []
    week = _week_floor(first, anchor)
    index = 1
    while week <= until:
        row: WeekRow | None = rows.get(week)
        end = week + dt.timedelta(days=6)
        weeks.append(
            WeekValue(
                week=index,
                start=week,
                end=end,
                value=row.value if row else None,
                posts=row.posts if row else 0,
                planned=planned_value(obj, data_start, end),
            )
        )
        week, index = week + dt.timedelta(days=7), index + 1
    measured = [w for w in weeks if w.value is not None]
    if not measured:
        return replace(base, weeks=tuple(weeks), reason=f"no posts yet to measure {metric.name}", line_start=data_start)
    last = measured[-1]
    current, planned_now = last.value, last.planned
    assert current is not None
    base = replace(base, weeks=tuple(weeks), line_start=data_start, current=current, planned_now=planned_now)
    if obj.baseline is None or obj.target is None or obj.deadline is None or planned_now is None:
        return replace(base, reason="set a baseline, a target and a deadline to track this objective")
    sign = 1.0 if direction == "higher" else -1.0
    # a week still running (its end after ``until``) holds only part of its posts: keep it out of the trend
    complete = [w for w in measured if w.end <= until]
    recent = (complete if len(complete) >= 2 else measured)[-TREND_WEEKS:]
    tail = recent[-LEVEL_WEEKS:]
    level = _level(tail)
    facts = Facts(
        sign=sign,
        current=current,
        week=last.start,
        planned=planned_now,
        level=level,
        level_weeks=len(tail),
        baseline=obj.baseline,
        target=obj.target,
        deadline=obj.deadline,
        show=lambda v: fmt.value(v, metric.unit, metric.per),
    )
    base = replace(base, level=level, level_weeks=len(tail))
    if len(recent) < 2:
        status, reason, short = judge(facts, None, "one week of data is too little for a trend")
        return replace(base, status=status, reason=reason, status_why=short)
    fit = weighted_line(
        [((w.end - data_start).days / 7, w.value, float(max(w.posts, 1))) for w in recent if w.value is not None]
    )
    slope = fit.slope
    if fit.clear:
        # a clear trend: follow it (metrics are sums and ratios of counts, so never below 0)
        forecast = max(0.0, fit.at((obj.deadline - data_start).days / 7))
        how = f"at the current trend ({fmt.change(slope, metric.unit)} a week over {len(recent)} weeks)"
    else:
        # no trend that stands out from the week-to-week noise: the level of the last weeks holds
        forecast, slope = level, 0.0
        how = f"at the level of the last {len(tail)} weeks (no clear trend over {len(recent)} weeks)"
    status, reason, short = judge(facts, forecast, how)
    return replace(base, status=status, reason=reason, status_why=short, slope_per_week=slope, forecast=forecast)


def _level(weeks: list[WeekValue]) -> float:
    """The post-weighted mean of ``weeks``' values (the level the last weeks hold)."""
    total = sum(max(w.posts, 1) for w in weeks if w.value is not None)
    return sum(w.value * max(w.posts, 1) for w in weeks if w.value is not None) / total


@dataclass(frozen=True)
class Facts:
    """What an objective's status is judged from (``sign`` +1 when higher is better, else -1)."""

    sign: float
    current: float  # the latest week's value
    week: dt.date  # the latest week's first day
    planned: float  # the straight line at the latest week
    level: float  # the post-weighted mean of the last (up to LEVEL_WEEKS) weeks
    level_weeks: int
    baseline: float
    target: float
    deadline: dt.date
    show: Callable[[float], str]

    def beyond(self, value: float, than: float) -> bool:
        return self.sign * (value - than) >= 0


def judge(f: Facts, forecast: float | None, how: str) -> tuple[Track, str, str]:
    """The status, the sentence that explains it with the numbers beside it, and a short form for the table.

    **met**: the level of the last weeks is at or beyond the target (one lucky week is not enough);
    **on track**: the latest week is on or ahead of the straight line AND the forecast reaches the target;
    **at risk**: only one of the two holds, or the forecast covers at least :data:`AT_RISK_SHARE` of the planned
    change; **off track**: otherwise. Without a forecast (one week of data): on track when ahead, else at risk.
    """
    show, ahead = f.show, f.beyond(f.current, f.planned)
    now = f"{show(f.current)} in the week of {f.week:%d %b}"
    line = f"{'ahead of' if ahead else 'behind'} the straight line ({now}, planned {show(f.planned)})"
    target = f"the {show(f.target)} target"
    weeks = "the last week" if f.level_weeks == 1 else f"the last {f.level_weeks} weeks"
    if f.beyond(f.level, f.target):
        return "met", f"{weeks} held {show(f.level)}, at or beyond {target}; latest {now}", f"holds {show(f.level)}"
    above = f"; a single week beyond {target} is not yet a level that holds" if f.beyond(f.current, f.target) else ""
    if forecast is None:
        status: Track = "on_track" if ahead else "at_risk"
        return status, f"{line}; {how}{above}", ("ahead" if ahead else "behind") + " now"
    reaches = f.beyond(forecast, f.target)
    needed = f.target - f.baseline
    share = (forecast - f.baseline) / needed if needed else 0.0
    end = f"{how} it ends at {show(forecast)} by {f.deadline:%d %b %Y}"
    if reaches and ahead:
        return "on_track", f"{line}, and {end}, reaching {target}", f"ahead; ends at {show(forecast)}"
    if ahead:
        return "at_risk", f"{line}, but {end}, short of {target}{above}", f"ahead now, but ends at {show(forecast)}"
    if reaches:
        return "at_risk", f"{line}, but {end}, reaching {target}", f"behind now, but ends at {show(forecast)}"
    if share >= AT_RISK_SHARE:
        way = f"{share:.0%} of the way from the baseline {show(f.baseline)}"
        return "at_risk", f"{line}, and {end}: short of {target}, {way}", f"behind; ends at {show(forecast)}"
    return "off_track", f"{line}, and {end}, short of {target}", f"behind; ends at {show(forecast)}"


def key_result_progress(
    con: duckdb.DuckDBPyConnection, kr: KeyResult, metric: Metric, sprint: Sprint, *, today: dt.date, timezone: str
) -> KeyResultProgress:
    """Actual vs target for each week of the sprint (weeks are 7 days from the sprint start), counting posts up to
    ``today`` only (a retro ``--as-of`` a past day does not see the posts published after it)."""
    platforms = (kr.platform.value,) if kr.platform else ()
    until = min(sprint.end, today)
    rows = {
        r.week_start: r
        for r in weekly_series(
            con, metric, anchor=sprint.start, start=sprint.start, end=until, platforms=platforms, timezone=timezone
        )
    }
    direction = metric.direction
    scope = _scope(con, platforms, sprint.start, until, timezone)
    weeks = []
    for i in range(sprint.weeks):
        start = sprint.start + dt.timedelta(days=7 * i)
        end = min(start + dt.timedelta(days=6), sprint.end)
        target = kr.weekly_targets[min(i, len(kr.weekly_targets) - 1)]
        row = rows.get(start)
        actual = row.value if row else (0.0 if metric.kind == "count" else None)
        status: WeekStatus
        if start > today:
            status = "pending"
        elif end >= today:
            status = "in_progress"
        elif actual is None:
            status = "no_data"
        else:
            good = actual >= target if direction == "higher" else actual <= target
            status = "met" if good else "missed"
        weeks.append(
            WeekValue(
                week=i + 1,
                start=start,
                end=end,
                value=actual if start <= today else None,
                posts=row.posts if row else 0,
                planned=target,
                status=status,
            )
        )
    return KeyResultProgress(
        metric=metric.name,
        platform=kr.platform.value if kr.platform else None,
        kind=metric.kind,
        direction=direction,
        weeks=tuple(weeks),
        unit=metric.unit,
        scope=scope,
    )


def _scope(
    con: duckdb.DuckDBPyConnection, platforms: tuple[str, ...], start: dt.date, end: dt.date, timezone: str
) -> tuple[tuple[str, str | None], ...]:
    """The (platform, account) pairs whose posts the figures count (all platforms when ``platforms`` is empty)."""
    return tuple(accounts_in(con, platforms=platforms, start=start, end=end, timezone=timezone))


def scope_notes(objectives: Sequence[ObjectiveProgress], key_results: Sequence[KeyResultProgress]) -> list[ScopeNote]:
    """One note per objective x weekly key result on the same metric: the latest week both measured, each one's
    figure and scope, and the sprint's weekly targets next to the objective's target."""
    notes = []
    for o in objectives:
        for k in key_results:
            if o.metric != k.metric:
                continue
            ours = {w.start: w.value for w in o.weeks if w.value is not None}
            both = [w for w in k.weeks if w.value is not None and w.start in ours and w.status in ("met", "missed")]
            week = both[-1] if both else None
            targets = [w.planned for w in k.weeks if w.planned is not None]
            notes.append(
                ScopeNote(
                    objective=o.id,
                    metric=k.metric,
                    unit=k.unit,
                    objective_scope=o.scope,
                    key_result_scope=k.scope,
                    key_result_platform=k.platform,
                    week=week.start if week else None,
                    objective_value=ours[week.start] if week else None,
                    key_result_value=week.value if week else None,
                    first_target=targets[0] if targets else None,
                    last_target=targets[-1] if targets else None,
                    objective_target=o.target,
                    deadline=o.deadline,
                )
            )
    return notes
