"""Engines benchmark: ``analyze`` of the same experiments over the same Parquet lake on DuckDB and on Spark.

Builds a warehouse with ``--rows`` post-metric rows (the generator of benchmarks/analyze.py: two lifetime snapshots
per post, five platforms, two accounts each), exports it as a lake (``export --parquet``), writes ``--experiments``
split experiments (engagement_rate with a comment_rate guardrail, ratio_delta: a test on sufficient statistics, so
the timing is the engine's) and times ``run_analysis`` on the lake:

- duckdb: ``engine: duckdb`` (views over the lake's Parquet files);
- spark start: starting a local SparkSession (``--master``, default local[*]: every core of this machine);
- spark: ``engine: spark`` in that session (the lake's tables are registered on first use in each run).

DuckDB and Spark alternate ``--repeat`` times; the best of each counts (the machine may be shared). Prints the
wall times, the CPU seconds (DuckDB: this process, all threads; Spark: this process plus the JVM and its children,
read from /proc) and spark/duckdb, and checks that both engines decided the same way on the same numbers. The
generated data is deleted afterwards unless ``--keep DIR``; a later run with the same ``--keep DIR`` reuses the lake
built there (``--build-only`` builds it and stops: a 100 M-row lake takes long to build).

    python benchmarks/engines.py                       # 200 000 rows: a quick run
    python benchmarks/engines.py --rows 10000000       # 10 M
    python benchmarks/engines.py --rows 100000000 --keep /data/bench --build-only   # 100 M: ~3 GB lake, ~9 GB
    python benchmarks/engines.py --rows 100000000 --keep /data/bench               #   of disk while building
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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


def _timed_cpu(fn: Any, jvm: int | None = None) -> tuple[float, float, Any]:
    """Wall seconds, CPU seconds (this process, plus the JVM ``jvm`` and its children) and ``fn()``."""
    cpu0, jvm0 = time.process_time(), _tree_cpu(jvm) if jvm else 0.0
    took, out = _timed(fn)
    cpu = time.process_time() - cpu0 + (_tree_cpu(jvm) - jvm0 if jvm else 0.0)
    return took, cpu, out


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and its live descendants, from /proc (0 where unreadable)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}  # pid -> (parent, cpu)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, todo = 0.0, [pid]
    while todo:
        here = todo.pop()
        total += stats.get(here, (0, 0.0))[1]
        todo.extend(child for child, (parent, _) in stats.items() if parent == here)
    return total


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


def _build(root: Path, rows: int, experiments: int) -> Path:
    """The lake (and the project of ``experiments``) under ``root``, built unless a lake of ``rows`` is there."""
    db, lake, marker = root / "warehouse.duckdb", root / "lake", root / "rows.txt"
    if (lake / "manifest.json").exists() and marker.exists() and marker.read_text().strip() == str(rows):
        print(f"reusing the lake in {lake}")
    else:
        if lake.exists() or db.exists():
            shutil.rmtree(lake, ignore_errors=True)
            db.unlink(missing_ok=True)
        root.mkdir(parents=True, exist_ok=True)
        from agilesocial.warehouse.connection import warehouse
        from agilesocial.warehouse.lake import export_lake

        built, _ = _timed(lambda: build_warehouse(db, rows))
        with warehouse(db) as con:
            exported, _ = _timed(lambda: export_lake(con, lake))
        db.unlink()  # only the lake is analysed
        marker.write_text(f"{rows}\n")
        print(f"built in {built:.1f} s, lake exported in {exported:.1f} s")
    shutil.rmtree(root / "project", ignore_errors=True)
    build_project(root / "project", experiments, lake, "ratio_delta")
    return lake


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="post-metric rows (default 200000; 10M, 100M)")
    parser.add_argument("--experiments", type=int, default=50)
    parser.add_argument("--master", default="local[*]", help="spark.master (default local[*])")
    parser.add_argument("--driver-memory", default="2g", help="spark.driver.memory (default 2g)")
    parser.add_argument("--shuffle-partitions", default="8", help="spark.sql.shuffle.partitions (default 8)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each engine, best kept (default 2)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (reused when built already)")
    parser.add_argument("--build-only", action="store_true", help="build the lake in --keep DIR and stop")
    args = parser.parse_args()
    if args.build_only and args.keep is None:
        parser.error("--build-only needs --keep DIR")

    from agilesocial.analysis import run_analysis
    from agilesocial.config import load_project

    root = args.keep or Path(tempfile.mkdtemp(prefix="agile-social-engines-"))
    try:
        lake = _build(root, args.rows, args.experiments)
        size = sum(p.stat().st_size for p in lake.rglob("*.parquet"))
        print(
            f"{args.rows:,} post-metric rows ({args.rows // 2:,} posts), {args.experiments} experiments; "
            f"{size / 1e6:,.0f} MB of Parquet",
            flush=True,
        )
        if args.build_only:
            return
        from pyspark.sql import SparkSession

        project = load_project(root / "project")
        today = dt.date(2027, 1, 1)
        started, _, session = _timed_cpu(
            lambda: (
                SparkSession.builder.master(args.master)
                .appName("agile-social-bench")
                .config("spark.driver.memory", args.driver_memory)
                .config("spark.sql.shuffle.partitions", args.shuffle_partitions)
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate()
            )
        )
        session.sparkContext.setLogLevel("ERROR")
        jvm = session.sparkContext._gateway.proc.pid  # the spark-submit process: the JVM and its children
        best: dict[str, tuple[float, float]] = {}
        results: dict[str, list[tuple[Any, ...]]] = {}
        for _ in range(args.repeat):
            for engine in ("duckdb", "spark"):
                took, cpu, report = _timed_cpu(
                    lambda engine=engine: run_analysis(project, db=lake, store=False, today=today, engine=engine),
                    jvm if engine == "spark" else None,
                )
                print(f"  ({engine}: {took:.2f} s, CPU {cpu:.2f} s)", flush=True)
                best[engine] = min(best.get(engine, (took, cpu)), (took, cpu))
                results[engine] = _numbers(report)
        session.stop()

        (duck, duck_cpu), (spark, spark_cpu) = best["duckdb"], best["spark"]
        print(f"  duckdb                       {duck:8.2f} s   CPU {duck_cpu:8.2f} s")
        print(f"  spark session start          {started:8.2f} s   ({args.master})")
        print(f"  spark                        {spark:8.2f} s   CPU {spark_cpu:8.2f} s")
        print(f"  spark / duckdb               {spark / duck:8.2f}x   CPU {spark_cpu / duck_cpu:8.2f}x")
        print(f"  spark (with start) / duckdb  {(spark + started) / duck:8.2f}x")
        same = _same(results["duckdb"], results["spark"])
        print(f"  same decisions and numbers   {'yes' if same else 'NO'} ({len(results['duckdb'])} results)")
        if not same:
            sys.exit(1)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
