"""What the ingest fuzz suite (test_fuzz_ingest.py) found, each as a focused test through the CLI."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from warehouse_support import nothing_loaded
from warehouse_support import table as rows

runner = CliRunner()


def ingest(tmp_path: Path, name: str, raw: bytes, *extra: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(raw)
    res = runner.invoke(app, ["ingest", str(path), "--db", str(tmp_path / "w.duckdb"), "--quiet", *extra])
    assert "Traceback" not in res.output
    return res.exit_code, res.stderr


@pytest.mark.parametrize("eol", ["\r\n", "\n"])
def test_a_short_row_in_a_crlf_file_names_its_line(tmp_path: Path, eol: str) -> None:
    """In a CRLF file DuckDB's rejected line starts with the LF of the line before, which was taken for a change of
    line endings; the csv module then found none and the error said only "invalid parser state", with no line."""
    lines = ['"Content","Video title","Views","Likes"', '"abc","One","10","1"', '"def","Two"', '"ghi","Three","5","0"']
    code, err = ingest(tmp_path, "Table data.csv", (eol.join(lines) + eol).encode())
    assert code == 2 and err.count("\n") == 1, err
    assert "Table data.csv:3: line 3, column 'Views' and after missing: the row has 2 of 4 values" in err, err
    assert "--skip-bad-rows" in err
    assert nothing_loaded(tmp_path)


def test_a_short_row_after_a_carriage_return_inside_quotes(tmp_path: Path) -> None:
    """A CR inside quoted text is data; the short row after it is the fault, and its line is named."""
    raw = b'Content,Video title,Views,Likes\r\nabc,"a\rb",10,1\r\ndef,Two\r\n'
    code, err = ingest(tmp_path, "Table data.csv", raw)
    assert code == 2 and "line 4, column 'Views' and after missing: the row has 2 of 4 values" in err, err
    raw = b'Content,Video title,Views,Likes\r\nabc,"a\rb",10,1\r\ndef,Two,20,2\r\n'
    code, err = ingest(tmp_path, "Table data.csv", raw)
    assert code == 0, err
    assert rows(tmp_path, "SELECT post_id, text FROM posts ORDER BY 1") == [("abc", "a\rb"), ("def", "Two")]


def test_a_utf16_file_cut_mid_character_says_what_to_do(tmp_path: Path) -> None:
    raw = "Content,Video title,Views\nabc,One,10\n".encode("utf-16")[:-1]
    code, err = ingest(tmp_path, "Table data.csv", raw)
    assert code == 2 and err.count("\n") == 1, err
    assert "cannot decode the file as utf-16: truncated data (download the export again" in err, err
    assert nothing_loaded(tmp_path)


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_youtube_total_rows_mid_file_with_content_not_first(tmp_path: Path, eol: str) -> None:
    """Summary rows are found by the id column wherever it stands and wherever the row is; their cells (which
    need not be numbers) are never read."""
    lines = [
        "Video title,Content,Views,Subscribers",
        "Chemex,abc,1000,-2",
        ",Total,1500,oops",
        "V60,def,500,3",
        "All,  totals ,x,y",
        ",,,",
        "Aeropress,ghi,7,0",
    ]
    code, err = ingest(tmp_path, "Table data.csv", (eol.join(lines) + eol).encode())
    assert code == 0, err
    assert rows(tmp_path, "SELECT post_id, video_views, subscribers FROM post_metrics ORDER BY 1") == [
        ("abc", 1000, -2),
        ("def", 500, 3),
        ("ghi", 7, 0),
    ]
    assert rows(tmp_path, "SELECT rows_read, rows_loaded FROM ingests") == [(3, 3)]


@pytest.mark.parametrize(
    ("ends", "line", "kind", "first"),
    [
        (["\r\n", "\r\n", "\r", "\r\n"], 3, "CR", "CRLF"),
        (["\n", "\n", "\n", "\r"], 4, "CR", "LF"),
        (["\r", "\r", "\n", "\r"], 3, "LF", "CR"),
        (["\n", "\r\n", "\r\n", "\r\n"], 2, "CRLF", "LF"),
    ],
)
def test_mixed_line_endings_anywhere_are_refused(
    tmp_path: Path, ends: list[str], line: int, kind: str, first: str
) -> None:
    lines = ["Content,Video title,Views", "1002,First,10", "1003,Second,20", "1004,Third,30"]
    raw = "".join(text + end for text, end in zip(lines, ends, strict=True)).encode()
    code, err = ingest(tmp_path, "Table data.csv", raw)
    assert code == 2 and err.count("\n") == 1, err
    assert f"line {line}: the row ends with {kind} but the file's first line with {first}: mixed line endings" in err
    assert nothing_loaded(tmp_path)


def test_an_engagements_sum_beyond_64_bits_is_a_bad_row_not_a_crash(tmp_path: Path) -> None:
    """YouTube has no engagements column: likes + comments + shares. Two huge (valid) counts overflowed DuckDB's
    addition and the whole file failed with "Overflow in addition of INT64" and no row."""
    big = "9223372036854775807"
    raw = f"Content,Video title,Views,Likes,Comments added,Shares\nabc,One,10,{big},0,-\ndef,Two,10,{big},1,\n"
    code, err = ingest(tmp_path, "Table data.csv", raw.encode())
    assert code == 2 and err.count("\n") == 1, err
    assert (
        "row 2, column 'engagements (Likes + Comments added + Shares)': the sum is beyond the 64-bit integer range"
        in err
    ), err
    assert nothing_loaded(tmp_path)
    code, err = ingest(tmp_path, "Table data.csv", raw.encode(), "--skip-bad-rows")
    assert code == 1, err
    assert rows(tmp_path, "SELECT post_id, likes, engagements FROM post_metrics") == [("abc", int(big), int(big))]


@pytest.mark.parametrize(("caption", "rest"), [("\r\n", "\n"), ("\n", "\r\n"), ("\r", "\n")])
def test_line_endings_changing_after_the_caption_are_refused(tmp_path: Path, caption: str, rest: str) -> None:
    """LinkedIn's caption line ending CRLF above LF rows: DuckDB's ``skip`` silently lost every row (exit 0, 0 rows);
    with the header CRLF too, only the first row. Now refused like mixed endings anywhere else."""
    link = "https://www.linkedin.com/feed/update/urn:li:activity:726000000000000000"
    lines = [f"One,{link}1,11/02/2026,100,5", f"Two,{link}2,11/03/2026,200,6"]
    raw = f"All posts: Northwind, 11/01/2026 - 11/30/2026{caption}Post title,Post link,Created date,Impressions,Likes"
    raw += rest + rest.join(lines) + rest
    code, err = ingest(tmp_path, "linkedin_content.csv", raw.encode())
    assert code == 2 and err.count("\n") == 1, err
    assert "line 2: the row ends with" in err and "mixed line endings" in err, err
    assert nothing_loaded(tmp_path)
    code, err = ingest(tmp_path, "linkedin_content.csv", raw.replace(caption, rest, 1).encode())
    assert code == 0, err
    assert rows(tmp_path, "SELECT count(*) FROM post_metrics") == [(2,)]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("10.25", 36900.0), ("1,234.5", 4444200.0), ("8.03E-4", 2.8908), (".5", 1800.0), ("-", None), ("NaN", None)],
)
def test_watch_time_decimals_are_read_from_their_text(tmp_path: Path, value: str, seconds: float | None) -> None:
    raw = f'Content,Video title,Views,Watch time (hours)\nabc,One,10,"{value}"\n'
    code, err = ingest(tmp_path, "Table data.csv", raw.encode())
    assert code == 0, err
    assert rows(tmp_path, "SELECT watch_time_seconds FROM post_metrics") == [(seconds,)]


@pytest.mark.parametrize("value", ["10,25", "12%", "1e400", "inf", "1.234,5"])
def test_watch_time_that_is_no_decimal_is_refused(tmp_path: Path, value: str) -> None:
    """``10,25`` hours in a file whose decimal point is ``.`` was stored as 1,025 hours and ``12%`` as 12 hours."""
    raw = f'Content,Video title,Views,Watch time (hours)\nabc,One,10,1\ndef,Two,5,"{value}"\n'
    code, err = ingest(tmp_path, "Table data.csv", raw.encode())
    assert code == 2 and err.count("\n") == 1, err
    assert f"row 2, column 'Watch time (hours)': cannot read value {value!r}" in err, err
    assert nothing_loaded(tmp_path)


def test_tiktok_play_time_as_a_duration_or_seconds(tmp_path: Path) -> None:
    head = "Video title,Video link,Post time,Total views,Total play time\n"
    link = "https://www.tiktok.com/@nw/video/743000000000000000"
    raw = head + f'A,{link}1,2026-11-02 18:00:00,10,1:23:20\nB,{link}2,2026-11-02 18:00:00,10,"1,500.5"\n'
    code, err = ingest(tmp_path, "tiktok_content.csv", raw.encode())
    assert code == 0, err
    assert rows(tmp_path, "SELECT watch_time_seconds FROM post_metrics ORDER BY 1") == [(1500.5,), (5000.0,)]


def test_an_empty_tiktok_post_time_takes_the_video_ids_time_in_a_file_with_full_dates(tmp_path: Path) -> None:
    """The id rule (``id >> 32`` is the publish time) applied only in files with year-less dates: an empty
    ``Post time`` beside full dates was stored as no time at all."""
    link = "https://www.tiktok.com/@nw/video/74300000000000"
    raw = "Video title,Video link,Post time,Total likes,Total views\n"
    raw += f"A,{link}00001,,300,5000\nB,{link}01001,2026-11-02 18:00:00,3,50\n"
    code, err = ingest(tmp_path, "tiktok_content.csv", raw.encode(), "--timezone", "UTC")
    assert code == 0, err
    got = rows(tmp_path, "SELECT post_id, strftime(published_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') FROM posts")
    assert sorted(got) == [
        ("7430000000000000001", "2024-10-26 08:34:42"),
        ("7430000000000001001", "2026-11-02 18:00:00"),
    ]
    code, err = ingest(tmp_path, "tiktok_content.csv", raw.replace("5000\n", "5000\r").encode())
    assert code == 2 and "line 2: the row ends with CR but the file's first line with LF" in err, err


@pytest.mark.parametrize(
    ("name", "raw", "column"),
    [
        (
            "Table data.csv",
            'Content,Video title,Views,Watch time (hours)\nabc,One,10,1\ndef,Two,5,"-1.5"\n',
            "Watch time (hours)",
        ),
        (
            "tiktok_content.csv",
            "Video title,Video link,Post time,Total views,Total play time\n"
            "A,https://www.tiktok.com/@nw/video/7430000000000000001,2026-11-02 18:00:00,10,100\n"
            "B,https://www.tiktok.com/@nw/video/7430000000000000002,2026-11-02 18:00:00,10,-0:30\n",
            "Total play time",
        ),
    ],
)
def test_negative_watch_time_or_duration_is_refused(tmp_path: Path, name: str, raw: str, column: str) -> None:
    """Watch time and play time cannot be below 0: the cell is named, nothing is loaded (they used to load)."""
    code, err = ingest(tmp_path, name, raw.encode())
    assert code == 2 and err.count("\n") == 1, err
    assert f"row 2, column {column!r}: a negative value (durations and watch time cannot be below 0)" in err, err
    assert nothing_loaded(tmp_path)


def test_a_sheet_row_ending_in_empty_cells_loads_with_them_empty(tmp_path: Path) -> None:
    """A workbook row whose last cells are empty was written as a short CSV row and the whole sheet was refused as
    "a truncated download" (``line 3, column 'Description' and after missing``). A sheet is a grid: those cells are
    empty. A value beyond the header's last column is still a malformed row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Posts"
    sheet.append(["Post ID", "Page name", "Publish time", "Post type", "Date", "Views", "Reactions", "Description"])
    sheet.append(["1001", "NW", "11/02/2026 10:15", "Photos", "Lifetime", 100, 5, "hello"])
    sheet.append(["1002", "NW", "11/02/2026 10:15", "Photos", "Lifetime", 90, None, None])
    book.save(tmp_path / "facebook_posts.xlsx")
    code, err = ingest(tmp_path, "facebook_posts.xlsx", (tmp_path / "facebook_posts.xlsx").read_bytes())
    assert code == 0, err
    got = rows(tmp_path, "SELECT post_id, impressions, likes, text FROM post_metrics JOIN posts USING (post_id)")
    assert sorted(got) == [("1001", 100, 5, "hello"), ("1002", 90, None, None)]
    sheet.append(["1003", "NW", "11/02/2026 10:15", "Photos", "Lifetime", 90, 1, "x", None, "stray"])
    book.save(tmp_path / "facebook_posts_2.xlsx")
    code, err = ingest(tmp_path, "facebook_posts_2.xlsx", (tmp_path / "facebook_posts_2.xlsx").read_bytes())
    assert code == 2 and "[Posts]:4: line 4: the row has" in err and "but the header has 8 columns" in err, err


def test_a_sheet_loads_with_a_mapping_for_semicolon_files(tmp_path: Path) -> None:
    """A mapping written for ``;``-separated CSV exports (``delimiter: ";"``) made every sheet of a workbook
    unreadable ("does not look like a generic export"): a sheet has no delimiter, its cells are its columns. And a
    date cell was refused under the mapping's ``datetime_format`` (a sheet holds dates, not that text)."""
    import openpyxl

    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "platform: mastodon\naccount: nw\ncolumns:\n  post_id: ID\n  published_at: Posted\n  likes: Favourites\n"
        'datetime_format: "%d.%m.%Y %H:%M"\ndelimiter: ";"\ndecimal: ","\n',
        encoding="utf-8",
    )
    book = openpyxl.Workbook()
    book.active.append(["ID", "Posted", "Favourites"])
    book.active.append(["110000000000000001", "02.11.2026 09:15", 12])
    book.active.append(["110000000000000002", datetime(2026, 11, 3, 18, 0), 4])  # a date cell
    book.save(tmp_path / "mastodon_posts.xlsx")
    raw = (tmp_path / "mastodon_posts.xlsx").read_bytes()
    code, err = ingest(tmp_path, "mastodon_posts.xlsx", raw, "--mapping", str(mapping), "--timezone", "UTC")
    assert code == 0, err
    got = rows(tmp_path, "SELECT post_id, likes, strftime(published_at AT TIME ZONE 'UTC', '%d %H') FROM post_current")
    assert sorted(got) == [("110000000000000001", 12, "02 09"), ("110000000000000002", 4, "03 18")]


def test_a_malformed_row_after_multi_line_text_names_its_file_line(tmp_path: Path) -> None:
    """DuckDB numbers records, not lines: after a post text with line breaks the error (and the rejects file) named
    a line short of the one an editor shows (``line 8`` for a row on line 9); a short row's rejected column was its
    last present one instead of the first missing one."""
    link = "https://www.linkedin.com/feed/update/urn:li:activity:726000000000000000"
    raw = (
        "All posts: NW, 11/01/2026 - 11/30/2026\nPost title,Post link,Created date,Impressions,Likes\n"
        f'"One\nline two\nthree",{link}1,11/02/2026,100,5\n\n"Two\nlines",{link}2,11/02/2026,100,5\n'
        f"Three,{link}3,11/02/2026,100\nFour,{link}4,11/02/2026,100,5,9\n"
    )
    code, err = ingest(tmp_path, "linkedin_content.csv", raw.encode())
    assert code == 2 and "linkedin_content.csv:9: line 9, column 'Likes' and after missing" in err, err
    code, err = ingest(tmp_path, "linkedin_content.csv", raw.encode(), "--skip-bad-rows")
    assert code == 1, err
    (rejects,) = (tmp_path / "rejects").glob("*.rejects.csv")
    with open(rejects, encoding="utf-8", newline="") as fh:
        got = [(r["line"], r["rejected_column"]) for r in csv.DictReader(fh)]
    assert got == [("9", "Likes"), ("10", "")]


def test_a_mangled_id_in_a_row_set_aside_does_not_refuse_the_file(tmp_path: Path) -> None:
    """With --skip-bad-rows, a row set aside for a bad value still had its spreadsheet-mangled id checked: the file
    (without a permalink column to take ids from) was refused, although the row was never going to load."""
    head = "Post ID,Page name,Publish time,Post type,Date,Views,Reactions\n"
    raw = head + "1.22158E+17,NW,11/02/2026 10:15,Photos,Lifetime,12%,5\n"
    raw += "1002,NW,11/02/2026 10:15,Photos,Lifetime,90,1\n"
    code, err = ingest(tmp_path, "facebook_posts.csv", raw.encode(), "--skip-bad-rows")
    assert code == 1, err
    assert rows(tmp_path, "SELECT post_id, impressions FROM post_metrics") == [("1002", 90)]
    assert rows(tmp_path, "SELECT rows_read, rows_loaded, rows_rejected FROM ingests") == [(2, 1, 1)]
    code, err = ingest(tmp_path, "facebook_posts.csv", raw.replace("12%", "7").encode(), "--skip-bad-rows")
    assert code == 2 and "row 1: post id '1.22158E+17' was mangled" in err, err


def test_a_number_cell_in_a_sheet_reads_right_under_a_decimal_comma_mapping(tmp_path: Path) -> None:
    """A sheet's number cell 12.5 was written as the text ``12.5``, which a mapping with ``decimal: ","`` and
    ``thousands: "."`` refused (and a cell 1.234 it would have read as 1234). Number cells now follow the
    mapping's decimal; text cells keep their text."""
    import openpyxl

    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "platform: mastodon\naccount: nw\ncolumns:\n  post_id: ID\n  published_at: Posted\n  likes: Favourites\n"
        '  watch_time_seconds: Seconds\ndatetime_format: "%d.%m.%Y %H:%M"\ndelimiter: ";"\ndecimal: ","\n'
        'thousands: "."\n',
        encoding="utf-8",
    )
    book = openpyxl.Workbook()
    book.active.append(["ID", "Posted", "Favourites", "Seconds"])
    book.active.append(["110000000000000001", "02.11.2026 09:15", 1234, 12.5])
    book.active.append(["110000000000000002", "03.11.2026 18:00", 4, "1.234,5"])  # text cells keep their text
    book.save(tmp_path / "mastodon_posts.xlsx")
    raw = (tmp_path / "mastodon_posts.xlsx").read_bytes()
    code, err = ingest(tmp_path, "mastodon_posts.xlsx", raw, "--mapping", str(mapping), "--timezone", "UTC")
    assert code == 0, err
    got = rows(tmp_path, "SELECT post_id, likes, watch_time_seconds FROM post_metrics ORDER BY post_id")
    assert got == [("110000000000000001", 1234, 12.5), ("110000000000000002", 4, 1234.5)]
