"""Engines benchmark: ``analyze`` of the same experiments over the same Parquet lake on DuckDB and on Spark.

Builds a warehouse with ``--rows`` post-metric rows (the generator of benchmarks/analyze.py: two lifetime snapshots
per post, five platforms, two accounts each), exports it as a lake (``export --parquet``), writes ``--experiments``
split experiments (engagement_rate with a comment_rate guardrail, ratio_delta: a test on sufficient statistics, so
the timing is the engine's) and times ``run_analysis`` on the lake:

- duckdb: ``engine: duckdb`` (views over the lake's Parquet files);
- spark start: starting a local SparkSession (``--master``, default local[*]: every core of this machine);
- spark: ``engine: spark`` in that session (the lake's tables are registered on first use in each run).

DuckDB and Spark alternate ``--repeat`` times; the best of each counts (the machine may be shared). Prints the
times and spark/duckdb, and checks that both engines decided the same way on the same numbers. The generated data
is deleted afterwards unless ``--keep DIR``.

    python benchmarks/engines.py                       # 200 000 rows: a quick run
    python benchmarks/engines.py --rows 10000000       # 10 M
    python benchmarks/engines.py --rows 100000000      # 100 M (about 6 GB of disk while it runs)
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analyze import build_project, build_warehouse  # the analyze benchmark's generator: one data set for both


def _timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _numbers(report: Any) -> list[tuple[Any, ...]]:
    return [
        (e.id, e.decision.action, r.metric, r.variant, r.n_control, r.n_variant, r.p_value, r.abs_lift)
        for e in report.experiments
        for r in e.results
    ]


def _same(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> bool:
    def close(x: Any, y: Any) -> bool:
        if isinstance(x, float) and isinstance(y, float):
            return abs(x - y) <= 1e-12 * max(1.0, abs(x))
        return bool(x == y)

    return len(a) == len(b) and all(
        close(x, y) for ra, rb in zip(a, b, strict=True) for x, y in zip(ra, rb, strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="post-metric rows (default 200000; 10M, 100M)")
    parser.add_argument("--experiments", type=int, default=50)
    parser.add_argument("--master", default="local[*]", help="spark.master (default local[*])")
    parser.add_argument("--driver-memory", default="2g", help="spark.driver.memory (default 2g)")
    parser.add_argument("--shuffle-partitions", default="8", help="spark.sql.shuffle.partitions (default 8)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each engine, best kept (default 2)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    from agilesocial.analysis import run_analysis
    from agilesocial.config import load_project
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.lake import export_lake

    root = args.keep or Path(tempfile.mkdtemp(prefix="agile-social-engines-"))
    try:
        db, lake = root / "warehouse.duckdb", root / "lake"
        built, _ = _timed(lambda: build_warehouse(db, args.rows))
        with warehouse(db) as con:
            exported, _ = _timed(lambda: export_lake(con, lake))
        db.unlink()  # only the lake is analysed
        size = sum(p.stat().st_size for p in lake.rglob("*.parquet"))
        build_project(root / "project", args.experiments, lake, "ratio_delta")
        project = load_project(root / "project")
        today = dt.date(2027, 1, 1)
        print(
            f"{args.rows:,} post-metric rows ({args.rows // 2:,} posts), {args.experiments} experiments; "
            f"built in {built:.1f} s, lake exported in {exported:.1f} s ({size / 1e6:,.0f} MB of Parquet)"
        )

        started, session = _timed(
            lambda: (
                SparkSession.builder.master(args.master)
                .appName("agile-social-bench")
                .config("spark.driver.memory", args.driver_memory)
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate()
            )
        )
        session.sparkContext.setLogLevel("ERROR")
        best: dict[str, float] = {}
        results: dict[str, list[tuple[Any, ...]]] = {}
        for _ in range(args.repeat):
            for engine in ("duckdb", "spark"):
                took, report = _timed(
                    lambda engine=engine: run_analysis(project, db=lake, store=False, today=today, engine=engine)
                )
                best[engine] = min(best.get(engine, took), took)
                results[engine] = _numbers(report)
        session.stop()

        print(f"  duckdb                       {best['duckdb']:8.2f} s")
        print(f"  spark session start          {started:8.2f} s   ({args.master})")
        print(f"  spark                        {best['spark']:8.2f} s")
        print(f"  spark / duckdb               {best['spark'] / best['duckdb']:8.2f}x")
        print(f"  spark (with start) / duckdb  {(best['spark'] + started) / best['duckdb']:8.2f}x")
        same = _same(results["duckdb"], results["spark"])
        print(f"  same decisions and numbers   {'yes' if same else 'NO'} ({len(results['duckdb'])} results)")
        if not same:
            sys.exit(1)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
