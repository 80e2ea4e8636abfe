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
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'calibrations'").fetchone()
    if not has or not has[0]:
        return None
    rows = con.execute(
        """
        SELECT run_at, posts_per_arm, false_positive_rate, ci_lower, ci_upper, verdict FROM calibrations
        WHERE platform = ? AND account IS NOT DISTINCT FROM ? AND metric = ? AND method = ?
          AND run_at = (SELECT max(run_at) FROM calibrations WHERE platform = ? AND account IS NOT DISTINCT FROM ?
                        AND metric = ? AND method = ?)
        ORDER BY posts_per_arm
        """,
        [platform, account, metric, method] * 2,
    ).fetchall()
    if not rows:
        return None
    sizes = tuple((int(r[1]), float(r[2]), float(r[3]), float(r[4]), str(r[5])) for r in rows)
    return StoredCalibration(method, rows[0][0], sizes)


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
