"""LinkedIn page exports (daily content metrics, daily new followers, the "All posts" sheet) as CSV and inside the
`.xls` / `.xlsx` workbooks LinkedIn ships, and the error for a file whose header cannot be found."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.errors import DataError
from agilesocial.warehouse.ingest import ingest_paths
from agilesocial.warehouse.sniff import sniff
from agilesocial.warehouse.workbook import cell_text

FIX = Path(__file__).parent / "fixtures" / "exports"


def load(tmp_path: Path, *paths: Path, **kwargs: Any) -> tuple[Any, duckdb.DuckDBPyConnection]:
    db = tmp_path / "w.duckdb"
    report = ingest_paths(list(paths), db=db, timezone="UTC", **kwargs)
    for f in report.files:
        assert f.error is None, f.error
    return report, duckdb.connect(str(db), read_only=True)


def test_daily_content_metrics_land_in_account_daily(tmp_path: Path) -> None:
    report, con = load(tmp_path, FIX / "linkedin_content_metrics.csv", account="northwind")
    f = report.files[0]
    assert (f.platform, f.shape, f.target_table, f.rows_loaded) == (
        "linkedin",
        "linkedin_content_daily",
        "account_daily",
        2,
    )
    rows = con.execute(
        "SELECT date, impressions, reach, likes, comments, shares FROM account_daily ORDER BY 1"
    ).fetchall()
    assert rows == [(date(2025, 12, 31), 420, 300, 20, 2, 1), (date(2026, 1, 1), 480, 290, 16, 1, 0)]  # totals
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (0,)


def test_daily_new_followers_are_not_a_follower_count(tmp_path: Path) -> None:
    report, con = load(tmp_path, FIX / "linkedin_followers_daily.csv", account="northwind")
    assert report.files[0].shape == "linkedin_followers_daily"
    rows = con.execute("SELECT date, new_followers, followers FROM account_daily ORDER BY 1").fetchall()
    assert rows == [(date(2025, 12, 31), 3, None), (date(2026, 1, 1), -1, None), (date(2026, 1, 2), 5, None)]


def test_all_posts_with_views_content_type_and_posted_by(tmp_path: Path) -> None:
    report, con = load(tmp_path, FIX / "linkedin_all_posts_2025.csv")
    assert (report.files[0].shape, report.files[0].rows_loaded) == ("linkedin_posts", 2)
    rows = con.execute(
        "SELECT post_id, published_at, post_type, impressions, views, clicks, engagements"
        " FROM posts JOIN post_metrics USING (platform, post_id) ORDER BY post_id"
    ).fetchall()
    assert rows == [
        ("urn:li:activity:7410000000000000001", datetime(2025, 12, 2, tzinfo=UTC), "Video", 2400, 310, 60, 111),
        ("urn:li:ugcPost:7410000000000000002", datetime(2025, 12, 9, tzinfo=UTC), "Image", 5100, None, 140, 182),
    ]
    assert "Posted by" in report.files[0].ignored_columns and "Offsite Views" in report.files[0].ignored_columns


def _linkedin_content_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    metrics = book.active
    metrics.title = "Metrics"
    metrics.append(["Aggregated metrics for Northwind Coffee Roasters"])
    metrics.append(["Date", "Impressions (organic)", "Impressions (sponsored)", "Impressions (total)",
                    "Unique impressions (organic)", "Clicks (total)", "Reactions (total)", "Comments (total)",
                    "Reposts (total)", "Engagement rate (total)"])  # fmt: skip
    metrics.append(["12/30/2025", 100, 0, 100, 80, 3, 5, 1, 0, 0.09])
    metrics.append([datetime(2025, 12, 31), 150, 10, 160, 120, 4, 6, 0, 1, 0.069])  # a real date cell
    posts = book.create_sheet("All posts")
    posts.append(["Post performance for the page, 12/01/2025 - 12/31/2025"])
    posts.append(["Post title", "Post link", "Post type", "Posted by", "Created date", "Impressions", "Views",
                  "Clicks", "Likes", "Comments", "Reposts", "Follows", "Content Type"])  # fmt: skip
    posts.append(["Winter blend\nexplained, part 2", "https://www.linkedin.com/feed/update/urn:li:activity:7410000000000000009",
                  "Organic", "Dana", datetime(2025, 12, 3), 900, None, 20, 15, 2, 1, 0, "Text"])  # fmt: skip
    notes = book.create_sheet("Read me")
    notes.append(["This workbook was exported from LinkedIn"])
    book.create_sheet("Empty")
    book.save(path)


def test_xlsx_workbook_every_known_sheet_reported_separately(tmp_path: Path) -> None:
    path = tmp_path / "northwind-coffee_content_1735689600000.xlsx"
    _linkedin_content_workbook(path)
    report, con = load(tmp_path, path)
    assert [(Path(f.path).name, f.shape, f.target_table, f.rows_loaded, f.account) for f in report.files] == [
        (f"{path.name}[Metrics]", "linkedin_content_daily", "account_daily", 2, "northwind-coffee"),
        (f"{path.name}[All posts]", "linkedin_posts", "posts", 1, "northwind-coffee"),
    ]
    assert report.files[0].notes == ["sheets not loaded (no known export in them): Read me, Empty"]
    assert con.execute("SELECT date, impressions, reach FROM account_daily ORDER BY 1").fetchall() == [
        (date(2025, 12, 30), 100, 80),
        (date(2025, 12, 31), 160, 120),
    ]
    assert con.execute("SELECT post_id, text, published_at FROM posts").fetchall() == [
        ("urn:li:activity:7410000000000000009", "Winter blend\nexplained, part 2", datetime(2025, 12, 3, tzinfo=UTC))
    ]
    assert not list(tmp_path.glob(".agile-social-sheet-*"))  # the sheets' temporary CSVs are gone
    con.close()
    again = ingest_paths([tmp_path], db=tmp_path / "w.duckdb")  # a folder: workbooks are found too
    assert [f.already_ingested for f in again.files] == [True, True]


def test_real_xls_workbook_from_the_fixture(tmp_path: Path) -> None:
    """A BIFF8 .xls (LibreOffice-converted): date cells, a -1 day, two demographics sheets skipped."""
    path = tmp_path / "northwind-coffee_followers_1735689600000.xls"
    shutil.copy(FIX / "linkedin_followers.xls", path)
    report, con = load(tmp_path, path)
    (f,) = report.files
    assert (f.platform, f.shape, f.target_table, f.rows_loaded, f.account) == (
        "linkedin",
        "linkedin_followers_daily",
        "account_daily",
        3,
        "northwind-coffee",
    )
    assert f.notes == ["sheets not loaded (no known export in them): Location, Seniority"]
    rows = con.execute("SELECT account, date, new_followers FROM account_daily ORDER BY date").fetchall()
    assert rows == [
        ("northwind-coffee", date(2025, 12, 30), 2),
        ("northwind-coffee", date(2025, 12, 31), -1),
        ("northwind-coffee", date(2026, 1, 1), 6),
    ]


def test_workbook_with_no_known_sheet_and_a_broken_one(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Location", "Total followers"])
    book.create_sheet("Industry").append(["Industry", "Total followers"])
    book.save(tmp_path / "demographics.xlsx")
    (tmp_path / "broken.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    report = ingest_paths([tmp_path / "demographics.xlsx", tmp_path / "broken.xls"], db=tmp_path / "w.duckdb")
    demo, broken = (f.error or "" for f in report.files)
    assert "no sheet of this workbook holds a known export (sheets: Sheet, Industry)" in demo
    assert "broken.xls: cannot read the workbook" in broken


def test_a_spreadsheet_number_id_is_refused_not_rounded(tmp_path: Path) -> None:
    assert cell_text(122158000000000001.0) == "1.22158e+17"  # what Excel keeps of an 18-digit id
    assert (cell_text(42.0), cell_text(0.025), cell_text(datetime(2025, 1, 2, 3, 4))) == (
        "42",
        "0.025",
        "2025-01-02 03:04:00",
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Post ID", "Page name", "Publish time", "Post type", "Views"])
    sheet.append([122158000000000001.0, "Northwind", "11/02/2026 09:15", "Photos", 10])
    book.save(tmp_path / "fb.xlsx")
    report = ingest_paths([tmp_path / "fb.xlsx"], db=tmp_path / "w.duckdb")
    assert "was mangled by a spreadsheet" in (report.files[0].error or "")


def test_cli_ingest_of_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "content.xlsx"
    _linkedin_content_workbook(path)
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(tmp_path / "w.duckdb"), "-a", "nw"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "content.xlsx[Metrics] │ linkedin │ 2 │ 2 │ 0 │ -> account_daily" in flat
    assert "content.xlsx[All posts] │ linkedin │ 1 │ 1 │ 0 │ -> posts" in flat
    long = tmp_path / "northwind-coffee_content_1735689600000.xlsx"  # the page name comes from LinkedIn's name
    _linkedin_content_workbook(long)
    result = CliRunner().invoke(app, ["ingest", str(long), "--db", str(tmp_path / "w2.duckdb")])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "northwind-coffee_content…[Metrics] │ linkedin │" in flat  # a long name keeps its sheet in the table
    assert "northwind-coffee_conte…[All posts] │ linkedin │" in flat


def test_no_header_in_a_damaged_file_says_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_text(
        'slow mornings ☕",https://www.tiktok.com/@nw/video/1,July 16,10,1,2,100\n'
        '"Another one\nacross lines",https://www.tiktok.com/@nw/video/2,July 17,1,1,1,1\n'
    )
    with pytest.raises(DataError) as caught:
        sniff(path)
    assert caught.value.message == (
        "no known header in the first 3 lines; the file looks damaged (a quoted field runs across lines at line 1)"
    )
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("Caption,Reactions\nhello,1\n")
    with pytest.raises(DataError) as caught:
        sniff(unknown)
    assert caught.value.message == (
        "no known header in the first 2 lines: cannot tell which export this is (line 1: Caption, Reactions)"
    )


def test_older_update_naming(tmp_path: Path) -> None:
    path = tmp_path / "northwind_updates_1577836800000.csv"
    path.write_text(
        "Update title,Update link,Update type,Posted by,Created date,Impressions,Video views,Clicks,Likes,Comments,"
        "Shares,Follows\n"
        "Hello,https://www.linkedin.com/feed/update/urn:li:activity:6600000000000000001,Organic,Dana,01/02/2020,"
        "500,40,9,8,1,2,0\n"
    )
    report, con = load(tmp_path, path)
    assert (report.files[0].shape, report.files[0].account) == ("linkedin_posts", "northwind")
    row = con.execute("SELECT text, views, shares, engagements FROM posts JOIN post_metrics USING (post_id)").fetchone()
    assert row == ("Hello", 40, 2, 9 + 8 + 1 + 2 + 0)
