"""Two writers at once, and SIGKILL in the middle of an ingest (separate processes, as in real life)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from agilesocial.warehouse.connection import BUSY_WAIT_ENV
from agilesocial.warehouse.ingest import ingest_paths

FIX = Path(__file__).parent / "fixtures" / "exports"
CLI = [sys.executable, "-m", "agilesocial"]
X_HEADER = (FIX / "tweet_activity_metrics_nwtest_20261101_20261130_en.csv").read_text().splitlines()[0]


def big_x_export(path: Path, rows: int) -> Path:
    """An X tweet-activity export with ``rows`` rows, written by DuckDB (fast)."""
    con = duckdb.connect()
    body = path.with_suffix(".body")
    promoted = ", ".join(["'-'"] * 18)
    con.execute(
        f"COPY (SELECT (1400000000000000000 + i)::VARCHAR, 'https://twitter.com/big/status/' || i, 'tweet ' || i,"
        f" strftime(TIMESTAMP '2026-10-01' + INTERVAL (i % 5000) MINUTE, '%Y-%m-%d %H:%M +0000'),"
        f" (i % 997 + 10)::DOUBLE::VARCHAR, (i % 13)::DOUBLE::VARCHAR, '0.01', '1.0', '0.0', '2.0', '1.0', '0.0',"
        f" '0.0', '0.0', '0.0', '0', '0', '0', '0', '0', '-', '-', {promoted}"
        f" FROM range({rows}) t(i)) TO '{body}' (HEADER false, QUOTE '\"', FORCE_QUOTE *)"
    )
    with open(path, "w") as out:
        out.write(X_HEADER + "\n")
        out.write(body.read_text())
    body.unlink()
    return path


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("posts", "post_metrics", "account_daily", "ingests")
        }
    finally:
        con.close()


def test_second_writer_waits_then_reports_busy(tmp_path: Path) -> None:
    """The holder keeps the lock until the test lets it go (not for a fixed time), so a slow machine cannot release
    it before the second writer tries; the patient writer is still running when the lock goes, then loads."""
    db = tmp_path / "w.duckdb"
    ingest_paths([FIX / "instagram_posts.csv"], db=db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(db)!r}); print('ok', flush=True); sys.stdin.readline()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    waited: subprocess.Popen[str] | None = None
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        env = {**os.environ, BUSY_WAIT_ENV: "0.5"}
        started = time.monotonic()
        busy = subprocess.run(
            [*CLI, "ingest", str(FIX / "linkedin_content.csv"), "--db", str(db)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert busy.returncode == 2, busy.stdout + busy.stderr
        assert "warehouse is busy" in busy.stderr and "Traceback" not in busy.stderr
        assert time.monotonic() - started >= 0.5
        # a writer with enough patience waits for the lock and then loads
        waited = subprocess.Popen(
            [*CLI, "ingest", str(FIX / "linkedin_content.csv"), "--db", str(db), "-q"],
            env={**env, BUSY_WAIT_ENV: "120"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.0)
        assert waited.poll() is None, waited.communicate()  # it cannot finish while the lock is held
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)
    out, err = waited.communicate(timeout=180)
    assert waited.returncode == 0, out + err
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM ingests").fetchone() == (2,)
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (3,)


def test_sigkill_mid_ingest_leaves_the_warehouse_as_before(tmp_path: Path) -> None:
    rows = 120_000
    seed = [FIX / "instagram_posts.csv", FIX / "tweet_activity_metrics_nwtest_20261101_20261130_en.csv"]
    db = tmp_path / "w.duckdb"
    big = big_x_export(tmp_path / "tweet_activity_metrics_big_20261001_20261031_en.csv", rows)
    # time a full ingest of the same file, to aim the kill at the middle of the load
    started = time.monotonic()
    subprocess.run([*CLI, "ingest", str(big), "--db", str(tmp_path / "scratch.duckdb"), "-q"], check=True)
    duration = time.monotonic() - started
    outcomes = []
    for fraction in (0.7, 0.55, 0.4, 0.3, 0.2):
        db.unlink(missing_ok=True)
        ingest_paths(seed, db=db)
        before = snapshot(db)
        proc = subprocess.Popen([*CLI, "ingest", str(big), "--db", str(db), "-q"], stdout=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        alive = proc.poll() is None
        if alive:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        after = snapshot(db)
        loaded = len(after["ingests"]) == len(before["ingests"]) + 1
        # never a partial load: either exactly as before, or (killed after COMMIT) the whole file
        assert after == before or (loaded and len(after["posts"]) == len(before["posts"]) + rows)
        outcomes.append((fraction, alive, loaded))
        if alive and not loaded:
            break
    assert outcomes[-1][1] and not outcomes[-1][2], f"never killed mid-ingest: {outcomes}"
    report = ingest_paths([big], db=db)  # the file was not recorded, so it loads normally afterwards
    assert report.files[0].rows_loaded == rows and not report.files[0].already_ingested
