"""What is in the warehouse: per platform/account, posts, metric rows, date ranges and the last ingest."""

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


def warehouse_status(db: Path) -> StatusReport:
    """Summarise the warehouse at ``db`` (read-only; a missing file is a :class:`DataError`)."""
    from agilesocial.warehouse.connection import warehouse

    with warehouse(db, read_only=True) as con:
        version = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        files = con.execute(
            "SELECT count(*), strftime(max(finished_at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') FROM ingests"
        ).fetchone()
        rows = con.execute(_SQL).fetchall()
    assert version is not None and files is not None
    report = StatusReport(str(db), int(version[0]), int(files[0]), files[1])
    for r in rows:
        report.accounts.append(AccountStatus(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), *r[5:]))
    return report
