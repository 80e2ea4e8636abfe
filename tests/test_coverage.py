"""Export coverage: which days each ingested export covered, recorded at ingest and backfilled by the migration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from agilesocial.warehouse.connection import warehouse
from agilesocial.warehouse.coverage import Coverage, covered_days, filename_range
from agilesocial.warehouse.ingest import ingest_paths
from agilesocial.warehouse.schema import MIGRATIONS, SCHEMA_VERSION
from its_support import daily_rows, x_export

D = dt.date


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tweet_activity_metrics_nw_20211001_20211031_en.csv", (D(2021, 10, 1), D(2021, 10, 31))),
        ("facebook_posts_Sep-28-2026_Nov-22-2026.csv", (D(2026, 9, 28), D(2026, 11, 22))),
        ("posts 2026-01-01 to 2026-02-15.csv", (D(2026, 1, 1), D(2026, 2, 15))),
        ("tweet_activity_metrics_nw_20211031_20211001_en.csv", None),  # reversed: not a range
        ("tweet_activity_metrics_nw_20211301_20211331_en.csv", None),  # no month 13
        ("youtube_table_data.csv", None),
    ],
)
def test_filename_range(name: str, expected: tuple[dt.date, dt.date] | None) -> None:
    assert filename_range(name) == expected


def test_ingest_records_the_file_name_range_widened_by_the_rows(tmp_path: Path) -> None:
    rows = daily_rows(D(2021, 10, 5), D(2021, 10, 20), lambda d: 0.02)
    # a tweet published just after the named range (late export): the rows widen the range
    rows.append((dt.datetime(2021, 11, 2, 9, tzinfo=dt.UTC), 900, 20))
    db = tmp_path / "w.duckdb"
    ingest_paths([x_export(tmp_path / "in", "nw", D(2021, 10, 1), D(2021, 10, 31), rows)], db=db)
    with warehouse(db, read_only=True) as con:
        got = con.execute("SELECT platform, account, target_table, first_day, last_day, source FROM export_coverage")
        assert got.fetchall() == [("x", "nw", "posts", D(2021, 10, 1), D(2021, 11, 2), "file_name")]
        cov = covered_days(con, "x", "NW", D(2021, 9, 25), D(2021, 11, 5))
        assert cov.known and cov.exports == ("x",)
        assert min(cov.days) == D(2021, 10, 1) and max(cov.days) == D(2021, 11, 2) and len(cov.days) == 33
        assert cov.missing(D(2021, 9, 25), D(2021, 11, 5)) == [
            (D(2021, 9, 25), D(2021, 9, 30)),
            (D(2021, 11, 3), D(2021, 11, 5)),
        ]
        assert not covered_days(con, "x", "someone-else", D(2021, 10, 1), D(2021, 10, 2)).known
        assert not covered_days(con, "facebook", None, D(2021, 10, 1), D(2021, 10, 2)).days


def test_migration_backfills_coverage_of_an_existing_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ)")
    con.execute(MIGRATIONS[0])
    con.execute("INSERT INTO schema_migrations VALUES (1, now())")
    con.execute(
        "INSERT INTO ingests VALUES (1, '/x.csv', 'x.csv', 'abc', 'x', 'x', 'nw', 'posts', 2, 2, 0, now(), now(), '0')"
    )
    for pid, when in (("1", "2021-10-03 10:00+00"), ("2", "2021-10-09 23:00+00")):
        con.execute(
            "INSERT INTO posts (platform, account, post_id, published_at, ingest_id) VALUES ('x', 'nw', ?, ?, 1)",
            [pid, when],
        )
    con.close()
    with warehouse(db) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (SCHEMA_VERSION,)
        rows = con.execute("SELECT ingest_id, first_day, last_day, source FROM export_coverage").fetchall()
    assert rows == [(1, D(2021, 10, 3), D(2021, 10, 9), "backfill")]


def test_runs_of_missing_days() -> None:
    cov = Coverage(frozenset({D(2026, 1, 2), D(2026, 1, 3), D(2026, 1, 6)}), True)
    assert cov.missing(D(2026, 1, 1), D(2026, 1, 7)) == [
        (D(2026, 1, 1), D(2026, 1, 1)),
        (D(2026, 1, 4), D(2026, 1, 5)),
        (D(2026, 1, 7), D(2026, 1, 7)),
    ]
    assert cov.missing(D(2026, 1, 2), D(2026, 1, 3)) == []


def test_coverage_migration_is_idempotent(tmp_path: Path) -> None:
    """A warehouse whose coverage table exists already (made while the migration had another number) keeps its rows."""
    coverage = next(m for m in MIGRATIONS if "export_coverage" in m)
    db = tmp_path / "w.duckdb"
    rows = daily_rows(D(2021, 10, 5), D(2021, 10, 20), lambda d: 0.02)
    ingest_paths([x_export(tmp_path / "in", "nw", D(2021, 10, 1), D(2021, 10, 31), rows)], db=db)
    with warehouse(db) as con:
        con.execute(coverage)
        got = con.execute("SELECT first_day, last_day, source FROM export_coverage").fetchall()
    assert got == [(D(2021, 10, 1), D(2021, 10, 31), "file_name")]
