"""Ingest behaviour: idempotency, bad rows, rejects, mapping errors, injection, the CLI and its JSON contract."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.errors import YamlError
from agilesocial.warehouse.ingest import ingest_paths
from agilesocial.warehouse.status import warehouse_status

FIX = Path(__file__).parent / "fixtures" / "exports"
GOOD = [
    "tweet_activity_metrics_nwtest_20261101_20261130_en.csv",
    "daily_tweet_activity_metrics_nwtest_20261101_20261130_en.csv",
    "facebook_posts_Nov-01-2026_Nov-30-2026.csv",
    "instagram_posts.csv",
    "linkedin_content.csv",
    "youtube_table_data.csv",
]


def counts(db: Path) -> tuple[int, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM post_metrics),"
            " (SELECT count(*) FROM account_daily), (SELECT count(*) FROM ingests)"
        ).fetchone()
        assert row is not None
        return tuple(row)
    finally:
        con.close()


@pytest.fixture()
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(FIX / name, folder / name)
    return folder


def test_reingest_is_a_noop(tmp_path: Path, exports: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = ingest_paths([exports], db=db)
    assert [f.already_ingested for f in first.files] == [False] * len(GOOD)
    before = counts(db)
    assert before == (9, 9, 2, 6)
    second = ingest_paths([exports, exports / GOOD[0]], db=db)
    assert [f.already_ingested for f in second.files] == [True] * len(GOOD)
    assert second.files[0].sha256 == first.files[0].sha256 and second.rows_loaded == 0
    assert counts(db) == before


def test_glob_and_missing_paths(tmp_path: Path, exports: Path) -> None:
    report = ingest_paths([exports / "*tweet*.csv"], db=tmp_path / "w.duckdb")
    assert {f.shape for f in report.files} == {"x_posts", "x_daily"}
    with pytest.raises(Exception, match="no such file"):
        ingest_paths([tmp_path / "nope.csv"], db=tmp_path / "w.duckdb")


def test_bad_row_stops_the_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report = ingest_paths([FIX / "facebook_bad_rows.csv"], db=db)
    error = report.files[0].error or ""
    assert "facebook_bad_rows.csv" in error and "row 2" in error and "'Views'" in error and "'=1+2'" in error
    assert counts(db) == (0, 0, 0, 0)


def test_skip_bad_rows_writes_neutralised_rejects(tmp_path: Path) -> None:
    db = tmp_path / "wh" / "w.duckdb"
    report = ingest_paths([FIX / "facebook_bad_rows.csv"], db=db, skip_bad_rows=True)
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected, f.error) == (4, 2, 2, None)
    assert f.rejects_path is not None and Path(f.rejects_path).parent == db.parent / "rejects"
    with open(f.rejects_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["row"], r["rejected_column"], r["rejected_value"]) for r in rows] == [
        ("2", "Views", "'=1+2"),
        ("3", "Publish time", "11/31/2026 10:15"),
    ]
    assert rows[0]["Description"] == '\'=HYPERLINK("x")'  # formula neutralised
    assert rows[0]["Post ID"] == "122158000000000102"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT post_id FROM posts ORDER BY 1").fetchall() == [
        ("122158000000000101",),
        ("122158000000000104",),
    ]
    assert con.execute("SELECT rows_read, rows_loaded, rows_rejected FROM ingests").fetchall() == [(4, 2, 2)]


def test_sql_injection_ish_names_and_values(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report = ingest_paths([FIX / "generic_injection.csv"], db=db, mapping=FIX / "generic_injection.yaml")
    assert report.files[0].error is None and report.files[0].rows_loaded == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT platform, post_id FROM posts").fetchall() == [("evil", "1'); DROP TABLE posts; --")]
    assert con.execute("SELECT likes FROM post_metrics").fetchall() == [(5,)]
    assert con.execute("SELECT count(*) FROM ingests").fetchone() == (1,)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("platform: m\ncolumns:\n  post_id: ID\n  impresions: Views\n", 4, "unknown canonical field 'impresions'"),
        ("platform: m\ncolumns:\n  post_id: ID\ndecimal: ';'\n", 4, "decimal"),
        ("platform: m\ncolumns:\n  post_id: ID\ntimezone: Mars/Olympus\n", 4, "unknown time zone"),
        ("platform: m\ncolums:\n  post_id: ID\n", 2, "unknown key 'colums'"),
        ("platform: m\ncolumns: [1, 2\n", 3, "YAML syntax error"),
    ],
)
def test_mapping_errors_are_located(tmp_path: Path, text: str, line: int, message: str) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(text)
    with pytest.raises(YamlError) as info:
        ingest_paths([FIX / "generic_mastodon.csv"], db=tmp_path / "w.duckdb", mapping=mapping)
    assert info.value.line == line and message in str(info.value) and info.value.exit_code == 2
    assert str(info.value).startswith(f"{mapping}:{line}")


def test_generic_without_mapping_or_platform(tmp_path: Path) -> None:
    with pytest.raises(YamlError, match="needs --mapping"):
        ingest_paths([FIX / "generic_mastodon.csv"], db=tmp_path / "w.duckdb", profile="generic")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  post_id: ID\n")
    with pytest.raises(YamlError, match="needs 'platform'"):
        ingest_paths([FIX / "generic_mastodon.csv"], db=tmp_path / "w.duckdb", mapping=mapping)


def test_mapping_extends_a_profile(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  clicks: Other clicks\n")
    db = tmp_path / "w.duckdb"
    report = ingest_paths(
        [FIX / "facebook_posts_Nov-01-2026_Nov-30-2026.csv"], db=db, profile="facebook", mapping=mapping
    )
    assert report.files[0].error is None
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT clicks FROM post_metrics ORDER BY post_id").fetchall() == [(40,), (7,)]


def test_status(tmp_path: Path, exports: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest_paths([exports], db=db)
    report = warehouse_status(db)
    data = report.to_dict()
    assert data["files_ingested"] == 6
    by_key = {(a["platform"], a["account"]): a for a in data["accounts"]}
    x = by_key[("x", "nwtest")]
    assert (x["posts"], x["metric_rows"], x["account_days"]) == (2, 2, 2)
    assert (x["first_post"], x["last_post"]) == ("2026-11-02T16:00:00Z", "2026-11-03T07:05:00Z")
    assert (x["first_day"], x["last_day"]) == ("2026-11-02", "2026-11-03")
    assert x["last_ingest"] is not None
    assert by_key[("facebook", "Northwind Coffee")]["posts"] == 2
    assert by_key[("youtube", None)]["posts"] == 2


runner = CliRunner()


def test_cli_ingest_json_contract_and_exit_codes(tmp_path: Path, exports: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["ingest", str(exports), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["files"]) == len(GOOD)
    for f in data["files"]:
        assert {"path", "profile", "sha256", "rows_read", "rows_loaded", "rows_rejected", "already_ingested"} <= set(f)
    again = json.loads(runner.invoke(app, ["ingest", str(exports), "--db", str(db), "-f", "json"]).stdout)
    assert all(f["already_ingested"] for f in again["files"])
    bad = runner.invoke(app, ["ingest", str(FIX / "facebook_bad_rows.csv"), "--db", str(db)])
    assert bad.exit_code == 2 and "row 2, column 'Views'" in bad.stderr and "Traceback" not in bad.output
    skipped = runner.invoke(
        app, ["ingest", str(FIX / "facebook_bad_rows.csv"), "--db", str(db), "--skip-bad-rows", "-q"]
    )
    assert skipped.exit_code == 1 and "2 rejected" in skipped.stdout
    usage = runner.invoke(app, ["ingest", str(exports), "--db", str(db), "--profile", "myspace"])
    assert usage.exit_code == 2


def test_cli_text_output_and_status(tmp_path: Path, exports: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["ingest", str(exports / GOOD[2]), "--db", str(db)])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # rich wraps long lines at 100 columns
    assert "facebook_posts shape; ignored 12 columns: Page ID, Title" in text and "2 rows loaded" in text
    status = runner.invoke(app, ["status", "--db", str(db), "--format", "json"])
    assert status.exit_code == 0 and json.loads(status.stdout)["accounts"][0]["posts"] == 2
    text = runner.invoke(app, ["status", "--db", str(db)])
    assert "Northwind Coffee" in text.stdout
    missing = runner.invoke(app, ["status", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no warehouse yet" in missing.stderr


def test_help_has_examples() -> None:
    for command in ("ingest", "status"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.stdout
