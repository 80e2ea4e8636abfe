"""Progress data for the retrospective: weekly KPI / key-result actuals, objective trajectories, top posts.

Aggregation only (no statistics): every function is one parameterised DuckDB query on the ``post_latest`` view.
Posts are bucketed into days in the project's time zone and into 7-day weeks aligned on an ``anchor`` date (the
sprint start), so a week is ``[anchor + 7k, anchor + 7k + 6]``.

- count metrics: the weekly **sum** over posts published that week;
- ratio metrics: the **ratio of the weekly sums** (``sum(numerator) / sum(denominator)``), over posts that have both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from agilesocial.analysis.model import TopPost
from agilesocial.errors import DataError
from agilesocial.plan.metrics import METRIC_FIELDS, Metric

if TYPE_CHECKING:
    import duckdb

#: Default floor for "top posts by engagement rate": at least this many impressions ...
MIN_IMPRESSIONS_FLOOR = 100
#: ... and at least this share of the period's median impressions per post.
MIN_IMPRESSIONS_MEDIAN_SHARE = 0.25


@dataclass(frozen=True)
class WeekRow:
    """One week of one metric: posts published that week and the summed fields."""

    week_start: dt.date
    posts: int
    numerator: float
    denominator: float | None

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return self.numerator
        return self.numerator / self.denominator if self.denominator else None


def _field(name: str) -> str:
    """A canonical metric field as a quoted identifier (only catalog fields are accepted)."""
    if name not in METRIC_FIELDS:
        raise DataError(f"unknown metric field {name!r}", hint=f"use one of: {', '.join(METRIC_FIELDS)}")
    return '"' + name.replace('"', '""') + '"'


_LOCAL_DAY = "(published_at AT TIME ZONE $tz)::DATE"
_PLATFORM_FILTER = "(len($platforms) = 0 OR list_contains($platforms, platform))"


def weekly_series(
    con: duckdb.DuckDBPyConnection,
    metric: Metric,
    *,
    anchor: dt.date,
    start: dt.date,
    end: dt.date,
    platforms: Sequence[str] = (),
    timezone: str = "UTC",
) -> list[WeekRow]:
    """Weekly sums of ``metric``'s fields over posts published from ``start`` to ``end`` (inclusive).

    Only weeks with posts are returned, oldest first."""
    num = _field(metric.numerator)
    den = _field(metric.denominator) if metric.denominator else None
    both = f"AND {num} IS NOT NULL AND {den} IS NOT NULL" if den else ""
    sql = f"""
        WITH p AS (
            SELECT {_LOCAL_DAY} AS day, {num} AS num, {den or "NULL"} AS den
            FROM post_latest
            WHERE published_at IS NOT NULL AND {_PLATFORM_FILTER} {both}
        )
        SELECT $anchor::DATE + (7 * floor(datediff('day', $anchor::DATE, day) / 7))::INTEGER AS week_start,
            count(*) AS posts, coalesce(sum(num), 0)::DOUBLE AS num, sum(den)::DOUBLE AS den
        FROM p
        WHERE day BETWEEN $start AND $end
        GROUP BY week_start
        ORDER BY week_start
    """
    params = {"tz": timezone, "platforms": list(platforms), "anchor": anchor, "start": start, "end": end}
    rows = con.execute(sql, params).fetchall()
    return [
        WeekRow(r[0], int(r[1]), float(r[2]), (float(r[3]) if r[3] is not None else 0.0) if den else None) for r in rows
    ]


def first_post_day(
    con: duckdb.DuckDBPyConnection, *, platforms: Sequence[str] = (), timezone: str = "UTC"
) -> dt.date | None:
    """The local day of the earliest post (on the given platforms), or None when there is none."""
    row = con.execute(
        f"SELECT min({_LOCAL_DAY}) FROM post_latest WHERE {_PLATFORM_FILTER}",
        {"tz": timezone, "platforms": list(platforms)},
    ).fetchone()
    return row[0] if row else None


def accounts_in(
    con: duckdb.DuckDBPyConnection,
    *,
    platforms: Sequence[str] = (),
    start: dt.date,
    end: dt.date,
    timezone: str = "UTC",
) -> list[tuple[str, str | None]]:
    """The (platform, account) pairs with posts published from ``start`` to ``end`` on ``platforms`` (all when
    empty): what a weekly figure over those platforms counts."""
    rows = con.execute(
        f"""SELECT DISTINCT platform, account FROM post_latest
            WHERE {_PLATFORM_FILTER} AND {_LOCAL_DAY} BETWEEN $start AND $end ORDER BY platform, account""",
        {"tz": timezone, "platforms": list(platforms), "start": start, "end": end},
    ).fetchall()
    return [(str(r[0]), r[1]) for r in rows]


def default_min_impressions(
    con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, timezone: str = "UTC"
) -> int:
    """The impressions floor for "top by engagement rate": max(100, a quarter of the median post's impressions)."""
    row = con.execute(
        f"""SELECT median(impressions) FROM post_latest
            WHERE impressions IS NOT NULL AND {_LOCAL_DAY} BETWEEN $start AND $end""",
        {"tz": timezone, "start": start, "end": end},
    ).fetchone()
    median = float(row[0]) if row and row[0] is not None else 0.0
    return max(MIN_IMPRESSIONS_FLOOR, round(median * MIN_IMPRESSIONS_MEDIAN_SHARE))


def _top_post(r: tuple[Any, ...]) -> TopPost:
    """A TopPost from a row's first 11 columns (platform, account, post_id, day, post_type, text, permalink,
    impressions, engagements, shares, engagement_rate); impressions stay None where the export has none."""
    return TopPost(
        platform=r[0],
        account=r[1],
        post_id=r[2],
        published=r[3],
        post_type=r[4],
        text=r[5],
        permalink=r[6],
        impressions=int(r[7]) if r[7] is not None else None,
        engagements=int(r[8]),
        shares=int(r[9]),
        engagement_rate=float(r[10]) if r[10] is not None else None,
    )


def top_posts(
    con: duckdb.DuckDBPyConnection,
    *,
    start: dt.date,
    end: dt.date,
    by: Literal["rate", "volume"],
    min_impressions: int = 0,
    limit: int = 5,
    timezone: str = "UTC",
) -> list[TopPost]:
    """Posts published from ``start`` to ``end``, best first: by engagement rate (among posts with at least
    ``min_impressions`` impressions) or by engagements (volume)."""
    order = (
        "engagement_rate DESC NULLS LAST, engagements DESC, post_id"
        if by == "rate"
        else "engagements DESC, impressions DESC, post_id"
    )
    floor = "AND coalesce(impressions, 0) >= $floor" if by == "rate" else ""
    sql = f"""
        SELECT platform, account, post_id, {_LOCAL_DAY} AS day, post_type, coalesce(text, '') AS text, permalink,
            coalesce(impressions, 0) AS impressions, coalesce(engagements, 0) AS engagements,
            coalesce(shares, 0) AS shares,
            CASE WHEN coalesce(impressions, 0) > 0 THEN engagements / impressions END AS engagement_rate
        FROM post_latest
        WHERE {_LOCAL_DAY} BETWEEN $start AND $end {floor}
        ORDER BY {order}
        LIMIT $limit
    """
    params: dict[str, object] = {"tz": timezone, "start": start, "end": end, "limit": limit}
    if by == "rate":
        params["floor"] = min_impressions
    rows = con.execute(sql, params).fetchall()
    return [_top_post(r) for r in rows]


@dataclass(frozen=True)
class PlatformPosts:
    """One platform's posts of the period: how many, the median post's impressions, the cut-off for ranking by
    rate, and its top posts by engagement rate (at or above the cut-off) and by engagements."""

    platform: str
    posts: int
    median_impressions: int
    min_impressions: int
    by_rate: tuple[TopPost, ...]
    by_volume: tuple[TopPost, ...]


def top_posts_by_platform(
    con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, limit: int = 3, timezone: str = "UTC"
) -> list[PlatformPosts]:
    """Per platform (rates of different platforms are not comparable): the top ``limit`` posts by engagement rate
    among posts with at least the platform's median impressions (and at least :data:`MIN_IMPRESSIONS_FLOOR`), and the
    top ``limit`` by engagements. One query; platforms in name order."""
    sql = f"""
        WITH p AS (
            SELECT platform, account, post_id, {_LOCAL_DAY} AS day, post_type, coalesce(text, '') AS text, permalink,
                impressions AS exported_impressions,
                coalesce(impressions, 0) AS impressions, coalesce(engagements, 0) AS engagements,
                coalesce(shares, 0) AS shares,
                CASE WHEN coalesce(impressions, 0) > 0 THEN engagements / impressions END AS engagement_rate
            FROM post_latest
            WHERE {_LOCAL_DAY} BETWEEN $start AND $end
        ), m AS (
            SELECT platform, count(*) AS posts, coalesce(round(median(impressions)), 0)::BIGINT AS med
            FROM p GROUP BY platform
        ), r AS (
            SELECT p.*, m.posts, m.med, greatest(m.med, $floor) AS cut,
                row_number() OVER (PARTITION BY p.platform ORDER BY (p.impressions >= greatest(m.med, $floor)) DESC,
                    p.engagement_rate DESC NULLS LAST, p.engagements DESC, p.post_id) AS rate_rank,
                row_number() OVER (PARTITION BY p.platform ORDER BY p.engagements DESC, p.impressions DESC, p.post_id)
                    AS volume_rank
            FROM p JOIN m USING (platform)
        )
        SELECT platform, account, post_id, day, post_type, text, permalink, exported_impressions, engagements, shares,
            engagement_rate, posts, med, cut,
            rate_rank <= $limit AND impressions >= cut AND engagement_rate IS NOT NULL AS top_rate,
            volume_rank <= $limit AS top_volume, rate_rank, volume_rank
        FROM r
        WHERE (rate_rank <= $limit AND impressions >= cut) OR volume_rank <= $limit
        ORDER BY platform
    """
    params = {"tz": timezone, "start": start, "end": end, "limit": limit, "floor": MIN_IMPRESSIONS_FLOOR}
    found: dict[str, tuple[list[tuple[int, TopPost]], list[tuple[int, TopPost]], tuple[int, int, int]]] = {}
    for r in con.execute(sql, params).fetchall():
        post = _top_post(r)
        rate, volume, _ = found.setdefault(r[0], ([], [], (int(r[11]), int(r[12]), int(r[13]))))
        if r[14]:
            rate.append((int(r[16]), post))
        if r[15]:
            volume.append((int(r[17]), post))
    return [
        PlatformPosts(
            platform,
            counts[0],
            counts[1],
            counts[2],
            tuple(p for _, p in sorted(rate, key=lambda x: x[0])),
            tuple(p for _, p in sorted(volume, key=lambda x: x[0])),
        )
        for platform, (rate, volume, counts) in found.items()
    ]
