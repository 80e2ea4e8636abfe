"""Export variants from export-formats.md beyond the first fixture set, and the defects they exposed.

Each test names the defect it pins: two-digit years read as the year 0024, a browser's "(1)" suffix losing the
snapshot date, cp1252 text past the sniffed head refused as "malformed", a 1,300-column header with a description
row past the sniffed head, rich markup in file/column/account names crashing the text output, and formula-like
rejects cells that slipped past the neutraliser.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.warehouse.ingest import IngestReport, ingest_paths
from agilesocial.warehouse.sniff import HEAD_BYTES
from test_ingest_profiles import post, utc

FIX = Path(__file__).parent / "fixtures" / "exports"
VARIANTS = [
    "tweet_activity_metrics_nwtest_20261101_20261231_en (1).csv",
    "facebook_posts_excel_two_digit_year.csv",
    "youtube_chart_data_two_digit_year.csv",
    "linkedin_content_utf16_semicolon.csv",
    "tiktok_content_undefined.csv",
    "facebook_posts_mac_cr_cp1252.csv",
]
runner = CliRunner()


def load(tmp_path: Path, *paths: Path, **kwargs: Any) -> tuple[IngestReport, duckdb.DuckDBPyConnection]:
    db = tmp_path / "w.duckdb"
    kwargs.setdefault("timezone", "Europe/Amsterdam")
    report = ingest_paths(list(paths), db=db, **kwargs)
    for f in report.files:
        assert f.error is None, f.error
    return report, duckdb.connect(str(db), read_only=True)


def test_x_export_downloaded_twice_keeps_the_snapshot_date_of_its_name(tmp_path: Path) -> None:
    report, con = load(tmp_path, FIX / VARIANTS[0])
    assert report.files[0].shape == "x_posts"
    p = post(con, "x", "1745678901234567891")  # > 2**53, kept exactly
    assert (p["kind"], p["metric_date"]) == ("lifetime", date(2026, 12, 31))  # not the ingest date
    assert p["account"] == "nwtest"
    assert p["text"] == '=HYPERLINK("http://x") +1 @me #Launch'  # formula-like text is data
    assert p["hashtags"] == ["launch"] and p["published_at"] == utc(2026, 12, 5, 9, 30)
    assert (p["impressions"], p["likes"], p["saves"], p["engagements"], p["link_clicks"]) == (12000, 12, 7, 25, 4)
    assert p["video_views"] is None  # '-' is NULL


def test_two_digit_years_from_excel_resaves(tmp_path: Path) -> None:
    _, con = load(tmp_path, FIX / VARIANTS[1], FIX / VARIANTS[2])
    p = post(con, "facebook", "122158000000000301")
    assert p["published_at"] == utc(2026, 10, 1, 1, 30)  # '10/1/26 3:30' Amsterdam (CEST), not the year 0026
    assert (p["impressions"], p["views"], p["reach"], p["engagements"]) == (100, 100, 90, 10)
    assert post(con, "facebook", "122158000000000302")["published_at"] == utc(2026, 12, 24, 22, 5)  # 11:05 PM CET
    rows = con.execute("SELECT kind, metric_date, video_views FROM post_metrics WHERE platform = 'youtube' ORDER BY 2")
    assert rows.fetchall() == [("daily", date(2026, 4, 27), 35), ("daily", date(2026, 6, 10), 40)]
    published = con.execute("SELECT published_at FROM posts WHERE platform = 'youtube'").fetchall()
    assert published == [(utc(2025, 9, 26, 22, 0),)]


def test_a_format_that_reads_a_two_digit_year_as_year_0026_rejects_the_row(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("ID,When,Likes\n1,10/01/26 09:00,5\n2,10/02/2026 09:00,6\n")
    (tmp_path / "m.yaml").write_text(
        "platform: mastodon\naccount: a\ncolumns:\n  post_id: ID\n  published_at: When\n  likes: Likes\n"
        'datetime_format: "%m/%d/%Y %H:%M"\n'
    )
    report = ingest_paths([tmp_path / "m.csv"], db=tmp_path / "w.duckdb", mapping=tmp_path / "m.yaml")
    error = report.files[0].error or ""
    assert "row 1, column 'When'" in error and "'10/01/26 09:00'" in error


def test_linkedin_utf16_semicolon_decimal_comma_blank_line(tmp_path: Path) -> None:
    report, con = load(tmp_path, FIX / VARIANTS[3])
    assert (report.files[0].shape, report.files[0].rows_loaded) == ("linkedin_posts", 1)
    p = post(con, "linkedin", "urn:li:activity:7260000000000000009")
    assert p["text"] == "Farm; to cup" and p["published_at"] == utc(2026, 11, 2, 23, 0)
    assert (p["impressions"], p["clicks"], p["likes"], p["comments"], p["shares"], p["follows"]) == (
        1234,
        12,
        20,
        2,
        1,
        0,
    )
    assert p["engagements"] == 20 + 2 + 1 + 12 + 0


def test_instagram_daily_crlf_and_tiktok_undefined(tmp_path: Path) -> None:
    report, con = load(tmp_path, FIX / "instagram_daily_reach_crlf.csv", FIX / VARIANTS[4], account="northwind")
    assert [f.shape for f in report.files] == ["instagram_daily", "tiktok_posts"]
    rows = con.execute("SELECT date, reach, impressions FROM account_daily ORDER BY date").fetchall()
    assert rows == [(date(2026, 11, 1), 120, None), (date(2026, 11, 2), 70, None)]
    p = post(con, "tiktok", "7430000000000000002")
    assert (p["likes"], p["follows"]) == (None, None)  # 'undefined' is not applicable, not zero
    assert (p["video_views"], p["comments"], p["shares"], p["reach"], p["watch_time_seconds"]) == (
        5000,
        12,
        9,
        4500,
        244.0,
    )


def test_classic_mac_line_endings_and_cp1252_text(tmp_path: Path) -> None:
    report, con = load(tmp_path, FIX / VARIANTS[5])
    assert report.files[0].rows_loaded == 2
    p = post(con, "facebook", "122158000000000311")
    assert p["account"] == "Café Northwind"
    assert p["text"] == "“Café” – naïve, #CaféTime" and p["hashtags"] == ["cafétime"]
    assert post(con, "facebook", "122158000000000312")["impressions"] == 200


def _big_meta_export(path: Path, rows: int, last_text: str, encoding: str) -> None:
    lines = ["Post ID,Page name,Publish time,Post type,Permalink,Date,Views,Reach,Description"]
    lines += [
        f"1221580000{i:08d},Northwind,11/02/2026 09:15,Photos,https://fb.example/{i},Lifetime,{i},{i},plain text {i}"
        for i in range(rows)
    ]
    lines.append(f"122158009999999999,Northwind,11/02/2026 09:15,Photos,https://fb.example/x,Lifetime,1,1,{last_text}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    assert path.stat().st_size > HEAD_BYTES


def test_cp1252_accent_after_the_sniffed_head_is_transcoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect: an ASCII head passed for UTF-8; the first '€' 300 KB in made DuckDB refuse the 'malformed' file."""
    export = tmp_path / "facebook_posts_big.csv"
    _big_meta_export(export, 5000, "Caf\u00e9 \u2013 \u20ac5 \u201coff\u201d", "cp1252")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    report, con = load(tmp_path, export)
    assert report.files[0].rows_loaded == 5001
    assert post(con, "facebook", "122158009999999999")["text"] == "Café – €5 “off”"
    assert report.files[0].sha256 == hashlib.sha256(export.read_bytes()).hexdigest()  # the file's, not the copy's
    assert list(temp.iterdir()) == []  # the transcoded copy is removed


def test_invalid_utf8_past_the_head_is_a_located_error(tmp_path: Path) -> None:
    export = tmp_path / "facebook_posts_broken.csv"
    _big_meta_export(export, 5000, "LATE", "utf-8")
    data = export.read_bytes().replace(b"plain text 0\r\n", "plain caf\u00e9 0\r\n".encode())  # real UTF-8 up top
    export.write_bytes(data.replace(b"LATE", b"LA\xffTE"))
    report = ingest_paths([export], db=tmp_path / "w.duckdb")
    error = report.files[0].error or ""
    assert "not valid UTF-8" in error and f"{export}:5002" in error and "save the export again" in error
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (0,)


def test_legacy_page_export_with_1300_columns_and_a_long_description_row(tmp_path: Path) -> None:
    """Defect: the description row ran past the 256 KB head, was not skipped, and failed as 'row 1 … None'."""
    n = 1300
    names = ["Date", "Lifetime Total Likes", "Daily New Likes", "Daily Page Engaged Users", "Daily Total Reach"]
    names += [f"Daily Likes by City - Caf\u00e9 Town {i}" for i in range(n - 5)]
    descs = [""] + [
        f"Lifetime: the number of people who liked your Page, breakdown {i}. " + "x" * 200 for i in range(n - 1)
    ]
    data = [f"2/{d}/2014," + ",".join(str(d * 10 + j) for j in range(n - 1)) for d in (27, 28)]
    export = tmp_path / "page.csv"
    export.write_bytes(("\r\n".join([",".join(names), ",".join(descs), *data]) + "\r\n").encode("cp1252"))
    assert len(",".join(names + descs).encode()) > HEAD_BYTES
    report, con = load(tmp_path, export, account="Northwind")
    assert (report.files[0].shape, report.files[0].rows_loaded, len(report.files[0].ignored_columns)) == (
        "facebook_insights_page",
        2,
        n - 5,
    )
    rows = con.execute("SELECT date, followers, new_followers, engagements, reach FROM account_daily ORDER BY 1")
    assert rows.fetchall() == [(date(2014, 2, 27), 270, 271, 272, 273), (date(2014, 2, 28), 280, 281, 282, 283)]


def test_a_required_cell_left_empty_says_so(tmp_path: Path) -> None:
    export = tmp_path / "page.csv"
    export.write_text("Date,Lifetime Total Likes,Daily New Likes\n2/27/2014,1500,3\n,1503,4\n")
    report = ingest_paths([export], db=tmp_path / "w.duckdb", account="a")
    error = report.files[0].error or ""
    assert "row 2, column 'Date': empty" in error and "None" not in error


def test_markup_in_file_column_and_account_names_is_printed_as_text(tmp_path: Path) -> None:
    """Defect: rich parsed '[/bold]' in a column name as markup and the CLI died with a MarkupError traceback."""
    export = tmp_path / "[draft] facebook.csv"
    export.write_text(
        "Post ID,Page name,Publish time,Post type,Permalink,Date,Views,Reach,Notes [/bold]\n"
        "122158000000000401,[/red]Northwind,11/02/2026 09:15,Photos,https://fb.example/401,Lifetime,100,90,x\n"
    )
    db = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["ingest", str(export), "--db", str(db)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "[draft] facebook.csv" in text and "ignored 1 columns: Notes [/bold]" in text
    status = runner.invoke(app, ["status", "--db", str(db)])
    assert status.exit_code == 0, status.output
    assert "[/red]Northwind" in status.stdout


def test_rejects_csv_neutralises_formulas_behind_blanks_and_in_headers(tmp_path: Path) -> None:
    export = tmp_path / "facebook_bad.csv"
    export.write_text(
        'Post ID,Page name,Publish time,Post type,Permalink,Date,Views,Reach,"=HYPERLINK(""h"")",Note\n'
        "122158000000000501,Northwind,11/02/2026 09:15,Photos,https://fb.example/1,Lifetime,100,90,1,ok\n"
        '122158000000000502,Northwind,11/02/2026 09:15,Photos,https://fb.example/2,Lifetime,"\n=1+2",90,'
        '" =cmd|\' /C calc\'!A0","\uff1dSUM(A1)"\n'
    )
    db = tmp_path / "w.duckdb"
    report = ingest_paths([export], db=db, skip_bad_rows=True)
    f = report.files[0]
    assert (f.rows_loaded, f.rows_rejected) == (1, 1) and f.rejects_path
    with open(f.rejects_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][-2] == '\'=HYPERLINK("h")'  # a header cell is a cell too
    assert rows[1][2] == "'\n=1+2" and rows[1][-2] == "' =cmd|' /C calc'!A0" and rows[1][-1] == "'\uff1dSUM(A1)"
    assert rows[1][3] == "122158000000000502"  # ordinary cells untouched


def test_variant_folder_reingest_is_a_noop(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in VARIANTS:
        shutil.copy(FIX / name, folder / name)
    db = tmp_path / "w.duckdb"
    first = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--account", "nw", "-f", "json"])
    assert first.exit_code == 0, first.output
    con = duckdb.connect(str(db), read_only=True)
    before = con.execute("SELECT * FROM post_metrics ORDER BY ALL").fetchall()
    con.close()
    again = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--account", "nw", "-f", "json"])
    assert again.exit_code == 0 and all(f["already_ingested"] for f in json.loads(again.stdout)["files"])
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT * FROM post_metrics ORDER BY ALL").fetchall() == before
    assert con.execute("SELECT count(*) FROM ingests").fetchone() == (len(VARIANTS),)


def test_ingesting_the_project_folder_skips_hidden_folders_and_rejects(tmp_path: Path) -> None:
    """Defect: 'ingest .' walked .agile-social/rejects/*.rejects.csv (refused again as bad rows) and .venv/."""
    shutil.copy(FIX / "facebook_bad_rows.csv", tmp_path / "facebook_bad_rows.csv")
    db = tmp_path / ".agile-social" / "warehouse.duckdb"
    first = ingest_paths([tmp_path], db=db, skip_bad_rows=True)
    assert [(Path(f.path).name, f.rows_rejected) for f in first.files] == [("facebook_bad_rows.csv", 2)]
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    shutil.copy(FIX / "instagram_posts.csv", tmp_path / ".venv" / "lib" / "data.csv")
    again = ingest_paths([tmp_path], db=db)
    assert [(Path(f.path).name, f.already_ingested, f.error) for f in again.files] == [
        ("facebook_bad_rows.csv", True, None)
    ]
    rejects = next((tmp_path / ".agile-social" / "rejects").glob("*.rejects.csv"))
    named = ingest_paths([rejects], db=db)  # named explicitly, it is read (and its bad cells refuse it)
    assert named.files[0].error and "row 1" in named.files[0].error


def test_sql_looking_names_and_values_in_a_builtin_profile_load_as_data(tmp_path: Path) -> None:
    export = tmp_path / "facebook_sql.csv"
    export.write_text(
        'Post ID,Page name,Publish time,Post type,Permalink,Date,Views,Reach,"x\'); DROP TABLE posts; --","a""b;c"\n'
        '122158000000000601,"\'); DROP TABLE posts; --",11/02/2026 09:15,"Photos""; DELETE FROM ingests; --",'
        "https://fb.example/601,Lifetime,100,90,1,2\n"
    )
    report, con = load(tmp_path, export)
    assert report.files[0].ignored_columns == ["x'); DROP TABLE posts; --", 'a"b;c']
    p = post(con, "facebook", "122158000000000601")
    assert (p["account"], p["post_type"]) == ("'); DROP TABLE posts; --", 'Photos"; DELETE FROM ingests; --')
    assert con.execute("SELECT count(*) FROM ingests").fetchone() == (1,)


def test_a_mappings_thousands_separator_decides_the_decimal_one(tmp_path: Path) -> None:
    """Defect: 'thousands' was never read: '1.234' with thousands '.' loaded as 1, and '1,234' in a ';' file with
    thousands ',' loaded as 1 too (the ';' made ',' the decimal separator)."""
    (tmp_path / "dots.csv").write_text('ID,Views,Watch\n1,"1.234","2.345,5"\n')
    cols = "account: a\ncolumns:\n  post_id: ID\n  impressions: Views\n  watch_time_seconds: Watch\n"
    (tmp_path / "dots.yaml").write_text(f'platform: m\n{cols}thousands: "."\n')
    (tmp_path / "semi.csv").write_text("ID;Views;Watch\n2;1,234;2,345.5\n")
    (tmp_path / "semi.yaml").write_text(f'platform: n\n{cols}thousands: ","\n')
    db = tmp_path / "w.duckdb"
    for name in ("dots", "semi"):
        report = ingest_paths([tmp_path / f"{name}.csv"], db=db, mapping=tmp_path / f"{name}.yaml")
        assert report.files[0].error is None, report.files[0].error
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT post_id, impressions, watch_time_seconds FROM post_metrics ORDER BY 1").fetchall()
    assert rows == [("1", 1234, 2345.5), ("2", 1234, 2345.5)]


def test_a_folder_without_exports_is_a_one_line_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from agilesocial.cli.app import app

    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not an export")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "empty"), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert "no export files found" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "w.duckdb").exists()
