"""The Parquet lake: the warehouse as a documented, versioned, hive-partitioned Parquet dataset.

Layout (``DIR`` is what ``agile-social export --parquet DIR`` writes and what ``warehouse:`` may point at)::

    DIR/manifest.json                                   format, lake_version, warehouse schema, tables, row counts
    DIR/posts/platform=x/month=2026-11/data_0.parquet  (month of published_at, UTC; 'unknown' when missing)
    DIR/post_current/platform=.../month=.../...         (month of published_at, UTC)
    DIR/post_metrics/platform=.../month=.../...         (month of metric_date)
    DIR/account_daily/platform=.../month=.../...        (month of date)
    DIR/_meta/ingests.parquet, export_coverage.parquet, calibrations.parquet   (bookkeeping the analysis reads)

Every file holds the warehouse table's columns except ``platform`` (in the folder name) plus nothing else; ``month``
exists only in the folder names. :func:`open_lake` reads such a folder with DuckDB views over ``read_parquet`` (no
copy): the analysis then runs on it as on the DuckDB file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial.errors import DataError

if TYPE_CHECKING:
    import duckdb

LAKE_FORMAT = "agile-social-lake"
LAKE_VERSION = 1
MANIFEST = "manifest.json"
#: Each lake table and the expression of its ``month`` partition.
LAKE_TABLES: dict[str, str] = {
    "posts": "coalesce(strftime(published_at AT TIME ZONE 'UTC', '%Y-%m'), 'unknown')",
    "post_current": "coalesce(strftime(published_at AT TIME ZONE 'UTC', '%Y-%m'), 'unknown')",
    "post_metrics": "strftime(metric_date, '%Y-%m')",
    "account_daily": "strftime(date, '%Y-%m')",
}

#: Bookkeeping the analysis reads too (which days exports covered, calibrations): one unpartitioned file each.
META_TABLES: tuple[str, ...] = ("ingests", "export_coverage", "calibrations")
META_DIR = "_meta"


def is_lake(path: Path) -> bool:
    """Whether ``path`` is a lake folder (a folder with a lake manifest)."""
    return path.is_dir() and (path / MANIFEST).is_file()


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def export_lake(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, Any]:
    """Write the warehouse on ``con`` as a lake in ``out`` (new or empty); returns the manifest written."""
    from agilesocial.warehouse.schema import schema_version

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DataError(
            "the lake folder is not empty", path=out, hint="choose a new folder (an export never overwrites files)"
        )
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, Any] = {}
    for table, month in LAKE_TABLES.items():
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        rows = int(row[0]) if row else 0
        if rows:
            con.execute(
                f"COPY (SELECT *, {month} AS month FROM {table} ORDER BY ALL) TO {literal(str(out / table))}"
                " (FORMAT parquet, PARTITION_BY (platform, month))"
            )
        files = sorted(f.relative_to(out).as_posix() for f in (out / table).glob("**/*.parquet")) if rows else []
        tables[table] = {"partitioned_by": ["platform", "month"], "columns": cols, "rows": rows, "files": files}
    (out / META_DIR).mkdir()
    for table in META_TABLES:
        target = literal(str(out / META_DIR / f"{table}.parquet"))
        con.execute(f"COPY (SELECT * FROM {table} ORDER BY ALL) TO {target} (FORMAT parquet)")
    manifest = {
        "format": LAKE_FORMAT,
        "lake_version": LAKE_VERSION,
        "warehouse_schema": schema_version(con),
        "tables": tables,
        "meta": {t: f"{META_DIR}/{t}.parquet" for t in META_TABLES},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(path: Path) -> dict[str, Any]:
    """The lake's manifest, checked (DataError naming the file when it is not one this version reads)."""
    file = path / MANIFEST
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the lake manifest: {exc}", path=file) from None
    if not isinstance(manifest, dict) or manifest.get("format") != LAKE_FORMAT:
        raise DataError("not an agile-social lake manifest", path=file, hint="export one with 'export --parquet DIR'")
    if manifest.get("lake_version") != LAKE_VERSION:
        raise DataError(
            f"lake version {manifest.get('lake_version')!r} is not one this version reads ({LAKE_VERSION})",
            path=file,
            hint="export the lake again with this version",
        )
    return manifest


def table_files(root: Path, manifest: dict[str, Any], table: str) -> list[str]:
    """The live data files of ``table`` (paths relative to the lake folder): the manifest's ``files`` list, or every
    Parquet file under the table's folder for a manifest without one (written before ingest could append)."""
    info = manifest["tables"].get(table) or {}
    if "files" in info:
        return [str(f) for f in info["files"]]
    if not info.get("rows"):
        return []
    return sorted(f.relative_to(root).as_posix() for f in (root / table).glob("**/*.parquet"))


def lake_relation(root: Path, table: str, columns: list[str], files: list[str]) -> str | None:
    """A SELECT of ``table``'s columns from these files (``platform`` from the folder names); None without files."""
    if not files:
        return None
    cols = [f'"{c}"' if c != "platform" else "platform::VARCHAR AS platform" for c in columns]
    listed = ", ".join(literal(str(root / f)) for f in files)
    return (
        f"SELECT {', '.join(cols)} FROM read_parquet([{listed}], hive_partitioning = true, hive_types_autocast = false)"
    )


def open_lake(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection whose lake tables are views over the lake's Parquet files (no copy).

    The other tables (results, calibrations...) exist empty in memory, so commands that store results run; what
    they store is not written to the lake.
    """
    import duckdb

    from agilesocial.warehouse.schema import migrate

    manifest = read_manifest(path)
    con = duckdb.connect()
    migrate(con)
    con.execute("DROP VIEW post_latest")
    for table in LAKE_TABLES:
        info = manifest["tables"].get(table) or {}
        relation = lake_relation(path, table, info.get("columns") or [], table_files(path, manifest, table))
        if relation is None:  # no files: the empty table of the schema stands in
            continue
        con.execute(f"DROP TABLE {table}")
        con.execute(f"CREATE VIEW {table} AS {relation}")
    for table, file in (manifest.get("meta") or {}).items():
        if table in META_TABLES:
            con.execute(f"DROP TABLE {table}")
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({literal(str(path / file))})")
    con.execute("CREATE VIEW post_latest AS SELECT * FROM post_current")
    return con
