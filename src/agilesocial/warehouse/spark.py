"""Apache Spark as the analysis engine over a Parquet lake (``engine: spark``; needs ``agile-social[spark]``).

:class:`SparkConnection` answers ``execute(sql, params).fetchall()`` like the DuckDB connection the analysis
already uses, so the analysis code is the same for both engines: a statement that reads the lake's post tables
(:data:`~agilesocial.warehouse.sparksql.POST_TABLES`) is translated to Spark SQL and runs on Spark, and only its
result rows (sufficient statistics, daily sums, or the selected posts' values) come back to Python; every other
statement (the small bookkeeping tables: export coverage, ingests, calibrations, results) runs on the DuckDB
connection over the same lake, as without Spark.

``CREATE [OR REPLACE] TEMP TABLE name AS SELECT ...`` over post tables becomes a cached Spark temporary view (the
analysis's ``analysis_scope``: the posts in scope read from the lake once, then every query reads the cache), and
``DROP TABLE [IF EXISTS] name`` uncaches and drops it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial.errors import DataError
from agilesocial.warehouse import sparksql

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import DataFrame, SparkSession

#: Spark settings the translation relies on: never taken from the configuration.
FIXED_CONF = {
    "spark.sql.session.timeZone": "UTC",  # timezone(zone, ts) -> from_utc_timestamp(ts, zone) assumes UTC
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",  # platform=..., month=... stay strings
}
DEFAULT_MASTER = "local[*]"
#: The views over the lake's tables (see :meth:`SparkConnection._views`): never dropped.
LAKE_VIEWS = frozenset({"posts", "post_current", "post_latest", "post_metrics", "account_daily"})
INSTALL_HINT = "install the Spark extra: pip install 'agile-social[spark]' (it needs Java 17 or later)"


def spark_conf(options: Mapping[str, Any]) -> dict[str, str]:
    """``spark:`` options of agile-social.yaml as Spark properties: ``master`` -> ``spark.master``, values as text."""
    conf = {
        "spark.master": DEFAULT_MASTER,
        "spark.app.name": "agile-social",
        "spark.ui.showConsoleProgress": "false",  # progress bars would mix with the command's output
        # the analysis's GROUP BYs return a few rows per experiment: Spark's default of 200 shuffle partitions
        # per aggregation is pure task overhead (set it higher for a cluster's large ORDER BYs if you like)
        "spark.sql.shuffle.partitions": "8",
    }
    for key, value in options.items():
        name = key if key.startswith("spark.") else f"spark.{key}"
        conf[name] = str(value).lower() if isinstance(value, bool) else str(value)
    conf.update(FIXED_CONF)
    return conf


def start_session(options: Mapping[str, Any]) -> tuple[SparkSession, bool]:
    """The active SparkSession (a notebook's, a test's) or a new one from ``options``; True when this made it."""
    try:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError("engine 'spark' needs pyspark, which is not installed", hint=INSTALL_HINT) from None
    running = SparkContext._active_spark_context is not None
    builder = SparkSession.builder
    for key, value in (FIXED_CONF if running else spark_conf(options)).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # no Java, a cluster that cannot be reached...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot start Spark: {first}", hint="check Java (java -version) and spark.master") from None
    if not running:
        session.sparkContext.setLogLevel("ERROR")
    return session, not running


class _Rows:
    """What ``execute`` returns: the rows of one statement."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None


class SparkConnection:
    """Post tables on Spark, bookkeeping on ``duck`` (the DuckDB connection over the same lake)."""

    def __init__(
        self,
        duck: duckdb.DuckDBPyConnection,
        lake: Path,
        session: SparkSession,
        *,
        competitors: Sequence[tuple[str, str]] = (),
        owned: bool = False,
    ) -> None:
        self.duck = duck
        self.session = session
        self._owned = owned
        self._cached: dict[str, DataFrame] = {}
        self._made: set[str] = set()  # temporary tables and views made by CREATE statements (see _create)
        self._register(lake, competitors)

    def _register(self, lake: Path, competitors: Sequence[tuple[str, str]]) -> None:
        """Note the lake's tables; each becomes a Spark view when a statement first reads it (see :meth:`_view`)."""
        from agilesocial.warehouse.lake import LAKE_TABLES, read_manifest, table_files

        manifest = read_manifest(lake)
        self._lake = lake.resolve()  # Spark resolves relative paths against the JVM's folder, not ours
        # only the files the manifest lists are live (an ingest into the lake may leave superseded ones behind)
        self._pending = {t: table_files(self._lake, manifest, t) for t in LAKE_TABLES}
        view = "SELECT * FROM post_current"
        if competitors:  # the team's own posts only (see analysis/scope.py)
            pairs = ", ".join(f"({sparksql.literal(p)}, {sparksql.literal(a)})" for p, a in competitors)
            view = (
                f"SELECT p.* FROM post_current p LEFT ANTI JOIN (VALUES {pairs}) AS c(platform, account) "
                "ON c.platform = p.platform AND c.account = lower(p.account)"
            )
        self._post_latest = view

    def _views(self, tables: set[str]) -> None:
        """Create the Spark views of the lake tables ``tables`` reads that do not exist yet."""
        if "post_latest" in tables and self._post_latest:
            tables = tables | {"post_current"}
        for table in sorted(tables & set(self._pending)):
            files = self._pending.pop(table)
            # the columns and types of the DuckDB view over the same files: no schema inference on Spark
            cols = [(str(r[0]), str(r[1])) for r in self.duck.execute(f'DESCRIBE "{table}"').fetchall()]
            if files:
                root = str(self._lake / table)
                schema = ", ".join(f"`{name}` {sparksql.spark_type(kind)}" for name, kind in cols) + ", `month` STRING"
                paths = [str(self._lake / f) for f in files]
                frame = self.session.read.schema(schema).option("basePath", root).parquet(*paths)
                frame.select(*[name for name, _ in cols]).createOrReplaceTempView(table)
            else:  # no files: an empty view with the warehouse table's columns and types
                select = ", ".join(f'CAST(NULL AS {kind}) AS "{name}"' for name, kind in cols)
                self.session.sql(sparksql.spark_sql(f"SELECT {select} WHERE FALSE")).createOrReplaceTempView(table)
        if "post_latest" in tables and self._post_latest:
            self.session.sql(f"CREATE OR REPLACE TEMPORARY VIEW post_latest AS {self._post_latest}")
            self._post_latest = ""

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """Run ``sql`` (DuckDB dialect, ``?`` parameters): on Spark when it reads post tables, else on DuckDB."""
        if parameters is None or isinstance(parameters, Mapping):  # named parameters: bookkeeping queries only
            tree = sparksql.parse(sql)
            if sparksql.reads_posts(tree):
                if parameters:
                    raise sparksql.UntranslatableSql("named parameters are not supported on the Spark engine")
                return self._on_spark(tree)
            return self.duck.execute(sql, parameters) if parameters else self.duck.execute(sql)
        tree = sparksql.parse(sparksql.inline_params(sql, parameters))
        if not sparksql.reads_posts(tree):
            return self.duck.execute(sql, list(parameters))
        return self._on_spark(tree)

    def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> Any:
        if sparksql.reads_posts(sparksql.parse(sql)):
            raise sparksql.UntranslatableSql("executemany on post tables is not supported on the Spark engine")
        return self.duck.executemany(sql, parameters)

    def _on_spark(self, tree: Any) -> _Rows:
        from sqlglot import exp

        try:
            self._views(sparksql.tables_read(tree))
            if isinstance(tree, exp.Create):
                return self._create(tree)
            if isinstance(tree, exp.Drop):
                return self._drop(tree)
            return _Rows([tuple(row) for row in self.session.sql(sparksql.to_spark(tree)).collect()])
        except sparksql.UntranslatableSql:
            raise
        except Exception as exc:  # Spark's own errors (a file gone, an executor lost): one line, not a JVM trace
            text = str(exc).strip() or type(exc).__name__
            raise DataError(
                f"Spark could not run the analysis: {text.splitlines()[0]}",
                path=self._lake,
                hint="check that every executor can read the lake under this path, and the Spark logs",
            ) from None

    def _create(self, tree: Any) -> _Rows:
        """``CREATE [OR REPLACE] TEMP TABLE|VIEW name AS SELECT``: a temporary view, cached when a TABLE."""
        from sqlglot import exp

        kind = str(tree.args.get("kind") or "").upper()
        query = tree.expression
        if kind not in ("TABLE", "VIEW") or not isinstance(query, exp.Query):
            raise sparksql.UntranslatableSql(f"only CREATE TEMP TABLE/VIEW ... AS SELECT runs on Spark, not {kind}")
        name = tree.this.name if isinstance(tree.this, exp.Table) else tree.this.this.name
        if kind == "TABLE":
            query = query.copy()
            query.set("order", None)  # a table has no order; sorting it would only cost a shuffle
        frame = self.session.sql(sparksql.to_spark(query))
        old = self._cached.pop(name, None)
        if kind == "TABLE":
            frame = frame.cache()
            frame.count()  # materialise now, as DuckDB does
            self._cached[name] = frame
        frame.createOrReplaceTempView(name)
        self._made.add(name)
        if old is not None:
            old.unpersist()
        return _Rows([])

    def _drop(self, tree: Any) -> _Rows:
        """``DROP TABLE|VIEW [IF EXISTS] name`` of a temporary table made by :meth:`_create`: uncached, dropped."""
        from sqlglot import exp

        kind = str(tree.args.get("kind") or "").upper()
        for name in [t.name for t in tree.find_all(exp.Table)]:
            if name not in self._made:  # the lake's own tables are read-only here
                if kind in ("TABLE", "VIEW") and tree.args.get("exists") and name not in LAKE_VIEWS:
                    continue
                raise sparksql.UntranslatableSql(
                    f"only temporary tables made by the analysis can be dropped, not {name!r}"
                )
            self._made.discard(name)
            frame = self._cached.pop(name, None)
            self.session.catalog.dropTempView(name)
            if frame is not None:
                frame.unpersist()
        return _Rows([])

    def close(self) -> None:
        """Release cached tables; stop the Spark session when this connection started it."""
        for frame in self._cached.values():
            frame.unpersist()
        self._cached.clear()
        if self._owned:
            self.session.stop()
