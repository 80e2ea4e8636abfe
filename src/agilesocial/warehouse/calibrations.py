"""The ``calibrations`` table (``agile-social calibrate``: A/A false-positive rates per method on an account's own
history) and the SQL that reads the history it is computed from.

One row per run x method x posts per arm. ``account`` is NULL when the calibration pooled every account of the
platform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

CALIBRATIONS_DDL = """
CREATE TABLE calibrations (
    run_at TIMESTAMPTZ NOT NULL,
    platform VARCHAR NOT NULL,
    account VARCHAR,
    metric VARCHAR NOT NULL,
    since DATE,
    until DATE,
    posts BIGINT NOT NULL,
    method VARCHAR NOT NULL,
    posts_per_arm INTEGER NOT NULL,
    runs INTEGER NOT NULL,
    seed BIGINT NOT NULL,
    alpha DOUBLE NOT NULL,
    rejections INTEGER NOT NULL,
    false_positive_rate DOUBLE NOT NULL,
    ci_lower DOUBLE NOT NULL,
    ci_upper DOUBLE NOT NULL,
    verdict VARCHAR NOT NULL,
    mde DOUBLE
);
"""

CALIBRATION_COLUMNS: tuple[str, ...] = (
    "run_at",
    "platform",
    "account",
    "metric",
    "since",
    "until",
    "posts",
    "method",
    "posts_per_arm",
    "runs",
    "seed",
    "alpha",
    "rejections",
    "false_positive_rate",
    "ci_lower",
    "ci_upper",
    "verdict",
    "mde",
)


def insert_calibrations(con: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Append ``rows`` (column name -> value; absent columns are NULL) in one transaction; returns how many."""
    from agilesocial.warehouse.results import insert_rows

    rows = list(rows)
    if not rows:
        return 0
    con.execute("BEGIN TRANSACTION")
    try:
        count = insert_rows(con, "calibrations", CALIBRATION_COLUMNS, rows)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return count


@dataclass(frozen=True)
class StoredCalibration:
    """A method's latest calibration on one account and metric: one entry per posts-per-arm size."""

    method: str
    run_at: dt.datetime
    sizes: tuple[tuple[int, float, float, float, str], ...]  # (posts per arm, rate, ci lower, ci upper, verdict)

    def nearest(self, posts_per_arm: int) -> tuple[int, float, float, float, str]:
        """The size closest to ``posts_per_arm`` (the smaller one on a tie)."""
        return min(self.sizes, key=lambda s: (abs(s[0] - posts_per_arm), s[0]))


def latest_calibration(
    con: duckdb.DuckDBPyConnection, platform: str, account: str | None, metric: str, method: str
) -> StoredCalibration | None:
    """The most recent calibration of ``method`` for this platform / account / metric (None when there is none or
    the warehouse predates the table)."""
    return CalibrationLookup(con).latest(platform, account, metric, method)


_Key = tuple[str, str | None, str, str]


class CalibrationLookup:
    """Every platform / account / metric / method's latest calibration, read with one query on first use (an
    analysis of many experiments looks them up without a query each)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._latest: dict[_Key, StoredCalibration] | None = None

    def latest(self, platform: str, account: str | None, metric: str, method: str) -> StoredCalibration | None:
        if self._latest is None:
            self._latest = _read_latest(self._con)
        return self._latest.get((platform, account, metric, method))


def _read_latest(con: duckdb.DuckDBPyConnection) -> dict[_Key, StoredCalibration]:
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'calibrations'").fetchone()
    if not has or not has[0]:
        return {}
    rows = con.execute(
        """
        SELECT platform, account, metric, method, run_at, posts_per_arm, false_positive_rate, ci_lower, ci_upper,
               verdict
        FROM calibrations c
        WHERE run_at = (SELECT max(run_at) FROM calibrations d WHERE d.platform = c.platform
                        AND d.account IS NOT DISTINCT FROM c.account AND d.metric = c.metric AND d.method = c.method)
        ORDER BY platform, account, metric, method, posts_per_arm
        """
    ).fetchall()
    grouped: dict[_Key, list[tuple[Any, ...]]] = {}
    for r in rows:
        grouped.setdefault((r[0], r[1], r[2], r[3]), []).append(r[4:])
    return {
        key: StoredCalibration(
            key[3], got[0][0], tuple((int(g[1]), float(g[2]), float(g[3]), float(g[4]), str(g[5])) for g in got)
        )
        for key, got in grouped.items()
    }


def fetch_history(
    con: duckdb.DuckDBPyConnection,
    *,
    platform: str,
    account: str | None,
    numerator: str,
    denominator: str | None,
    since: dt.date | None,
    until: dt.date | None,
    timezone: str,
) -> tuple[list[float], list[float] | None, int]:
    """Per-post (numerators, denominators or None for a count metric, posts left out for a missing or zero
    denominator) of the account's posts published from ``since`` to ``until`` (local days, inclusive)."""
    from agilesocial.plan.metrics import METRIC_FIELDS

    for field in (numerator, denominator):
        if field is not None and field not in METRIC_FIELDS:
            raise ValueError(f"{field!r} is not a metric field")
    where = ["platform = ?", f'"{numerator}" IS NOT NULL']
    params: list[Any] = [platform]
    if account is not None:
        where.append("account = ?")
        params.append(account)
    day = "CAST(timezone(?, published_at) AS DATE)"
    if since is not None:
        where.append(f"{day} >= ?")
        params += [timezone, since]
    if until is not None:
        where.append(f"{day} <= ?")
        params += [timezone, until]
    x = f'"{denominator}"::DOUBLE' if denominator else "1.0"
    ok = f'"{denominator}" IS NOT NULL AND "{denominator}" > 0' if denominator else "TRUE"
    rows = con.execute(
        f'SELECT "{numerator}"::DOUBLE, {x}, {ok} FROM post_latest WHERE {" AND ".join(where)} ORDER BY post_id',
        params,
    ).fetchall()
    kept = [(r[0], r[1]) for r in rows if r[2]]
    y = [float(r[0]) for r in kept]
    return y, ([float(r[1]) for r in kept] if denominator else None), len(rows) - len(kept)
