"""Ingest progress (phases parse, convert, load reaching 100 % only when done; plain lines off a terminal), the
fresh-file fast path (attributes and current rows written in one pass) and the memory cap."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.cli.progress import PlainLines
from agilesocial.warehouse.attributes import derive_attributes
from agilesocial.warehouse.connection import MEMORY_ENV, SPILL_FOLDER, bound_memory
from agilesocial.warehouse.current import rebuild_current
from agilesocial.warehouse.ingest import ingest_paths
from agilesocial.warehouse.progress import PHASES, ProgressEvent, Tracker

FIX = Path(__file__).parent / "fixtures" / "exports"
X_FILE = FIX / "tweet_activity_metrics_nwtest_20261101_20261130_en.csv"
FRESH = [
    X_FILE,
    FIX / "facebook_posts_Nov-01-2026_Nov-30-2026.csv",
    FIX / "instagram_posts.csv",
    FIX / "linkedin_content.csv",
    FIX / "youtube_table_data.csv",
    FIX / "tiktok_content.csv",
]


def test_every_phase_reaches_100_only_at_its_end(tmp_path: Path) -> None:
    events: list[ProgressEvent] = []
    report = ingest_paths([X_FILE, FIX / "facebook_bad_rows.csv"], db=tmp_path / "w.duckdb", progress=events.append)
    assert report.files[0].rows_loaded and report.files[1].error
    first = [e for e in events if e.index == 1]
    assert [e.phase for e in first if e.fraction == 1.0] == list(PHASES)  # each phase finishes once, in order
    for phase in PHASES:
        fractions = [e.fraction for e in first if e.phase == phase]
        assert fractions == sorted(fractions) and all(0 <= f < 1 for f in fractions[:-1])
    refused = [e for e in events if e.index == 2]  # a refused file never claims to be loaded
    assert all(e.files == 2 for e in events)
    assert [e.phase for e in refused if e.fraction == 1.0] == ["parse", "convert"]
    assert not any(e.phase == "load" for e in refused)


def test_a_phase_never_claims_a_step_it_has_not_finished() -> None:
    seen: list[ProgressEvent] = []
    tracker = Tracker(seen.append, files=1)
    phase = tracker.begin("load", 3)
    phase.part(1.0)  # DuckDB says the statement is done, but the step is not closed yet
    phase.step()
    phase.part(0.5)
    phase.part(0.2)  # progress never goes back
    phase.step()
    phase.step()
    assert max(e.fraction for e in seen) < 1.0
    tracker.end()
    fractions = [round(e.fraction, 3) for e in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert fractions[:2] == [0.333, 0.5]


def test_plain_lines_one_per_phase_for_a_quick_file(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(X_FILE), "--db", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 0, res.output
    lines = res.stderr.splitlines()
    name = X_FILE.name
    assert lines == [f"ingest [1/1] {name}: {phase} 100 %" for phase in PHASES]
    assert "ingest [1/1]" not in res.stdout  # progress goes to stderr only
    quiet = runner.invoke(app, ["ingest", str(FIX / "instagram_posts.csv"), "--db", str(tmp_path / "w.duckdb"), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    as_json = runner.invoke(
        app, ["ingest", str(FIX / "linkedin_content.csv"), "--db", str(tmp_path / "w.duckdb"), "-f", "json"]
    )
    assert as_json.exit_code == 0 and as_json.stderr == ""


def test_plain_lines_every_10_percent_for_a_long_phase(tmp_path: Path) -> None:
    lines = PlainLines(out := _Buffer())
    lines.QUIET_SECONDS = 0.0
    for i in range(0, 100):  # a long phase reporting every percent: a line per 10 %, then 100 % once
        lines(ProgressEvent(Path("big.csv"), 1, 1, "convert", i / 100))
    lines(ProgressEvent(Path("big.csv"), 1, 1, "convert", 1.0))
    lines(ProgressEvent(Path("big.csv"), 1, 1, "load", 0.0))
    assert out.text.splitlines() == [f"ingest [1/1] big.csv: convert {p} %" for p in range(10, 101, 10)]


def test_plain_lines_when_stderr_is_a_pipe(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    res = subprocess.run(
        [sys.executable, "-m", "agilesocial", "ingest", str(X_FILE), "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert [line.rsplit(": ", 1)[1] for line in res.stderr.splitlines()] == [f"{p} 100 %" for p in PHASES]


@pytest.mark.parametrize("path", FRESH, ids=lambda p: p.name[:30])
def test_fresh_files_get_the_same_attributes_and_current_rows_as_the_general_path(
    tmp_path: Path, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agilesocial.warehouse.ingest as ingest

    general: list[int] = []
    monkeypatch.setattr(ingest, "derive_attributes", lambda con, ingest_id: general.append(ingest_id))
    db = tmp_path / "w.duckdb"
    report = ingest_paths([path], db=db, account="nw" if "tiktok" in path.name else None)
    assert report.files[0].rows_loaded > 0, report.files[0].error
    assert not general, "a fresh file took the general path"
    con = duckdb.connect(str(db))
    try:
        written = _snapshot(con)
        assert written[1], "the fast path wrote no current rows"
        derive_attributes(con)  # the general derivation: an UPDATE over posts and a join for post_current
        rebuild_current(con)
        assert _snapshot(con) == written
    finally:
        con.close()


def test_memory_is_capped_and_spills_inside_the_warehouse_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = duckdb.connect()
    try:
        monkeypatch.delenv(MEMORY_ENV, raising=False)
        bound_memory(con, tmp_path / "w.duckdb")
        limit, spill = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
        assert limit.replace(" ", "") in ("572.2MiB", "600.0MB") and spill == str(tmp_path.resolve() / SPILL_FOLDER)
        monkeypatch.setenv(MEMORY_ENV, "2GB")
        bound_memory(con, tmp_path / "w.duckdb")
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0].replace(" ", "") in (
            "1.8GiB",
            "2.0GB",
        )
    finally:
        con.close()
    monkeypatch.setenv(MEMORY_ENV, "lots")
    res = CliRunner().invoke(app, ["ingest", str(X_FILE), "--db", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 2
    assert "AGILE_SOCIAL_MEMORY_LIMIT is 'lots', not a memory size" in res.output and "Traceback" not in res.output


def _snapshot(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    posts = con.execute("SELECT * EXCLUDE (ingest_id) FROM posts ORDER BY ALL").fetchall()
    current = con.execute("SELECT * FROM post_current ORDER BY ALL").fetchall()
    return posts, current


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("window", [1, 2, 3, 5, 8, 1 << 26])
def test_the_windowed_structure_scan_finds_a_spaced_quote_across_window_edges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    from agilesocial.warehouse import quotescan

    monkeypatch.setattr(quotescan, "_WINDOW", window)
    for pad in range(6):  # the ' "' pair lands on every offset against the window edges
        mm = ("id,text\n" + "1," + "a" * pad + "\n2," + ' "x"' + "\n").encode()
        parts: list[float] = []
        assert quotescan._candidate(mm, b",", parts.append)  # type: ignore[arg-type]  # bytes finds like mmap, (window, pad)
        clean = ("id,text\n1," + "a" * pad + '\n2,"x"\n').encode()
        parts.clear()
        assert not quotescan._candidate(clean, b",", parts.append)  # type: ignore[arg-type]
        assert parts == sorted(parts) and parts[-1] == 1.0


@settings(max_examples=300, deadline=None)
@given(
    data=st.text(alphabet=',;\t "a\n\r', max_size=40).map(str.encode),
    chunk=st.integers(1, 9),
    context=st.integers(1, 4),
)
@example(data=b'""" ', chunk=1, context=1)  # a run of quotes longer than the context: its parity is unknown
def test_the_fingerprint_read_finds_every_spaced_quote_the_scan_finds(data: bytes, chunk: int, context: int) -> None:
    """One read for the checksum and the scan: in chunks with a little context around each, never a candidate
    missed (a run of spaces or quotes past the context counts as one: the csv module decides), and the same
    answer as the whole-file scan when the context covers the file."""
    import hashlib
    import tempfile

    from agilesocial.warehouse import quotescan

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        path.write_bytes(data)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(quotescan, "_CHUNK", chunk)
            mp.setattr(quotescan, "_CONTEXT", context)
            sha, suspects = quotescan.fingerprint(path)
            mp.setattr(quotescan, "_CHUNK", 1 << 20)
            _, whole = quotescan.fingerprint(path)
    assert sha == hashlib.sha256(data).hexdigest()
    for delim in quotescan.FINGERPRINT_DELIMITERS:
        exact = quotescan._candidate(data, delim.encode())  # type: ignore[arg-type]  # bytes finds like mmap
        assert (delim in whole) == exact
        assert delim in suspects or not exact
