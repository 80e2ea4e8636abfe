"""Before/after data: the fitted window, export coverage and its refusals, and the daily sums of each series (SQL).

Windows: the after period runs from ``intervention_date`` to the window's end (else today), cut at the last day an
export covers; the before period is ``pre_period`` days (default: as long as the after period, 14 to 56 days), never
before ``window.start``. Inside that fitted window a run of more than ``MAX_GAP`` days no export covers, or fewer
than ``MIN_PRE_DAYS`` covered before days, is refused (exit 2) with the missing dates and the export to ingest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agilesocial.analysis.selection import Clause, date_clause, keyed, selector_clause
from agilesocial.errors import EXIT_FINDINGS, AgileSocialError, DataError
from agilesocial.plan.experiment import DateRange, Experiment
from agilesocial.plan.metrics import Metric

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import duckdb

    from agilesocial.analysis.selection import VariantSql
    from agilesocial.plan.loader import Document
    from agilesocial.warehouse.coverage import Coverage

MIN_PRE_DAYS = 14
MAX_PRE_DAYS = 56
MAX_GAP = 7
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    pre_start: dt.date
    change: dt.date
    post_end: dt.date

    @property
    def pre_days(self) -> int:
        return (self.change - self.pre_start).days


@dataclass(frozen=True)
class Daily:
    """Per local day: posts, and the metric's numerator / denominator sums over posts that have it."""

    days: tuple[dt.date, ...]
    posts: tuple[int, ...]
    num: tuple[float, ...]
    den: tuple[float, ...]  # the metric's denominator sum, or its posts for per-post means

    def by_day(self) -> dict[dt.date, tuple[int, float, float]]:
        return {d: (p, n, x) for d, p, n, x in zip(self.days, self.posts, self.num, self.den, strict=True)}


def _where(doc: Document[Experiment], *loc: str | int) -> dict[str, Any]:
    line, col = doc.locate(*loc)
    return {"path": doc.path, "line": line, "column": col}


def _runs(runs: list[tuple[dt.date, dt.date]], limit: int = 3) -> str:
    def one(a: dt.date, b: dt.date) -> str:
        return a.isoformat() if a == b else f"{a} to {b}"

    shown = ", ".join(one(a, b) for a, b in runs[:limit])
    return shown + (f" and {len(runs) - limit} more" if len(runs) > limit else "")


def default_pre_days(post_days: int) -> int:
    """The before period without ``pre_period``: as long as the after period, 14 to 56 days."""
    return min(max(post_days, MIN_PRE_DAYS), MAX_PRE_DAYS)


def before_span(exp: Experiment, win: Window) -> Callable[[int], int] | None:
    """How the fitted before period grows as the after period does (for the days-needed projection): not at all
    with a fixed ``pre_period``; else by the default rule, never before ``window.start``."""
    if exp.pre_period is not None:
        return None
    start = exp.window.start if exp.window is not None else None
    most = (win.change - start).days if start is not None else MAX_PRE_DAYS

    def span(post_days: int) -> int:
        return min(default_pre_days(post_days), most)

    return span


def window(doc: Document[Experiment], today: dt.date, last_covered: dt.date | None) -> Window:
    """The fitted window (see the module docstring); plan errors (exit 1) for a pre_period the window excludes."""
    exp = doc.model
    change = exp.intervention_date
    assert change is not None
    end = exp.window.end if exp.window is not None and exp.window.end else today
    if last_covered is not None:
        end = min(end, last_covered)
    post_days = max((end - change).days + 1, 1)
    pre_days = exp.pre_period or default_pre_days(post_days)
    pre_start = change - dt.timedelta(days=pre_days)
    start = exp.window.start if exp.window is not None else None
    if start is not None and start > pre_start:
        if exp.pre_period is not None:
            line, col = doc.locate("pre_period")
            raise AgileSocialError(
                f"experiment {exp.id!r}: pre_period {exp.pre_period} starts {pre_start}, before window.start {start}",
                path=doc.path,
                line=line,
                column=col,
                hint=f"move window.start to {pre_start} or earlier, or shorten pre_period",
                exit_code=EXIT_FINDINGS,
            )
        pre_start = start
    return Window(pre_start, change, end)


def export_words(platform: str | None, account: str | None, coverage: Coverage, first: dt.date, last: dt.date) -> str:
    """'ingest an export of x posts of account 'nw' (profile x) covering 2021-10-02 to 2021-10-31'."""
    what = f"{platform} posts" if platform else "posts"
    if account:
        what += f" of account {account!r}"
    profile = f" (profile {coverage.exports[0]})" if coverage.exports else ""
    return f"ingest an export of {what}{profile} covering {first} to {last}"


def check_coverage(
    doc: Document[Experiment], win: Window, covered: frozenset[dt.date], coverage: Coverage, series: str
) -> None:
    """Refuse (DataError, exit 2) a gap of more than MAX_GAP uncovered days or fewer than MIN_PRE_DAYS covered
    before days; ``covered`` = days an export covers or a post was published."""
    from dataclasses import replace

    exp = doc.model
    days = replace(coverage, days=covered)
    runs = days.missing(win.pre_start, win.post_end)
    platform = str(exp.platform) if exp.platform else None
    if series != "treated" and exp.comparison is not None:
        platform = str(exp.comparison.platform) if exp.comparison.platform else platform
    account = exp.account if series == "treated" or exp.comparison is None else exp.comparison.account or exp.account
    pre_covered = sum(1 for i in range(win.pre_days) if win.pre_start + i * DAY in covered)
    label = "" if series == "treated" else " of the comparison series"
    long_runs = [r for r in runs if (r[1] - r[0]).days + 1 > MAX_GAP]
    fix_first = min(r[0] for r in long_runs) if long_runs else None
    if long_runs:
        uncovered = sum((b - a).days + 1 for a, b in long_runs)
        assert fix_first is not None
        raise DataError(
            f"experiment {exp.id!r}: the fitted window {win.pre_start} to {win.post_end} has {uncovered} days no "
            f"export{label} covers ({_runs(long_runs)}), more than {MAX_GAP} in a row; the model does not "
            "extrapolate across a gap",
            **_where(doc, "intervention_date"),
            hint=export_words(platform, account, coverage, fix_first, max(r[1] for r in long_runs)),
        )
    if pre_covered < MIN_PRE_DAYS:
        pre_end = win.change - DAY
        pre_runs = days.missing(win.pre_start, pre_end)
        missing = f"; not covered: {_runs(pre_runs)}" if pre_runs else ""
        hint = (
            export_words(platform, account, coverage, pre_runs[0][0], pre_runs[-1][1])
            if pre_runs
            else f"move window.start to {win.change - MIN_PRE_DAYS * DAY} or earlier"
        )
        raise DataError(
            f"experiment {exp.id!r}: only {pre_covered} days before the change{label} ({win.pre_start} to "
            f"{pre_end}) are covered by an export, fewer than the {MIN_PRE_DAYS} the model needs{missing}",
            **_where(doc, "intervention_date"),
            hint=hint,
        )


def _sums_sql(metric: Metric) -> str:
    ok = f"{metric.numerator} IS NOT NULL" + (f" AND {metric.denominator} IS NOT NULL" if metric.denominator else "")
    den = f"{metric.denominator}::DOUBLE" if metric.denominator else "1.0"
    return (
        f"count(*), coalesce(sum(CASE WHEN {ok} THEN {metric.numerator}::DOUBLE END), 0), "
        f"coalesce(sum(CASE WHEN {ok} THEN {den} END), 0)"
    )


def _daily(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> Daily:
    rows = con.execute(sql, params).fetchall()
    return Daily(
        tuple(r[0] for r in rows),
        tuple(int(r[1]) for r in rows),
        tuple(float(r[2]) for r in rows),
        tuple(float(r[3]) for r in rows),
    )


def treated_daily(
    con: duckdb.DuckDBPyConnection, sel: VariantSql, metric: Metric, timezone: str, win: Window, zone: ZoneInfo
) -> Daily:
    """Daily sums of the experiment's posts (every variant's, or all in scope) in the fitted window."""
    dates = date_clause(DateRange(start=win.pre_start, end=win.post_end), zone)
    sql = (
        f"SELECT CAST(timezone(?, published_at) AS DATE) AS day, {_sums_sql(metric)} "
        f"FROM ({sel.sql}) WHERE v IS NOT NULL AND {dates.sql} GROUP BY day ORDER BY day"
    )
    return _daily(con, sql, [timezone, *sel.params, *dates.params])


def comparison_scope(exp: Experiment) -> tuple[str | None, str | None]:
    """(platform, account) of the comparison series: its own, else the experiment's (the account only on the
    experiment's platform)."""
    comp = exp.comparison
    assert comp is not None
    platform = str(comp.platform) if comp.platform else (str(exp.platform) if exp.platform else None)
    same = comp.platform is None or comp.platform == exp.platform
    account = comp.account or (exp.account if same else None)
    return platform, account


def comparison_clause(exp: Experiment, win: Window, zone: ZoneInfo) -> Clause:
    platform, account = comparison_scope(exp)
    assert exp.comparison is not None
    parts = [selector_clause(exp.comparison, zone), date_clause(DateRange(start=win.pre_start, end=win.post_end), zone)]
    if platform:
        parts.append(Clause("platform = ?", [platform]))
    if account:
        parts.append(Clause("lower(account) = ?", [account.strip().lower()]))
    return Clause.all_of(parts)


def comparison_daily(
    con: duckdb.DuckDBPyConnection, exp: Experiment, metric: Metric, timezone: str, win: Window, zone: ZoneInfo
) -> Daily:
    """Daily sums of the comparison series (read from ``post_latest``: it may lie outside the experiment's scope)."""
    where = comparison_clause(exp, win, zone)
    sql = (
        f"SELECT CAST(timezone(?, published_at) AS DATE) AS day, {_sums_sql(metric)} "
        f"FROM {keyed('post_latest')} WHERE {where.sql} GROUP BY day ORDER BY day"
    )
    return _daily(con, sql, [timezone, *where.params])


def overlap(con: duckdb.DuckDBPyConnection, sel: VariantSql, exp: Experiment, win: Window, zone: ZoneInfo) -> list[str]:
    """Post ids in both the experiment's series and the comparison series (a few)."""
    where = comparison_clause(exp, win, zone)
    sql = (
        f"SELECT t.post_id FROM ({sel.sql}) t WHERE t.v IS NOT NULL AND t.post_id IN "
        f"(SELECT post_id FROM {keyed('post_latest')} WHERE {where.sql}) ORDER BY 1 LIMIT 5"
    )
    return [str(r[0]) for r in con.execute(sql, [*sel.params, *where.params]).fetchall()]
