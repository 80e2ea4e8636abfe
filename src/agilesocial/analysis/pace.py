"""The team's posting rate for one experiment: posts per week per variant, so "more posts" can be said in weeks.

The rate is the slowest arm's posts over the part of the window that has passed: from the window's start (else the
first post in scope) to the earlier of its end and today (else the last post), at least one week. The posts are the
ones each variant was assigned, counted in SQL by the experiment's sufficient-statistics query (the first and last
post dates, when the window has no start, by one more query over the same selection).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from agilesocial.analysis.selection import VariantSql
from agilesocial.plan.experiment import Experiment

if TYPE_CHECKING:
    import duckdb


def posting_rate(
    con: duckdb.DuckDBPyConnection,
    selection: VariantSql,
    exp: Experiment,
    today: dt.date,
    posts: tuple[int, ...] | None = None,
) -> float | None:
    """Posts per week per variant (the slowest variant) over the elapsed window; None when nothing is known.

    ``posts`` are the posts per variant the experiment's sufficient-statistics query already counted: with a window
    start they suffice; without one, the first and last post dates come from one more query."""
    start = exp.window.start if exp.window is not None else None
    end = exp.window.end if exp.window is not None else None
    end = min(end, today) if end is not None else today
    if start is not None and posts:
        return _per_week(min(posts), start, end)
    k = len(selection.variant_names)
    sql = (
        "WITH arm AS (SELECT v, count(*) AS n, min(published_at)::DATE AS first, max(published_at)::DATE AS last "
        f"FROM ({selection.sql}) WHERE v IS NOT NULL AND nm = 1 GROUP BY v) "
        "SELECT CASE WHEN count(*) = ? THEN min(n) END, min(first), max(last) FROM arm"
    )
    row = con.execute(sql, [*selection.params, k]).fetchone()
    if row is None or row[0] is None:
        return None
    first, last = row[1], row[2]
    return _per_week(int(row[0]), start or first, min(end, last) if start is None else end)


def _per_week(slowest: int, begin: dt.date | None, stop: dt.date | None) -> float | None:
    if begin is None or stop is None or stop < begin:
        return None
    return slowest / (max((stop - begin).days + 1, 7) / 7)
