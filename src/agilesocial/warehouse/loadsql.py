"""Writing one checked file: upserts into posts + post_metrics (or account_daily), and the rejects CSV."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial import textsafe
from agilesocial.plan.metrics import METRIC_FIELDS
from agilesocial.warehouse import sqlexpr as sx
from agilesocial.warehouse.attributes import DERIVED
from agilesocial.warehouse.csvcheck import REJECTS, csv_source, physical_lines
from agilesocial.warehouse.current import CURRENT_POST_COLUMNS
from agilesocial.warehouse.profiles import ROW_DATE
from agilesocial.warehouse.schema import ACCOUNT_DAILY_FIELDS
from agilesocial.warehouse.stage import STAGE, Stage

if TYPE_CHECKING:
    import duckdb


def _good_rows(stage: Stage, key: str, order: str) -> str:
    """The rows to load: without bad rows, and the last row of each key when a file repeats a key."""
    where = " WHERE _bad_field IS NULL" if stage.bad_rows else ""
    if key in stage.unique_keys:
        return f"(SELECT * FROM {STAGE}{where})"
    return f"(SELECT * FROM {STAGE}{where} QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {order}) = 1)"


def _upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    key: tuple[str, ...],
    cols: list[str],
    source: str,
    merge: dict[str, str],
    p: dict[str, Any],
    keep: tuple[str, ...] = (),
    *,
    new_only: bool = False,
) -> None:
    """Insert ``source`` rows into ``table``; rows whose key already exists are replaced, merged per ``merge``.

    ``merge`` maps a column to how the new value combines with the old one (``n`` = new row, ``o`` = old row).
    With no overlap (the common case: new posts; ``new_only`` when the check pass already knows) this is one plain
    INSERT. ``keep`` columns (not in this file) keep their old values when a row is replaced.
    """
    on = " AND ".join(f"o.{k} = n.{k}" for k in key)
    overlap = None
    if not new_only:
        overlap = con.execute(
            f"SELECT count(*) FROM {table} o SEMI JOIN {source} n ON o.platform = $platform AND {on}",
            {"platform": p["platform"]},
        ).fetchone()
    all_cols = ", ".join(("platform", *cols, "ingest_id"))
    if not overlap or not overlap[0]:
        con.execute(f"INSERT INTO {table} ({all_cols}) SELECT $platform, {', '.join(cols)}, $iid FROM {source}", p)
        return
    merged = ", ".join([*(f"{merge.get(c, f'n.{c}')} AS {c}" for c in cols), *(f"o.{c} AS {c}" for c in keep)])
    cols = [*cols, *keep]
    all_cols = ", ".join(("platform", *cols, "ingest_id"))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE}_merge AS SELECT $platform AS platform, {merged}, $iid AS ingest_id"
        f" FROM {source} n LEFT JOIN {table} o ON o.platform = $platform AND {on}",
        p,
    )
    con.execute(
        f"DELETE FROM {table} o WHERE o.platform = $platform AND EXISTS (SELECT 1 FROM {STAGE}_merge n WHERE {on})",
        {"platform": p["platform"]},
    )
    con.execute(f"INSERT INTO {table} ({all_cols}) SELECT {all_cols} FROM {STAGE}_merge")
    con.execute(f"DROP TABLE {STAGE}_merge")


def load_staged(
    con: duckdb.DuckDBPyConnection, stage: Stage, ingest_id: int, step: Callable[[], None] = lambda: None
) -> bool:
    """Upsert the good rows (inside the caller's transaction). The last row of a key in a file wins.

    Rows come from the materialised stage; when the check pass found no overlap with the warehouse, each target
    gets one plain INSERT. Returns True when the rows were *fresh* (posts new to the warehouse, each once in the
    file): then the posts were written with their derived attributes and their ``post_current`` rows too, each
    in one streaming pass over the stage, so the caller neither updates attributes nor refreshes ``post_current``
    (an UPDATE and a join over millions of rows just written are what made large ingests slow and memory-hungry).
    ``step`` is called after each table is written (progress).
    """
    find_unique_keys(con, stage)
    p: dict[str, Any] = {"platform": stage.shape.platform, "iid": ingest_id}
    new_only = stage.overlap == 0
    if stage.shape.target == "account_daily":
        present = [f for f in ACCOUNT_DAILY_FIELDS if f in stage.fields]
        merge = {f: f"coalesce(n.{f}, o.{f})" for f in present}  # one-metric files (Instagram daily) add up
        source = _good_rows(stage, "date", "_row DESC")
        cols = ["account", "date", *present]
        _upsert(con, "account_daily", ("account", "date"), cols, source, merge, p, new_only=new_only)
        return False
    sel = ", ".join(c if c in stage.fields else f"NULL AS {c}" for c in POST_COLUMNS)
    metrics = [f for f in METRIC_FIELDS if f in stage.fields]
    if new_only and "post_id" in stage.unique_keys:
        _insert_fresh(con, stage, sel, metrics, p, step)
        return True
    # a post's attributes come from its latest row; without row numbers (keys unique) 'lifetime' wins a tie
    last = "_row DESC" if stage.numbered else "kind DESC"
    posts = _good_rows(stage, "post_id", f"{ROW_DATE} DESC, {last}")
    source = f"(SELECT post_id, {sel} FROM {posts})"
    merge = {c: f"coalesce(n.{c}, o.{c})" for c in POST_COLUMNS}  # a newer export wins where it has a value
    _upsert(con, "posts", ("post_id",), ["post_id", *POST_COLUMNS], source, merge, p, new_only=new_only)
    step()
    if not metrics:
        return False
    source = _good_rows(stage, f"post_id, kind, {ROW_DATE}", "_row DESC")
    source = f"(SELECT post_id, kind, {ROW_DATE} AS metric_date, {', '.join(metrics)} FROM {source})"
    keep = tuple(f for f in METRIC_FIELDS if f not in metrics)
    cols = ["post_id", "kind", "metric_date", *metrics]
    # Two lifetime snapshots of one post on the same date (e.g. two exports ingested the same day, in any order):
    # lifetime totals only grow, so the larger value of each metric is the later snapshot's. Daily rows: newest wins.
    lifetime = {f: f"CASE WHEN n.kind = 'lifetime' THEN greatest(n.{f}, o.{f}) ELSE n.{f} END" for f in metrics}
    _upsert(con, "post_metrics", ("post_id", "kind", "metric_date"), cols, source, lifetime, p, keep, new_only=new_only)
    step()
    return False


#: The post columns a file provides (the derived attributes are computed from them).
POST_COLUMNS = ("account", "published_at", "post_type", "text", "permalink", "labels", "hashtags", "duration_s")


def _insert_fresh(
    con: duckdb.DuckDBPyConnection,
    stage: Stage,
    sel: str,
    metrics: list[str],
    p: dict[str, Any],
    step: Callable[[], None],
) -> None:
    """Posts new to the warehouse, one row each: posts (with derived attributes), post_metrics and post_current
    are plain INSERTs streamed from the stage. A post's current row is its only metric row (lifetime, or the one
    daily row whose sum is itself)."""
    rows = _good_rows(stage, "post_id", "_row")
    derived = ", ".join(DERIVED)  # computed once, in the stage
    extra = f", kind, {ROW_DATE} AS metric_date, {', '.join(metrics)}" if metrics else ""
    source = f"(SELECT $platform AS platform, post_id, {sel}, {derived}{extra} FROM {rows})"
    post_cols = ", ".join(("platform", "post_id", *POST_COLUMNS))
    con.execute(
        f"INSERT INTO posts ({post_cols}, {derived}, ingest_id) SELECT {post_cols}, {derived}, $iid FROM {source}", p
    )
    step()
    if not metrics:
        return
    cols = ", ".join(("post_id", "kind", "metric_date", *metrics))
    con.execute(
        f"INSERT INTO post_metrics (platform, {cols}, ingest_id) SELECT $platform, {cols}, $iid FROM {source}", p
    )
    step()
    keep = ", ".join([*CURRENT_POST_COLUMNS, "metric_date AS as_of", *metrics])
    # file order: one file is one platform (and mostly one account) in the export's date order
    con.execute(f"INSERT INTO post_current BY NAME SELECT {keep} FROM {source}", {"platform": p["platform"]})


def write_rejects(con: duckdb.DuckDBPyConnection, stage: Stage, folder: Path, sha: str) -> Path:
    """Write the rejected rows (row number, column, value, then the raw cells) to a CSV, formulas neutralised."""
    layout = stage.layout
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", layout.path.stem)[:80]
    out = folder / f"{stem}.{sha[:8]}.rejects.csv"
    source = csv_source(layout, sample=True)  # the same rows the lenient stage read kept, in the same order
    params: dict[str, Any] = {"csv_path": str(layout.read_path), "csv_delim": layout.delimiter}
    names: dict[str, int] = {}
    cells: list[str] = []
    labels: list[str] = []
    for i, name in enumerate(layout.header):
        label = textsafe.neutralise_formula(textsafe.clean(name)) or f"column {i + 1}"
        names[label] = names.get(label, 0) + 1
        if names[label] > 1:
            label = f"{label} ({names[label]})"
        labels.append(label)
        cells.append(f"{textsafe.sql_clean(f'r.c{i}', params)} AS {sx.quote_ident(label)}")
    parts = []
    extra = ', NULL::BIGINT AS "line", NULL::VARCHAR AS "raw_line"' if stage.malformed else ""
    if stage.bad_rows:  # rows with a value that cannot be read: row number, column, value and the raw cells
        parts.append(
            f'SELECT s._row AS "row", {textsafe.sql_clean("s._bad_field", params)} AS "rejected_column",'
            f' {textsafe.sql_clean("s._bad_value", params)} AS "rejected_value", {", ".join(cells)}'
            f"{extra} FROM {STAGE} s JOIN"
            f" (SELECT row_number() OVER () AS _row, * FROM {source}) r USING (_row) WHERE s._bad_field IS NOT NULL"
        )
    if stage.malformed:  # rows the CSV reader set aside: their file line, what is wrong, and the raw text
        params["header"] = [textsafe.clean(h) for h in layout.header]
        empty = ", ".join(f"NULL::VARCHAR AS {sx.quote_ident(label)}" for label in labels)
        records = [int(r[0]) for r in con.execute(f"SELECT DISTINCT line FROM {REJECTS}").fetchall()]
        at = physical_lines(layout, records)  # DuckDB numbers records; the file line a record starts on
        params["records"], params["lines"] = list(at), list(at.values())
        line = 'coalesce(list_extract($lines, list_position($records, e.line)), e.line) AS "line"'
        # a short row names its first missing column (DuckDB's column_idx is the last one present)
        missing = "(e.error_type = 'MISSING COLUMNS')::BIGINT"
        parts.append(
            f'SELECT NULL::BIGINT AS "row", list_extract($header, greatest(e.column_idx + {missing}, 1)::BIGINT)'
            f' AS "rejected_column", {textsafe.sql_clean("e.error_message", params)} AS "rejected_value", {empty},'
            f' {line}, {textsafe.sql_clean("e.csv_line", params)} AS "raw_line" FROM {REJECTS} e'
            " QUALIFY row_number() OVER (PARTITION BY e.line ORDER BY e.column_idx) = 1"
        )
    values = " UNION ALL ".join(parts)
    if not stage.bad_rows:  # the file itself is not read again
        del params["csv_path"], params["csv_delim"]
    order = 'coalesce("row", 0), "line"' if stage.malformed else '"row"'
    sql = f"COPY (SELECT * FROM ({values}) ORDER BY {order}) TO {sx.quote_literal(str(out))} (HEADER, DELIMITER ',')"
    con.execute(sql, params)
    return out


def find_unique_keys(con: duckdb.DuckDBPyConnection, stage: Stage) -> None:
    """On a materialised stage whose post ids repeat (daily rows): is (post_id, kind, date) still unique?"""
    if stage.unique_keys or "post_id" not in stage.fields:
        return
    key = f"post_id, kind, {ROW_DATE}"
    row = con.execute(f"SELECT count(*) = count(DISTINCT ({key})) FROM {STAGE} WHERE _bad_field IS NULL").fetchone()
    if row and row[0]:
        stage.unique_keys.add(key)
