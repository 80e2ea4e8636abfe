"""Hostile inputs beyond the fuzz suite, through the CLI: each ends in one clear error or exactly the right data.

Found by trying exports and paths a user (or a bad download) produces; the list of what was tried is in the report
of the session that wrote these tests. Every case checks the warehouse, not only the exit code.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from warehouse_support import table

FIX = Path(__file__).parent / "fixtures" / "exports"
X_NAME = "tweet_activity_metrics_nwtest_20261101_20261130_en.csv"
X_HEADER = (FIX / X_NAME).read_text(encoding="utf-8").splitlines()[0]
YT = 'Content,Video title,Video publish time,Views,Likes\nabc,Chemex,"Sep 27, 2026","1,234",3\n'
runner = CliRunner()


def x_row(post_id: str, impressions: str = "1495.0") -> str:
    cells = [post_id, "https://twitter.com/nwtest/status/1001", "hi", "2026-11-02 16:00 +0000", impressions, "25.0"]
    cells += ["0.01", "2.0", "3.0", "12.0", "4.0", "4.0", "0.0", "0.0", "0.0", "0", "0", "1", "0", "0", "-", "-"]
    cells += ["-"] * 18
    return ",".join(f'"{c}"' for c in cells)


def ingest(tmp_path: Path, path: Path | str, *extra: str, db: Path | str | None = None) -> tuple[int, str]:
    db = db if db is not None else tmp_path / "w.duckdb"
    res = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--format", "json", *extra])
    assert "Traceback" not in res.output
    return res.exit_code, res.stderr


@pytest.mark.parametrize("junk", ["\t", "\u00a0", "\u200b", "\ufeff", "\u200e", "\u202e", "\u2060 \t"])
def test_invisible_characters_around_an_id_do_not_make_a_second_post(tmp_path: Path, junk: str) -> None:
    """``'1001\\u200b'`` (a copy from a web page) was stored as a post of its own beside ``'1001'``: one post,
    counted twice in every analysis, and no one could see why."""
    text = f"{X_HEADER}\n{x_row('1001')}\n{x_row(junk + '1002')}\n{x_row('1001' + junk, '5.0')}\n"
    path = tmp_path / X_NAME
    path.write_text(text, encoding="utf-8")
    code, err = ingest(tmp_path, path)
    assert code == 0, err
    assert table(tmp_path, "SELECT post_id, impressions FROM post_current ORDER BY 1") == [
        ("1001", 5),  # the last row of a repeated key wins
        ("1002", 1495),
    ]


def test_a_total_row_with_a_tab_or_invisible_space_is_still_a_summary_row(tmp_path: Path) -> None:
    text = "Video title,Content,Views\n,Total\t,1500\n,\u00a0Totals\u200b,1500\nChemex,abc,12\n"
    path = tmp_path / "Table data.csv"
    path.write_text(text, encoding="utf-8")
    code, err = ingest(tmp_path, path)
    assert code == 0, err
    assert table(tmp_path, "SELECT post_id, video_views FROM post_current") == [("abc", 12)]


def _zip(names: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in names.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("Table data.csv", gzip.compress(YT.encode()), "this is a gzip-compressed file, not a CSV export"),
        ("Table data.csv.gz", gzip.compress(YT.encode()), "this is a gzip-compressed file, not a CSV export"),
        ("Table data.csv", _zip({"Table data.csv": YT}), "this is a zip archive, not a CSV export"),
    ],
    ids=["gzip", "gzip-named-gz", "zip"],
)
def test_a_compressed_export_says_so(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    """They were refused as 'cannot decode the file as cp1252 (download the export again …)'."""
    path = tmp_path / name
    path.write_bytes(data)
    code, err = ingest(tmp_path, path)
    assert code == 2 and err.count("\n") == 1
    assert f"{path}: {message}" in err and ("gunzip" in err or "unzip it" in err), err
    assert table(tmp_path, "SELECT count(*) FROM ingests") == [(0,)]


def test_a_workbook_saved_under_a_csv_name_is_read_as_a_workbook(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for row in (["Content", "Video title", "Views"], ["abc", "Chemex", 1234]):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "Table data.csv"
    path.write_bytes(out.getvalue())
    code, err = ingest(tmp_path, path)
    assert code == 0, err
    assert table(tmp_path, "SELECT post_id, video_views FROM post_current") == [("abc", 1234)]


def test_a_damaged_workbook_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "content.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    code, err = ingest(tmp_path, path)
    assert code == 2 and err.count("\n") == 1
    assert "cannot read the workbook" in err and "download the export again" in err, err


def test_devices_pipes_and_dangling_links_are_named_for_what_they_are(tmp_path: Path) -> None:
    """They were all 'no such file or folder'."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, err = ingest(tmp_path, fifo)
    assert code == 2 and f"{fifo}: not a file or folder (a device, pipe or socket)" in err, err
    code, err = ingest(tmp_path, "/dev/null")
    assert code == 2 and "/dev/null: not a file or folder" in err, err
    link = tmp_path / "export.csv"
    link.symlink_to(tmp_path / "gone.csv")
    code, err = ingest(tmp_path, link)
    assert code == 2 and f"{link}: a link to nothing" in err, err


def test_db_naming_an_existing_csv_is_refused_not_loaded_into_thin_air(tmp_path: Path) -> None:
    """``--db export.csv``: DuckDB opened the CSV as a temporary in-memory database, ingest reported the rows
    loaded and exited 0, and nothing was kept."""
    path = tmp_path / "Table data.csv"
    path.write_text(YT, encoding="utf-8")
    for command in (["ingest", str(path)], ["status"]):
        res = runner.invoke(app, [*command, "--db", str(path)])
        assert res.exit_code == 2 and res.stderr.count("\n") == 1, res.output
        assert f"{path}: this is a data file, not a warehouse" in res.stderr
        assert "a DuckDB file of its own" in res.stderr
    assert path.read_text(encoding="utf-8") == YT


@pytest.mark.parametrize("name", [":memory:", "md:nw"])
def test_db_names_duckdb_reads_specially_are_plain_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """``--db :memory:`` kept nothing; ``--db md:nw`` tried to download the MotherDuck extension."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "Table data.csv"
    path.write_text(YT, encoding="utf-8")
    code, err = ingest(tmp_path, path, db=name)
    assert code == 0, err
    con = duckdb.connect(str(tmp_path / name), read_only=True)
    try:
        assert con.execute("SELECT post_id, video_views FROM post_current").fetchall() == [("abc", 1234)]
    finally:
        con.close()


@pytest.mark.parametrize("kind", ["folder", "device"])
def test_db_that_is_a_folder_or_a_device(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "Table data.csv"
    path.write_text(YT, encoding="utf-8")
    db = tmp_path if kind == "folder" else Path("/dev/null")
    code, err = ingest(tmp_path, path, db=db)
    assert code == 2 and err.count("\n") == 1
    assert f"{db}: cannot open warehouse: this is {'a folder' if kind == 'folder' else 'not a regular file'}" in err


def test_two_exports_joined_into_one_file_are_named_as_such(tmp_path: Path) -> None:
    """``cat a.csv b.csv > both.csv``: the second header was reported as 'cannot read value' ('fix the cell')."""
    header = X_HEADER + "\n"
    path = tmp_path / X_NAME
    path.write_text(f"{header}{x_row('1001')}\n\ufeff{header}{x_row('1002')}\n", encoding="utf-8")
    code, err = ingest(tmp_path, path)
    assert code == 2 and err.count("\n") == 1
    assert "row 2, column 'time': the header again ('time'): two exports joined into one file" in err, err
    assert "split the file at that row" in err
    assert table(tmp_path, "SELECT count(*) FROM ingests") == [(0,)]


OVERVIEW = FIX / "tiktok_overview.csv"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--year", "0"], "--year 0 is not a year of a platform export"),
        (["--year", "1899"], "--year 1899 is not a year of a platform export"),
        (["--year", "99999"], "--year 99999 is not a year of a platform export"),
        (["--timezone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus' (use an IANA name"),
        (["--timezone", "+05:00"], "unknown time zone '+05:00'"),
        (["--timezone", "../../etc/localtime"], "unknown time zone '../../etc/localtime'"),
        (["--account", "nw\x1b]8;;https://evil.example\x1b\\"], "holds control characters"),
        (["--account", "a\nb"], "--account 'a\\nb' is empty or holds control characters"),
        (["--account", "   "], "--account '   ' is empty"),
    ],
)
def test_option_values_no_export_can_use_are_usage_errors(tmp_path: Path, options: list[str], message: str) -> None:
    """``--year 0`` was reported as the file's bad cell ('cannot read value November 2'), an unknown ``--timezone``
    as 'malformed CSV … download the export again', and an account with escape sequences or a line break was
    stored (and broke the one-line errors that quote it)."""
    extra = options if "--account" in options else [*options, "--account", "nw"]
    code, err = ingest(tmp_path, OVERVIEW, *extra, *([] if "--year" in options else ["--year", "2026"]))
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "w.duckdb").exists()  # refused before any file is read


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("datetime_format: '%B %d'\n", "datetime_format '%B %d' has no year (%Y or %y): every row would be dated 1900"),
        ("decimal: '.'\nthousands: '.'\n", "decimal and thousands are both '.'"),
        ("delimiter: '\"'\n", "delimiter '\"' cannot separate fields"),
    ],
)
def test_mapping_settings_that_cannot_read_a_file_right(tmp_path: Path, text: str, message: str) -> None:
    """A year-less ``datetime_format`` loaded every post as published in 1900 and exited 0."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(f"platform: mastodon\ncolumns: {{post_id: Date, published_at: Date, likes: Likes}}\n{text}")
    code, err = ingest(tmp_path, OVERVIEW, "--mapping", str(mapping))
    assert code == 2 and err.count("\n") == 1 and f"{mapping}:" in err and message in err, err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_mapping_that_is_a_device_is_refused_not_read_forever(tmp_path: Path, device: str) -> None:
    """``--mapping /dev/zero`` read until the system killed the process."""
    code, err = ingest(tmp_path, OVERVIEW, "--mapping", device)
    assert code == 2 and err == f"error: {device}: not a regular file (a device, pipe or socket) (give a YAML file)\n"


def test_a_duckdb_file_of_another_program_is_refused_not_a_traceback(tmp_path: Path) -> None:
    """``--db their.duckdb`` (a table named ``posts`` of their own): status, ingest and export printed tracebacks."""
    other = tmp_path / "their.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE posts (a INTEGER); INSERT INTO posts VALUES (1)")
    con.close()
    export = tmp_path / "Table data.csv"
    export.write_text(YT, encoding="utf-8")
    for command in (["status"], ["ingest", str(export)], ["export", "--parquet", str(tmp_path / "lake")]):
        res = runner.invoke(app, [*command, "--db", str(other)])
        assert res.exit_code == 2 and "Traceback" not in res.output and res.stderr.count("\n") == 1, res.output
        assert (
            f"{other}: a DuckDB file of another program, not an agile-social warehouse (it holds posts)" in res.stderr
        )
    con = duckdb.connect(str(other), read_only=True)
    try:  # untouched: no tables of ours added
        assert con.execute("SELECT table_name FROM information_schema.tables").fetchall() == [("posts",)]
    finally:
        con.close()


def test_a_warehouse_of_a_newer_version_is_not_written(tmp_path: Path) -> None:
    export = tmp_path / "Table data.csv"
    export.write_text(YT, encoding="utf-8")
    assert ingest(tmp_path, export)[0] == 0
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("INSERT INTO schema_migrations VALUES (999, now())")
    con.close()
    code, err = ingest(tmp_path, FIX / "youtube_table_data.csv")
    assert code == 2 and "warehouse schema v999 was written by a newer agile-social" in err, err
    assert table(tmp_path, "SELECT count(*) FROM ingests") == [(1,)]


def test_a_first_migration_cut_short_is_still_our_warehouse(tmp_path: Path) -> None:
    """A process killed right after creating ``schema_migrations`` leaves only that table: the next run goes on."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ)")
    con.close()
    export = tmp_path / "Table data.csv"
    export.write_text(YT, encoding="utf-8")
    code, err = ingest(tmp_path, export)
    assert code == 0, err
    assert table(tmp_path, "SELECT post_id, video_views FROM post_current") == [("abc", 1234)]
