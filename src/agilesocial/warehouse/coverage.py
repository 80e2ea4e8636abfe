"""Which days each ingested export covered, so the analysis can tell a day without posts from a day without data.

An export covers the days its posts were published on (local days in the ingest time zone) -- from the first to
the last, a day in between without a post is a day the account did not post -- or the dates of its account-level
rows; a date range in the file name (``tweet_activity_metrics_x_20211001_20211031_en.csv``,
``facebook_posts_Sep-28-2026_Nov-22-2026.csv``) widens it to the whole period the export was asked for. One row per
ingest x account in ``export_coverage``, written in the ingest's transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

_RANGES: tuple[tuple[str, str], ...] = (
    (r"(?<!\d)(\d{8})[_-](\d{8})(?!\d)", "%Y%m%d"),
    (r"(?<!\d)(\d{4}-\d{2}-\d{2})[_ ](?:to[_ ])?(\d{4}-\d{2}-\d{2})(?!\d)", "%Y-%m-%d"),
    (r"([A-Za-z]{3}-\d{1,2}-\d{4})[_ ](?:to[_ ])?([A-Za-z]{3}-\d{1,2}-\d{4})", "%b-%d-%Y"),
)


def filename_range(name: str) -> tuple[dt.date, dt.date] | None:
    """The (first, last) day named in an export's file name, or None when it names no valid range."""
    for pattern, fmt in _RANGES:
        m = re.search(pattern, name)
        if not m:
            continue
        try:
            first, last = (dt.datetime.strptime(g, fmt).date() for g in m.groups())
        except ValueError:
            continue
        if first <= last:
            return first, last
    return None


def record_coverage(
    con: duckdb.DuckDBPyConnection,
    stage_table: str,
    ingest_id: int,
    *,
    target: str,
    file_name: str,
    tz: str,
    fields: list[str],
) -> None:
    """Insert the coverage of the file staged in ``stage_table`` (good rows only), inside the caller's transaction.
    A file without dates (a mapping without a publish-time column) records none."""
    if ("date" if target == "account_daily" else "published_at") not in fields:
        return
    named = filename_range(file_name)
    day = '"date"' if target == "account_daily" else 'CAST(timezone($tz, "published_at") AS DATE)'
    params: dict[str, object] = {"iid": ingest_id, "target": target, "tz": tz}
    if named is None:
        first, last, source = f"min({day})", f"max({day})", "'rows'"
    else:
        params.update(first=named[0], last=named[1])
        first = f"least(min({day}), $first::DATE)"
        last = f"greatest(max({day}), $last::DATE)"
        source = "'file_name'"
    params_used = params if target != "account_daily" else {k: v for k, v in params.items() if k != "tz"}
    con.execute(
        "INSERT INTO export_coverage (ingest_id, platform, account, target_table, first_day, last_day, source) "
        f"SELECT $iid, i.platform, s.account, $target, {first}, {last}, {source} "
        f"FROM {stage_table} s, (SELECT platform FROM ingests WHERE ingest_id = $iid) i "
        f"WHERE s._bad_field IS NULL AND {day} IS NOT NULL GROUP BY i.platform, s.account",
        params_used,
    )


@dataclass(frozen=True)
class Coverage:
    """The covered days of one series' scope, and the exports they came from."""

    days: frozenset[dt.date]
    known: bool  # False: the warehouse records no coverage for the scope (rows inserted without ingest)
    exports: tuple[str, ...] = ()  # profiles of the exports that cover the scope, most used first

    def missing(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
        """Runs of uncovered days within [start, end], as (first, last)."""
        runs: list[tuple[dt.date, dt.date]] = []
        day, run_start = start, None
        while day <= end:
            if day not in self.days:
                run_start = run_start or day
            elif run_start is not None:
                runs.append((run_start, day - dt.timedelta(days=1)))
                run_start = None
            day += dt.timedelta(days=1)
        if run_start is not None:
            runs.append((run_start, end))
        return runs


def covered_days(
    con: duckdb.DuckDBPyConnection, platform: str | None, account: str | None, start: dt.date, end: dt.date
) -> Coverage:
    """The days in [start, end] covered by a post export of ``platform`` (any when None) and ``account`` (an export
    that names no account covers every account of its platform)."""
    clauses = ["target_table = 'posts'", "first_day <= $end", "last_day >= $start"]
    params: dict[str, object] = {"start": start, "end": end}
    if platform is not None:
        clauses.append("platform = $platform")
        params["platform"] = platform
    if account:
        clauses.append("(account IS NULL OR lower(account) = $account)")
        params["account"] = account.strip().lower()
    scope = " AND ".join(clauses[:1] + clauses[3:])
    scope_params = {k: v for k, v in params.items() if k not in ("start", "end")}
    try:
        rows = con.execute(
            "SELECT DISTINCT greatest(first_day, $start), least(last_day, $end) FROM export_coverage "
            f"WHERE {' AND '.join(clauses)}",
            params,
        ).fetchall()
        profiles = con.execute(
            "SELECT profile, count(*) FROM ingests WHERE ingest_id IN "
            f"(SELECT ingest_id FROM export_coverage WHERE {scope}) GROUP BY profile ORDER BY 2 DESC, 1",
            scope_params,
        ).fetchall()
    except Exception as exc:  # a warehouse opened read-only before the coverage migration
        if "export_coverage" not in str(exc):
            raise
        return Coverage(frozenset(), False)
    days: set[dt.date] = set()
    for first, last in rows:
        day = first
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=1)
    return Coverage(frozenset(days), bool(profiles), tuple(str(p[0]) for p in profiles))


def _islands_sql(where: str, part: tuple[str, ...]) -> str:
    """Gaps and islands: the covered ranges of ``export_coverage`` rows matching ``where``, clipped to
    [$since, $until] (either may be NULL), merged where they overlap or touch, one row per island and ``part``."""
    cols = ", ".join(part)
    by = f"PARTITION BY {cols}" if part else ""
    return (
        "WITH c AS (SELECT *, greatest(first_day, coalesce($since, first_day)) AS f,"
        " least(last_day, coalesce($until, last_day)) AS l FROM export_coverage"
        f" WHERE target_table = $target AND {where}),"
        f" o AS (SELECT *, max(l) OVER ({by} ORDER BY f, l ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach"
        " FROM c WHERE f <= l),"
        " g AS (SELECT *, sum(CASE WHEN reach IS NULL OR f > reach + 1 THEN 1 ELSE 0 END)"
        f" OVER ({by} ORDER BY f, l ROWS UNBOUNDED PRECEDING) AS island FROM o)"
        f" SELECT {cols + ', ' if part else ''}min(f) AS first_day, max(l) AS last_day FROM g"
        f" GROUP BY {cols + ', ' if part else ''}island"
    )


def coverage_islands(
    con: duckdb.DuckDBPyConnection, target: str = "posts"
) -> dict[tuple[str, str | None], list[tuple[dt.date, dt.date]]]:
    """Per (platform, account): the date ranges the exports of ``target`` ('posts' or 'account_daily') covered,
    with the gaps between them left out (``2017-03-01..03-31, 2019-06-01..06-30``), oldest first."""
    sql = _islands_sql("true", ("platform", "account")) + " ORDER BY platform, account NULLS LAST, first_day"
    rows = con.execute(sql, {"since": None, "until": None, "target": target}).fetchall()
    out: dict[tuple[str, str | None], list[tuple[dt.date, dt.date]]] = {}
    for platform, account, first, last in rows:
        out.setdefault((platform, account), []).append((first, last))
    return out


def covered_day_count(
    con: duckdb.DuckDBPyConnection,
    platform: str | None,
    account: str | None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> int | None:
    """How many days in [since, until] the post exports of ``platform`` and ``account`` covered (gaps between exports
    left out); None when the warehouse records no coverage for them. Unlike :func:`covered_days`, an export that
    names no account does not count for a named account: its posts are not that account's."""
    clauses = ["true"]
    params: dict[str, object] = {"since": since, "until": until, "target": "posts"}
    if platform is not None:
        clauses.append("platform = $platform")
        params["platform"] = platform
    if account:
        clauses.append("lower(account) = $account")
        params["account"] = account.strip().lower()
    where = " AND ".join(clauses)
    scope = {k: v for k, v in params.items() if k not in ("since", "until")}
    row = con.execute(
        f"SELECT count(*) FROM export_coverage WHERE target_table = $target AND {where}", scope
    ).fetchone()
    if not row or not row[0]:
        return None
    total = con.execute(
        f"SELECT coalesce(sum(last_day - first_day + 1), 0) FROM ({_islands_sql(where, ())})", params
    ).fetchone()
    return int(total[0]) if total else 0
