"""Defects found by trying the CLI as a new user would, on hand-written exports in the platforms' real shapes.

Each test reproduces one defect through the CLI and checks the result against the file as Python's csv module reads it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app

LINK = "https://www.linkedin.com/feed/update/urn:li:activity:720000000000000000"
X_HEADER = ["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements", "retweets", "likes"]


def _run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.chdir(root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    return CliRunner().invoke(app, list(args))


def _x_export(path: Path, times: list[str]) -> list[dict[str, str]]:
    ids = [str(1830000000000000001 + i) for i in range(len(times))]
    rows = [
        [tid, f"https://twitter.com/quilltea/status/{tid}", f"t{i}", t, "1000.0", "10.0", "1.0", "5.0"]
        for i, (tid, t) in enumerate(zip(ids, times, strict=True))
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(X_HEADER)
        w.writerows(rows)
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_an_impossible_day_with_an_offset_is_refused_not_moved_to_march(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'2026-02-30 10:00 +0000' was stored as 2026-03-02 (DuckDB's list form of try_strptime skips the day check
    when the text carries an offset); it must be refused with the row and column named, loading nothing."""
    path = tmp_path / "tweet_activity_metrics_quilltea_20260201_20260228_en.csv"
    _x_export(path, ["2026-02-27 10:00 +0000", "2026-02-30 10:00 +0000"])
    db = tmp_path / "w.duckdb"
    res = _run(tmp_path, monkeypatch, "ingest", str(path), "--db", str(db), "-q")
    assert res.exit_code == 2, res.output
    assert "row 2, column 'time'" in res.output and "2026-02-30 10:00 +0000" in res.output
    assert "Traceback" not in res.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM posts").fetchone() == (0,)
    finally:
        con.close()


def test_valid_offset_times_still_load_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tweet_activity_metrics_quilltea_20240201_20240301_en.csv"
    rows = _x_export(path, ["2024-02-29 23:30 +0000", "2024-03-01 00:15 +0200", "2024-02-28 12:00 -0530"])
    db = tmp_path / "w.duckdb"
    res = _run(tmp_path, monkeypatch, "ingest", str(path), "--db", str(db), "-q")
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = dict(con.execute("SELECT post_id, epoch(published_at) FROM posts").fetchall())
    finally:
        con.close()
    want = {r["Tweet id"]: dt.datetime.strptime(r["time"], "%Y-%m-%d %H:%M %z").timestamp() for r in rows}
    assert got == want


def test_retro_of_a_sprint_before_the_program_start_says_so_not_no_posts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`init` dates the program from next Monday; a retro of an earlier sprint with plenty of posts said 'no posts yet
    to measure engagement_rate', which is false: the program had not started."""
    res = _run(tmp_path, monkeypatch, "init", "proj", "--brand", "Quill Tea", "--channel", "x", "-q")
    assert res.exit_code == 0, res.output
    root = tmp_path / "proj"
    (root / "experiments" / "x-question-posts.yaml").unlink()
    sprint = root / "sprints" / "2026-s01.yaml"
    text = sprint.read_text(encoding="utf-8")
    start = next(line for line in text.splitlines() if line.startswith("start:"))
    end = next(line for line in text.splitlines() if line.startswith("end:"))
    sprint.write_text(text.replace(start, "start: 2026-11-02").replace(end, "end: 2026-11-15"), encoding="utf-8")
    times = [f"2026-11-{d:02d} 10:00 +0000" for d in range(2, 16)]
    _x_export(root / "tweet_activity_metrics_quilltea_20261102_20261115_en.csv", times)
    res = _run(root, monkeypatch, "ingest", "tweet_activity_metrics_quilltea_20261102_20261115_en.csv", "-q")
    assert res.exit_code == 0, res.output
    res = _run(root, monkeypatch, "retro", "2026-s01", "--format", "json", "--no-store", "--as-of", "2026-11-20")
    assert res.exit_code == 0, res.output
    reason = json.loads(res.output)["objectives"][0]["reason"]
    assert "no posts yet" not in reason
    assert "the program starts on" in reason and "after 2026-11-15" in reason and "quill-tea" in reason


def test_a_german_excel_save_with_day_first_dotted_dates_loads_the_right_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A LinkedIn 'All posts' sheet saved as CSV by a German-locale Excel: ';', decimal commas and dates like
    '02.11.2026' / '15.11.26 09:30'. It was refused ('cannot read value 02.11.2026'); day-first dotted dates are
    unambiguous, so they load as the day they name."""
    text = (
        "All posts;;\r\n"
        "Post title;Post link;Post type;Created date;Impressions;Clicks;Likes;Comments;Reposts;Follows;Content Type\r\n"
        f"Hallo;{LINK}1;Organic;02.11.2026;1.234;5;3;1;0;0;Text\r\n"
        f"Tee;{LINK}2;Organic;15.11.26 09:30;987;2;1;0;0;0;Image\r\n"
    )
    path = tmp_path / "quill-tea_all_posts.csv"
    path.write_bytes(text.encode("cp1252"))
    db = tmp_path / "w.duckdb"
    res = _run(tmp_path, monkeypatch, "ingest", str(path), "--db", str(db), "--account", "quilltea", "-q")
    assert res.exit_code == 0, res.output
    with path.open(newline="", encoding="cp1252") as f:
        rows = list(csv.reader(f, delimiter=";"))[2:]
    want = {}
    for r in rows:
        day = r[3].split(" ")[0]
        fmt = "%d.%m.%Y" if len(day) == 10 else "%d.%m.%y"
        want[r[1].rsplit("/", 1)[1]] = (dt.datetime.strptime(day, fmt).date(), int(r[4].replace(".", "")))
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        got = con.execute(
            "SELECT p.post_id, CAST(p.published_at AS DATE), m.impressions FROM posts p JOIN post_latest m "
            "ON m.platform = p.platform AND m.post_id = p.post_id"
        ).fetchall()
    finally:
        con.close()
    assert {pid: (day, imp) for pid, day, imp in got} == want
