"""What is in the warehouse: per platform/account, posts, metric rows, the days the exports covered (with the gaps
between them), how many posts have each derived attribute, and the last ingest. All of it computed in DuckDB SQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class AccountStatus:
    """One platform/account."""

    platform: str
    account: str | None
    posts: int = 0
    metric_rows: int = 0
    account_days: int = 0
    first_post: str | None = None
    last_post: str | None = None
    first_metric_date: str | None = None
    last_metric_date: str | None = None
    first_day: str | None = None
    last_day: str | None = None
    last_ingest: str | None = None
    #: the days post exports covered, as [first, last] ISO ranges with the gaps between them left out
    coverage: list[list[str]] = field(default_factory=list)
    #: the same for account-level (daily) exports
    daily_coverage: list[list[str]] = field(default_factory=list)
    #: derived attribute -> {"true": n, "false": n, "unknown": n} (posts)
    attributes: dict[str, dict[str, int]] = field(default_factory=dict)
    #: format -> posts ('unknown' for posts whose format the export cannot tell)
    formats: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StatusReport:
    """The ``status`` result."""

    db: str
    schema_version: int
    files_ingested: int
    last_ingest: str | None
    accounts: list[AccountStatus] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "db": self.db,
            "warehouse_schema_version": self.schema_version,
            "files_ingested": self.files_ingested,
            "last_ingest": self.last_ingest,
            "accounts": [a.to_dict() for a in self.accounts],
        }


_SQL = """
WITH keys AS (
    SELECT platform, account FROM posts UNION SELECT platform, account FROM account_daily
),
p AS (
    SELECT platform, account, count(*) AS posts, min(published_at) AS first_post, max(published_at) AS last_post
    FROM posts GROUP BY ALL
),
m AS (
    SELECT p.platform, p.account, count(*) AS metric_rows, min(m.metric_date) AS first_md,
        max(m.metric_date) AS last_md
    FROM post_metrics m JOIN posts p ON p.platform = m.platform AND p.post_id = m.post_id GROUP BY ALL
),
a AS (
    SELECT platform, account, count(*) AS days, min(date) AS first_day, max(date) AS last_day
    FROM account_daily GROUP BY ALL
),
touched AS (
    SELECT platform, account, ingest_id FROM posts
    UNION ALL SELECT p.platform, p.account, m.ingest_id FROM post_metrics m
        JOIN posts p ON p.platform = m.platform AND p.post_id = m.post_id
    UNION ALL SELECT platform, account, ingest_id FROM account_daily
),
last AS (
    SELECT t.platform, t.account, max(i.finished_at) AS last_ingest
    FROM touched t JOIN ingests i ON i.ingest_id = t.ingest_id GROUP BY ALL
)
SELECT k.platform, k.account, coalesce(p.posts, 0), coalesce(m.metric_rows, 0), coalesce(a.days, 0),
    strftime(p.first_post AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ'),
    strftime(p.last_post AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ'),
    CAST(m.first_md AS VARCHAR), CAST(m.last_md AS VARCHAR), CAST(a.first_day AS VARCHAR), CAST(a.last_day AS VARCHAR),
    strftime(l.last_ingest AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')
FROM keys k
LEFT JOIN p ON p.platform = k.platform AND p.account IS NOT DISTINCT FROM k.account
LEFT JOIN m ON m.platform = k.platform AND m.account IS NOT DISTINCT FROM k.account
LEFT JOIN a ON a.platform = k.platform AND a.account IS NOT DISTINCT FROM k.account
LEFT JOIN last l ON l.platform = k.platform AND l.account IS NOT DISTINCT FROM k.account
ORDER BY k.platform, k.account NULLS LAST
"""


#: Yes/no attributes counted per account (see :mod:`agilesocial.warehouse.attributes`).
FLAGS: tuple[str, ...] = ("is_reply", "is_repost", "has_link", "has_media", "has_hashtag", "is_short")


def _attribute_sql() -> str:
    counts = ", ".join(
        f"count(*) FILTER (WHERE {f}), count(*) FILTER (WHERE NOT {f}), count(*) FILTER (WHERE {f} IS NULL)"
        for f in FLAGS
    )
    return f"SELECT platform, account, {counts} FROM posts GROUP BY ALL"


def warehouse_status(db: Path) -> StatusReport:
    """Summarise the warehouse at ``db`` (read-only; a missing file is a :class:`DataError`)."""
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.coverage import coverage_islands

    with warehouse(db, read_only=True) as con:
        version = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        files = con.execute(
            "SELECT count(*), strftime(max(finished_at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') FROM ingests"
        ).fetchone()
        rows = con.execute(_SQL).fetchall()
        posts_cover, daily_cover = coverage_islands(con, "posts"), coverage_islands(con, "account_daily")
        flags = {(r[0], r[1]): r[2:] for r in con.execute(_attribute_sql()).fetchall()}
        formats = con.execute(
            "SELECT platform, account, coalesce(format, 'unknown'), count(*) FROM posts GROUP BY ALL"
            " ORDER BY platform, account, count(*) DESC, 3"
        ).fetchall()
    assert version is not None and files is not None
    report = StatusReport(str(db), int(version[0]), int(files[0]), files[1])
    for r in rows:
        a = AccountStatus(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), *r[5:])
        key = (a.platform, a.account)
        a.coverage = [[f.isoformat(), t.isoformat()] for f, t in posts_cover.get(key, [])]
        a.daily_coverage = [[f.isoformat(), t.isoformat()] for f, t in daily_cover.get(key, [])]
        counts = flags.get(key)
        if counts:
            a.attributes = {
                f: {"true": int(counts[3 * i]), "false": int(counts[3 * i + 1]), "unknown": int(counts[3 * i + 2])}
                for i, f in enumerate(FLAGS)
            }
        a.formats = {str(fmt): int(n) for p, acc, fmt, n in formats if (p, acc) == key}
        report.accounts.append(a)
    return report


def short_range(first: str, last: str) -> str:
    """``2017-03-01..03-31`` (the year once when both ends share it), ``2017-12-15..2018-01-10``, ``2017-03-01``."""
    if first == last:
        return first
    return f"{first}..{last[5:] if first[:4] == last[:4] else last}"
