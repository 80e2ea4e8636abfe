"""Profile detection by signature sets, header sniffing, encodings, and the demo sample exports."""

from __future__ import annotations

import filecmp
from pathlib import Path

import duckdb
import pytest

from agilesocial.demo.samples import OUT as DEMO_EXPORTS
from agilesocial.demo.samples import generate
from agilesocial.errors import DataError
from agilesocial.warehouse.ingest import ingest_paths
from agilesocial.warehouse.profiles import SHAPES, best_shape, metric_from_title, norm, resolve_columns, shapes_for
from agilesocial.warehouse.sniff import detect_encoding, sniff

FIX = Path(__file__).parent / "fixtures" / "exports"


@pytest.mark.parametrize(
    ("name", "shape", "skip", "delimiter"),
    [
        ("tweet_activity_metrics_nwtest_20261101_20261130_en.csv", "x_posts", 1, ","),
        ("daily_tweet_activity_metrics_nwtest_20261101_20261130_en.csv", "x_daily", 1, ","),
        ("facebook_posts_Nov-01-2026_Nov-30-2026.csv", "facebook_posts", 1, ","),
        ("facebook_posts_later.csv", "facebook_posts", 1, ","),
        ("facebook_excel_resaved.csv", "facebook_posts", 1, ","),
        ("instagram_posts.csv", "instagram_posts", 1, ","),
        ("instagram_daily_follows.csv", "instagram_daily", 3, ","),
        ("facebook_insights_posts.csv", "facebook_insights_posts", 2, ","),
        ("facebook_insights_page.csv", "facebook_insights_page", 2, ","),
        ("linkedin_content.csv", "linkedin_posts", 2, ","),
        ("linkedin_content_semicolon.csv", "linkedin_posts", 2, ";"),
        ("tiktok_content.csv", "tiktok_posts", 1, ","),
        ("tiktok_overview.csv", "tiktok_overview", 1, ","),
        ("youtube_table_data.csv", "youtube_table", 1, ","),
        ("youtube_chart_data.csv", "youtube_chart", 1, ","),
    ],
)
def test_detection(name: str, shape: str, skip: int, delimiter: str) -> None:
    layout = sniff(FIX / name)
    try:
        assert layout.shape is not None
        assert (layout.shape.name, layout.skip, layout.delimiter) == (shape, skip, delimiter)
    finally:
        layout.cleanup()


def test_signature_is_a_set_not_a_tuple() -> None:
    header = ["Reach", "Views", "Publish time", "Some new 2027 column", "Page name", "Post ID", "Post type"]
    shape = best_shape(header)
    assert shape is not None and shape.name == "facebook_posts"
    used, ignored = resolve_columns(shape, header)
    assert used["impressions"][0] == 1 and used["views"][0] == 1  # Views fills impressions when it is missing
    assert ignored == ["Some new 2027 column"]
    assert best_shape(["Post ID", "Reach", "Views"]) is None  # too little to tell


def test_norm_survives_excel_and_case() -> None:
    assert norm("\ufeffDuration (sec)") == norm("duration sec") == "duration sec"
    assert norm('"Reactions, Comments and Shares"') == norm("reactions,  comments and shares")


def test_every_profile_has_shapes() -> None:
    for name in ("x", "facebook", "facebook_insights", "instagram", "linkedin", "tiktok", "youtube"):
        assert shapes_for(name)
    assert len({s.name for s in SHAPES}) == len(SHAPES)


def test_encodings(tmp_path: Path) -> None:
    text = "Post ID,Account username,Publish time,Date,Views\n1,nw,11/05/2026 18:30,Lifetime,5\n"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf" + text.encode()) == "utf-8-sig"
    assert detect_encoding(text.encode("utf-16-le")) == "utf-16-le"  # no BOM: NUL pattern
    assert detect_encoding(text.encode("utf-16")) == "utf-16"
    assert detect_encoding(("Caf\u00e9 " + text).encode("cp1252")) == "cp1252"
    path = tmp_path / "ig.csv"
    path.write_bytes(text.replace("Views\n1", "Views\n\u20ac1").encode("utf-16-le"))
    layout = sniff(path)
    assert layout.temp and layout.read_path != path and layout.shape is not None
    assert layout.read_path.read_text(encoding="utf-8").startswith("Post ID")
    layout.cleanup()
    assert not layout.read_path.exists()


def test_sep_line_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('sep=;\n"Date";"Video Views";"Profile Views"\n"2026-11-02";"1.234";"5"\n')
    report = ingest_paths([path], db=tmp_path / "w.duckdb", account="nw")
    assert report.files[0].error is None
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT video_views, profile_views FROM account_daily").fetchall() == [(1234, 5)]


def test_unrecognised_header(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(DataError, match="cannot tell which export this is"):
        sniff(path)


def test_metric_from_title() -> None:
    assert metric_from_title('"Instagram follows"') == "new_followers"
    assert metric_from_title("Profile visits") == "profile_views"
    assert metric_from_title("Reach") == "reach"
    assert metric_from_title("Mystery") is None


def test_demo_samples_are_reproducible(tmp_path: Path) -> None:
    written = generate(tmp_path)
    committed = sorted(DEMO_EXPORTS.glob("*.csv"))
    assert [p.name for p in written] == [p.name for p in committed]
    for new, old in zip(written, committed, strict=True):
        assert filecmp.cmp(new, old, shallow=False), f"{old.name} differs from its generator"
    examples = Path(__file__).parents[1] / "examples" / "exports"
    assert sorted(p.name for p in examples.glob("*.csv")) == [p.name for p in committed]


def test_demo_exports_load_once_and_fit_the_sprint(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = ingest_paths([DEMO_EXPORTS], db=db, timezone="Europe/Amsterdam")
    assert not first.errors and {f.profile for f in first.files} == {
        "x",
        "facebook",
        "facebook_insights",
        "instagram",
        "linkedin",
        "tiktok",
        "youtube",
    }
    second = ingest_paths([DEMO_EXPORTS, DEMO_EXPORTS], db=db, timezone="Europe/Amsterdam")
    assert all(f.already_ingested for f in second.files) and second.rows_loaded == 0
    con = duckdb.connect(str(db), read_only=True)
    sprint = "published_at >= TIMESTAMPTZ '2026-10-26 00:00+01' AND published_at < TIMESTAMPTZ '2026-11-23 00:00+01'"
    types = dict(
        con.execute(
            f"SELECT post_type, count(*) FROM post_latest WHERE platform = 'facebook'"
            f" AND account = 'Northwind Coffee' AND {sprint} GROUP BY 1"
        ).fetchall()
    )
    assert types["Photos"] == 24 and types["Reels"] == 24
    rates = dict(
        con.execute(
            f"SELECT post_type, sum(engagements) / sum(impressions) FROM post_latest WHERE platform = 'facebook'"
            f" AND {sprint} AND post_type IN ('Photos', 'Reels') GROUP BY 1"
        ).fetchall()
    )
    assert 0.028 < rates["Photos"] < 0.04 and 0.04 < rates["Reels"] < 0.055
    tags = dict(
        con.execute(
            f"SELECT t, count(*) FROM (SELECT unnest(hashtags) AS t FROM post_latest WHERE {sprint}) GROUP BY 1"
        ).fetchall()
    )
    assert tags["nwdaily"] == 22 and tags["asknorthwind"] == 22 and tags["nwtip"] == 6 and tags["nwthread"] == 6
    days = con.execute("SELECT count(*), min(date), max(date) FROM account_daily WHERE platform = 'x'").fetchone()
    assert days is not None and days[0] == 49
