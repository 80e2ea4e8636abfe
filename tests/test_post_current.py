"""``post_current`` (maintained by ingest) holds exactly the rows the old ``post_latest`` view derived."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from agilesocial.warehouse.current import current_select
from agilesocial.warehouse.ingest import ingest_paths
from agilesocial.warehouse.schema import MIGRATIONS, SCHEMA_VERSION, migrate

FIX = Path(__file__).parent / "fixtures" / "exports"
X_EARLY = "tweet_activity_metrics_nwtest_20261101_20261115_en.csv"
X_LATE = "tweet_activity_metrics_nwtest_20261101_20261130_en.csv"
X_DEC = "tweet_activity_metrics_nwtest_20261101_20261231_en (1).csv"
FB_LATER = "facebook_posts_later.csv"
FB_EARLIER = "facebook_posts_Nov-01-2026_Nov-30-2026.csv"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(f"SELECT * FROM ({sql}) ORDER BY platform, post_id").fetchall()


def _check(db: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = _rows(con, "SELECT * FROM post_current")
        derived = _rows(con, current_select())  # the old view's query, over every stored snapshot
        assert stored == derived
        assert _rows(con, "SELECT * FROM post_latest") == stored
        keys = con.execute("SELECT count(*), count(DISTINCT (platform, post_id)) FROM post_current").fetchone()
        assert keys is not None and keys[0] == keys[1]  # one row per post
        return stored
    finally:
        con.close()


@pytest.mark.parametrize(
    "order",
    [
        [X_EARLY, X_LATE, FB_LATER, FB_EARLIER, "youtube_chart_data.csv", "instagram_posts.csv", X_EARLY],
        [X_DEC, X_LATE, X_EARLY, FB_EARLIER, FB_LATER, "tiktok_content.csv", "youtube_table_data.csv"],
    ],
    ids=["newer-later", "older-later"],
)
def test_post_current_equals_the_view_after_every_ingest(tmp_path: Path, order: list[str]) -> None:
    db = tmp_path / "w.duckdb"
    for name in order:
        report = ingest_paths([FIX / name], db=db, timezone="Europe/Amsterdam")
        assert all(f.error is None for f in report.files), report.files
        rows = _check(db)
    assert rows  # something was loaded
    con = duckdb.connect(str(db), read_only=True)
    latest = con.execute("SELECT as_of, impressions FROM post_current WHERE post_id = '1465756489342029825'").fetchall()
    newest = con.execute(
        "SELECT metric_date, impressions FROM post_metrics WHERE post_id = '1465756489342029825'"
        " ORDER BY metric_date DESC LIMIT 1"
    ).fetchall()
    con.close()
    assert latest == newest  # the latest snapshot wins whatever order the exports came in
    assert latest[0][0] >= date(2026, 11, 30)


def test_reingesting_a_changed_copy_refreshes_the_post(tmp_path: Path) -> None:
    """A re-export of the same period with higher totals replaces the same-date snapshot; post_current follows."""
    db = tmp_path / "w.duckdb"
    ingest_paths([FIX / X_LATE], db=db)
    text = (FIX / X_LATE).read_text(encoding="utf-8")
    assert '"1777.0"' in text
    changed = tmp_path / X_LATE
    changed.write_text(text.replace('"1777.0"', '"1999.0"'), encoding="utf-8")
    ingest_paths([changed], db=db)
    _check(db)
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT impressions FROM post_current WHERE post_id = '1465756489342029825'").fetchone()
    con.close()
    assert row == (1999,)


def test_an_older_warehouse_is_backfilled(tmp_path: Path) -> None:
    """A warehouse at the schema before post_current gets the table, filled from its stored snapshots."""
    db = tmp_path / "w.duckdb"
    ingest_paths([FIX / X_EARLY, FIX / X_LATE, FIX / FB_LATER, FIX / "youtube_chart_data.csv"], db=db)
    expected = _check(db)
    before = tmp_path / "old.duckdb"
    shutil.copy(db, before)
    con = duckdb.connect(str(before))
    con.execute("DROP VIEW post_latest")
    con.execute("DROP TABLE post_current")
    version = MIGRATIONS.index(next(m for m in MIGRATIONS if "CREATE TABLE post_current" in m))
    con.execute("DELETE FROM schema_migrations WHERE version > ?", [version])
    con.execute(f"CREATE VIEW post_latest AS {current_select()}")
    assert migrate(con) == version
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (SCHEMA_VERSION,)
    con.close()
    assert _check(before) == expected
