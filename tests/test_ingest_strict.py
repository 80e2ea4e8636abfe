"""Ingest never stores a wrong number: the reproducers of issue 12, each through the CLI, with the warehouse checked.

Every file here either loads exactly what Python's ``csv`` module reads from it (after the profile's documented
conversions) or is refused with one line naming the line/row, the column and the fix, leaving the warehouse as it
was.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from warehouse_support import nothing_loaded, table

FIX = Path(__file__).parent / "fixtures" / "exports"
X_NAME = "tweet_activity_metrics_nwtest_20261101_20261130_en.csv"
X_HEADER = (FIX / X_NAME).read_text(encoding="utf-8").splitlines()[0]
runner = CliRunner()


def x_row(post_id: str, impressions: str = "1495.0", time: str = "2026-11-02 16:00 +0000") -> str:
    cells = [post_id, f"https://twitter.com/nwtest/status/{post_id}", "hi", time, impressions, "25.0", "0.01"]
    cells += ["2.0", "3.0", "12.0", "4.0", "4.0", "0.0", "0.0", "0.0", "0", "0", "1", "0", "0", "-", "-"]
    cells += ["-"] * 18
    return ",".join(f'"{c}"' for c in cells)


def write(tmp_path: Path, text: str, name: str = X_NAME) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def ingest(tmp_path: Path, path: Path, *extra: str) -> tuple[int, str]:
    res = runner.invoke(app, ["ingest", str(path), "--db", str(tmp_path / "w.duckdb"), "--format", "json", *extra])
    assert "Traceback" not in res.output
    return res.exit_code, res.stderr


def test_mixed_line_endings_are_refused_not_misread(tmp_path: Path) -> None:
    """Header CRLF, rows CR, unquoted ids: the rows lost their first character (1002 stored as 002)."""
    text = "Content,Video title,Views\r\n1002,First,10\r1003,Second,20\r"
    code, err = ingest(tmp_path, write(tmp_path, text, "Table data.csv"))
    assert code == 2 and err.count("\n") == 1
    assert "line 2: the row ends with CR but the file's first line with CRLF: mixed line endings" in err
    assert "save the file again with one kind of line ending" in err
    assert nothing_loaded(tmp_path)


def test_lf_rows_under_a_crlf_header_are_refused(tmp_path: Path) -> None:
    text = f"{X_HEADER}\r\n{x_row('1001')}\r\n{x_row('1002')}\n"
    code, err = ingest(tmp_path, write(tmp_path, text))
    assert code == 2 and "line 3: the row ends with LF but the file's first line with CRLF" in err
    assert nothing_loaded(tmp_path)


def cut(row: str, fields: int) -> str:
    """``row`` cut off right after its ``fields``-th value (a download that stopped between two cells)."""
    return '","'.join(row.split('","')[:fields]) + '"'


@pytest.mark.parametrize(
    ("end", "message"),
    [
        (cut(x_row("1002"), 9), "line 3, column 'likes' and after missing: the row has 9 of 40 values"),
        (x_row("1002")[:118], "line 3, column 'likes': the row has a quote that is never closed"),
    ],
)
def test_truncated_download_is_refused(tmp_path: Path, end: str, message: str) -> None:
    """The cut-off last row loaded Views 14 instead of 1495 and an empty Reach."""
    code, err = ingest(tmp_path, write(tmp_path, f"{X_HEADER}\n{x_row('1001')}\n{end}"))
    assert code == 2 and err.count("\n") == 1
    assert f"{X_NAME}:3: {message}" in err and "--skip-bad-rows" in err, err
    assert nothing_loaded(tmp_path)


def test_truncated_unquoted_row_cut_inside_a_number(tmp_path: Path) -> None:
    text = "Content,Video title,Views,Likes\nabc,One,1495,3\ndef,Two,14"
    code, err = ingest(tmp_path, write(tmp_path, text, "Table data.csv"))
    assert code == 2 and "line 3, column 'Likes' and after missing: the row has 3 of 4 values" in err
    assert nothing_loaded(tmp_path)


def test_skip_bad_rows_sets_a_truncated_row_aside(tmp_path: Path) -> None:
    text = f"{X_HEADER}\n{x_row('1001')}\n{x_row('1002')[:118]}"
    code, _ = ingest(tmp_path, write(tmp_path, text), "--skip-bad-rows")
    assert code == 1
    assert table(tmp_path, "SELECT post_id, impressions FROM post_metrics") == [("1001", 1495)]
    assert table(tmp_path, "SELECT rows_read, rows_loaded, rows_rejected FROM ingests") == [(2, 1, 1)]
    rejects = next((tmp_path / "rejects").glob("*.rejects.csv"))
    with open(rejects, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["row"], r["line"], r["rejected_column"]) for r in rows] == [("", "3", "likes")]
    assert rows[0]["rejected_value"] == "Value with unterminated quote found."
    assert rows[0]["raw_line"] == x_row("1002")[:118]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            '1,"x"y,3',
            "line 3, column 'Video title': the row has a quote that is never closed (a cut-off file) or text after",
        ),
        ('1, "x",3', "line 3, column 'Video title': spaces before a quoted value"),
        ('1,"x" ,3', "line 3: malformed CSV"),
        ('1,"never closed,3', "line 3, column 'Video title': the row has a quote that is never closed"),
    ],
)
def test_stray_quotes_are_refused(tmp_path: Path, cell: str, message: str) -> None:
    text = f"Content,Video title,Views\nabc,Fine,10\n{cell}\nxyz,Fine,20\n"
    code, err = ingest(tmp_path, write(tmp_path, text, "Table data.csv"))
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert nothing_loaded(tmp_path)


def test_quotes_inside_quoted_text_are_data(tmp_path: Path) -> None:
    text = 'Content,Video title,Views\nabc,"He said, ""hi"" "" ok",10\ndef,"a, "" b",20\n'
    code, err = ingest(tmp_path, write(tmp_path, text, "Table data.csv"))
    assert code == 0, err
    assert table(tmp_path, "SELECT post_id, text FROM posts ORDER BY 1") == [
        ("abc", 'He said, "hi" " ok'),
        ("def", 'a, " b'),
    ]


def test_youtube_total_row_is_not_a_post_wherever_content_stands(tmp_path: Path) -> None:
    text = "Video title,Content,Views\n,Total,1500\nChemex,abc,1000\nV60,def,500\n,,\n"
    code, err = ingest(tmp_path, write(tmp_path, text, "Table data.csv"))
    assert code == 0, err
    assert table(tmp_path, "SELECT post_id, video_views FROM post_metrics ORDER BY 1") == [("abc", 1000), ("def", 500)]


def test_integers_are_exact_beyond_2_53(tmp_path: Path) -> None:
    text = f"{X_HEADER}\n{x_row('1001', '9007199254740993.0')}\n{x_row('1002', '9223372036854775807')}\n"
    code, err = ingest(tmp_path, write(tmp_path, text))
    assert code == 0, err
    assert table(tmp_path, "SELECT post_id, impressions FROM post_metrics ORDER BY 1") == [
        ("1001", 9007199254740993),
        ("1002", 9223372036854775807),
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9223372036854775808", "beyond the 64-bit integer range"),
        ("99999999999999999999", "beyond the 64-bit integer range"),
        ("1.5", "not a whole number (counts are integers)"),
        ("12%", "a percentage where a count belongs"),
        ("1.2345E+2", "scientific notation that is not a whole number, or too large"),
        ("1E-3", "scientific notation that is not a whole number, or too large"),
        ("Infinity", "cannot read value"),
        ("0x10", "cannot read value"),
        ("1_000", "cannot read value"),
        ("1,23", "cannot read value"),
        ("-5", "a negative count (counts cannot be below 0)"),
        ("-1,234.0", "a negative count (counts cannot be below 0)"),
        ("-9223372036854775809", "a negative count (counts cannot be below 0)"),
    ],
)
def test_bad_counts_are_refused_with_the_cell(tmp_path: Path, value: str, reason: str) -> None:
    text = f"{X_HEADER}\n{x_row('1001')}\n{x_row('1002', value)}\n"
    code, err = ingest(tmp_path, write(tmp_path, text))
    assert code == 2 and err.count("\n") == 1
    assert f"row 2, column 'impressions': {reason}" in err and repr(value) in err, err
    assert nothing_loaded(tmp_path)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("1,234", 1234),
        ("1,234.0", 1234),
        ("1.5E+3", 1500),
        ("1.2345E+4", 12345),
        ("-", None),
        ("", None),
        ("NaN", None),
        (" 12 ", 12),
        ("-0", 0),
    ],
)
def test_count_texts_that_are_whole_numbers_or_missing(tmp_path: Path, value: str, stored: int | None) -> None:
    text = f"{X_HEADER}\n{x_row('1001', value)}\n"
    code, err = ingest(tmp_path, write(tmp_path, text))
    assert code == 0, err
    assert table(tmp_path, "SELECT impressions FROM post_metrics") == [(stored,)]


@pytest.mark.parametrize("offset", ["+2500", "-1500", "+0160", "+99:00"])
def test_impossible_utc_offsets_are_refused(tmp_path: Path, offset: str) -> None:
    text = f"{X_HEADER}\n{x_row('1001', time='2026-11-02 16:00 ' + offset)}\n"
    code, err = ingest(tmp_path, write(tmp_path, text))
    assert code == 2 and f"row 1, column 'time': cannot read value '2026-11-02 16:00 {offset}'" in err, err
    assert nothing_loaded(tmp_path)


@pytest.mark.parametrize("offset", ["+1400", "-1200", "+0545", "+05:30"])
def test_real_utc_offsets_are_read(tmp_path: Path, offset: str) -> None:
    text = f"{X_HEADER}\n{x_row('1001', time='2026-11-02 16:00 ' + offset)}\n"
    code, err = ingest(tmp_path, write(tmp_path, text))
    assert code == 0, err


def test_negative_counts_are_refused_in_every_count_column_but_net_changes(tmp_path: Path) -> None:
    """``-5`` loaded as a count; counts cannot be negative. YouTube's ``Subscribers`` is a net change and may be."""
    text = "Content,Video title,Views,Subscribers,Likes\nabc,One,10,-2,3\ndef,Two,20,4,-5\n"
    code, err = ingest(tmp_path, write(tmp_path, text, "Table data.csv"))
    assert code == 2 and err.count("\n") == 1
    assert "Table data.csv: row 2, column 'Likes': a negative count (counts cannot be below 0): '-5'" in err, err
    assert "fix the cell, or pass --skip-bad-rows" in err
    assert nothing_loaded(tmp_path)
    code, err = ingest(tmp_path, write(tmp_path, text.replace("-5", "5"), "Table data.csv"))
    assert code == 0, err
    assert table(tmp_path, "SELECT post_id, subscribers, likes FROM post_metrics ORDER BY 1") == [
        ("abc", -2, 3),
        ("def", 4, 5),
    ]


def test_linkedin_new_followers_may_be_negative(tmp_path: Path) -> None:
    text = "Date,Sponsored followers,Organic followers,Auto-invited followers,Total followers\n"
    text += "12/01/2026,0,2,0,2\n12/02/2026,0,-1,0,-1\n"
    code, err = ingest(tmp_path, write(tmp_path, text, "followers.csv"), "--account", "nw")
    assert code == 0, err
    assert table(tmp_path, "SELECT date::VARCHAR, new_followers FROM account_daily ORDER BY 1") == [
        ("2026-12-01", 2),
        ("2026-12-02", -1),
    ]
