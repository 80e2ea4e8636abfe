"""Date/time parsing: the formats a file uses are tried first (speed), without changing what any text parses to.

Defect pinned here: every failed ``try_strptime`` attempt costs about a microsecond a row, and the built-in list put
Meta's ``11/02/2026 09:15`` 5th and YouTube's ``6/10/2026`` 9th (behind every zoned format, too): a 1M-row YouTube
Chart data.csv took 73 s (now 5.3 s). Daily rows per post also forced a second, numbered read of the whole file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from agilesocial.warehouse import sqlexpr as sx
from agilesocial.warehouse.datesample import SAMPLE_ROWS, seen_formats
from agilesocial.warehouse.ingest import ingest_paths
from agilesocial.warehouse.schema import migrate
from agilesocial.warehouse.sniff import sniff
from agilesocial.warehouse.stage import build_stage, csv_source

FIX = Path(__file__).parent / "fixtures" / "exports"


def _seen(path: Path) -> dict[str, frozenset[str]]:
    layout = sniff(path)
    con = duckdb.connect()
    try:
        cands = {i: sx.candidate_formats() for i in range(len(layout.header))}
        params = {"csv_path": str(layout.read_path), "csv_delim": layout.delimiter}
        found = seen_formats(con, csv_source(layout, sample=True), params, cands, None)
    finally:
        con.close()
        layout.cleanup()
    return {layout.header[i]: f for i, f in found.items() if f}


def test_the_sample_finds_each_columns_formats() -> None:
    assert _seen(FIX / "facebook_posts_Nov-01-2026_Nov-30-2026.csv") == {"Publish time": {"%m/%d/%Y %H:%M"}}
    assert _seen(FIX / "tweet_activity_metrics_nwtest_20261101_20261130_en.csv") == {"time": {"%Y-%m-%d %H:%M %z"}}
    seen = _seen(FIX / "youtube_chart_data_two_digit_year.csv")
    # '6/10/26' also fits %m/%d/%Y (year 26) and %Y/%m/%d (year 6): implausible years the parse itself rejects
    assert seen["Date"] == {"%m/%d/%y", "%m/%d/%Y", "%d-%b-%y", "%d-%b-%Y", "%Y/%m/%d"}


def test_seen_formats_go_first_and_the_full_list_stays_behind() -> None:
    params = sx.Params()
    expr = sx.timestamp("c0", params, "UTC", seen=frozenset({"%m/%d/%Y %H:%M"}))
    lists = [v for v in params.values.values() if isinstance(v, list)]
    assert lists == [list(sx.NAIVE_FORMATS), ["%m/%d/%Y %H:%M"]]
    # zoned formats are tried one call each (DuckDB's list form skips the day check when there is an offset)
    assert [v for v in params.values.values() if isinstance(v, str) and "%z" in v] == list(sx.ZONED_FORMATS)
    names = {repr(v): k for k, v in params.values.items()}
    seen_at, full_at = expr.index(f"${names[repr(lists[1])]})"), expr.index(f"${names[repr(lists[0])]})")
    zoned_at = expr.index(f"${names[repr(sx.ZONED_FORMATS[0])]})")
    assert seen_at < full_at < zoned_at  # the sample's format, then the whole naive list, then zoned formats
    params = sx.Params()
    expr = sx.timestamp("c0", params, "UTC", seen=frozenset({"%Y-%m-%d %H:%M %z"}))
    assert expr.count("try_strptime") == len(sx.ZONED_FORMATS) + 1  # each zoned format (seen first), the naive list
    assert params.values["p0"] == "%Y-%m-%d %H:%M %z"


def test_rows_past_the_sample_in_another_format_still_parse(tmp_path: Path) -> None:
    rows = [f"6/{1 + i % 28}/2026,vid{i % 7},V,,1,{i}" for i in range(SAMPLE_ROWS + 50)]
    rows += ["27-Apr-26,vidlate,Late,,1,5", "6/11/26,vidlate,Late,,1,6", "2026-06-12,vidlate,Late,,1,7"]
    export = tmp_path / "Chart data.csv"
    export.write_text("Date,Content,Video title,Video publish time,Duration,Views\n" + "\n".join(rows) + "\n")
    db = tmp_path / "w.duckdb"
    report = ingest_paths([export], db=db, account="yt")
    assert report.files[0].error is None and report.files[0].rows_loaded == len(rows)
    con = duckdb.connect(str(db), read_only=True)
    late = con.execute("SELECT metric_date, video_views FROM post_metrics WHERE post_id = 'vidlate' ORDER BY 1")
    assert late.fetchall() == [(date(2026, 4, 27), 5), (date(2026, 6, 11), 6), (date(2026, 6, 12), 7)]
    title = con.execute("SELECT text FROM posts WHERE post_id = 'vidlate'").fetchall()
    assert title == [("Late",)]


def test_daily_rows_per_post_need_no_second_numbered_read(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    migrate(con)
    layout = sniff(FIX / "youtube_chart_data.csv")
    stage = build_stage(con, layout, fixed_account="yt", year=None, tz="UTC", snapshot=date(2026, 12, 1))
    assert (stage.rows_read, stage.numbered) == (2, False)
    assert "post_id, kind, metric_date" in stage.unique_keys


def test_zoned_texts_still_win_when_the_file_mixes_kinds(tmp_path: Path) -> None:
    header = (FIX / "tweet_activity_metrics_nwtest_20261101_20261130_en.csv").read_text().splitlines()[0]
    cells = ',"0"' * 36
    lines = [header] + [
        f'"{1465756489342029900 + i}","https://x/{i}","t","2026-11-02 16:00{" +0100" if i == 2 else ""}"{cells}'
        for i in range(3)
    ]
    export = tmp_path / "tweet_activity_metrics_mix_20261101_20261130_en.csv"
    export.write_text("\n".join(lines) + "\n")
    db = tmp_path / "w.duckdb"
    report = ingest_paths([export], db=db, timezone="Europe/Amsterdam")
    assert report.files[0].error is None, report.files[0].error
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute("SELECT published_at FROM posts ORDER BY post_id").fetchall()
    utc = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)  # X: naive times are UTC
    assert got == [(utc,), (utc,), (datetime(2026, 11, 2, 15, 0, tzinfo=UTC),)]
