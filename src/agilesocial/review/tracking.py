"""Objective trajectories and weekly key results, from the weekly sums :mod:`agilesocial.analysis.progress` returns.

Objective status (documented in the README):

- the **straight line** runs from the baseline at ``line_start`` (the program start, else the first week with data)
  to the target at the deadline;
- the **trend** is a least-squares line through the last :data:`TREND_WEEKS` complete weeks with data (a week still
  running is left out once two complete weeks exist); the **forecast** is where that line is at the deadline,
  floored at 0 (no metric is negative);
- **on track**: the latest week is on or ahead of the straight line AND the forecast reaches the target;
  **at risk**: only one of the two holds, or the forecast covers at least :data:`AT_RISK_SHARE` of the planned
  change; **off track**: otherwise. With one week of data there is no trend: on track when ahead of the line, else
  at risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from agilesocial.analysis.progress import WeekRow, first_post_day, weekly_series
from agilesocial.plan.metrics import Metric
from agilesocial.plan.sprint import KeyResult, Sprint
from agilesocial.plan.strategy import Objective, StrategyPlan
from agilesocial.retro import fmt
from agilesocial.retro.model import KeyResultProgress, ObjectiveProgress, Track, WeekStatus, WeekValue
from agilesocial.stats.trend import weighted_line

if TYPE_CHECKING:
    import duckdb

TREND_WEEKS = 12
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
    ahead = sign * (current - planned_now) >= 0
    show = lambda v: fmt.value(v, metric.unit, metric.per)  # noqa: E731
    where = f"{show(current)} in the week of {last.start:%d %b}, {'on or ahead of' if ahead else 'behind'} " + (
        f"the planned {show(planned_now)}"
    )
    # a week still running (its end after ``until``) holds only part of its posts: keep it out of the trend
    complete = [w for w in measured if w.end <= until]
    recent = (complete if len(complete) >= 2 else measured)[-TREND_WEEKS:]
    if len(recent) < 2:
        status: Track = "on_track" if ahead else "at_risk"
        return replace(base, status=status, reason=f"{where}; one week of data is too little for a trend")
    fit = weighted_line(
        [((w.end - data_start).days / 7, w.value, float(max(w.posts, 1))) for w in recent if w.value is not None]
    )
    slope = fit.slope
    if fit.clear:
        # a clear trend: follow it (metrics are sums and ratios of counts, so never below 0)
        forecast = max(0.0, fit.at((obj.deadline - data_start).days / 7))
        how = f"at the current trend ({fmt.change(slope, metric.unit)} a week over {len(recent)} weeks) it"
    else:
        # no trend that stands out from the week-to-week noise: the level of the last weeks holds
        tail = [w for w in recent[-4:] if w.value is not None]
        total = sum(max(w.posts, 1) for w in tail)
        forecast = sum(w.value * max(w.posts, 1) for w in tail if w.value is not None) / total
        slope = 0.0
        how = f"no clear trend over {len(recent)} weeks; at the level of the last {len(tail)} weeks it"
    needed = obj.target - obj.baseline
    share = (forecast - obj.baseline) / needed if needed else (1.0 if sign * (forecast - obj.target) >= 0 else 0.0)
    reaches = sign * (forecast - obj.target) >= 0
    if reaches and ahead:
        status = "on_track"
    elif reaches or ahead or share >= AT_RISK_SHARE:
        status = "at_risk"
    else:
        status = "off_track"
    verb = "stays at" if slope == 0.0 else ("reaches" if reaches else "only reaches")
    reason = f"{where}; {how} {verb} {show(forecast)} by {obj.deadline:%d %b %Y}"
    reason += f" (target {show(obj.target)})"
    return replace(base, status=status, reason=reason, slope_per_week=slope, forecast=forecast)


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
    )
