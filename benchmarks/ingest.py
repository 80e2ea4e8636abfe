"""Ingest benchmark: (a) raw DuckDB CTAS from read_csv, (b) agile-social ingest, (c) pandas read_csv + DuckDB insert,
(d) pandas doing the same job as (b).

Generates an X tweet-activity export (40 quoted columns, floats, '-' cells) with ``--rows`` rows (5 M: 1.7 GB),
then times each path in its own process (so peak memory is per path), ``--repeat`` times in turn (a b a b ...), and
prints each path's median wall and CPU seconds (user + system, every thread; the steadier figure on a shared
machine) and peak RSS, and the CPU-second ratios (b)/(a), (c)/(b), (d)/(b) (medians of the pairs).
Targets: (b)/(a) <= 1.25 (issues 3 and 12) and (b)'s peak RSS under 1 GB at 5 M rows (issue 12); (c)/(b) >= 5
(issue 3). (a) and (c) load raw columns; (d) is the fair comparison: the same typed result as (b) (ids as text,
float strings to integers, '-' to NULL, zoned timestamps, hashtags, posts + post_metrics tables in a migrated
warehouse). The pandas paths (c), (d) hold the whole file in memory: run them on small files (``--paths abcd``).

    python benchmarks/ingest.py                       # 5 M rows, (a) and (b)
    python benchmarks/ingest.py --rows 200000 --paths abcd --repeat 3
    python benchmarks/ingest.py --export /tmp/x5m.csv # keep the generated export there (and reuse it next time)
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
    con.execute("SET enable_progress_bar = false")
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


#: (d): the X columns (b) loads -> canonical field
X_USED = {
    "Tweet id": "post_id",
    "Tweet permalink": "permalink",
    "Tweet text": "text",
    "time": "published_at",
    "impressions": "impressions",
    "engagements": "engagements",
    "retweets": "shares",
    "replies": "comments",
    "likes": "likes",
    "user profile clicks": "profile_clicks",
    "url clicks": "link_clicks",
    "follows": "follows",
    "media views": "video_views",
}


def pandas_ingest(csv_path: Path, db: Path) -> None:
    """(d): what (b) does, written with pandas: typed columns, the same NULL words, the bad-row check, hashtags,
    then posts + post_metrics in a migrated warehouse (in one transaction)."""
    import duckdb
    import pandas as pd

    from agilesocial.warehouse.schema import migrate
    from agilesocial.warehouse.sqlexpr import NULL_WORDS

    raw = pd.read_csv(
        csv_path, dtype=str, usecols=list(X_USED), keep_default_na=False, na_values=list(NULL_WORDS), engine="c"
    ).rename(columns=X_USED)
    out = pd.DataFrame({"post_id": raw["post_id"].str.strip(), "text": raw["text"], "permalink": raw["permalink"]})
    out["published_at"] = pd.to_datetime(raw["published_at"], format="%Y-%m-%d %H:%M %z", utc=True, errors="coerce")
    bad = raw["post_id"].isna() | (out["published_at"].isna() & raw["published_at"].notna())
    counts = [f for f in X_USED.values() if f not in ("post_id", "permalink", "text", "published_at")]
    for col in counts:
        values = pd.to_numeric(raw[col], errors="coerce")
        retry = values.isna() & raw[col].notna()
        if retry.any():  # '1,234', '2.5%': strip separators and try again
            values[retry] = pd.to_numeric(raw.loc[retry, col].str.replace(r"[,%\s]", "", regex=True), errors="coerce")
        bad |= values.isna() & raw[col].notna()
        out[col] = values.round().astype("Int64")
    if bad.any():
        raise SystemExit(f"(d): {int(bad.sum())} bad rows")
    tags = raw["text"].str.lower().str.findall(r"#(\w+)")
    out["hashtags"] = tags.map(lambda t: sorted(set(t)) if isinstance(t, list) else [])
    out["account"], out["post_type"] = "bench", "post"
    con = duckdb.connect(str(db))
    migrate(con)
    con.register("frame", out)
    con.execute("BEGIN TRANSACTION")
    con.execute(
        "INSERT INTO posts (platform, account, post_id, published_at, post_type, text, permalink, hashtags)"
        " SELECT 'x', account, post_id, published_at, post_type, text, permalink, hashtags FROM frame"
    )
    con.execute(
        f"INSERT INTO post_metrics (platform, post_id, kind, metric_date, {', '.join(counts)})"
        f" SELECT 'x', post_id, 'lifetime', DATE '2026-12-31', {', '.join(counts)} FROM frame"
    )
    con.execute("COMMIT")
    con.close()


def phase(name: str, csv_path: Path, db: Path) -> dict[str, float]:
    """Run one path in this process; return wall and CPU seconds (imports excluded) and peak RSS (MB)."""
    import duckdb

    if name == "b":
        from agilesocial.warehouse.ingest import ingest_paths
    if name in ("c", "d"):
        import pandas as pd

    started, cpu = time.perf_counter(), _cpu_seconds()
    if name == "a":
        con = duckdb.connect(str(db))
        con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv('{csv_path}')")
        con.close()
    elif name == "b":
        report = ingest_paths([csv_path], db=db)
        assert report.files[0].error is None, report.files[0].error
        assert report.files[0].rows_loaded > 0
    elif name == "c":
        frame = pd.read_csv(csv_path, dtype={"Tweet id": str})
        con = duckdb.connect(str(db))
        con.register("frame", frame)
        con.execute("CREATE TABLE raw AS SELECT * FROM frame")
        con.close()
    else:
        pandas_ingest(csv_path, db)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak}


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process so far, every thread (DuckDB's workers) included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows in the generated export (default 5 M)")
    parser.add_argument("--paths", default="ab", help="which paths to run, e.g. ab (default) or abcd")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each path, in turn (medians are printed)")
    parser.add_argument("--export", type=Path, help="keep the generated export at this path; reuse it if present")
    parser.add_argument("--phase", choices=["a", "b", "c", "d"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.csv, args.db)))
        return
    with tempfile.TemporaryDirectory(prefix="agile-social-bench-") as tmp:
        folder = Path(tmp)
        csv_path = args.export or folder / "tweet_activity_metrics_bench_20260101_20261231_en.csv"
        started = time.perf_counter()
        if not csv_path.exists():
            generate(csv_path, args.rows)
        size = csv_path.stat().st_size / 1e6
        print(f"export: {csv_path.name}, {size:.0f} MB, ready in {time.perf_counter() - started:.1f} s")
        runs = _run_paths(csv_path, folder, [p for p in "abcd" if p in args.paths], args.repeat)
        _print(runs)


LABELS = {
    "a": "raw DuckDB read_csv",
    "b": "agile-social ingest",
    "c": "pandas + DuckDB",
    "d": "pandas, same job as (b)",
}
#: (b)'s peak RSS target (issue 12), MB
PEAK_TARGET_MB = 1024


def _run_paths(csv_path: Path, folder: Path, names: list[str], repeat: int) -> dict[str, list[dict[str, float]]]:
    """Each path in its own process, fresh warehouse each time, in turn: a b a b ..."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for _ in range(repeat):
        for name in names:
            db = folder / f"{name}.db"
            for stale in (db, db.with_suffix(".db.wal")):
                stale.unlink(missing_ok=True)
            out = subprocess.run(
                [sys.executable, __file__, "--phase", name, "--csv", str(csv_path), "--db", str(db)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    return runs


def _print(runs: dict[str, list[dict[str, float]]]) -> None:
    from statistics import median

    for name, rs in runs.items():
        secs, cpu, peak = (
            median(r["seconds"] for r in rs),
            median(r["cpu"] for r in rs),
            max(r["peak_mb"] for r in rs),
        )
        print(
            f"({name}) {LABELS[name]:24s} {secs:7.2f} s  {cpu:7.2f} CPU s   peak RSS {peak:7.0f} MB   ({len(rs)} runs)"
        )

    def ratio(x: str, y: str, key: str = "cpu") -> float:
        return median(rx[key] / ry[key] for rx, ry in zip(runs[x], runs[y], strict=True))

    if "b" in runs:
        peak = max(r["peak_mb"] for r in runs["b"])
        verdict = "OK" if peak <= PEAK_TARGET_MB else "MISSED"
        print(f"(b) peak RSS = {peak:.0f} MB  (target <= {PEAK_TARGET_MB} MB)   {verdict}")
    if "a" in runs and "b" in runs:
        ba = ratio("b", "a")
        print(
            f"(b)/(a) = {ba:.2f} CPU s, {ratio('b', 'a', 'seconds'):.2f} wall s  (target <= 1.25 CPU s)"
            f"   {'OK' if ba <= 1.25 else 'MISSED'}"
        )
    if "b" in runs and "c" in runs:
        cb = ratio("c", "b")
        print(f"(c)/(b) = {cb:.2f}  (target >= 5)      {'OK' if cb >= 5 else 'MISSED'}")
    if "b" in runs and "d" in runs:
        print(f"(d)/(b) = {ratio('d', 'b'):.2f}  (equal work: pandas typed load vs ours)")


if __name__ == "__main__":
    main()
