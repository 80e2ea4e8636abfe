"""Ingest benchmark: (a) raw DuckDB CTAS from read_csv, (b) agile-social ingest, (c) pandas read_csv + DuckDB insert.

Generates an X tweet-activity export (40 quoted columns, floats, '-' cells) with ``--rows`` rows, then times each
path in its own process (so peak memory is per path) and prints (b)/(a) and (c)/(b).
Targets: (b)/(a) <= 1.25 and (c)/(b) >= 5.

    python benchmarks/ingest.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = (
    '"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements","engagement rate","retweets",'
    '"replies","likes","user profile clicks","url clicks","hashtag clicks","detail expands","permalink clicks",'
    '"app opens","app installs","follows","email tweet","dial phone","media views","media engagements",'
    '"promoted impressions","promoted engagements","promoted engagement rate","promoted retweets","promoted replies",'
    '"promoted likes","promoted user profile clicks","promoted url clicks","promoted hashtag clicks",'
    '"promoted detail expands","promoted permalink clicks","promoted app opens","promoted app installs",'
    '"promoted follows","promoted email tweet","promoted dial phone","promoted media views",'
    '"promoted media engagements"'
)


def generate(path: Path, rows: int) -> None:
    """Write the export with DuckDB (deterministic, fast)."""
    import duckdb

    body = path.with_suffix(".body")
    promoted = ", ".join(["'-'"] * 18)
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT (1400000000000000000 + i * 7919)::VARCHAR,"
        " 'https://twitter.com/northwindcoffee/status/' || (1400000000000000000 + i * 7919),"
        " 'Brewing tip ' || i || ', with a comma #nw' || (i % 7) || CASE WHEN i % 5 = 0 THEN ' #nwtip' ELSE '' END,"
        " strftime(TIMESTAMP '2026-01-01' + INTERVAL (i % 500000) MINUTE, '%Y-%m-%d %H:%M +0000'),"
        " (i % 4999 + 100)::DOUBLE::VARCHAR, (i % 97)::DOUBLE::VARCHAR, ((i % 97) / (i % 4999 + 100))::VARCHAR,"
        " (i % 5)::DOUBLE::VARCHAR, (i % 3)::DOUBLE::VARCHAR, (i % 40)::DOUBLE::VARCHAR,"
        " (i % 4)::DOUBLE::VARCHAR, CASE WHEN i % 3 = 0 THEN '-' ELSE (i % 9)::DOUBLE::VARCHAR END, '0.0', '1.0',"
        " '0.0', '0', '0', (i % 2)::VARCHAR, '0', '0', (i % 300)::VARCHAR, '0',"
        f" {promoted} FROM range({rows}) t(i)) TO '{body}' (HEADER false, QUOTE '\"', FORCE_QUOTE *)"
    )
    with open(path, "w", encoding="utf-8") as out, open(body, encoding="utf-8") as src:
        out.write(HEADER + "\n")
        while chunk := src.read(1 << 24):
            out.write(chunk)
    body.unlink()


def phase(name: str, csv_path: Path, db: Path) -> dict[str, float]:
    """Run one path in this process; return seconds (imports excluded) and peak RSS (MB)."""
    import duckdb

    if name == "b":
        from agilesocial.warehouse.ingest import ingest_paths
    if name == "c":
        import pandas as pd

    started = time.perf_counter()
    if name == "a":
        con = duckdb.connect(str(db))
        con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv('{csv_path}')")
        con.close()
    elif name == "b":
        report = ingest_paths([csv_path], db=db)
        assert report.files[0].error is None, report.files[0].error
        assert report.files[0].rows_loaded > 0
    else:
        frame = pd.read_csv(csv_path, dtype={"Tweet id": str})
        con = duckdb.connect(str(db))
        con.register("frame", frame)
        con.execute("CREATE TABLE raw AS SELECT * FROM frame")
        con.close()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the generated export")
    parser.add_argument("--phase", choices=["a", "b", "c"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.csv, args.db)))
        return
    with tempfile.TemporaryDirectory(prefix="agile-social-bench-") as tmp:
        folder = Path(tmp)
        csv_path = folder / "tweet_activity_metrics_bench_20260101_20261231_en.csv"
        started = time.perf_counter()
        generate(csv_path, args.rows)
        size = csv_path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size:.0f} MB) in {time.perf_counter() - started:.1f} s")
        results: dict[str, dict[str, float]] = {}
        for name, label in (("a", "raw DuckDB read_csv"), ("b", "agile-social ingest"), ("c", "pandas + DuckDB")):
            out = subprocess.run(
                [sys.executable, __file__, "--phase", name, "--csv", str(csv_path), "--db", str(folder / f"{name}.db")],
                check=True,
                capture_output=True,
                text=True,
            )
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
            r = results[name]
            print(f"({name}) {label:22s} {r['seconds']:7.2f} s   peak RSS {r['peak_mb']:7.0f} MB")
        ba = results["b"]["seconds"] / results["a"]["seconds"]
        cb = results["c"]["seconds"] / results["b"]["seconds"]
        print(f"(b)/(a) = {ba:.2f}  (target <= 1.25)   {'OK' if ba <= 1.25 else 'MISSED'}")
        print(f"(c)/(b) = {cb:.2f}  (target >= 5)      {'OK' if cb >= 5 else 'MISSED'}")


if __name__ == "__main__":
    main()
