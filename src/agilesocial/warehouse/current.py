"""``post_current``: one row per post with its current metrics, maintained by ingest.

The rules (unchanged from the ``post_latest`` view this table replaces): a post's current metrics are its latest
lifetime snapshot (by snapshot date; two lifetime snapshots of the same date were already merged at load, keeping
the larger totals), else the sum of its daily rows, dated by the last daily row. Only posts with at least one metric
row have a current row.

:func:`current_select` is that derivation as one SELECT; ingest runs it for the posts one file touched
(:func:`refresh_current`, inside the ingest's transaction), so analysis reads each post once instead of re-deriving
the latest snapshot of every post with a window function on every run. ``post_latest`` stays as a view over
``post_current`` so every reader of the old name reads the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agilesocial.plan.metrics import METRIC_FIELDS
from agilesocial.warehouse.attributes import ATTRIBUTE_COLUMNS

if TYPE_CHECKING:
    import duckdb

BASE_POST_COLUMNS: tuple[str, ...] = (
    "platform",
    "account",
    "post_id",
    "published_at",
    "post_type",
    "text",
    "permalink",
    "labels",
    "hashtags",
)
#: The post columns ``post_current`` carries (then ``as_of`` and every metric field).
CURRENT_POST_COLUMNS: tuple[str, ...] = (*BASE_POST_COLUMNS, *ATTRIBUTE_COLUMNS)
#: The order rows are written in: zone maps then skip other accounts' and periods' row groups.
CURRENT_ORDER = "platform, account, published_at"
_TOUCHED = "_current_touched"


def current_select(post_cols: tuple[str, ...] = CURRENT_POST_COLUMNS, only: str | None = None) -> str:
    """The derivation of the current row of every post (or of the posts whose keys are in table ``only``)."""

    def keep(alias: str, glue: str) -> str:
        if not only:
            return ""
        match = f"t.platform = {alias}.platform AND t.post_id = {alias}.post_id"
        return f" {glue} EXISTS (SELECT 1 FROM {only} t WHERE {match})"

    fields = ", ".join(METRIC_FIELDS)
    sums = ", ".join(f"sum({f}) AS {f}" for f in METRIC_FIELDS)
    return f"""
WITH lifetime AS (
    SELECT * FROM post_metrics pm WHERE kind = 'lifetime'{keep("pm", "AND")}
    QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY metric_date DESC) = 1
),
daily AS (
    SELECT platform, post_id, max(metric_date) AS metric_date, {sums}
    FROM post_metrics pm WHERE kind = 'daily'{keep("pm", "AND")}
    GROUP BY platform, post_id
),
m AS (
    SELECT platform, post_id, metric_date, {fields} FROM lifetime
    UNION ALL BY NAME
    SELECT platform, post_id, metric_date, {fields} FROM daily d
    WHERE NOT EXISTS (SELECT 1 FROM lifetime l WHERE l.platform = d.platform AND l.post_id = d.post_id)
)
SELECT {", ".join(f"p.{c}" for c in post_cols)}, m.metric_date AS as_of, {", ".join(f"m.{f}" for f in METRIC_FIELDS)}
FROM posts p JOIN m ON m.platform = p.platform AND m.post_id = p.post_id{keep("p", "WHERE")}
"""


def migration_sql() -> str:
    """Create ``post_current`` from the stored snapshots (backfill) and point ``post_latest`` at it."""
    return (
        f"CREATE TABLE post_current AS {current_select()} ORDER BY {CURRENT_ORDER};\n"
        "CREATE OR REPLACE VIEW post_latest AS SELECT * FROM post_current;\n"
    )


def refresh_current(con: duckdb.DuckDBPyConnection, ingest_id: int) -> int:
    """Re-derive the current rows of the posts ingest ``ingest_id`` wrote (inside the caller's transaction).

    Every post row and metric row a file loads carries its ingest id (an upsert re-stamps replaced rows), so those
    are exactly the posts whose current row may have changed. Returns how many posts were refreshed.
    """
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_TOUCHED} AS SELECT platform, post_id FROM posts WHERE ingest_id = $iid "
        "UNION SELECT platform, post_id FROM post_metrics WHERE ingest_id = $iid",
        {"iid": ingest_id},
    )
    try:
        row = con.execute(f"SELECT count(*) FROM {_TOUCHED}").fetchone()
        touched = int(row[0]) if row else 0
        if not touched:
            return 0
        con.execute(
            f"DELETE FROM post_current c WHERE EXISTS "
            f"(SELECT 1 FROM {_TOUCHED} t WHERE t.platform = c.platform AND t.post_id = c.post_id)"
        )
        con.execute(f"INSERT INTO post_current BY NAME {current_select(only=_TOUCHED)} ORDER BY {CURRENT_ORDER}")
        return touched
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_TOUCHED}")


def rebuild_current(con: duckdb.DuckDBPyConnection) -> int:
    """Re-derive every post's current row (after rows were written by hand, or to repair); returns the row count."""
    con.execute("DELETE FROM post_current")
    con.execute(f"INSERT INTO post_current BY NAME {current_select()} ORDER BY {CURRENT_ORDER}")
    row = con.execute("SELECT count(*) FROM post_current").fetchone()
    return int(row[0]) if row else 0
