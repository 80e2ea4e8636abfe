"""TikTok exports as real accounts download them: three content-export generations, overview and follower-history
files, year-less dates placed across New Year (from video ids, or from --year as the year of the most recent day),
locale month names, and `NAN` / `undefined` as missing values."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.warehouse import sqlexpr as sx
from agilesocial.warehouse.ingest import ingest_paths
from agilesocial.warehouse.monthdates import iso_text

FIX = Path(__file__).parent / "fixtures" / "exports"
AMS = "Europe/Amsterdam"


def load(tmp_path: Path, name: str | Path, **kwargs: Any) -> tuple[Any, duckdb.DuckDBPyConnection]:
    db = tmp_path / "w.duckdb"
    kwargs.setdefault("timezone", AMS)
    report = ingest_paths([FIX / name if isinstance(name, str) else name], db=db, **kwargs)
    assert report.files[0].error is None, report.files[0].error
    return report.files[0], duckdb.connect(str(db), read_only=True)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_oldest_content_export_dates_posts_by_video_id_across_new_year(tmp_path: Path) -> None:
    f, con = load(tmp_path, "tiktok_content_time_yearless.csv")  # no --year needed
    assert (f.platform, f.shape, f.target_table, f.rows_read, f.rows_loaded) == (
        "tiktok",
        "tiktok_posts",
        "posts",
        3,
        3,
    )
    rows = con.execute("SELECT text, published_at FROM posts ORDER BY published_at").fetchall()
    assert rows == [
        ("Roast day #CoffeeTok", utc(2025, 12, 28, 18, 5)),
        ("New year, new brew", utc(2025, 12, 31, 23, 30)),  # 'January 1' in Amsterdam: the id's exact UTC time
        ('Latte art, "slow" version', utc(2026, 1, 3, 9, 0)),
    ]
    # the export day 'Time' dates the lifetime snapshot; its year comes from the ids (the newest video is 2026-01-03)
    assert con.execute("SELECT DISTINCT kind, metric_date FROM post_metrics").fetchall() == [
        ("lifetime", date(2026, 1, 5))
    ]
    assert con.execute("SELECT sum(video_views), sum(likes) FROM post_metrics").fetchone() == (8100, 500)
    assert f.notes[0] == "Post time: 3 of 3 rows dated by the video id (id >> 32 is the Unix time of publication)"
    assert "lifetime totals as of 2026-01-05" in f.notes[1] and "inferred from the video ids" in f.notes[1]


def test_year_less_posts_without_usable_ids_need_year_and_run_back_from_the_export_day(tmp_path: Path) -> None:
    report = ingest_paths([FIX / "tiktok_content_yearless_no_id_time.csv"], db=tmp_path / "x.duckdb", timezone=AMS)
    error = report.files[0].error or ""
    assert "date 'December 30' has no year" in error and "--year YYYY" in error and "most recent day" in error
    f, con = load(tmp_path, "tiktok_content_yearless_no_id_time.csv", year=2026)
    rows = con.execute("SELECT text, published_at FROM posts ORDER BY published_at").fetchall()
    # midnight in Amsterdam; 'December 30' is after the export day (January 5) in the calendar: the year before
    assert rows == [("Cold brew", utc(2025, 12, 29, 23)), ("Pour-over", utc(2026, 1, 3, 23))]
    assert con.execute("SELECT DISTINCT metric_date FROM post_metrics").fetchall() == [(date(2026, 1, 5),)]
    assert any("--year 2026 is the year of the most recent day (Jan 5, the export day)" in n for n in f.notes)


def test_year_less_posts_without_export_day_take_the_longest_gap_as_the_turn(tmp_path: Path) -> None:
    path = tmp_path / "content.csv"
    links = "https://www.tiktok.com/@nw/video/74300000000000000"
    path.write_text(
        "Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views\n"
        f"A,{links}21,Jan 3,1,0,0,10\nB,{links}22,Dec 28,1,0,0,10\nC,{links}23,Nov 30,1,0,0,10\n"
    )
    f, con = load(tmp_path, path, year=2026, timezone="UTC")
    got = con.execute("SELECT text, published_at::DATE FROM posts ORDER BY 2").fetchall()
    assert got == [("C", date(2025, 11, 30)), ("B", date(2025, 12, 28)), ("A", date(2026, 1, 3))]
    assert f.notes[0].startswith("Post time: 3 year-less dates placed in 2025-2026: --year 2026 is the year")
    assert "(Jan 3, the day before the longest gap between posts)" in f.notes[0]


def test_newest_studio_per_video_export(tmp_path: Path) -> None:
    f, con = load(tmp_path, "tiktok_studio_videos.csv")
    assert (f.shape, f.rows_loaded) == ("tiktok_posts", 2)
    rows = con.execute(
        "SELECT p.post_id, published_at, video_views, likes, comments, shares, saves, engagements"
        " FROM posts p JOIN post_metrics USING (platform, post_id) ORDER BY published_at"
    ).fetchall()
    first_id = str((int(utc(2025, 10, 31, 17, 19, 10).timestamp()) << 32) | 7)
    assert rows[0] == (first_id, utc(2025, 10, 31, 17, 19, 10), 15400, 1200, None, None, 85, 1200)  # NAN, undefined
    assert rows[1][2:7] == (800, 40, 3, 1, None)  # a /photo/ link still gives the id; '--' is missing
    assert f.notes == []  # full dates: nothing inferred


def test_nan_is_missing_in_decimal_columns_too(tmp_path: Path) -> None:
    path = tmp_path / "content.csv"
    path.write_text(
        "Video title,Video link,Post time,Total views,Total play time,Total likes\n"
        "A,https://www.tiktok.com/@nw/video/7430000000000000031,2025-11-02 18:00:00,NAN,NAN,nan\n"
    )
    _, con = load(tmp_path, path)
    assert con.execute("SELECT video_views, watch_time_seconds, likes FROM post_metrics").fetchall() == [
        (None, None, None)  # not NaN: 'NAN' casts to a float NaN, which would poison every sum
    ]


def test_newer_overview_with_slash_dates_nan_and_new_columns(tmp_path: Path) -> None:
    f, con = load(tmp_path, "tiktok_overview_2025.csv", account="northwindcoffee")
    assert (f.shape, f.target_table, f.rows_loaded) == ("tiktok_overview", "account_daily", 3)
    rows = con.execute(
        "SELECT date, video_views, reach, profile_views, likes, comments, new_followers FROM account_daily ORDER BY 1"
    ).fetchall()
    assert rows == [
        (date(2025, 10, 30), 1500, 1100, 40, 120, 9, 5),
        (date(2025, 10, 31), None, None, None, None, None, None),
        (date(2025, 11, 1), 2100, 1700, 55, 150, None, 2),
    ]
    assert {"Net growth", "Lost followers"} <= set(f.ignored_columns)


def test_spanish_overview_runs_back_across_new_year(tmp_path: Path) -> None:
    report = ingest_paths([FIX / "tiktok_overview_es.csv"], db=tmp_path / "x.duckdb", account="nw")
    assert "date '29 de diciembre' has no year" in (report.files[0].error or "")
    f, con = load(tmp_path, "tiktok_overview_es.csv", account="nw", year=2026)
    rows = con.execute("SELECT date, video_views FROM account_daily ORDER BY 1").fetchall()
    assert rows == [
        (date(2025, 12, 29), 100),
        (date(2025, 12, 30), 101),
        (date(2025, 12, 31), 102),
        (date(2026, 1, 1), 103),
        (date(2026, 1, 2), 104),
    ]
    assert f.notes == [
        "Date: dates without a year; --year 2026 is the year of the most recent day (Jan 2) and the day-by-day run"
        " (oldest first) goes back across New Year: rows 1-3 in 2025, rows 4-5 in 2026"
    ]


def test_follower_history_newest_first_with_undefined(tmp_path: Path) -> None:
    f, con = load(tmp_path, "tiktok_follower_history.csv", account="nw", year=2026)
    assert (f.shape, f.target_table) == ("tiktok_followers", "account_daily")
    rows = con.execute("SELECT date, followers, new_followers FROM account_daily ORDER BY 1").fetchall()
    assert rows == [
        (date(2025, 12, 30), 1195, None),
        (date(2025, 12, 31), None, None),
        (date(2026, 1, 1), 1200, None),
        (date(2026, 1, 2), 1210, None),
    ]
    assert "(newest first)" in f.notes[0] and "rows 1-2 in 2026, rows 3-4 in 2025" in f.notes[0]


def test_a_day_by_day_run_longer_than_a_year(tmp_path: Path) -> None:
    """400 days with no year: every month-day repeats, so only the run's order can place them."""
    first = date(2024, 12, 1)
    days = [first + timedelta(days=i) for i in range(400)]
    path = tmp_path / "overview.csv"
    path.write_text("Date,Video Views,Profile Views\n" + "".join(f"{d:%B} {d.day},{i},1\n" for i, d in enumerate(days)))
    f, con = load(tmp_path, path, account="nw", year=2026)
    assert f.rows_loaded == 400
    got = con.execute("SELECT video_views, date FROM account_daily ORDER BY 1").fetchall()
    assert got == [(i, d) for i, d in enumerate(days)]  # 2024-12-01 .. 2026-01-04, Feb 29 absent (2025)
    assert "rows 1-31 in 2024, rows 32-396 in 2025, rows 397-400 in 2026" in f.notes[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("November 2", "2026-11-02"),
        ("Nov 2, 18:05", "2026-11-02 18:05"),
        ("Sep 27, 2024", "2024-09-27"),
        ("8 de marzo", "2026-03-08"),
        ("1 de ene.", "2026-01-01"),
        ("8 de marzo de 2025", "2025-03-08"),
        ("8 mars", "2026-03-08"),
        ("1er février", "2026-02-01"),
        ("8. März", "2026-03-08"),
        ("3. Dez.", "2026-12-03"),
        ("8 de março", "2026-03-08"),
        ("15 de setembro", "2026-09-15"),
        ("2 ottobre", "2026-10-02"),
        ("4 mei", "2026-05-04"),
        ("2025/10/31", None),
        ("Lifetime", None),
        ("Total", None),
    ],
)
def test_month_names_in_five_languages(text: str, expected: str | None) -> None:
    params = sx.Params()
    sql = f"SELECT {iso_text('$cell', params, lambda _md: '2026')}"
    assert duckdb.connect().execute(sql, {**params.values, "cell": text}).fetchone() == (expected,)


def test_cli_reports_how_dates_were_placed(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "w.duckdb"
    args = ["ingest", str(FIX / "tiktok_content_time_yearless.csv"), "--db", str(db), "--timezone", AMS]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["files"][0]
    assert (entry["platform"], entry["rows_loaded"], entry["target_table"]) == ("tiktok", 3, "posts")
    assert "dated by the video id" in entry["notes"][0]
    text = runner.invoke(
        app, ["ingest", str(FIX / "tiktok_overview_es.csv"), "--db", str(db), "-a", "nw", "--year", "2026"]
    )
    assert text.exit_code == 0, text.output
    assert "tiktok_overview_es.csv: Date: dates without a year; --year 2026" in " ".join(text.stdout.split())
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT min(published_at), max(published_at) FROM posts").fetchone() == (
        utc(2025, 12, 28, 18, 5),
        utc(2026, 1, 3, 9, 0),
    )
    assert con.execute(
        "SELECT platform, account, min(date), max(date), count(*) FROM account_daily GROUP BY ALL"
    ).fetchall() == [("tiktok", "nw", date(2025, 12, 29), date(2026, 1, 2), 5)]


def test_only_columns_the_formats_cannot_read_are_rewritten() -> None:
    """English dates with a year parse as written; the month-name rewrite (~2 s per million cells) is for the rest."""
    from agilesocial.warehouse import monthdates as md
    from agilesocial.warehouse.datesample import seen_formats

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('Sep 27, 2024', '8 de marzo', 'November 2')) v(c0, c1, c2)")
    seen = seen_formats(con, "t", {}, {i: sx.candidate_formats() for i in range(3)})
    assert md.MONTH_NAMES in seen[0] and md.REWRITE not in seen[0] and "%b %d, %Y" in seen[0]
    assert {md.MONTH_NAMES, md.YEARLESS, md.REWRITE, "%Y-%m-%d"} <= seen[1]
    assert {md.MONTH_NAMES, md.YEARLESS, md.REWRITE, "%Y-%m-%d"} <= seen[2]
    params = sx.Params()
    assert sx.date_text("c0", params, 2026, seen[0]) == "trim(c0)"  # no rewrite cost, even with --year


def test_short_links_load_with_their_code_as_the_post_id(tmp_path: Path) -> None:
    """A link shared from the app (vm.tiktok.com/ZM…/, vt.tiktok.com/…, tiktok.com/t/…) has no video id: its code
    is the post's id, and the row's Post time dates it (the code holds no time)."""
    src = tmp_path / "tiktok_content.csv"
    src.write_text(
        "Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views\n"
        "Short,https://vm.tiktok.com/ZMhvqjXyz/,2026-11-02 18:00:00,30,1,2,500\n"
        "Full,https://www.tiktok.com/@northwindcoffee/video/7430000000000000002?lang=en,"
        "2026-11-03 18:00:00,31,1,2,510\n"
        "Lite,https://vt.tiktok.com/ZSa1B2c3/,2026-11-04 18:00:00,32,1,2,520\n"
        "Web,https://www.tiktok.com/t/ZTRabc123/,2026-11-05 18:00:00,33,1,2,530\n",
        encoding="utf-8",
    )
    f, con = load(tmp_path, src, timezone="UTC")
    assert (f.shape, f.rows_loaded, f.rows_rejected) == ("tiktok_posts", 4, 0)
    rows = con.execute("SELECT post_id, published_at, likes FROM posts JOIN post_metrics USING (platform, post_id)"
                       " ORDER BY published_at").fetchall()  # fmt: skip
    assert rows == [
        ("ZMhvqjXyz", utc(2026, 11, 2, 18), 30),
        ("7430000000000000002", utc(2026, 11, 3, 18), 31),
        ("ZSa1B2c3", utc(2026, 11, 4, 18), 32),
        ("ZTRabc123", utc(2026, 11, 5, 18), 33),
    ]


def test_a_link_that_is_no_tiktok_post_is_still_refused(tmp_path: Path) -> None:
    src = tmp_path / "tiktok_content.csv"
    src.write_text(
        "Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views\n"
        "Profile,https://www.tiktok.com/@northwindcoffee,2026-11-02 18:00:00,30,1,2,500\n",
        encoding="utf-8",
    )
    report = ingest_paths([src], db=tmp_path / "w.duckdb", timezone="UTC")
    assert "cannot read value 'https://www.tiktok.com/@northwindcoffee'" in str(report.files[0].error)
