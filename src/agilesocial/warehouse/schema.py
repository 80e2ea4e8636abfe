"""The warehouse schema, versioned with forward-only migrations.

Tables (all plain DuckDB tables; the file opens in any DuckDB client). The natural keys below are kept unique by the
loader (one writer at a time, upserts inside one transaction per file) rather than by index constraints: DuckDB's ART
indexes made bulk loads ~2x slower and cost memory per row.

- ``posts``          one row per post (natural key: platform, post_id)
- ``post_metrics``   metric snapshots per post: ``kind`` 'lifetime' rows are lifetime totals as of ``metric_date``
                     (the export's snapshot date; history is kept, one row per snapshot date); 'daily' rows are
                     that day's values. Natural key: (platform, post_id, kind, metric_date).
- ``account_daily``  account-level daily values (followers, page views...). Key: (platform, account, date).
- ``ingests``        one row per loaded file (sha256 makes re-ingest a no-op).
- ``export_coverage`` the days each ingest covered, per account: ``first_day``..``last_day`` (local days of its
                     posts' publication, or its account-level rows' dates, widened to a date range in the file name;
                     ``source`` 'rows' / 'file_name' / 'backfill'). A day no export covers is missing data; a covered
                     day without posts is a zero-post day. See :mod:`.coverage`.
- ``results``        analysis results, one row per experiment x variant x metric per run.
- ``calibrations``   A/A false-positive rates per method x posts per arm on an account's history (``calibrate``).
- ``retro_snapshots`` one JSON retrospective per retro run, for trends across sprints.
- ``post_current``   one row per post with its current metrics (latest lifetime snapshot, else the sum of its
                     daily rows), re-derived by ingest for the posts each file touches (:mod:`.current`). This is
                     what the analysis reads.
- ``post_latest``    VIEW over ``post_current`` (the name analyses and other DuckDB clients used before).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agilesocial.plan.metrics import METRIC_FIELDS
from agilesocial.warehouse.attributes import backfill_sql
from agilesocial.warehouse.calibrations import CALIBRATIONS_DDL
from agilesocial.warehouse.current import BASE_POST_COLUMNS, CURRENT_POST_COLUMNS, current_select, migration_sql

if TYPE_CHECKING:
    import duckdb

_METRIC_TYPES = {"watch_time_seconds": "DOUBLE"}
_METRIC_COLS = ",\n    ".join(f"{f} {_METRIC_TYPES.get(f, 'BIGINT')}" for f in METRIC_FIELDS)

ACCOUNT_DAILY_FIELDS: tuple[str, ...] = (
    "followers",
    "new_followers",
    "page_views",
    "profile_views",
    "impressions",
    "reach",
    "engagements",
    "likes",
    "comments",
    "shares",
    "video_views",
    "posts_published",
)
_ACCOUNT_COLS = ",\n    ".join(f"{f} BIGINT" for f in ACCOUNT_DAILY_FIELDS)


def _post_latest(post_cols: tuple[str, ...]) -> str:
    """The ``post_latest`` view of schema versions 1-4 (the derivation ``post_current`` now stores)."""
    return f"\nCREATE OR REPLACE VIEW post_latest AS {current_select(post_cols)};\n"


MIGRATIONS: list[str] = [
    # 1: the initial schema
    f"""
CREATE SEQUENCE IF NOT EXISTS ingest_id_seq START 1;
CREATE TABLE ingests (
    ingest_id BIGINT PRIMARY KEY DEFAULT nextval('ingest_id_seq'),
    path VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL UNIQUE,
    profile VARCHAR NOT NULL,
    platform VARCHAR,
    account VARCHAR,
    target_table VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    tool_version VARCHAR NOT NULL
);
CREATE TABLE posts (
    platform VARCHAR NOT NULL,
    account VARCHAR,
    post_id VARCHAR NOT NULL,
    published_at TIMESTAMPTZ,
    post_type VARCHAR,
    text VARCHAR,
    permalink VARCHAR,
    labels VARCHAR[],
    hashtags VARCHAR[],
    ingest_id BIGINT
);
CREATE TABLE post_metrics (
    platform VARCHAR NOT NULL,
    post_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('lifetime', 'daily')),
    metric_date DATE NOT NULL,
    {_METRIC_COLS},
    ingest_id BIGINT
);
CREATE TABLE account_daily (
    platform VARCHAR NOT NULL,
    account VARCHAR NOT NULL,
    date DATE NOT NULL,
    {_ACCOUNT_COLS},
    ingest_id BIGINT
);
CREATE TABLE results (
    run_at TIMESTAMPTZ NOT NULL,
    experiment_id VARCHAR NOT NULL,
    sprint_id VARCHAR,
    metric VARCHAR NOT NULL,
    variant VARCHAR NOT NULL,
    is_guardrail BOOLEAN NOT NULL,
    method VARCHAR NOT NULL,
    n_control BIGINT,
    n_variant BIGINT,
    control_value DOUBLE,
    variant_value DOUBLE,
    abs_lift DOUBLE,
    abs_ci_lower DOUBLE,
    abs_ci_upper DOUBLE,
    rel_lift DOUBLE,
    rel_ci_lower DOUBLE,
    rel_ci_upper DOUBLE,
    p_value DOUBLE,
    p_adjusted DOUBLE,
    significant BOOLEAN,
    chance_to_beat DOUBLE,
    decision VARCHAR,
    decision_reason VARCHAR
);
CREATE TABLE retro_snapshots (
    run_at TIMESTAMPTZ NOT NULL,
    sprint_id VARCHAR NOT NULL,
    schema_version INTEGER NOT NULL,
    payload JSON NOT NULL
);
{_post_latest(BASE_POST_COLUMNS)}""",
    # 2: derived post attributes (is_reply, has_link, format, duration_s...), backfilled from the stored posts
    backfill_sql() + _post_latest(CURRENT_POST_COLUMNS),
]

MIGRATIONS.append(
    # 3: export coverage, backfilled for existing warehouses from the rows each ingest last wrote (UTC days);
    # idempotent, for warehouses made while it was numbered 2
    """
CREATE TABLE IF NOT EXISTS export_coverage (
    ingest_id BIGINT NOT NULL,
    platform VARCHAR,
    account VARCHAR,
    target_table VARCHAR NOT NULL,
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    source VARCHAR NOT NULL
);
INSERT INTO export_coverage
SELECT ingest_id, platform, account, 'posts', min(published_at::DATE), max(published_at::DATE), 'backfill'
FROM posts WHERE ingest_id IS NOT NULL AND published_at IS NOT NULL
    AND ingest_id NOT IN (SELECT ingest_id FROM export_coverage) GROUP BY ingest_id, platform, account;
INSERT INTO export_coverage
SELECT ingest_id, platform, account, 'account_daily', min(date), max(date), 'backfill'
FROM account_daily WHERE ingest_id IS NOT NULL
    AND ingest_id NOT IN (SELECT ingest_id FROM export_coverage) GROUP BY ingest_id, platform, account;
"""
)

MIGRATIONS.append(CALIBRATIONS_DDL)  # 3 (or next): A/A calibrations of the methods on an account's history

# 5 (or next): post_current, one row per post maintained by ingest, backfilled; post_latest becomes a view over it
MIGRATIONS.append(migration_sql())

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the warehouse to :data:`SCHEMA_VERSION`; returns the version it was at before."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ)")
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    current = int(row[0]) if row else 0
    for version in range(current + 1, SCHEMA_VERSION + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(MIGRATIONS[version - 1])
            con.execute("INSERT INTO schema_migrations VALUES (?, now())", [version])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return current


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version the open warehouse is at (0: not an agile-social warehouse, or never migrated)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations' AND schema_name = 'main'"
    ).fetchone()
    if not found or not found[0]:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0
