"""Each fixture export (one per real shape and quirk) loads with the right values, checked field by field."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from agilesocial.errors import DataError
from agilesocial.warehouse.ingest import IngestReport, ingest_paths

FIX = Path(__file__).parent / "fixtures" / "exports"


def load(tmp_path: Path, *names: str, **kwargs: Any) -> tuple[IngestReport, duckdb.DuckDBPyConnection]:
    db = tmp_path / "w.duckdb"
    kwargs.setdefault("timezone", "Europe/Amsterdam")
    report = ingest_paths([FIX / n for n in names], db=db, **kwargs)
    for f in report.files:
        assert f.error is None, f.error
    return report, duckdb.connect(str(db), read_only=True)


def post(con: duckdb.DuckDBPyConnection, platform: str, post_id: str) -> dict[str, Any]:
    cur = con.execute(
        "SELECT p.*, m.* EXCLUDE (platform, post_id, ingest_id)"
        " FROM posts p JOIN post_metrics m USING (platform, post_id)"
        " WHERE platform = ? AND post_id = ? ORDER BY m.metric_date DESC LIMIT 1",
        [platform, post_id],
    )
    row = cur.fetchone()
    assert row is not None, f"{platform}/{post_id} not loaded"
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_x_tweet_activity(tmp_path: Path) -> None:
    report, con = load(tmp_path, "tweet_activity_metrics_nwtest_20261101_20261130_en.csv")
    f = report.files[0]
    assert (f.profile, f.shape, f.target_table, f.rows_read, f.rows_loaded) == ("x", "x_posts", "posts", 2, 2)
    assert "engagement rate" in f.ignored_columns and "promoted impressions" in f.ignored_columns
    p = post(con, "x", "1465756489342029825")  # > 2**53: kept exactly, as text
    assert p["account"] == "nwtest"  # from the file name
    assert p["text"] == "Tip, with a comma\nand a newline #NWtip #brew 🎉"
    assert p["hashtags"] == ["brew", "nwtip"]
    assert p["published_at"] == utc(2026, 11, 2, 16, 0)
    assert p["permalink"] == "https://twitter.com/nwtest/status/1465756489342029825"
    assert (p["kind"], p["metric_date"]) == ("lifetime", date(2026, 11, 30))  # the file name's end date
    assert (p["impressions"], p["engagements"], p["likes"], p["comments"], p["shares"]) == (1777, 25, 12, 3, 2)
    assert (p["profile_clicks"], p["link_clicks"], p["follows"], p["video_views"]) == (4, 4, 1, None)
    q = post(con, "x", "1465756489342029826")
    assert q["published_at"] == utc(2026, 11, 3, 7, 5)  # +0100 honoured
    assert q["link_clicks"] is None  # '-' is NULL, not 0
    assert q["engagements"] == 1  # the export's own count; the rate 8.03E-4 is not stored


def test_x_old_export_favorites_bookmarks_and_snapshot_history(tmp_path: Path) -> None:
    _, con = load(
        tmp_path,
        "tweet_activity_metrics_nwtest_20261101_20261115_en.csv",
        "tweet_activity_metrics_nwtest_20261101_20261130_en.csv",
    )
    rows = con.execute(
        "SELECT metric_date, impressions, likes, saves FROM post_metrics WHERE post_id = '1465756489342029825'"
        " ORDER BY metric_date"
    ).fetchall()
    assert rows == [(date(2026, 11, 15), 1000, 5, 7), (date(2026, 11, 30), 1777, 12, None)]
    latest = con.execute("SELECT as_of, impressions FROM post_latest WHERE post_id = '1465756489342029825'").fetchall()
    assert latest == [(date(2026, 11, 30), 1777)]


def test_x_daily_goes_to_account_daily(tmp_path: Path) -> None:
    report, con = load(tmp_path, "daily_tweet_activity_metrics_nwtest_20261101_20261130_en.csv")
    assert (report.files[0].shape, report.files[0].target_table) == ("x_daily", "account_daily")
    rows = con.execute(
        "SELECT account, date, posts_published, impressions, engagements, likes, new_followers FROM account_daily"
        " ORDER BY date"
    ).fetchall()
    assert rows == [("nwtest", date(2026, 11, 2), 1, 1777, 25, 12, 1), ("nwtest", date(2026, 11, 3), 1, 1245, 1, 1, 0)]
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (0,)


def test_facebook_meta_business_suite(tmp_path: Path) -> None:
    report, con = load(tmp_path, "facebook_posts_Nov-01-2026_Nov-30-2026.csv")
    assert report.files[0].profile == "facebook"
    assert "Estimated earnings (USD)" in report.files[0].ignored_columns
    p = post(con, "facebook", "122158000000000001")
    assert p["account"] == "Northwind Coffee"
    assert p["post_type"] == "Reels"
    assert p["labels"] == ["reels-test", "brew guide"]
    assert p["hashtags"] == ["brewguide", "nwdaily"]
    assert p["published_at"] == utc(2026, 11, 2, 8, 15)  # 09:15 in the page's zone (Amsterdam, CET)
    assert p["kind"] == "lifetime" and p["metric_date"] == date.today()  # 'Lifetime': snapshot = ingest date
    # 'Views' (2025+) fills impressions when there is no Impressions column; '2,345' has a thousands separator
    assert (p["impressions"], p["views"], p["reach"]) == (2345, 2345, 1900)
    assert (p["engagements"], p["likes"], p["comments"], p["shares"]) == (101, 80, 6, 15)
    assert (p["clicks"], p["link_clicks"], p["video_views"], p["watch_time_seconds"]) == (40, 0, 1500, 12000.0)
    q = post(con, "facebook", "122158000000000002")
    assert q["published_at"] == utc(2026, 3, 7, 2, 30)  # '3/7/2026 3:30': no leading zeros
    assert q["labels"] is None and q["hashtags"] == []
    assert q["watch_time_seconds"] is None


def test_facebook_newer_export_upserts(tmp_path: Path) -> None:
    _, con = load(tmp_path, "facebook_posts_Nov-01-2026_Nov-30-2026.csv", "facebook_posts_later.csv")
    p = post(con, "facebook", "122158000000000001")
    assert (p["impressions"], p["views"], p["engagements"], p["likes"]) == (3000, 3100, 150, 120)
    assert p["labels"] == ["reels-test"]
    assert con.execute("SELECT count(*) FROM post_metrics WHERE post_id = '122158000000000001'").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (2,)


@pytest.mark.parametrize(
    ("name", "value"),
    [("facebook_excel_resaved.csv", "122158000000000000.00"), ("facebook_excel_scientific.csv", "1.22158E+17")],
)
def test_excel_mangled_ids_are_refused(tmp_path: Path, name: str, value: str) -> None:
    report = ingest_paths([FIX / name], db=tmp_path / "w.duckdb")
    error = report.files[0].error or ""
    assert value in error and "mangled" in error and "Excel" in error
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM ingests").fetchone() == (0,)


def test_instagram_posts(tmp_path: Path) -> None:
    report, con = load(tmp_path, "instagram_posts.csv")
    assert report.files[0].profile == "instagram"
    p = post(con, "instagram", "17900000000000001")
    assert (p["account"], p["post_type"], p["hashtags"]) == ("northwindcoffee", "IG carousel", ["asknorthwind"])
    assert p["published_at"] == utc(2026, 11, 5, 17, 30)
    assert (p["impressions"], p["reach"], p["likes"], p["comments"], p["shares"], p["saves"]) == (
        1500,
        1200,
        60,
        9,
        3,
        14,
    )
    assert (p["follows"], p["video_views"]) == (2, None)
    assert p["engagements"] == 60 + 9 + 3 + 14  # no engagement column: likes + comments + shares + saves
    q = post(con, "instagram", "17900000000000002")
    assert q["shares"] is None and q["engagements"] == 200 + 4 + 30 and q["video_views"] == 3900


def test_instagram_daily_utf16(tmp_path: Path) -> None:
    report, con = load(tmp_path, "instagram_daily_follows.csv", account="northwindcoffee")
    assert (report.files[0].shape, report.files[0].target_table) == ("instagram_daily", "account_daily")
    rows = con.execute("SELECT platform, account, date, new_followers FROM account_daily ORDER BY date").fetchall()
    assert rows == [
        ("instagram", "northwindcoffee", date(2026, 11, 1), 12),
        ("instagram", "northwindcoffee", date(2026, 11, 2), 7),
    ]


def test_account_level_without_account_is_refused_naming_the_profile(tmp_path: Path) -> None:
    report = ingest_paths([FIX / "instagram_daily_follows.csv"], db=tmp_path / "w.duckdb")
    error = report.files[0].error or ""
    assert "instagram" in error and "account-level" in error and "--account" in error


def test_facebook_insights_legacy_two_header_rows(tmp_path: Path) -> None:
    report, con = load(tmp_path, "facebook_insights_posts.csv")
    assert (report.files[0].profile, report.files[0].rows_read) == ("facebook_insights", 2)
    p = post(con, "facebook", "104512345678901_1001")
    assert p["published_at"] == utc(2016, 11, 2, 8, 15)  # 09:15:00 AM Amsterdam
    assert (p["reach"], p["impressions"], p["engagements"], p["clicks"]) == (1200, 1500, 60, 55)  # first 'Reach' wins
    assert p["post_type"] == "Photo" and p["hashtags"] == ["throwback"]
    assert post(con, "facebook", "104512345678901_1002")["published_at"] == utc(2016, 11, 3, 18, 45)  # 07:45 PM


def test_facebook_insights_page_level_cp1252(tmp_path: Path) -> None:
    report, con = load(tmp_path, "facebook_insights_page.csv", account="Northwind Coffee")
    assert report.files[0].shape == "facebook_insights_page"
    rows = con.execute(
        "SELECT date, followers, new_followers, engagements, reach, impressions FROM account_daily ORDER BY date"
    ).fetchall()
    assert rows == [(date(2014, 2, 27), 1500, 3, 40, 900, 1300), (date(2014, 2, 28), 1503, 3, 35, 850, 1200)]
    assert "Daily Likes by Country - café" in report.files[0].ignored_columns


def test_linkedin_description_line_and_urn(tmp_path: Path) -> None:
    report, con = load(tmp_path, "linkedin_content.csv")
    assert report.files[0].profile == "linkedin"
    p = post(con, "linkedin", "urn:li:activity:7260000000000000001")
    assert p["text"] == "Farm to cup, part 1"
    assert p["published_at"] == utc(2026, 11, 1, 23, 0)  # a date: midnight in the project's zone
    assert (p["impressions"], p["clicks"], p["likes"], p["comments"], p["shares"], p["follows"]) == (
        1200,
        30,
        20,
        2,
        1,
        1,
    )
    assert (
        p["engagements"] == 30 + 20 + 2 + 1 + 1
    )  # LinkedIn's definition: clicks + reactions + comments + reposts + follows


def test_linkedin_semicolon_decimal_comma(tmp_path: Path) -> None:
    _, con = load(tmp_path, "linkedin_content_semicolon.csv")
    p = post(con, "linkedin", "urn:li:activity:7260000000000000002")
    assert (p["impressions"], p["clicks"], p["follows"]) == (1234, 12, 0)  # '1.234' with '.' as thousands


def test_tiktok_content(tmp_path: Path) -> None:
    _, con = load(tmp_path, "tiktok_content.csv")
    p = post(con, "tiktok", "7430000000000000001")
    assert p["permalink"] == "https://www.tiktok.com/@northwindcoffee/video/7430000000000000001"
    assert (p["video_views"], p["likes"], p["comments"], p["shares"], p["follows"], p["reach"]) == (
        5000,
        300,
        12,
        9,
        7,
        4500,
    )
    assert p["watch_time_seconds"] == 5000.0  # '1:23:20'
    assert p["post_type"] == "video" and p["hashtags"] == ["coffeetok"]


def test_tiktok_overview_needs_year(tmp_path: Path) -> None:
    report = ingest_paths([FIX / "tiktok_overview.csv"], db=tmp_path / "w.duckdb", account="nw")
    assert "has no year" in (report.files[0].error or "") and "--year" in (report.files[0].error or "")
    _, con = load(tmp_path, "tiktok_overview.csv", account="nw", year=2026)
    rows = con.execute(
        "SELECT date, video_views, profile_views, likes, comments FROM account_daily ORDER BY 1"
    ).fetchall()
    assert rows == [(date(2026, 11, 2), 5000, 120, 300, 12), (date(2026, 11, 3), 4000, 80, 200, None)]


def test_youtube_table_data_total_row_and_quirks(tmp_path: Path) -> None:
    report, con = load(tmp_path, "youtube_table_data.csv")
    assert report.files[0].rows_read == 2  # the Total row is not a post
    assert con.execute("SELECT count(*) FROM posts WHERE post_id ILIKE 'total'").fetchone() == (0,)
    p = post(con, "youtube", "dQw4w9WgXcQ")  # leading space trimmed
    assert p["permalink"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert p["published_at"] == utc(2026, 9, 26, 22, 0)  # 'Sep 27, 2026' at midnight, Amsterdam (CEST)
    assert (p["video_views"], p["impressions"], p["subscribers"], p["likes"], p["comments"], p["shares"]) == (
        1000,
        15000,
        -2,
        50,
        4,
        3,
    )
    assert p["watch_time_seconds"] == pytest.approx(36900.0)  # 10.25 hours
    assert post(con, "youtube", "abcDEF12345")["published_at"] is None


def test_youtube_chart_data_daily_rows(tmp_path: Path) -> None:
    _, con = load(tmp_path, "youtube_chart_data.csv")
    rows = con.execute("SELECT kind, metric_date, video_views FROM post_metrics ORDER BY metric_date").fetchall()
    assert rows == [("daily", date(2026, 4, 27), 35), ("daily", date(2026, 6, 10), 40)]
    assert con.execute("SELECT video_views FROM post_latest").fetchall() == [(75,)]


def test_generic_mapping(tmp_path: Path) -> None:
    report, con = load(tmp_path, "generic_mastodon.csv", mapping=FIX / "generic_mastodon.yaml")
    assert report.files[0].profile == "generic"
    p = post(con, "mastodon", "110000000000000001")
    assert p["account"] == "northwind@mastodon.social"
    assert p["published_at"] == utc(2026, 11, 2, 8, 15)  # Europe/Berlin from the mapping
    assert (p["shares"], p["likes"], p["comments"], p["impressions"]) == (1234, 12, 3, 10500)
    assert p["labels"] == ["brew", "test"] and p["hashtags"] == ["kaffee"]
    q = post(con, "mastodon", "110000000000000002")
    assert q["comments"] is None and q["labels"] is None


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    report, con = load(tmp_path, "empty.csv", "header_only_instagram.csv")
    empty, header_only = report.files
    assert (empty.rows_read, empty.note) == (0, "empty file: nothing to load")
    assert (header_only.profile, header_only.rows_read, header_only.rows_loaded) == ("instagram", 0, 0)
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (0,)


def test_bom_and_crlf_variants_of_the_same_file(tmp_path: Path) -> None:
    raw = (FIX / "instagram_posts.csv").read_bytes().removeprefix(b"\xef\xbb\xbf")
    (tmp_path / "a.csv").write_bytes(raw.replace(b"\n", b"\r\n"))
    (tmp_path / "b.csv").write_bytes(raw.decode().encode("utf-16"))
    db = tmp_path / "w.duckdb"
    report = ingest_paths([tmp_path / "a.csv"], db=db)
    assert report.files[0].rows_loaded == 2
    report = ingest_paths([tmp_path / "b.csv"], db=tmp_path / "w2.duckdb")
    assert report.files[0].rows_loaded == 2
    con = duckdb.connect(str(tmp_path / "w2.duckdb"), read_only=True)
    assert con.execute("SELECT text FROM posts ORDER BY post_id").fetchall()[0] == ("What's your ratio? #AskNorthwind",)


def test_forced_profile_that_does_not_fit(tmp_path: Path) -> None:
    shutil.copy(FIX / "instagram_posts.csv", tmp_path / "ig.csv")
    report = ingest_paths([tmp_path / "ig.csv"], db=tmp_path / "w.duckdb", profile="tiktok")
    error = report.files[0].error or ""
    assert "does not look like a tiktok export" in error and "instagram" in error


def test_unknown_profile_name(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown profile"):
        ingest_paths([FIX / "instagram_posts.csv"], db=tmp_path / "w.duckdb", profile="myspace")


def test_older_export_ingested_after_a_newer_one_the_same_day_does_not_roll_metrics_back(tmp_path: Path) -> None:
    """Both lifetime snapshots land on the ingest date; lifetime totals only grow, so the newer values stay."""
    _, con = load(tmp_path, "facebook_posts_later.csv", "facebook_posts_Nov-01-2026_Nov-30-2026.csv")
    p = post(con, "facebook", "122158000000000001")
    assert (p["impressions"], p["views"], p["engagements"], p["likes"]) == (3000, 3100, 150, 120)
    assert con.execute("SELECT count(*) FROM post_metrics WHERE post_id = '122158000000000001'").fetchone() == (1,)
