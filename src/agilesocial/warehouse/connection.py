"""Opening the DuckDB warehouse: one writer at a time, a clear message when it is busy."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from agilesocial.errors import DataError

if TYPE_CHECKING:
    import duckdb

BUSY_WAIT_SECONDS = 10.0
_WAREHOUSE_HINT = "give --db (or 'warehouse:') a DuckDB file of its own, e.g. .agile-social/warehouse.duckdb"
#: Overrides how long a second process waits for the warehouse lock (seconds).
BUSY_WAIT_ENV = "AGILE_SOCIAL_BUSY_WAIT"


def _default_wait() -> float:
    try:
        return float(os.environ.get(BUSY_WAIT_ENV, BUSY_WAIT_SECONDS))
    except ValueError:
        return BUSY_WAIT_SECONDS


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "resource temporarily unavailable" in text


def connect(
    path: Path, *, read_only: bool = False, wait: float | None = None, create: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open (and migrate) the warehouse at ``path``.

    A second writer waits up to ``wait`` seconds (default: ``$AGILE_SOCIAL_BUSY_WAIT``, else 10) for the lock, then
    fails with "warehouse is busy".
    ``read_only`` connections never migrate; a missing file is a :class:`DataError` unless ``create``.
    """
    import duckdb

    from agilesocial.warehouse.lake import is_lake, open_lake
    from agilesocial.warehouse.schema import migrate

    if is_lake(path):  # a Parquet lake: views over its files in an in-memory database
        return open_lake(path)
    if path.exists() and not path.is_file():  # a folder, a device (DuckDB would write to /dev/… as to a file)
        kind = "a folder" if path.is_dir() else "not a regular file (a device, pipe or socket)"
        raise DataError(f"cannot open warehouse: this is {kind}", path=path, hint=_WAREHOUSE_HINT)
    if not path.exists():
        if read_only or not create:
            raise DataError("no warehouse yet", path=path, hint="run 'agile-social ingest <exports>' to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (_default_wait() if wait is None else wait)
    while True:
        try:  # absolute: DuckDB reads a bare ':memory:' or 'md:…' (a network service) as something else than a file
            con = duckdb.connect(os.path.abspath(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise DataError(f"cannot open warehouse: {exc}", path=path, hint=_WAREHOUSE_HINT) from None
            if time.monotonic() >= deadline:
                raise DataError(
                    "warehouse is busy: another agile-social process is writing to it",
                    path=path,
                    hint="wait for it to finish and run the command again",
                ) from None
            time.sleep(0.1)
        except duckdb.Error as exc:
            if "in-memory" in str(exc):
                raise _not_a_warehouse(path) from None
            raise DataError(f"cannot open warehouse: {exc}", path=path, hint=_WAREHOUSE_HINT) from None
    if _in_memory(con):  # DuckDB opens an existing CSV or Parquet file as a temporary database over it
        con.close()
        raise _not_a_warehouse(path)
    try:
        _check_ours(con, path)
    except DataError:
        con.close()
        raise
    if not read_only:
        migrate(con)
    elif _behind(con):  # an older warehouse read by a newer version: upgrade it once, then read it
        con.close()
        connect(path, wait=wait).close()
        con = connect(path, read_only=True, wait=wait)
    return con


def _in_memory(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row is None or row[0] is None


def _check_ours(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a DuckDB file of another program (its tables were met by our migrations or queries as a traceback) and a
    warehouse a newer agile-social wrote (this version would write into a schema it does not know)."""
    from agilesocial.warehouse.schema import SCHEMA_VERSION, schema_version

    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise DataError(
            f"warehouse schema v{version} was written by a newer agile-social (this one knows up to v{SCHEMA_VERSION})",
            path=path,
            hint="upgrade agile-social to read and write it",
        )
    if version == 0:
        rows = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()"
            " AND table_name <> 'schema_migrations' ORDER BY table_name LIMIT 4"  # alone: a first migration cut short
        ).fetchall()
        if rows:
            names = ", ".join(str(r[0]) for r in rows[:3]) + (", …" if len(rows) > 3 else "")
            raise DataError(
                f"a DuckDB file of another program, not an agile-social warehouse (it holds {names})",
                path=path,
                hint="give --db (or 'warehouse:') a new file name or the project's warehouse",
            )


def _not_a_warehouse(path: Path) -> DataError:
    return DataError(
        "this is a data file, not a warehouse: DuckDB would open it as a temporary database and keep nothing",
        path=path,
        hint=_WAREHOUSE_HINT,
    )


def _behind(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse's schema is older than this version's (read-only connections cannot migrate)."""
    from agilesocial.warehouse.schema import SCHEMA_VERSION

    try:
        row = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    except Exception:  # not an agile-social warehouse: the caller's first query says so
        return False
    return row is not None and 0 < int(row[0]) < SCHEMA_VERSION


@contextmanager
def warehouse(path: Path, *, read_only: bool = False, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with warehouse(path) as con:`` — opens, migrates and always closes."""
    con = connect(path, read_only=read_only, wait=wait)
    try:
        yield con
    finally:
        con.close()


#: DuckDB's memory cap during ingest (``$AGILE_SOCIAL_MEMORY_LIMIT`` overrides, e.g. ``2GB``); beyond it DuckDB
#: spills to a temporary folder inside the warehouse's folder, so memory stays bounded however large the export.
MEMORY_LIMIT = "600MB"
MEMORY_ENV = "AGILE_SOCIAL_MEMORY_LIMIT"
#: The spill folder, inside the warehouse's folder (DuckDB empties it when the connection closes).
SPILL_FOLDER = ".agile-social-tmp"


def bound_memory(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    """Cap DuckDB's memory at :data:`MEMORY_LIMIT` (or ``$AGILE_SOCIAL_MEMORY_LIMIT``) and let it spill into
    ``<warehouse folder>/.agile-social-tmp``."""
    import duckdb

    from agilesocial.warehouse.sqlexpr import quote_literal

    limit = os.environ.get(MEMORY_ENV, "").strip() or MEMORY_LIMIT
    try:
        con.execute(f"SET memory_limit = {quote_literal(limit)}")
    except duckdb.Error:
        raise DataError(
            f"${MEMORY_ENV} is {limit!r}, not a memory size",
            hint=f"set it to a size such as 600MB or 2GB (or unset it for the default {MEMORY_LIMIT})",
        ) from None
    con.execute(f"SET temp_directory = {quote_literal(str(db.parent.resolve() / SPILL_FOLDER))}")
