"""Strict CSV structure: DuckDB's ``read_csv`` in strict mode, and one-line errors for rows it cannot take.

Every export is read with ``strict_mode=true``: a row with too few or too many values (a truncated download, a
broken row), a quote that is never closed or is followed by text (``"x"y``), and line endings that change inside
the file are refused, never padded or guessed. With ``--skip-bad-rows`` such rows are set aside instead
(``ignore_errors`` + ``store_rejects``) and written to the rejects file with their line number and raw text.

Two things DuckDB either cannot locate or reads differently from the CSV standard (and Python's ``csv`` module, the
oracle of the tests) are checked here in Python, on the error path or on a fast byte scan:

- "the CSV parser state machine reached an invalid state" carries no line number: :func:`diagnose` reads the file
  with the ``csv`` module to name the line (mixed line endings, a stray carriage return or quote);
- DuckDB drops spaces around a quoted value (``1, "ab" ,2`` reads ``ab``; the standard keeps `` "ab"``):
  :func:`~.quotescan.spaced_quote` finds such a cell and the file is refused.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from agilesocial.errors import DataError

if TYPE_CHECKING:
    import duckdb

    from agilesocial.warehouse.sniff import Layout

REJECTS = "_agile_social_csv_rejects"
SCANS = "_agile_social_csv_scans"
_FIX_ROW = "download the export again (or repair the row), or pass --skip-bad-rows to set such rows aside"
_KINDS = {
    "MISSING COLUMNS": "has {found} of {expected} values: a truncated download or a broken row",
    "TOO MANY COLUMNS": "has {found} values, but the header has {expected} columns",
    "INVALID UNICODE": "holds bytes that are not valid UTF-8",
    "UNQUOTED VALUE": "has a quote that is never closed (a cut-off file) or text after a closing quote (a stray quote)",
    "INVALID ENCODING": "holds bytes that are not valid text in this encoding",
    "LINE SIZE OVER MAXIMUM": "is longer than 10 MB",
    "INVALID STATE": "cannot be read as CSV",
}


def csv_source(layout: Layout, *, lenient: bool = False, sample: bool = False) -> str:
    """``read_csv`` of every column as VARCHAR, named c0, c1... by position (parameters $csv_path, $csv_delim).

    Strict: one malformed row fails the read. ``lenient`` (for ``--skip-bad-rows``): malformed rows are left out and
    recorded in the temp table :data:`REJECTS`. ``sample``: malformed rows are left out, unrecorded (format
    sampling, and the raw cells of the rejects file, which must number rows as the lenient read did)."""
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(layout.header)))
    options = (
        f"header=false, skip={int(layout.skip)}, auto_detect=false, columns={{{cols}}}, delim=$csv_delim,"
        " quote='\"', escape='\"', strict_mode=true, max_line_size=10000000"
    )
    if sample:
        options += ", ignore_errors=true"
    elif lenient:
        options += f", ignore_errors=true, store_rejects=true, rejects_table='{REJECTS}', rejects_scan='{SCANS}'"
    return f"read_csv($csv_path, {options})"


def clear_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {REJECTS}")
    con.execute(f"DROP TABLE IF EXISTS {SCANS}")


def count_rejects(con: duckdb.DuckDBPyConnection) -> int:
    try:
        row = con.execute(f"SELECT count(DISTINCT line) FROM {REJECTS}").fetchone()
    except Exception:  # duckdb.CatalogException: nothing was rejected (the table is made on the first reject)
        return 0
    return int(row[0]) if row else 0


def first_reject(con: duckdb.DuckDBPyConnection, layout: Layout) -> DataError | None:
    """The first row the lenient read set aside, as the error a strict read reports."""
    try:
        row = con.execute(
            f"SELECT line, column_idx, error_type, error_message FROM {REJECTS} ORDER BY line, column_idx LIMIT 1"
        ).fetchone()
    except Exception:  # no rejects table: nothing was set aside
        return None
    if row is None:
        return None
    line, column_idx, kind, message = row
    line = physical_lines(layout, [int(line)]).get(int(line), int(line))
    return row_error(layout, line, int(column_idx or 0), str(kind), str(message or ""))


def physical_lines(layout: Layout, numbers: list[int]) -> dict[int, int]:
    """The file line each of DuckDB's rejected ``line`` numbers starts on. DuckDB counts records (a line break
    inside quoted text starts no new one), so after a multi-line post text its number was short of the line an
    editor shows. A workbook sheet's record number is its row number: kept."""
    if layout.read_path.name.startswith(".agile-social-sheet-"):
        return {}
    wanted, found = set(numbers), {}
    with open(layout.read_path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        lines = Lines(fh)
        start = 1
        try:
            for record, _ in enumerate(csv.reader(lines, delimiter=layout.delimiter), start=1):
                if record in wanted:
                    found[record] = start
                    if len(found) == len(wanted):
                        break
                start = lines.number + 1
        except csv.Error:  # a quote never closed: the records after it keep DuckDB's numbers
            pass
    return found


def row_error(layout: Layout, line: int, column_idx: int, kind: str, message: str) -> DataError:
    m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    expected, found = (m.group(1), m.group(2)) if m else (str(len(layout.header)), "?")
    what = _KINDS.get(kind, message or "cannot be read").format(expected=expected, found=found)
    column = ""
    if kind == "UNQUOTED VALUE" and 0 < column_idx <= len(layout.header):
        column = f", column {layout.header[column_idx - 1]!r}"
    elif kind == "MISSING COLUMNS" and found.isdigit() and int(found) < len(layout.header):
        column = f", column {layout.header[int(found)]!r} and after missing"
    return DataError(f"line {line}{column}: the row {what}", path=layout.path, line=line, hint=_FIX_ROW)


def structure_error(con: duckdb.DuckDBPyConnection, layout: Layout, text: str, params: dict[str, Any]) -> DataError:
    """The one-line error for a strict read that failed with DuckDB message ``text``."""
    if "invalid state" in text:
        return diagnose(layout) or _unreadable(layout)
    clear_rejects(con)
    probe = "_agile_social_csv_probe"
    try:  # read again, leniently and every column (no pushdown), to learn the line, column and kind of the bad row
        con.execute(f"CREATE OR REPLACE TEMP TABLE {probe} AS SELECT * FROM {csv_source(layout, lenient=True)}", params)
        row = con.execute(f"SELECT csv_line FROM {REJECTS} ORDER BY line LIMIT 1").fetchone()
        found = first_reject(con, layout)
        if row and str(row[0] or "")[:1] in ("\r", "\n"):
            # the row starts with a line break: the line endings may have changed (in a CRLF file it is only the LF)
            found = diagnose(layout) or found
    except Exception:  # duckdb.Error
        found = None
    finally:
        con.execute(f"DROP TABLE IF EXISTS {probe}")
        clear_rejects(con)
    if found is not None:
        return found
    m = re.search(r"Line: (\d+)", text)
    first = text.split("\n")[0].replace("Invalid Input Error: ", "")
    return DataError(f"malformed CSV: {first}", path=layout.path, line=int(m.group(1)) if m else None, hint=_FIX_ROW)


class Lines:
    """The physical lines of a text file with their endings, counted (for :func:`diagnose`)."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.number = 0
        self.ending = ""
        #: the line the record being read starts on (set by the reader's loop)
        self.start = 1

    def __iter__(self) -> Iterator[str]:
        for line in self.fh:
            self.number += 1
            self.ending = "\r\n" if line.endswith("\r\n") else line[-1:] if line[-1:] in "\r\n" else ""
            yield line


_ENDINGS = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


def diagnose(layout: Layout) -> DataError | None:
    """Read the file with the ``csv`` module to name the line DuckDB could not (it only said "invalid state", or
    its rejected row starts with a line break): mixed line endings, a stray quote, a row of the wrong width."""
    return _scan(layout, stop=None)


def mixed_head(layout: Layout) -> DataError | None:
    """Line endings that change within the lines DuckDB skips (a caption, the header, a description row) or at the
    first row. DuckDB's ``skip`` then drops rows without an error: a CRLF caption above LF rows lost the first row,
    and with more rows every row."""
    return _scan(layout, stop=layout.skip + 1)


def _scan(layout: Layout, stop: int | None) -> DataError | None:
    """The first fault the ``csv`` module sees in the first ``stop`` records (all when None): a change of line
    ending, a malformed quote, and (whole-file scans only) a data row of the wrong width."""
    fix = "save the file again with one kind of line ending (or repair the quotes on that line), then ingest it"
    width = len(layout.header)
    with open(layout.read_path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        lines = Lines(fh)
        reader = csv.reader(lines, delimiter=layout.delimiter, strict=True)
        first = ""
        try:
            for index, cells in enumerate(reader):
                start, lines.start = lines.start, lines.number + 1
                if lines.ending and not first:
                    first = lines.ending
                elif lines.ending and lines.ending != first:
                    return DataError(
                        f"line {lines.number}: the row ends with {_ENDINGS[lines.ending]} but the file's first line"
                        f" with {_ENDINGS[first]}: mixed line endings",
                        path=layout.path,
                        line=lines.number,
                        hint=fix,
                    )
                if stop is None and index >= layout.skip and cells and len(cells) != width:
                    kind = "MISSING COLUMNS" if len(cells) < width else "TOO MANY COLUMNS"
                    found = f"Expected Number of Columns: {width} Found: {len(cells)}"
                    return row_error(layout, start, 0, kind, found)
                if stop is not None and index + 1 >= stop:
                    break
        except csv.Error as exc:
            return DataError(
                f"line {lines.number}: malformed CSV ({exc})", path=layout.path, line=lines.number, hint=fix
            )
    return None


def _unreadable(layout: Layout) -> DataError:
    fix = "save the file again with one kind of line ending (or repair the quotes on that line), then ingest it"
    return DataError("the file cannot be read as CSV (DuckDB: invalid parser state)", path=layout.path, hint=fix)


def explain_cell(value: str, *, count: bool, decimal: str = ".", signed: bool = False) -> str:
    """Why a cell could not be read (for the one-line error; the value itself is quoted). ``signed``: the count may
    be negative (a net change such as YouTube's ``Subscribers``)."""
    text = value.strip()
    if not text:
        return "empty, but every row needs a value here"
    if not signed and re.fullmatch(r"-\s*[0-9][0-9.,:\s\u00a0\u202f']*", text):
        if count:
            return f"a negative count (counts cannot be below 0): {value!r}"
        return f"a negative value (durations and watch time cannot be below 0): {value!r}"
    if count:
        if "%" in text:
            return f"a percentage where a count belongs: {value!r}"
        if re.fullmatch(r"[+-]?[0-9.,]+[eE][+-]?[0-9]+", text):
            return f"scientific notation that is not a whole number, or too large: {value!r}"
        if re.fullmatch(r"[+-]?[0-9]+", text):
            return f"beyond the 64-bit integer range: {value!r}"
        if re.fullmatch(rf"[+-]?[0-9]+{re.escape(decimal)}[0-9]*[1-9][0-9]*", text):
            return f"not a whole number (counts are integers): {value!r}"
    return f"cannot read value {value!r}"
