"""Where the analysis SQL runs: DuckDB (default) or Apache Spark over a Parquet lake.

The analysis writes its SQL once, in DuckDB's dialect with ``?`` parameters, and runs it through
``con.execute(sql, params).fetchall()``. :func:`analysis_connection` hands it the connection of the chosen engine:

- ``duckdb``: the warehouse's own DuckDB connection (a DuckDB file, or views over a lake's Parquet files);
- ``spark``: a :class:`~agilesocial.warehouse.spark.SparkConnection` that runs every statement reading post tables
  on Spark (translated by sqlglot, see :mod:`agilesocial.warehouse.sparksql`) and the rest on the DuckDB connection.

SQL that must run on both engines: standard SELECTs plus the DuckDB functions sqlglot translates (the analysis's
own are tested on Spark in tests/test_spark_engine.py); no ordered aggregates (``list(x ORDER BY y)``), no
``executemany`` or named ``$parameters`` on post tables; a scope materialised with ``CREATE OR REPLACE TEMP TABLE
name AS SELECT ...`` (cached on Spark).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from agilesocial.errors import EXIT_USAGE, AgileSocialError, DataError

if TYPE_CHECKING:
    import duckdb

    from agilesocial.plan.project import ProjectConfig

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")


def check_engine(name: str) -> Engine:
    """``name`` if it is a known engine, else a usage error naming the choices."""
    if name not in ENGINES:
        raise AgileSocialError(
            f"unknown engine {name!r}", hint=f"use one of: {', '.join(ENGINES)}", exit_code=EXIT_USAGE
        )
    return cast(Engine, name)


@contextmanager
def analysis_connection(
    con: duckdb.DuckDBPyConnection, path: Path, config: ProjectConfig, engine: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The connection the analysis queries: ``con`` itself for DuckDB; for Spark, one over the lake at ``path``.

    The Spark connection answers ``execute``/``fetchall``/``fetchone``/``executemany`` like ``con`` (it is typed
    as a DuckDB connection for the analysis code, which uses only those).
    """
    chosen = check_engine(engine or config.engine)
    if chosen == "duckdb":
        yield con
        return
    from agilesocial.warehouse.lake import is_lake

    if not is_lake(path):
        raise DataError(
            "engine 'spark' reads a Parquet lake, and the warehouse is a DuckDB file",
            path=path,
            hint="export it with 'agile-social export --parquet DIR' and point warehouse: (or --db) at DIR",
        )
    from agilesocial.warehouse.spark import SparkConnection, start_session

    session, owned = start_session(config.spark)
    try:
        spark: Any = SparkConnection(con, path, session, competitors=config.competitor_accounts(), owned=owned)
    except BaseException:
        if owned:
            session.stop()
        raise
    try:
        yield cast("duckdb.DuckDBPyConnection", spark)
    finally:
        spark.close()
