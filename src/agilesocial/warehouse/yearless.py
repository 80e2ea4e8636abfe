"""Placing year-less dates (``July 16``, ``8 de marzo``) in the right year, and saying how it was done.

Rules (never a silent guess: every inference becomes a note in the ingest report):

1. A TikTok post whose link holds a video id is dated by the id: its upper 32 bits (``id >> 32``) are the Unix time
   of publication. The id is used where ``Post time`` is empty or year-less and falls within a day of the id's date.
2. Otherwise ``--year`` is the year of the file's MOST RECENT day, and earlier rows run backwards across New Year.
   - Per-post files: the most recent day is the export day (TikTok's ``Time`` column) when there is one, else the
     day before the largest gap in the calendar (a file covers less than a year); a post on a later calendar day than
     it is from the year before. Without ``--year`` the year of the export day is inferred from the video ids (the
     export day is the first such day on or after the newest video).
   - Day-by-day files are one continuous run in file order (oldest or newest first, told by the steps): the year
     changes at each New Year crossing, so a run of 365 days or more is placed right too.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agilesocial.warehouse import monthdates as md
from agilesocial.warehouse import sqlexpr as sx
from agilesocial.warehouse.shapes import EXPORT_DAY, Col, Shape

if TYPE_CHECKING:
    import duckdb

#: TikTok did not exist before this: an "id time" before it means the number is not a video id.
_FIRST_VIDEO = "2016-09-01 00:00:00+00"


@dataclass
class YearPlan:
    """How one file's year-less dates get their years."""

    year: md.YearFn | None = None
    #: wraps the parsed ``published_at`` expression: the video id's time where the rule allows it
    published_at: Callable[[str], str] | None = None
    #: the export day: the date of the file's lifetime snapshot
    snapshot: date | None = None
    #: the year function reads ``_row`` (day-by-day files crossing New Year)
    numbered: bool = False
    notes: list[str] = field(default_factory=list)

    def year_arg(self, year: int | None) -> sx.Year:
        """What the date conversions get: the year function, else ``--year`` as given."""
        return self.year if self.year is not None else year

    def wrap(self, fld: str, expr: str) -> str:
        """A converted field's SQL, with the video id's time put into ``published_at`` where the rule allows."""
        return self.published_at(expr) if fld == "published_at" and self.published_at else expr


def _month_day(value: int) -> str:
    return f"{calendar.month_abbr[value // 100]} {value % 100}"


def plan_years(
    con: duckdb.DuckDBPyConnection,
    shape: Shape,
    header: list[str],
    used: dict[str, tuple[int, Col]],
    seen: dict[int, frozenset[str]],
    year: int | None,
    tz: str,
    csv: tuple[str, dict[str, Any]],
    params: sx.Params,
) -> YearPlan:
    """The plan for a file with year-less dates or an export-day column (an empty plan when it has neither).

    ``csv`` is the file's ``read_csv`` source and its parameters; ``params`` collect the stage's parameters.
    """
    source, source_params = csv
    yearless = [(fld, pos) for fld, (pos, _) in used.items() if md.YEARLESS in seen.get(pos, frozenset())]
    if shape.target == "account_daily":
        return _daily_plan(con, header, yearless, year, source, source_params) if yearless and year else YearPlan()
    dated_by_id = shape.publish_time_from_id and "published_at" in used  # an empty Post time takes the id's time
    if not yearless and EXPORT_DAY not in used and not dated_by_id:
        return YearPlan()
    return _posts_plan(con, shape, header, used, yearless, year, tz, source, source_params, params)


def _daily_plan(
    con: duckdb.DuckDBPyConnection,
    header: list[str],
    yearless: list[tuple[str, int]],
    year: int,
    source: str,
    source_params: dict[str, Any],
) -> YearPlan:
    _, pos = yearless[0]
    q = sx.Params()
    p = md.parts(f"c{pos}", q)
    sql = (
        f"WITH r AS (SELECT _row, {p} AS p FROM (SELECT row_number() OVER () AS _row, * FROM {source})),"
        " s AS (SELECT _row, p.m * 100 + p.d AS md, lead(p.m * 100 + p.d) OVER (ORDER BY _row) AS nx FROM r"
        " WHERE p.m IS NOT NULL AND p.y IS NULL)"
        " SELECT count(*) FILTER (WHERE nx > md), count(*) FILTER (WHERE nx < md),"
        " coalesce(list(_row ORDER BY _row) FILTER (WHERE nx < md), []),"
        " coalesce(list(_row ORDER BY _row) FILTER (WHERE nx > md), []),"
        " arg_max(md, _row), arg_min(md, _row), max(_row) FROM s"
    )
    row = con.execute(sql, {**q.values, **source_params}).fetchone()
    assert row is not None
    ups, downs, falls, rises, last_md, first_md, last_row = row
    ascending = ups >= downs
    wraps: list[int] = list(falls if ascending else rises)
    latest = last_md if ascending else first_md
    plan = YearPlan()
    column = header[pos]
    if not wraps:
        plan.year = lambda _md: str(int(year))
        spans = f"all rows in {year}"
    else:
        plan.numbered = True
        cmp = "<=" if ascending else ">"
        plan.year = lambda _md: f"({int(year)} - len(list_filter({wraps!r}, lambda w: _row {cmp} w)))"
        bounds = [0, *wraps, int(last_row or 0)]
        years = (
            [year - len(wraps) + i for i in range(len(bounds) - 1)]
            if ascending
            else [year - i for i in range(len(bounds) - 1)]
        )
        spans = ", ".join(f"rows {a + 1}-{b} in {y}" for a, b, y in zip(bounds[:-1], bounds[1:], years, strict=True))
    order = "oldest first" if ascending else "newest first"
    plan.notes.append(
        f"{column}: dates without a year; --year {year} is the year of the most recent day"
        f" ({_month_day(int(latest)) if latest else '?'}) and the day-by-day run ({order}) goes back across"
        f" New Year: {spans}"
    )
    return plan


def _posts_plan(
    con: duckdb.DuckDBPyConnection,
    shape: Shape,
    header: list[str],
    used: dict[str, tuple[int, Col]],
    yearless: list[tuple[str, int]],
    year: int | None,
    tz: str,
    source: str,
    source_params: dict[str, Any],
    params: sx.Params,
) -> YearPlan:
    plan = YearPlan()
    q = sx.Params()
    published = used.get("published_at")
    id_time = _id_time(shape, used, q, tz)
    selects = ["count(*)"]
    if published is not None:
        pt = md.parts(f"c{published[0]}", q)
        use_id = id_time("c" + str(published[0])) if id_time else "false"
        selects += [
            f"count(*) FILTER (WHERE {use_id})",
            f"max({_id_ts(shape, used, q)}) FILTER (WHERE {use_id})" if id_time else "NULL",
            f"coalesce(list(DISTINCT ({pt}).m * 100 + ({pt}).d) FILTER (WHERE ({pt}).y IS NULL AND NOT ({use_id})),"
            " [])",
            f"count(({pt}).m) FILTER (WHERE ({pt}).y IS NULL AND NOT ({use_id}))",
        ]
    else:
        selects += ["0", "NULL", "[]", "0"]
    export = used.get(EXPORT_DAY)
    if export is not None:
        ep = md.parts(f"c{export[0]}", q)
        selects += [f"mode(trim(c{export[0]}))", f"mode({ep})", f"mode(TRY_CAST(trim(c{export[0]}) AS DATE))"]
    else:
        selects += ["NULL", "NULL", "NULL"]
    try:
        row = con.execute(f"SELECT {', '.join(selects)} FROM {source}", {**q.values, **source_params}).fetchone()
    except Exception:  # duckdb.Error: a malformed file; the strict read that follows names its line and the fix
        return plan
    assert row is not None
    total, n_id, newest_id, left_mds, n_left, export_raw, export_parts, export_date = row
    column = header[published[0]] if published else "Post time"
    if n_id and id_time is not None and published is not None:
        raw = f"c{published[0]}"
        plan.published_at = lambda expr: _with_id_time(shape, used, params, tz, raw, expr)
        plan.notes.append(
            f"{column}: {n_id} of {total} rows dated by the video id (id >> 32 is the Unix time of publication)"
        )
    export_year, why = _export_year(export_parts, export_date, newest_id, year, tz)
    if export_date is not None:
        plan.snapshot = export_date
    elif export_parts is not None and export_year is not None:
        plan.snapshot = _safe_date(export_year, export_parts["m"], export_parts["d"])
    if plan.snapshot is not None and export is not None:
        how = f" (its year: {why})" if export_date is None and year is None else ""
        plan.notes.append(
            f"{header[export[0]]} {export_raw!r} is the export day: lifetime totals as of {plan.snapshot}{how}"
        )
    if not left_mds or not yearless:
        return plan
    latest = _latest_month_day(left_mds, export_parts)
    source_of = "the export day" if export_parts is not None else "the day before the longest gap between posts"
    if export_year is None:
        return plan  # the rows stay year-less: the stage reports the first one and asks for --year
    y = int(export_year)
    plan.year = lambda m: f"(CASE WHEN ({m}) > {latest} THEN {y - 1} ELSE {y} END)"
    plan.notes.append(
        f"{column}: {n_left} year-less dates placed in {y - 1}-{y}: {why} is the year of the most recent day"
        f" ({_month_day(latest)}, {source_of}); later calendar days fall in {y - 1}"
    )
    return plan


def _export_year(
    parts: dict[str, Any] | None, day: date | None, newest_id: datetime | None, year: int | None, tz: str
) -> tuple[int | None, str]:
    """The year of the file's most recent day, and what says so."""
    if year is not None:
        return year, f"--year {year}"
    if day is not None:
        return day.year, f"the export day's year {day.year}"
    if parts is not None and parts.get("y"):
        return int(parts["y"]), f"the export day's year {parts['y']}"
    if parts is not None and newest_id is not None:
        newest = newest_id.astimezone(ZoneInfo(tz)).date() - timedelta(days=1)
        y = newest.year if (parts["m"], parts["d"]) >= (newest.month, newest.day) else newest.year + 1
        return y, f"{y}, inferred from the video ids: the newest is from {newest_id:%Y-%m-%d} and the export follows"
    return None, ""


def _latest_month_day(mds: list[int], export_parts: dict[str, Any] | None) -> int:
    """``month * 100 + day`` of the most recent day: the export day, else the day before the largest calendar gap."""
    if export_parts is not None:
        return int(export_parts["m"]) * 100 + int(export_parts["d"])
    days = sorted({_doy(int(v)): int(v) for v in mds if _doy(int(v))}.items())
    if len(days) == 1:
        return days[0][1]
    gaps = [(days[(i + 1) % len(days)][0] - d) % 366 for i, (d, _) in enumerate(days)]
    return days[max(range(len(days)), key=lambda i: gaps[i])][1]


def _doy(month_day: int) -> int:
    d = _safe_date(2000, month_day // 100, month_day % 100)
    return d.timetuple().tm_yday if d else 0


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def _id_ts(shape: Shape, used: dict[str, tuple[int, Col]], params: sx.Params) -> str:
    """SQL: the publish time a TikTok video id in the link holds (NULL if none)."""
    pos = used["permalink"][0]
    digits = f"nullif(regexp_extract(c{pos}, {params.add(shape.post_id_from_permalink)}, 1), '')"
    return f"to_timestamp(CAST(TRY_CAST({digits} AS UBIGINT) >> 32 AS BIGINT))"


def _id_time(shape: Shape, used: dict[str, tuple[int, Col]], params: sx.Params, tz: str) -> Callable[[str], str] | None:
    """SQL condition builder: may this row take the id's time (given the raw Post time column)?"""
    if not shape.publish_time_from_id or "permalink" not in used or not shape.post_id_from_permalink:
        return None
    ts = _id_ts(shape, used, params)
    zone = params.add(tz)

    def use_id(raw: str, ts: str = ts) -> str:
        pt = md.parts(raw, params)
        local = f"timezone({zone}, {ts})"
        a = md.day_of_year(f"({pt}).m * 100 + ({pt}).d")
        b = md.day_of_year(f"month({local}) * 100 + day({local})")
        agree = f"(({pt}).y IS NULL AND least(abs({a} - {b}), 366 - abs({a} - {b})) <= 1)"
        plausible = f"{ts} BETWEEN TIMESTAMPTZ '{_FIRST_VIDEO}' AND TIMESTAMPTZ '2100-01-01 00:00:00+00'"
        return f"coalesce({plausible} AND ({sx.blank(raw)} OR {agree}), false)"

    return use_id


def _with_id_time(
    shape: Shape, used: dict[str, tuple[int, Col]], params: sx.Params, tz: str, raw: str, expr: str
) -> str:
    """SQL: the id's time where the rule allows it, else ``expr`` (the parsed ``Post time``)."""
    cond = _id_time(shape, used, params, tz)
    assert cond is not None
    return f"CASE WHEN {cond(raw)} THEN {_id_ts(shape, used, params)} ELSE {expr} END"
